/** Regression losses on the difference d = input − target. */
import type { Tensor } from '../../core/tensor.js';
import { checkFloat, checkSameShape, reduce, type Reduction } from './reduction.js';

export interface RegressionOptions {
  reduction?: Reduction;
}

function diff(op: string, input: Tensor, target: Tensor): Tensor {
  checkFloat(op, input, 'input');
  checkFloat(op, target, 'target');
  checkSameShape(op, input, target);
  return input.sub(target);
}

/** d². @example F.mseLoss(pred, y); */
export function mseLoss(input: Tensor, target: Tensor, options: RegressionOptions = {}): Tensor {
  return reduce(diff('MSELoss', input, target).square(), options.reduction ?? 'mean', 'MSELoss');
}

/** |d|. @example F.l1Loss(pred, y, { reduction: 'sum' }); */
export function l1Loss(input: Tensor, target: Tensor, options: RegressionOptions = {}): Tensor {
  return reduce(diff('L1Loss', input, target).abs(), options.reduction ?? 'mean', 'L1Loss');
}

/**
 * 0.5·d²/β where |d| < β, else |d| − 0.5·β (β = 0 gives L1).
 *
 * @example
 * F.smoothL1Loss(pred, y, { beta: 0.5 });
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: RegressionOptions & { beta?: number } = {}): Tensor {
  const op = 'SmoothL1Loss';
  const beta = options.beta ?? 1;
  if (beta < 0) throw new RangeError(`${op}: beta must be non-negative, got ${beta}`);
  const d = diff(op, input, target);
  const ad = d.abs();
  const loss = beta === 0 ? ad : d.square().mul(0.5 / beta).where(ad.lt(beta), ad.sub(0.5 * beta));
  return reduce(loss, options.reduction ?? 'mean', op);
}

/**
 * 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ).
 *
 * @example
 * F.huberLoss(pred, y, { delta: 2 });
 */
export function huberLoss(input: Tensor, target: Tensor, options: RegressionOptions & { delta?: number } = {}): Tensor {
  const op = 'HuberLoss';
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`${op}: delta must be positive, got ${delta}`);
  const d = diff(op, input, target);
  const ad = d.abs();
  return reduce(d.square().mul(0.5).where(ad.lt(delta), ad.sub(0.5 * delta).mul(delta)), options.reduction ?? 'mean', op);
}
