/** The `reduction` option shared by losses, and input checks that name the loss. */
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';

export type Reduction = 'none' | 'mean' | 'sum';

/** 'none' keeps the per-element losses, 'mean' averages them, 'sum' adds them. */
export function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case 'none': return loss;
    case 'mean': return loss.mean();
    case 'sum': return loss.sum();
    default: throw new Error(`${op}: ${JSON.stringify(reduction)} is not a valid value for reduction (expected 'none', 'mean' or 'sum')`);
  }
}

/** Losses comparing two float tensors elementwise require equal shapes (no silent broadcasting). */
export function checkSameShape(op: string, input: Tensor, target: Tensor, what = 'target'): void {
  if (input.shape.join() !== target.shape.join()) {
    throw new Error(`${op}: ${what} size ${formatShape(target.shape)} must be the same as input size ${formatShape(input.shape)}`);
  }
}

/** Float32 inputs only, naming the loss. */
export function checkFloat(op: string, t: Tensor, what: string): void {
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected ${what} of dtype float32, got ${t.dtype} (shape ${formatShape(t.shape)})`);
}
