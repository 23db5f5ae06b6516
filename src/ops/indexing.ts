/** Index-driven ops: gather, scatterAdd, indexSelect, maskedFill, oneHot, and their gradients. */
import { formatShape, normalizeDim } from '../base/shape.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply } from './apply.js';
import { castTo, contiguousCopy } from './convert.js';
import { filled } from './creation.js';
import { where } from './elementwise.js';

function checkIndexDType(op: string, index: Tensor): void {
  if (index.dtype !== 'int64' && index.dtype !== 'int32') {
    throw new TypeError(`${op}: expected an int64 or int32 index tensor, got ${index.dtype}`);
  }
}

/** Zeros of `shape` with x's dtype, on x's backend. */
function zerosLike(shape: readonly number[], x: Tensor): Tensor {
  return filled(shape, x.dtype, 0, x.storage.backend);
}

/** Shape rule of gather/scatter: same rank, index no larger than x outside `dim`. */
function checkGatherShapes(op: string, x: Tensor, dim: number, index: Tensor, what: string): void {
  if (index.ndim !== x.ndim) {
    throw new RangeError(`${op}: index ${formatShape(index.shape)} must have the same number of dimensions as ${what} ${formatShape(x.shape)}`);
  }
  for (let d = 0; d < x.ndim; d++) {
    if (d !== dim && index.shape[d] > x.shape[d]) {
      throw new RangeError(`${op}: size of index ${formatShape(index.shape)} exceeds ${what} ${formatShape(x.shape)} at dimension ${d}`);
    }
  }
}

/** out[i][j] = x[i][index[i][j]] along dim 1 (and likewise for other dims), like torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  x.assertAlive();
  index.assertAlive();
  checkIndexDType('gather', index);
  const d = normalizeDim(dim, x.ndim, 'gather');
  checkGatherShapes('gather', x, d, index, 'input');
  const shape = x.shape;
  return apply({
    name: 'Gather', kind: 'gather', inputs: [x, index], out: { shape: index.shape, dtype: x.dtype },
    args(out) { return { x: viewOf(x), dim: d, index: viewOf(index), out: viewOf(out) }; },
    gradient() { return { saved: [index], backward: (g, [ix]) => [zerosLike(shape, g).scatterAdd(d, ix, g), null] }; },
  });
}

/** A copy of x with src added at the positions index names along dim (torch.scatter_add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  x.assertAlive();
  index.assertAlive();
  src.assertAlive();
  checkIndexDType('scatterAdd', index);
  const d = normalizeDim(dim, x.ndim, 'scatterAdd');
  checkGatherShapes('scatterAdd', x, d, index, 'self');
  checkGatherShapes('scatterAdd', src, d === x.ndim ? d : d, index, 'src');
  const source = castTo(src, x.dtype);
  return apply({
    name: 'ScatterAdd', kind: 'scatterAdd', inputs: [x, index, src], out: { into: contiguousCopy(x) },
    args(out) { return { out: viewOf(out), dim: d, index: viewOf(index), src: viewOf(source) }; },
    gradient() { return { saved: [index], backward: (g, [ix]) => [g, null, src.requiresGrad ? g.gather(d, ix) : null] }; },
  });
}

/** The entries of x at `index` (1-D) along dim. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  x.assertAlive();
  index.assertAlive();
  checkIndexDType('indexSelect', index);
  if (index.ndim > 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${formatShape(index.shape)}`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  const idx = index.ndim === 0 ? index.reshape([1]) : index;
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = idx.shape[0];
  const inShape = x.shape;
  return apply({
    name: 'IndexSelect', kind: 'indexSelect', inputs: [x, idx], out: { shape, dtype: x.dtype },
    args(out) { return { x: viewOf(x), dim: d, index: viewOf(idx), out: viewOf(out) }; },
    gradient() { return {
      saved: [idx],
      backward: (g, [ix]) => [apply({
        name: 'IndexAdd', kind: 'indexAdd', inputs: [ix, g], out: { into: zerosLike(inShape, g) },
        args(z) { return { out: viewOf(z), dim: d, index: viewOf(ix), src: viewOf(g) }; },
      }), null],
    }; },
  });
}

/** x with `value` where mask is true (mask broadcasts to x); dtype of x kept. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (mask.dtype !== 'bool') throw new TypeError(`maskedFill: expected a bool mask, got ${mask.dtype}`);
  const out = where(mask, value, x);
  if (out.shape.join() !== x.shape.join()) {
    throw new RangeError(`maskedFill: mask of shape ${formatShape(mask.shape)} does not broadcast to input of shape ${formatShape(x.shape)}`);
  }
  return castTo(out, x.dtype);
}

/**
 * One-hot encoding of integer class labels: shape [...labels.shape, numClasses], int64.
 * numClasses defaults to max(label) + 1.
 */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  labels.assertAlive();
  if (labels.dtype !== 'int64' && labels.dtype !== 'int32') {
    throw new TypeError(`oneHot: class values must be int64 or int32, got ${labels.dtype}`);
  }
  const flat = labels.dataSync();
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of flat) {
    const n = Number(v);
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  const classes = numClasses === -1 ? (flat.length === 0 ? 0 : hi + 1) : numClasses;
  if (flat.length > 0 && lo < 0) throw new RangeError(`oneHot: class values must be non-negative, found ${lo}`);
  if (flat.length > 0 && hi >= classes) throw new RangeError(`oneHot: class value ${hi} is out of range for numClasses=${classes}`);
  const out = filled([...labels.shape, classes], 'int64', 0, labels.storage.backend);
  if (flat.length === 0) return out;
  const ones = filled([...labels.shape, 1], 'int64', 1, labels.storage.backend);
  const index = labels.unsqueeze(-1);
  return apply({
    name: 'OneHot', kind: 'scatterAdd', inputs: [index, ones], out: { into: out },
    args(o) { return { out: viewOf(o), dim: labels.ndim, index: viewOf(index), src: viewOf(ones) }; },
  });
}
