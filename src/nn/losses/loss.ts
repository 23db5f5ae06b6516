/** Base class of loss modules: a Module with a `reduction`. */
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
