/**
 * Reductions over a set of dims. The output keeps x's rank with reduced dims of size 1, so one
 * walk over out's shape (with x's strides) visits the start of every reduced block, and a second
 * walk over the reduced dims only (x's shape with kept dims set to 1) visits the block.
 *
 * Floating results accumulate in double and round once on store. Integer and bool sums and
 * products accumulate in wrapping int64 (bigint), so int64 stays exact beyond 2^53.
 */
import { isFloating, type DType } from '../../base/dtype.js';
import type { OpArgs, ReduceOp } from '../ops.js';
import { castFunction } from './cast.js';
import { slots, StridedWalker, sizeOf, type ArrayOf, type Scalar, type KernelTable } from './strided.js';

/** The accumulation of one reduced block. */
interface Reducer {
  /** The dtype of the value `result` returns (cast to out's dtype afterwards). */
  readonly resultDType: DType;
  start(): void;
  /** The block's i-th element (row-major within the block). */
  step(v: Scalar, i: number): void;
  /** The reduced value of a block of `count` elements. */
  result(count: number): Scalar;
}

/** Ops that have no value for an empty block. */
const NEEDS_ELEMENTS: ReadonlySet<ReduceOp> = new Set<ReduceOp>(['max', 'min', 'argmax', 'argmin']);

const truthy = (v: Scalar): boolean => v !== 0 && v !== 0n;

/** sum, mean or prod in double. */
function doubleAccumulator(op: 'sum' | 'mean' | 'prod'): Reducer {
  let acc = 0;
  return {
    resultDType: 'float32',
    start() { acc = op === 'prod' ? 1 : 0; },
    step(v) { if (op === 'prod') acc *= Number(v); else acc += Number(v); },
    result: (count) => (op === 'mean' ? acc / count : acc), // empty mean: 0/0 = NaN
  };
}

/** sum or prod of integers or bools, wrapping in int64. */
function int64Accumulator(op: 'sum' | 'prod'): Reducer {
  let acc = 0n;
  return {
    resultDType: 'int64',
    start() { acc = op === 'prod' ? 1n : 0n; },
    step(v) { acc = BigInt.asIntN(64, op === 'prod' ? acc * BigInt(v) : acc + BigInt(v)); },
    result: () => acc,
  };
}

/**
 * max/min (`wantIndex` false) or argmax/argmin (true). `better(v, best)` says v replaces the
 * best so far; for floats a NaN beats everything and, once held, is never replaced — so NaN
 * propagates and the first NaN wins. Strict comparisons keep the first of equal values.
 */
function extremum(dtype: DType, isMax: boolean, wantIndex: boolean): Reducer {
  const floating = isFloating(dtype);
  let best: Scalar = 0;
  let bestIndex = 0;
  const better = floating
    ? (v: Scalar, b: Scalar) => b === b && (v !== v || (isMax ? v > b : v < b))
    : (v: Scalar, b: Scalar) => (isMax ? v > b : v < b);
  return {
    resultDType: wantIndex ? 'int64' : dtype,
    start() { bestIndex = -1; },
    step(v, i) {
      if (bestIndex < 0 || better(v, best)) { best = v; bestIndex = i; }
    },
    result: () => (wantIndex ? BigInt(bestIndex) : best),
  };
}

/** any (`wantAll` false) or all (true). */
function logical(wantAll: boolean): Reducer {
  let acc = wantAll;
  return {
    resultDType: 'bool',
    start() { acc = wantAll; },
    step(v) { acc = wantAll ? acc && truthy(v) : acc || truthy(v); },
    result: () => (acc ? 1 : 0),
  };
}

/**
 * log Σ exp(x), shifted by the block's max m: m + log Σ exp(x − m). An all −∞ block gives −∞
 * (not the NaN of −∞ − −∞); a +∞ gives +∞; a NaN gives NaN. Keeps the block, then two passes.
 */
function logsumexp(capacity: number): Reducer {
  const values = new Float64Array(capacity);
  return {
    resultDType: 'float32',
    start() { /* values are overwritten by index */ },
    step(v, i) { values[i] = Number(v); },
    result(count) {
      let m = -Infinity;
      for (let i = 0; i < count; i++) {
        const v = values[i];
        if (v !== v) return NaN;
        if (v > m) m = v;
      }
      if (m === -Infinity || m === Infinity) return m;
      let sum = 0;
      for (let i = 0; i < count; i++) sum += Math.exp(values[i] - m);
      return m + Math.log(sum);
    },
  };
}

function makeReducer(op: ReduceOp, dtype: DType, count: number): Reducer {
  const integral = !isFloating(dtype);
  switch (op) {
    case 'sum': return integral ? int64Accumulator('sum') : doubleAccumulator('sum');
    case 'prod': return integral ? int64Accumulator('prod') : doubleAccumulator('prod');
    case 'mean': return doubleAccumulator('mean');
    case 'max': return extremum(dtype, true, false);
    case 'min': return extremum(dtype, false, false);
    case 'argmax': return extremum(dtype, true, true);
    case 'argmin': return extremum(dtype, false, true);
    case 'any': return logical(false);
    case 'all': return logical(true);
    case 'logsumexp': return logsumexp(count);
  }
}

/**
 * Reduce x over `dims` into out (same rank, reduced dims of size 1). Throws a RangeError for
 * max/min/argmax/argmin over an empty block, which has no answer.
 */
export function reduceKernel({ op, x, dims, out }: OpArgs['reduce'], arrayOf: ArrayOf): void {
  const rank = x.shape.length;
  const reduced = new Set(dims.map((d) => (d < 0 ? d + rank : d)));
  const blockShape = x.shape.map((n, d) => (reduced.has(d) ? n : 1));
  const count = sizeOf(blockShape);
  if (count === 0 && NEEDS_ELEMENTS.has(op)) {
    throw new RangeError(`${op}(): cannot reduce over a zero-size dimension`);
  }
  const reducer = makeReducer(op, x.dtype, count);
  const cast = castFunction(reducer.resultDType, out.dtype);
  const src = slots(arrayOf(x));
  const dst = slots(arrayOf(out));
  // The block walk carries offsets relative to the block's start; `reset(start)` places it.
  const block = new StridedWalker(blockShape, [{ strides: x.strides, offset: 0 }]);
  const outer = new StridedWalker(out.shape, [x, out]);
  for (let j = 0; j < outer.size; j++, outer.next()) {
    reducer.start();
    block.reset(outer.offsets[0]);
    for (let i = 0; i < count; i++, block.next()) reducer.step(src[block.offsets[0]], i);
    dst[outer.offsets[1]] = cast(reducer.result(count));
  }
}

/** This family's kernels, by op kind. */
export const REDUCE_KERNELS: KernelTable<'reduce'> = { reduce: reduceKernel };
