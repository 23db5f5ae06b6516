/** Negative log-likelihood and cross-entropy (class indices or class probabilities). */
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { softmaxCrossEntropy } from '../../ops/cross_entropy.js';
import { checkFloat, reduce, type Reduction } from './reduction.js';

export interface NLLLossOptions {
  /** A weight per class, [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and are left out of the mean's denominator). Default -100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1−ε)·onehot + ε/C (PyTorch's definition). Default 0. */
  labelSmoothing?: number;
}

/** Input [N, C, d1...] (or [C]) flattened to rows [M, C] with the class dim last. */
function rows(input: Tensor): Tensor {
  if (input.ndim === 1) return input.unsqueeze(0);
  if (input.ndim === 2) return input;
  const order = [0, ...input.shape.map((_, i) => i).slice(2), 1];
  return input.permute(order).reshape([-1, input.shape[1]]);
}

/** The expected shape of class-index targets for `input`: input's shape without dim 1. */
function indexTargetShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : input.shape.filter((_, i) => i !== 1);
}

/** Host-side facts about class-index targets: safe indices, per-row weights, their sum. */
interface Picked {
  index: Tensor;
  rowWeight: Tensor;
  valid: Tensor;
  weightSum: number;
  /** Targets not ignored. */
  count: number;
}

function pickTargets(op: string, input: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): Picked {
  const C = input.ndim === 1 ? input.shape[0] : input.shape[1];
  if (target.dtype !== 'int64' && target.dtype !== 'int32') {
    throw new TypeError(`${op}: expected target of class indices with dtype int64, got ${target.dtype} of shape ${formatShape(target.shape)} ` +
      `for input ${formatShape(input.shape)}${target.dtype === 'float32' ? ' (class probabilities must have the input\'s shape)' : ''}`);
  }
  const expected = indexTargetShape(input);
  if (target.shape.join() !== expected.join()) {
    throw new Error(`${op}: expected target of shape ${formatShape(expected)} for input of shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
  }
  if (weight !== null && (weight.ndim !== 1 || weight.shape[0] !== C)) {
    throw new Error(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape ${formatShape(weight.shape)}`);
  }
  const t = Array.from(target.dataSync() as ArrayLike<number | bigint>, Number);
  const w = weight === null ? null : (weight.dataSync() as Float32Array);
  const index = new BigInt64Array(t.length);
  const rowWeight = new Float32Array(t.length);
  const valid = new Float32Array(t.length);
  let weightSum = 0;
  let count = 0;
  t.forEach((v, i) => {
    if (v === ignoreIndex) return;
    if (v < 0 || v >= C) throw new RangeError(`${op}: target ${v} is out of bounds for ${C} classes (input ${formatShape(input.shape)}, target ${formatShape(target.shape)})`);
    index[i] = BigInt(v);
    valid[i] = 1;
    rowWeight[i] = w === null ? 1 : w[v];
    weightSum += rowWeight[i];
    count++;
  });
  return {
    index: tensor(index, { shape: [t.length, 1] }),
    rowWeight: tensor(rowWeight),
    valid: tensor(valid),
    weightSum,
    count,
  };
}

/**
 * The common case — logits [N, C], class indices [N] all in range, no weights, no smoothing —
 * as one fused kernel forward and one backward, without reading the targets on the host. A
 * target the kernel refuses (out of range, or the ignore index) sends the caller to the general
 * path, which handles ignored targets and words the error for the loss.
 */
