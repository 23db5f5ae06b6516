/** Reductions over dims (sum, mean, prod, max/min, arg-extremes, var, logsumexp, any/all) and their gradients. */
import type { ReduceOp } from '../backends/ops.js';
import type { DType } from '../base/dtype.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims, type Shape } from '../base/shape.js';
import { viewAs, viewOf } from '../core/dispatch.js';
import type { Tensor, VarOptions } from '../core/tensor.js';
import { apply, type Gradient } from './apply.js';
import { castTo } from './convert.js';
import { filled } from './creation.js';
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

/**
 * The gradient of y = reduce(x) over `dims` (y in keepdim form), given the output grad g in
 * keepdim form. `reads` says whether the rule needs x and y saved.
 */
type ReduceRule =
  | { reads: 'nothing'; grad: (g: Tensor, dims: readonly number[], shape: Shape) => Tensor }
  | { reads: 'inputAndOutput'; grad: (g: Tensor, dims: readonly number[], shape: Shape, x: Tensor, y: Tensor) => Tensor };

const REDUCE_GRADS: { readonly [O in ReduceOp]: ReduceRule | null } = {
  sum: { reads: 'nothing', grad: (g, dims, shape) => expandBack(g, shape, dims) },
  mean: { reads: 'nothing', grad: (g, dims, shape) => expandBack(g.div(dims.reduce((n, d) => n * shape[d], 1)), shape, dims) },
  prod: { reads: 'inputAndOutput', grad: prodGrad },
  max: { reads: 'inputAndOutput', grad: extremumGrad },
  min: { reads: 'inputAndOutput', grad: extremumGrad },
  // d logsumexp / dx = softmax(x) = exp(x − y)
  logsumexp: { reads: 'inputAndOutput', grad: (g, dims, shape, x, y) => expandBack(g, shape, dims).mul(x.sub(y).exp()) },
  argmax: null, argmin: null, any: null, all: null,
};

/**
 * d prod / d x_i = prod of the others: y / x_i without zeros; with one zero, only that position
 * gets the product of the non-zero others; with two or more, all zero.
 */
function prodGrad(g: Tensor, dims: readonly number[], shape: Shape, x: Tensor, y: Tensor): Tensor {
  const isZero = x.eq(0);
  const zeros = sum(isZero, dims, true);
  const prodNonZero = reduceKernel('prod', where(isZero, 1, x), dims, 'float32', true);
  const noZero = y.expand([...shape]).div(x);
  const oneZero = where(isZero, prodNonZero.expand([...shape]), 0);
  const local = where(zeros.eq(0), noZero, where(zeros.eq(1), oneZero, 0));
  return expandBack(g, shape, dims).mul(local);
}

/** amax/amin: the gradient is shared evenly among the tied extremes (as PyTorch does). */
function extremumGrad(g: Tensor, dims: readonly number[], shape: Shape, x: Tensor, y: Tensor): Tensor {
  const mask = x.eq(y.expand([...shape])).to('float32');
  const count = sum(mask, dims, true);
  return expandBack(g, shape, dims).mul(mask).div(count.expand([...shape]));
}

/**
 * Runs one reduce kernel over `dims`, the result shaped with the dims kept (as 1) or dropped,
 * recording the op's rule from REDUCE_GRADS when `differentiable` (a rule's inner steps pass
 * false). The kernel writes a keepdim view of the output, so dropping dims costs nothing.
 */
function reduceKernel(op: ReduceOp, x: Tensor, dims: readonly number[], outDType: DType, keepdim: boolean, differentiable = false): Tensor {
  const rule = differentiable ? REDUCE_GRADS[op] : null;
  const { keep, drop } = reducedShapes(x.shape, dims);
  return apply({
    name: capitalize(op), kind: 'reduce', inputs: [x], out: { shape: keepdim ? keep : drop, dtype: outDType },
    args(out) { return { op, x: viewOf(x), dims, out: viewAs(out, keep, contiguousStrides(keep)) }; },
    gradient: rule && ((out) => reduceGradient(rule, x, out, dims, keep)),
  });
}

