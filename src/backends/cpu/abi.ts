/**
 * The argument encoding shared with the native addon (`native/src/views.h`'s ArgReader).
 *
 * Before each `run(kindCode, subCode)` the arguments are written into one shared Float64Array
 * that the addon holds a reference to, so the N-API call itself carries two small ints:
 *   view   = handle, dtypeCode, offset, ndim, shape[ndim], strides[ndim]   (elements)
 *   scalar = one number
 * Per op kind: its encoder below writes the views, then the scalars, in the order the comment
 * above its `run_<kind>` in native/src/kernels_<family>.cc lists and that function reads.
 *
 * Every code is the position of its name in the contract's tuples (`DTYPES`, `OP_KINDS`,
 * `UNARY_OPS`, ... of backends/ops.ts), from which scripts/gen_native_codes.ts also generates the
 * native enums (native/src/op_codes.h). The tables are built once, and typed as exhaustive
 * mapped types, so a name missing from its tuple is a compile error.
 */
import { DTYPES, type DType } from '../../base/dtype.js';
import { isContiguous } from '../../base/shape.js';
import {
  BINARY_OPS, LOSS_REDUCTIONS, MATMUL_EPILOGUES, OP_KINDS, OPTIMIZER_ALGOS, OPTIMIZER_SCALAR_FIELDS, POOL_OPS, RANDOM_DISTRIBUTIONS, RECURRENT_MODES,
  REDUCE_OPS, UNARY_OPS,
  type BinaryOp, type ConvGeometry, type LossReduction, type MatmulEpilogue, type OpArgs, type OpKind, type OptimizerAlgo, type PoolOp, type PoolWindow,
  type RandomDistribution, type RecurrentMode, type ReduceOp, type UnaryOp, type View,
} from '../ops.js';

/** The most dims a view may have natively (kMaxDims); higher ranks run on the reference. */
export const MAX_NATIVE_DIMS = 16;
/** Length of the shared argument array: enough for four views of MAX_NATIVE_DIMS plus scalars. */
export const ARG_CAPACITY = 4 * (4 + 2 * MAX_NATIVE_DIMS) + 2 * MAX_NATIVE_DIMS + 16;

/** Name → position in `names`: the native code of each name. */
function codesOf<T extends string>(names: readonly T[]): { readonly [K in T]: number } {
  // Object.fromEntries keeps the table in V8's fast-property mode, as a literal would be.
  return Object.fromEntries(names.map((name, code) => [name, code])) as { readonly [K in T]: number };
}

export const DTYPE_CODES: { readonly [D in DType]: number } = codesOf(DTYPES);
export const KIND_CODES: { readonly [K in OpKind]: number } = codesOf(OP_KINDS);
export const EPILOGUE_CODES: { readonly [E in MatmulEpilogue]: number } = codesOf(MATMUL_EPILOGUES);
export const LOSS_REDUCTION_CODES: { readonly [R in LossReduction]: number } = codesOf(LOSS_REDUCTIONS);
export const RANDOM_CODES: { readonly [D in RandomDistribution]: number } = codesOf(RANDOM_DISTRIBUTIONS);
export const OPTIMIZER_CODES: { readonly [A in OptimizerAlgo]: number } = codesOf(OPTIMIZER_ALGOS);
export const UNARY_CODES: { readonly [O in UnaryOp]: number } = codesOf(UNARY_OPS);
export const BINARY_CODES: { readonly [O in BinaryOp]: number } = codesOf(BINARY_OPS);
export const REDUCE_CODES: { readonly [O in ReduceOp]: number } = codesOf(REDUCE_OPS);
export const POOL_CODES: { readonly [O in PoolOp]: number } = codesOf(POOL_OPS);
export const RECURRENT_CODES: { readonly [M in RecurrentMode]: number } = codesOf(RECURRENT_MODES);

