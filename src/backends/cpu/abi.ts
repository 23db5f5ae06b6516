/**
 * The argument encoding shared with the native addon (`native/src/views.h`, `kernels.h`).
 *
 * Before each `run(kindCode, subCode)` the arguments are written into one shared Float64Array
 * that the addon holds a reference to, so the N-API call itself carries two small ints:
 *   view   = handle, dtypeCode, offset, ndim, shape[ndim], strides[ndim]   (elements)
 *   scalar = one number
 * Per op kind: the views in the order of `OpArgs`' documentation in kernels.h, then scalars.
 *
 * The code tables are exhaustive mapped types, so adding an op kind, sub-op or dtype to the
 * contract without giving it a native code is a compile error. The numbers are the native
 * enums' values (views.h), not positions in the TypeScript arrays.
 */
import type { DType } from '../../base/dtype.js';
import { isContiguous } from '../../base/shape.js';
import type {
  BinaryOp, LossReduction, MatmulEpilogue, OpArgs, OpKind, OptimizerAlgo, RandomDistribution, ReduceOp, UnaryOp, View,
} from '../ops.js';

/** The most dims a view may have natively (kMaxDims); higher ranks run on the reference. */
export const MAX_NATIVE_DIMS = 16;
/** Length of the shared argument array: enough for four views of MAX_NATIVE_DIMS plus scalars. */
export const ARG_CAPACITY = 4 * (4 + 2 * MAX_NATIVE_DIMS) + 2 * MAX_NATIVE_DIMS + 16;

export const DTYPE_CODES: { readonly [D in DType]: number } = { float32: 0, int32: 1, int64: 2, bool: 3 };

export const KIND_CODES: { readonly [K in OpKind]: number } = {
  fill: 0, copy: 1, unary: 2, binary: 3, binaryScalar: 4, clamp: 5, where: 6, reduce: 7, softmax: 8,
  matmul: 9, gather: 10, scatterAdd: 11, indexSelect: 12, indexAdd: 13, sort: 14, optimizerStep: 15, random: 16,
  crossEntropy: 17, crossEntropyBackward: 18,
};

/** gemm.h's GemmEpilogue enum. */
export const EPILOGUE_CODES: { readonly [E in MatmulEpilogue]: number } = { none: 0, relu: 1 };

/** kernels_loss.cc's Reduction enum (the sub-op code of the loss kernels). */
export const LOSS_REDUCTION_CODES: { readonly [R in LossReduction]: number } = { none: 0, sum: 1, mean: 2 };

/** kernels_random.cc's distribution codes. */
export const RANDOM_CODES: { readonly [D in RandomDistribution]: number } = { uniform: 0, normal: 1, bernoulli: 2 };

/** kernels_optim.cc's Algo enum. */
export const OPTIMIZER_CODES: { readonly [A in OptimizerAlgo]: number } = {
  sgd: 0, adam: 1, adamax: 2, nadam: 3, radam: 4, rmsprop: 5, adagrad: 6, adadelta: 7,
};

export const UNARY_CODES: { readonly [O in UnaryOp]: number } = {
  neg: 0, abs: 1, sign: 2, square: 3, reciprocal: 4, exp: 5, expm1: 6, log: 7, log1p: 8, sqrt: 9,
  rsqrt: 10, sin: 11, cos: 12, tanh: 13, sigmoid: 14, relu: 15, gelu: 16, geluTanh: 17, silu: 18,
  softplus: 19, erf: 20, floor: 21, ceil: 22, round: 23, trunc: 24, isnan: 25, isinf: 26,
  isfinite: 27, logicalNot: 28,
};

export const BINARY_CODES: { readonly [O in BinaryOp]: number } = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, atan2: 7, remainder: 8,
  eq: 9, ne: 10, lt: 11, le: 12, gt: 13, ge: 14, logicalAnd: 15, logicalOr: 16, logicalXor: 17,
  reluBackward: 18, sigmoidBackward: 19, tanhBackward: 20, geluBackward: 21, geluTanhBackward: 22,
  siluBackward: 23, softplusBackward: 24,
};

export const REDUCE_CODES: { readonly [O in ReduceOp]: number } = {
  sum: 0, mean: 1, prod: 2, max: 3, min: 4, argmax: 5, argmin: 6, any: 7, all: 8, logsumexp: 9,
};

/** Sub-op code of a query's op (0 for kinds without sub-ops). */
export function subCode(kind: OpKind, op: string | undefined): number {
  if (op === undefined) return 0;
  const table: Record<string, number> | undefined =
    kind === 'unary' ? UNARY_CODES : kind === 'binary' || kind === 'binaryScalar' ? BINARY_CODES
      : kind === 'reduce' ? REDUCE_CODES : kind === 'optimizerStep' ? OPTIMIZER_CODES
        : kind === 'random' ? RANDOM_CODES : undefined;
  return table?.[op] ?? 0;
}

