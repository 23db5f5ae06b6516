/** Reductions over dims (sum, mean, prod, max/min, arg-extremes, var, logsumexp, any/all) and their gradients. */
import { record } from '../autograd/record.js';
import type { ReduceOp } from '../backends/ops.js';
import { emptyTensor, runKernel, viewOf } from '../core/dispatch.js';
import type { DType } from '../base/dtype.js';
import { formatShape, normalizeDim, normalizeDims } from '../base/shape.js';
import type { Tensor, VarOptions } from '../core/tensor.js';
import { castTo } from './convert.js';
import { where } from './elementwise.js';

/** Result of max/min/sort/topk along a dim. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** Shape with `dims` set to 1 (keepdim form) and without them. */
function reducedShapes(shape: readonly number[], dims: readonly number[]): { keep: number[]; drop: number[] } {
  const keep = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const drop = shape.filter((_, i) => !dims.includes(i));
  return { keep, drop };
}

/** Run one reduce kernel; returns the keepdim-shaped result. */
function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], outDType: DType): Tensor {
  const { keep } = reducedShapes(x.shape, dims);
  const out = emptyTensor(keep, outDType, x.storage.backend);
  runKernel(x.storage.backend, 'reduce', { op, x: viewOf(x), dims, out: viewOf(out) });
  return out;
}

/** Drop the reduced dims unless keepdim (a view of a contiguous result). */
function finish(out: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  if (keepdim) return out;
  return out.reshape(reducedShapes(x.shape, dims).drop);
}

/** Broadcast a reduced gradient back to the input's shape (a stride-0 view, no copy). */
function expandBack(g: Tensor, inputShape: readonly number[], dims: readonly number[]): Tensor {
  return g.reshape(reducedShapes(inputShape, dims).keep).expand([...inputShape]);
}

/** Sum over `dim` (all dims when omitted). Integers and bools sum to int64, as in PyTorch. */
export function sum(x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, 'sum');
  const outDType: DType = x.dtype === 'float32' ? 'float32' : 'int64';
  const input = x.dtype === 'bool' ? castTo(x, 'int64') : x;
  const out = finish(reduceKernel('sum', input, dims, outDType), x, dims, keepdim);
  const shape = x.shape;
  return record(out, 'SumBackward', [x], [], (g) => [expandBack(g, shape, dims)]);
}

/** Mean over `dim` (all dims when omitted); float32 only, like PyTorch. */
export function mean(x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  if (x.dtype !== 'float32') {
    throw new TypeError(`mean: input dtype must be floating point, got ${x.dtype}; convert with .float() first`);
  }
  const dims = normalizeDims(dim, x.ndim, 'mean');
  const out = finish(reduceKernel('mean', x, dims, 'float32'), x, dims, keepdim);
  const shape = x.shape;
  const count = dims.reduce((n, d) => n * shape[d], 1);
  return record(out, 'MeanBackward', [x], [], (g) => [expandBack(g.div(count), shape, dims)]);
}

/** Product over one dim (all elements when omitted). Zeros are handled exactly in the gradient. */
export function prod(x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, 'prod');
  const outDType: DType = x.dtype === 'float32' ? 'float32' : 'int64';
  const input = x.dtype === 'bool' ? castTo(x, 'int64') : x;
  const keepOut = reduceKernel('prod', input, dims, outDType);
  const out = finish(keepOut, x, dims, keepdim);
  const shape = x.shape;
  return record(out, 'ProdBackward', [x], [x, keepOut], (g, [xs, y]) => {
    // d prod / d x_i = prod of the others: y / x_i without zeros; with one zero, only that
    // position gets the product of the non-zero others; with two or more, all zero.
    const isZero = xs.eq(0);
    const zeros = sum(isZero, dims, true);
    const prodNonZero = reduceKernel('prod', where(isZero, 1, xs), dims, 'float32');
    const noZero = y.expand([...shape]).div(xs);
    const oneZero = where(isZero, prodNonZero.expand([...shape]), 0);
    const local = where(zeros.eq(0), noZero, where(zeros.eq(1), oneZero, 0));
    return [expandBack(g, shape, dims).mul(local)];
  });
}

/** The max or min of all elements (0-d); gradient shared evenly among ties. */
export function extremeAll(x: Tensor, kind: 'max' | 'min'): Tensor {
  return amax(x, kind, undefined, false);
}

