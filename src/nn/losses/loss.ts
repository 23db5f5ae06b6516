/** Base class of loss modules: a Module with a `reduction`. */
import { option } from '../../base/options.js';
import { isTensor, type Tensor } from '../../core/tensor.js';
import type { Reduction } from '../functional/reduction.js';
import { Module } from '../module.js';

/**
 * Losses are modules (as in PyTorch) called as `loss.forward(input, target)`.
 *
 * @example
 * const lossFn = new nn.MSELoss({ reduction: 'sum' });
 */
export class Loss<R extends string = Reduction> extends Module {
  readonly reduction: R;

  constructor(reduction: R) {
    super();
    this.reduction = reduction;
  }
}

/** Every loss's `reduction`: 'mean' (default), 'sum' or 'none'. */
export const REDUCTION = option.choice(['none', 'mean', 'sum'], 'mean');
/** A rescaling weight (per class, or per element), or null. */
export const WEIGHT = option.custom<Tensor | null>('a Tensor or null', (v): v is Tensor | null => v === null || isTensor(v));