/** The recorded rule; the saved output is handed to the rule in keepdim form. */
function reduceGradient(rule: ReduceRule, x: Tensor, out: Tensor, dims: readonly number[], keep: Shape): Gradient {
  const shape = x.shape;
  if (rule.reads === 'nothing') return { saved: [], backward: (g) => [rule.grad(g, dims, shape)] };
  return { saved: [x, out], backward: (g, [xs, ys]) => [rule.grad(g, dims, shape, xs, ys.reshape([...keep]))] };
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
  return reduceKernel('sum', input, dims, outDType, keepdim, true);
}

/** Mean over `dim` (all dims when omitted); float32 only, like PyTorch. */
export function mean(x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  if (x.dtype !== 'float32') {
    throw new TypeError(`mean: input dtype must be floating point, got ${x.dtype}; convert with .float() first`);
  }
  const dims = normalizeDims(dim, x.ndim, 'mean');
  return reduceKernel('mean', x, dims, 'float32', keepdim, true);
}

/** Product over one dim (all elements when omitted). Zeros are handled exactly in the gradient. */
export function prod(x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, 'prod');
  const outDType: DType = x.dtype === 'float32' ? 'float32' : 'int64';
  const input = x.dtype === 'bool' ? castTo(x, 'int64') : x;
  return reduceKernel('prod', input, dims, outDType, keepdim, true);
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
  return reduceKernel(kind, x, dims, x.dtype, keepdim, true);
}

/** max/min along one dim with the index of the winner; the gradient goes to that index. */
export function extremeDim(x: Tensor, kind: 'max' | 'min', dim: number, keepdim: boolean): ValuesIndices {
  x.assertAlive();
  const d = normalizeDim(dim, x.ndim, kind);
  checkNonEmpty(x, [d], kind);
  const indices = reduceKernel(kind === 'max' ? 'argmax' : 'argmin', x, [d], 'int64', keepdim);
  const shape = x.shape;
  const { keep, drop } = reducedShapes(shape, [d]);
  const values = apply({
    name: capitalize(kind), kind: 'reduce', inputs: [x], out: { shape: keepdim ? keep : drop, dtype: x.dtype },
    args(out) { return { op: kind, x: viewOf(x), dims: [d], out: viewAs(out, keep, contiguousStrides(keep)) }; },
    gradient() { return {
      saved: [indices],
      backward: (g, [ix]) => [filled(shape, 'float32', 0, g.storage.backend).scatterAdd(d, ix.reshape(keep), g.reshape(keep))],
    }; },
  });
  return { values, indices };
}

/** Index of the max/min along `dim`, or of the flattened tensor when omitted. int64. */
export function argExtreme(x: Tensor, op: 'argmax' | 'argmin', dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  if (dim === undefined) {
    const flat = x.reshape([-1]);
    checkNonEmpty(flat, [0], op);
    const out = reduceKernel(op, flat, [0], 'int64', true);
    return keepdim ? out.reshape(x.shape.map(() => 1)) : out.reshape([]);
  }
  const d = normalizeDim(dim, x.ndim, op);
  checkNonEmpty(x, [d], op);
  return reduceKernel(op, x, [d], 'int64', keepdim);
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
  return reduceKernel('logsumexp', input, dims, 'float32', keepdim, true);
}

/** any/all over one dim (all elements when omitted); bool result. */
export function logical(x: Tensor, op: 'any' | 'all', dim: number | undefined, keepdim: boolean): Tensor {
  x.assertAlive();
  const dims = normalizeDims(dim, x.ndim, op);
  const input = castTo(x, 'bool');
  return reduceKernel(op, input, dims, 'bool', keepdim);
}

function checkNonEmpty(x: Tensor, dims: readonly number[], op: string): void {
  for (const d of dims) {
    if (x.shape[d] === 0) {
      throw new RangeError(`${op}: cannot reduce over dimension ${d} of size 0 (input shape ${formatShape(x.shape)}); the operation has no identity`);
    }
  }
  if (dims.length === 0 && x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor`);
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
