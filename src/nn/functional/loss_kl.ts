/** Kullback–Leibler divergence. */
import type { Tensor } from '../../core/tensor.js';
import { checkFloat, checkSameShape, reduce } from './reduction.js';

export interface KLDivOptions {
  /** 'batchmean' (sum / batch size) is the mathematically correct KL; 'mean' averages over elements. Default 'mean' as PyTorch. */
  reduction?: 'none' | 'mean' | 'sum' | 'batchmean';
  /** The target is given as log-probabilities. */
  logTarget?: boolean;
}

/**
 * Pointwise KL(target ‖ exp(input)) for log-probabilities `input`: y·(log y − x), with 0 where
 * y = 0; with `logTarget`, e^y·(y − x).
 *
 * @example
 * F.klDiv(logits.logSoftmax(1), probs, { reduction: 'batchmean' });
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  const op = 'KLDivLoss';
  checkFloat(op, input, 'input');
  checkFloat(op, target, 'target');
  checkSameShape(op, input, target);
  // written as −y'·(x − log y) so the input is the first operand of `sub` (see engine note in the report)
  const loss = options.logTarget
    ? target.exp().mul(input.sub(target)).neg()
    : target.mul(input.sub(target.where(target.gt(0), 1).log())).neg();
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'batchmean') return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, reduction, op);
}
