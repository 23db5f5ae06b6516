/** Binary cross-entropy on probabilities and on logits. */
import type { Tensor } from '../../core/tensor.js';
import { checkFloat, checkSameShape, reduce, type Reduction } from './reduction.js';

export interface BCEOptions {
  /** Rescales each element's loss (broadcast to the input's shape). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of the positive term per class (broadcast along the last dim), to trade recall for precision. */
  posWeight?: Tensor | null;
}

/**
 * loss = −w·(y·log x + (1−y)·log(1−x)) for probabilities x; each log is clamped at −100, as
 * PyTorch does, so x = 0 or 1 gives a finite loss.
 *
 * @example
 * F.binaryCrossEntropy(dl.tensor([0.9, 0.2]), dl.tensor([1, 0]).float());
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const op = 'BCELoss';
  checkFloat(op, input, 'input');
  checkFloat(op, target, 'target');
  checkSameShape(op, input, target);
  const logX = input.log().clamp(-100);
  const log1mX = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logX).add(target.neg().add(1).mul(log1mX)).neg();
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean', op);
}

/**
 * Sigmoid + binary cross-entropy in one stable expression:
 * loss = w·((1−y)·x + (1 + (p−1)·y)·softplus(−x)), with softplus(−x) = log(1+e^{−x}) computed
 * without overflow; p is posWeight (1 when absent).
 *
 * @example
 * F.binaryCrossEntropyWithLogits(logits, targets, { posWeight: dl.tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  const op = 'BCEWithLogitsLoss';
  checkFloat(op, input, 'input');
  checkFloat(op, target, 'target');
  checkSameShape(op, input, target);
  const spNeg = input.neg().softplus();
  const oneMinusY = target.neg().add(1);
  const logWeight = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : null;
  let loss = oneMinusY.mul(input).add(logWeight === null ? spNeg : logWeight.mul(spNeg));
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean', op);
}