/** Sub-op code of a query's op (0 for kinds without sub-ops). */
export function subCode(kind: OpKind, op: string | undefined): number {
  if (op === undefined) return 0;
  const table: Readonly<Record<string, number>> | undefined =
    kind === 'unary' ? UNARY_CODES : kind === 'binary' || kind === 'binaryScalar' ? BINARY_CODES
      : kind === 'reduce' ? REDUCE_CODES : kind === 'optimizerStep' ? OPTIMIZER_CODES
        : kind === 'random' ? RANDOM_CODES : kind === 'pool' || kind === 'poolBackward' ? POOL_CODES : undefined;
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
    // the named scalars in the contract's order; flags as 0 or 1
    const fields: readonly string[] = OPTIMIZER_SCALAR_FIELDS[algo];
    const values = scalars as Readonly<Record<string, number | boolean>>;
    w.num(fields.length); for (const f of fields) w.num(Number(values[f]));
    return OPTIMIZER_CODES[algo];
  },
  random: (w, { out, distribution, a, b, key0, key1, offset }) => {
    w.view(out); w.num(a); w.num(b); w.num(key0); w.num(key1); w.num(offset);
    return RANDOM_CODES[distribution];
  },
  conv: (w, { x, weight, bias, out, geometry, epilogue }) => {
    w.view(x); w.view(weight); w.view(out);
    if (bias === undefined) w.num(0);
    else { w.num(1); w.view(bias); }
    w.num(EPILOGUE_CODES[epilogue ?? 'none']);
    convGeometry(w, geometry);
    return 0;
  },
  pool: (w, { op, x, window, out, indices }) => { w.view(x); w.view(out); optionalView(w, indices); poolWindow(w, window); return POOL_CODES[op]; },
  poolBackward: (w, { op, grad, window, out, indices }) => { w.view(grad); w.view(out); optionalView(w, indices); poolWindow(w, window); return POOL_CODES[op]; },
  convBackwardData: (w, { grad, weight, out, geometry }) => { w.view(grad); w.view(weight); w.view(out); convGeometry(w, geometry); return 0; },
  convBackwardWeight: (w, { x, grad, out, geometry }) => { w.view(x); w.view(grad); w.view(out); convGeometry(w, geometry); return 0; },
  batchNorm: (w, { x, weight, bias, eps, out, mean, variance }) => {
    w.view(x); optionalView(w, weight); optionalView(w, bias); w.num(eps); w.view(out); w.view(mean); w.view(variance);
    return 0;
  },
  batchNormBackward: (w, { grad, x, mean, variance, weight, eps, dx, dweight, dbias }) => {
    w.view(grad); w.view(x); w.view(mean); w.view(variance); optionalView(w, weight); w.num(eps); w.view(dx); w.view(dweight); w.view(dbias);
    return 0;
  },
  recurrentSequence: (w, { mode, reverse, x, weightIh, biasIh, weightHh, biasHh, h0, c0, live, output, cells, saved, stepInputs }) => {
    w.num(reverse ? 1 : 0); w.view(x); w.view(weightIh); w.view(weightHh); w.view(h0); w.view(output);
    for (const v of [biasIh, biasHh, c0, live, cells, saved, stepInputs]) optionalView(w, v);
    return RECURRENT_CODES[mode];
  },
  recurrentSequenceBackward: (w, { mode, reverse, dOutput, dhN, dcN, weightHh, h0, c0, live, output, cells, saved, dxg, dhg, dh0, dc0, dbIh, dbHh }) => {
    w.num(reverse ? 1 : 0); w.view(weightHh); w.view(h0); w.view(output); w.view(dxg); w.view(dh0);
    for (const v of [dOutput, dhN, dcN, c0, live, cells, saved, dhg, dc0, dbIh, dbHh]) optionalView(w, v);
    return RECURRENT_CODES[mode];
  },
};

/** A convolution's geometry: spatial rank, then stride, padding and dilation per dim, then groups. */
function convGeometry(w: ArgWriter, { stride, padding, dilation, groups }: ConvGeometry): void {
  w.num(stride.length);
  for (const list of [stride, padding, dilation]) for (const v of list) w.num(v);
  w.num(groups);
}

/** A flag, then the view when present. */
function optionalView(w: ArgWriter, v: View | undefined): void {
  if (v === undefined) w.num(0);
  else { w.num(1); w.view(v); }
}

/** A pooling window: adaptive flag; for sliding windows the spatial rank, kernel, stride, padding and dilation per dim, countIncludePad, divisorOverride. */
function poolWindow(w: ArgWriter, window: PoolWindow): void {
  if (window.type === 'adaptive') { w.num(1); return; }
  w.num(0);
  w.num(window.kernel.length);
  for (const list of [window.kernel, window.stride, window.padding, window.dilation]) for (const v of list) w.num(v);
  w.num(window.countIncludePad ? 1 : 0);
  w.num(window.divisorOverride);
}