/** Writes arguments into the shared array; `ok` turns false if something cannot be encoded. */
export class ArgWriter {
  pos = 0;
  ok = true;
  constructor(readonly args: Float64Array) {}

  reset(): void {
    this.pos = 0;
    this.ok = true;
  }

  view(v: View): void {
    const n = v.shape.length;
    if (n > MAX_NATIVE_DIMS) {
      this.ok = false;
      return;
    }
    const a = this.args;
    let p = this.pos;
    a[p++] = v.buffer;
    a[p++] = DTYPE_CODES[v.dtype];
    a[p++] = v.offset;
    a[p++] = n;
    for (let i = 0; i < n; i++) a[p++] = v.shape[i];
    for (let i = 0; i < n; i++) a[p++] = v.strides[i];
    this.pos = p;
  }

  num(x: number): void {
    this.args[this.pos++] = x;
  }

  /** A contiguous view of `n` elements as rank 1 (`ok` turns false if it is not contiguous). */
  flatView(v: View, n: number): void {
    if (!isContiguous(v.shape, v.strides)) this.ok = false;
    const a = this.args;
    let p = this.pos;
    a[p++] = v.buffer;
    a[p++] = DTYPE_CODES[v.dtype];
    a[p++] = v.offset;
    a[p++] = 1;
    a[p++] = n;
    a[p++] = 1;
    this.pos = p;
  }
}

/** Encodes one op's arguments and returns its sub-op code. */
type Encoder<K extends OpKind> = (w: ArgWriter, args: OpArgs[K]) => number;

export const ENCODERS: { readonly [K in OpKind]: Encoder<K> } = {
  fill: (w, { out, value }) => { w.view(out); w.num(value); return 0; },
  copy: (w, { x, out }) => { w.view(x); w.view(out); return 0; },
  unary: (w, { op, x, out }) => { w.view(x); w.view(out); return UNARY_CODES[op]; },
  binary: (w, { op, a, b, out }) => { w.view(a); w.view(b); w.view(out); return BINARY_CODES[op]; },
  binaryScalar: (w, { op, a, scalar, reverse, out }) => {
    w.view(a); w.view(out); w.num(scalar); w.num(reverse ? 1 : 0);
    return BINARY_CODES[op];
  },
  clamp: (w, { x, lo, hi, out }) => { w.view(x); w.view(out); w.num(lo); w.num(hi); return 0; },
  where: (w, { cond, a, b, out }) => { w.view(cond); w.view(a); w.view(b); w.view(out); return 0; },
  reduce: (w, { op, x, dims, out }) => {
    w.view(x); w.view(out);
    if (dims.length > MAX_NATIVE_DIMS) w.ok = false;
    else { w.num(dims.length); for (const d of dims) w.num(d); }
    return REDUCE_CODES[op];
  },
  softmax: (w, { x, dim, log, out }) => { w.view(x); w.view(out); w.num(dim); w.num(log ? 1 : 0); return 0; },
  matmul: (w, { a, b, out, addend, epilogue }) => {
    w.view(a); w.view(b); w.view(out);
    if (addend === undefined) w.num(0);
    else { w.num(1); w.view(addend); }
    w.num(EPILOGUE_CODES[epilogue ?? 'none']);
    return 0;
  },
  gather: (w, { x, dim, index, out }) => { w.view(x); w.view(index); w.view(out); w.num(dim); return 0; },
  scatterAdd: (w, { out, dim, index, src }) => { w.view(out); w.view(index); w.view(src); w.num(dim); return 0; },
  indexSelect: (w, { x, dim, index, out }) => { w.view(x); w.view(index); w.view(out); w.num(dim); return 0; },
  indexAdd: (w, { out, dim, index, src }) => { w.view(out); w.view(index); w.view(src); w.num(dim); return 0; },
  sort: (w, { x, dim, descending, values, indices }) => {
    w.view(x); w.view(values); w.view(indices); w.num(dim); w.num(descending ? 1 : 0);
    return 0;
  },
  crossEntropy: (w, { x, target, reduction, out }) => {
    w.view(x); w.view(target); w.view(out);
    return LOSS_REDUCTION_CODES[reduction];
  },
  crossEntropyBackward: (w, { x, target, grad, reduction, out }) => {
    w.view(x); w.view(target); w.view(grad); w.view(out);
    return LOSS_REDUCTION_CODES[reduction];
  },
  optimizerStep: (w, { algo, param, grad, state, scalars }) => {
    // every operand is contiguous with param's size: pass them as flat runs (rank 1)
    let n = 1;
    for (const d of param.shape) n *= d;
    w.flatView(param, n); w.flatView(grad, n);
    w.num(state.length); for (const s of state) w.flatView(s, n);
    w.num(scalars.length); for (const s of scalars) w.num(s);
    return OPTIMIZER_CODES[algo];
  },
  random: (w, { out, distribution, a, b, key0, key1, offset }) => {
    w.view(out); w.num(a); w.num(b); w.num(key0); w.num(key1); w.num(offset);
    return RANDOM_CODES[distribution];
  },
};
