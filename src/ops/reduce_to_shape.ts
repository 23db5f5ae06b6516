/** Un-broadcasting: sum a gradient back down to the shape of the input it flows to. */
import { shapesEqual, type Shape } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';

/**
 * Sum `g` over the dims that broadcasting added or expanded so that it has `shape`.
 * Returns `g` itself when the shapes already agree.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? g.sum(dims, { keepdim: true }) : g;
  return summed.reshape([...shape]);
}
