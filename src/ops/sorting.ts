/** sort, argsort and topk along a dim. */
import { normalizeDim } from '../base/shape.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { applyMulti } from './apply.js';
import { filled } from './creation.js';
import type { ValuesIndices } from './reduce.js';

/** Stable sort along dim; NaN sorts as the largest value. Gradient flows back through the permutation. */
export function sort(x: Tensor, dim: number, descending: boolean): ValuesIndices {
  x.assertAlive();
  if (x.ndim === 0) return { values: x.clone(), indices: filled([], 'int64', 0, x.storage.backend) };
  const d = normalizeDim(dim, x.ndim, 'sort');
  const shape = x.shape;
  const [values, indices] = applyMulti({
    name: 'Sort', kind: 'sort', inputs: [x], outs: [{ shape, dtype: x.dtype }, { shape, dtype: 'int64' }],
    args([v, ix]) { return { x: viewOf(x), dim: d, descending, values: viewOf(v), indices: viewOf(ix) }; },
    gradient([, ix]) { return {
      saved: [ix],
      backward: (g, [index]) => [filled(shape, g.dtype, 0, g.storage.backend).scatterAdd(d, index, g)],
    }; },
  });
  return { values, indices };
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
