/** sort, argsort and topk along a dim. */
import { record } from '../autograd/record.js';
import { emptyTensor, runKernel, viewOf } from '../core/dispatch.js';
import { normalizeDim } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { ValuesIndices } from './reduce.js';

/** Stable sort along dim; NaN sorts as the largest value. Gradient flows back through the permutation. */
export function sort(x: Tensor, dim: number, descending: boolean): ValuesIndices {
  x.assertAlive();
  const backend = x.storage.backend;
  if (x.ndim === 0) {
    const indices = emptyTensor([], 'int64', backend);
    runKernel(backend, 'fill', { out: viewOf(indices), value: 0 });
    return { values: x.clone(), indices };
  }
  const d = normalizeDim(dim, x.ndim, 'sort');
  const values = emptyTensor(x.shape, x.dtype, backend);
  const indices = emptyTensor(x.shape, 'int64', backend);
  runKernel(backend, 'sort', { x: viewOf(x), dim: d, descending, values: viewOf(values), indices: viewOf(indices) });
  const shape = x.shape;
  record(values, 'SortBackward', [x], [indices], (g, [ix]) => [scatterBack(g, shape, d, ix)]);
  return { values, indices };
}

function scatterBack(g: Tensor, shape: readonly number[], dim: number, index: Tensor): Tensor {
  const z = emptyTensor(shape, g.dtype, g.storage.backend);
  runKernel(g.storage.backend, 'fill', { out: viewOf(z), value: 0 });
  return z.scatterAdd(dim, index, g);
}

export function argsort(x: Tensor, dim: number, descending: boolean): Tensor {
  return sort(x, dim, descending).indices;
}

/** The k largest (or smallest) entries along dim, in sorted order, with their indices. */
export function topk(x: Tensor, k: number, dim: number, largest: boolean, _sorted: boolean): ValuesIndices {
  x.assertAlive();
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, 'topk');
  const size = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RangeError(`topk: k (${k}) is out of range for dimension ${d} of size ${size}`);
  }
  const { values, indices } = sort(x, d, largest);
  if (x.ndim === 0) return { values, indices };
  const topIndices = indices.narrow(d, 0, k).contiguous();
  const topValues = x.gather(d, topIndices);
  return { values: topValues, indices: topIndices };
}