function fusedCrossEntropy(input: Tensor, target: Tensor, reduction: Reduction): Tensor | null {
  if (input.ndim !== 2 || target.ndim !== 1 || (target.dtype !== 'int64' && target.dtype !== 'int32') ||
      target.shape[0] !== input.shape[0] || input.dtype !== 'float32') return null;
  try {
    return softmaxCrossEntropy(input, target, reduction);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** −w[t]·logp[t] per row ([M]), zero where ignored. */
function picked(logp: Tensor, p: Picked): Tensor {
  return rows(logp).gather(1, p.index).reshape([-1]).mul(p.rowWeight).neg();
}

function reduceWeighted(op: string, perRow: Tensor, p: Picked, reduction: Reduction, targetShape: readonly number[]): Tensor {
  if (reduction === 'mean') return perRow.sum().div(p.weightSum);
  if (reduction === 'none') return perRow.reshape([...targetShape]);
  return reduce(perRow, reduction, op);
}

/**
 * loss_i = −w[y_i]·input[i, y_i] for log-probabilities `input` [N, C] (or [C], or [N, C, d1...]
 * with targets [N, d1...]); ignored targets contribute 0. 'mean' divides by Σ w[y_i] over the
 * targets not ignored, as PyTorch does.
 *
 * @example
 * F.nllLoss(logits.logSoftmax(1), labels);
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLLossOptions = {}): Tensor {
  const op = 'NLLLoss';
  checkFloat(op, input, 'input');
  const p = pickTargets(op, input, target, options.weight ?? null, options.ignoreIndex ?? -100);
  return reduceWeighted(op, picked(input, p), p, options.reduction ?? 'mean', target.shape);
}

/**
 * Cross-entropy of logits `input` [N, C] (or [C], or [N, C, d1...]) against class indices
 * (int64 [N, d1...]) or class probabilities (float, the input's shape), computed from
 * logSoftmax (stable for any logits). With label smoothing ε and C classes:
 * loss = (1−ε)·nll + (ε/C)·Σ_c −w_c·logp_c (PyTorch's definition; its 'mean' divides the
 * smoothing term by Σ w[y_i], or by the number of targets not ignored without weights). Probability targets: loss_i = −Σ_c w_c·y_ic·logp_ic,
 * 'mean' divides by the number of rows.
 *
 * @example
 * F.crossEntropy(logits, labels, { labelSmoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'CrossEntropyLoss';
  const reduction = options.reduction ?? 'mean';
  const weight = options.weight ?? null;
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new RangeError(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${eps}`);
  checkFloat(op, input, 'input');
  if (input.ndim === 0) throw new Error(`${op}: input must have a class dimension, got a 0-d tensor`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (target.dtype !== 'float32' && eps === 0 && weight === null && !(ignoreIndex >= 0 && ignoreIndex < C)) {
    const fused = fusedCrossEntropy(input, target, reduction);
    if (fused !== null) return fused;
  }
  const logp = input.logSoftmax(classDim);
  const wShape = input.shape.map((d, i) => (i === classDim ? d : 1));
  if (target.dtype === 'float32') {
    if (target.shape.join() !== input.shape.join()) {
      throw new Error(`${op}: class-probability target must have the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)} ` +
        `(class-index targets must be int64 of shape ${formatShape(indexTargetShape(input))})`);
    }
    if (weight !== null && (weight.ndim !== 1 || weight.shape[0] !== C)) {
      throw new Error(`${op}: weight tensor should be defined either for all ${C} classes or no classes but got weight tensor of shape ${formatShape(weight.shape)}`);
    }
    const y = eps > 0 ? target.mul(1 - eps).add(eps / C) : target;
    let prod = logp.mul(y);
    if (weight !== null) prod = prod.mul(weight.reshape(wShape));
    const perRow = prod.sum(classDim).neg();
    if (reduction === 'mean') return perRow.sum().div(input.numel() / C);
    return reduce(perRow, reduction, op);
  }
  const p = pickTargets(op, input, target, weight, ignoreIndex);
  const nll = reduceWeighted(op, picked(logp, p), p, reduction, target.shape);
  if (eps === 0) return nll;
  const weighted = weight === null ? logp : logp.mul(weight.reshape(wShape));
  const smoothRows = rows(weighted).sum(1).neg().mul(p.valid);
  let smooth: Tensor;
  if (reduction === 'mean') smooth = smoothRows.sum().div(weight === null ? p.count : p.weightSum);
  else if (reduction === 'none') smooth = smoothRows.reshape([...target.shape]);
  else smooth = smoothRows.sum();
  return nll.mul(1 - eps).add(smooth.mul(eps / C));
}
