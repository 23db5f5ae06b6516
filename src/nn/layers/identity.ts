/** Shape-only layers: Identity, Flatten, Unflatten. */
import type { Tensor } from '../../core/tensor.js';
import { Module } from '../module.js';
import { pyTuple } from '../repr.js';

/**
 * Returns its input unchanged (a placeholder, e.g. to remove a layer). Arguments are ignored.
 *
 * @example
 * new nn.Identity().forward(x) === x; // true
 */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x;
  }
}

/**
 * Merges dims startDim..endDim (default 1..-1: everything but the batch dim).
 *
 * @example
 * new nn.Flatten().forward(dl.zeros([2, 3, 4])).shape; // [2, 12]
 */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `unflattenedSize`.
 *
 * @example
 * new nn.Unflatten(1, [3, 4]).forward(dl.zeros([2, 12])).shape; // [2, 3, 4]
 */
export class Unflatten extends Module {
  readonly unflattenedSize: readonly number[];

  constructor(readonly dim: number, unflattenedSize: readonly number[]) {
    super();
    this.unflattenedSize = [...unflattenedSize];
  }

  override forward(x: Tensor): Tensor {
    return x.unflatten(this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