/** amax/amin over dims: values only, gradient shared evenly among tied maxima (as PyTorch). */
export function amax(x: Tensor, kind: 'max' | 'min', dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, kind);
  checkNonEmpty(x, dims, kind);
  const keepOut = reduceKernel(kind, x, dims, x.dtype);
  const out = finish(keepOut, x, dims, keepdim);
  const shape = x.shape;
  return record(out, kind === 'max' ? 'MaxBackward' : 'MinBackward', [x], [x, keepOut], (g, [xs, y]) => {
    const mask = xs.eq(y.expand([...shape])).to('float32');
    const count = sum(mask, dims, true);
    return [expandBack(g, shape, dims).mul(mask).div(count.expand([...shape]))];
  });
}

/** max/min along one dim with the index of the winner; the gradient goes to that index. */
export function extremeDim(x: Tensor, kind: 'max' | 'min', dim: number, keepdim: boolean): ValuesIndices {
  x.assertAlive();
  const d = normalizeDim(dim, x.ndim, kind);
  checkNonEmpty(x, [d], kind);
  const valuesKeep = reduceKernel(kind, x, [d], x.dtype);
  const indicesKeep = reduceKernel(kind === 'max' ? 'argmax' : 'argmin', x, [d], 'int64');
  const shape = x.shape;
  const values = record(finish(valuesKeep, x, [d], keepdim), kind === 'max' ? 'MaxBackward' : 'MinBackward', [x], [indicesKeep], (g, [ix]) => {
    const zeros = emptyTensor(shape, 'float32', g.storage.backend);
    runKernel(g.storage.backend, 'fill', { out: viewOf(zeros), value: 0 });
    return [zeros.scatterAdd(d, ix, g.reshape(reducedShapes(shape, [d]).keep))];
  });
  return { values, indices: finish(indicesKeep, x, [d], keepdim) };
}

/** Index of the max/min along `dim`, or of the flattened tensor when omitted. int64. */
export function argExtreme(x: Tensor, op: 'argmax' | 'argmin', dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  if (dim === undefined) {
    const flat = x.reshape([-1]);
    checkNonEmpty(flat, [0], op);
    const out = reduceKernel(op, flat, [0], 'int64');
    return keepdim ? out.reshape(x.shape.map(() => 1)) : out.reshape([]);
  }
  const d = normalizeDim(dim, x.ndim, op);
  checkNonEmpty(x, [d], op);
  return finish(reduceKernel(op, x, [d], 'int64'), x, [d], keepdim);
}

/** Variance with Bessel's correction by default (`correction: 1`); `unbiased: false` means correction 0. */
export function variance(x: Tensor, dim: number | readonly number[] | undefined, options: VarOptions): Tensor {
  x.assertAlive();
  if (x.dtype !== 'float32') throw new TypeError(`var: input dtype must be floating point, got ${x.dtype}`);
  const dims = normalizeDims(dim, x.ndim, 'var');
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  const centered = x.sub(mean(x, dims, true));
  return sum(centered.square(), dims, options.keepdim ?? false).div(Math.max(0, count - correction));
}

/** log(sum(exp(x))) over dims, computed stably; gradient softmax(x) · g. */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim: boolean): Tensor {
  x.assertAlive();
  const input = castTo(x, 'float32');
  const dims = normalizeDims(dim, x.ndim, 'logsumexp');
  const keepOut = reduceKernel('logsumexp', input, dims, 'float32');
  const out = finish(keepOut, x, dims, keepdim);
  const shape = x.shape;
  return record(out, 'LogsumexpBackward', [x], [input, keepOut], (g, [xs, y]) =>
    [expandBack(g, shape, dims).mul(xs.sub(y).exp())]);
}

/** any/all over one dim (all elements when omitted); bool result. */
export function logical(x: Tensor, op: 'any' | 'all', dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, op);
  const input = castTo(x, 'bool');
  return finish(reduceKernel(op, input, dims, 'bool'), x, dims, keepdim);
}

function checkNonEmpty(x: Tensor, dims: readonly number[], op: string): void {
  for (const d of dims) {
    if (x.shape[d] === 0) {
      throw new RangeError(`${op}: cannot reduce over dimension ${d} of size 0 (input shape ${formatShape(x.shape)}); the operation has no identity`);
    }
  }
  if (dims.length === 0 && x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor`);
}
