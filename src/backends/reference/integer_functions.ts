/**
 * Sub-ops whose integer semantics differ from "compute in double, then convert": arithmetic that
 * wraps like C's fixed-width integers, integer power, Python's integer modulus, and int64
 * versions of everything that must stay exact beyond 2^53 (so they work on bigints).
 * Sub-ops missing here fall back to the double functions (see `element_functions.ts`).
 */
import type { BinaryOp, UnaryOp } from '../ops.js';

/** Thrown for integer modulus by zero, where PyTorch raises ZeroDivisionError. */
function divisionByZero(): never {
  throw new RangeError('ZeroDivisionError: integer remainder by zero');
}

/**
 * Integer power by repeated squaring, wrapping to 32 bits at every step so the result is the
 * true power modulo 2^32. A negative exponent gives 1/aⁿ truncated toward zero: 0 unless |a| = 1.
 */
function powInt32(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let result = 1;
  for (let base = a, e = b; e > 0; e >>>= 1, base = Math.imul(base, base)) {
    if (e & 1) result = Math.imul(result, base);
  }
  return result;
}

const wrap64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/** `powInt32` for int64. */
function powInt64(a: bigint, b: bigint): bigint {
  if (b < 0n) return a === 1n ? 1n : a === -1n ? (b & 1n ? -1n : 1n) : 0n;
  let result = 1n;
  for (let base = a, e = b; e > 0n; e >>= 1n, base = wrap64(base * base)) {
    if (e & 1n) result = wrap64(result * base);
  }
  return result;
}

/** Python's integer modulus (the result takes the divisor's sign); `%` truncates. */
function remainderInt32(a: number, b: number): number {
  if (b === 0) divisionByZero();
  const m = a % b;
  // |m| < |b|, so m + b stays in range; `| 0` turns INT32_MIN % -1 (= -0) into 0.
  return (m !== 0 && (m < 0) !== (b < 0) ? m + b : m) | 0;
}

/** `remainderInt32` for int64. */
function remainderInt64(a: bigint, b: bigint): bigint {
  if (b === 0n) divisionByZero();
  const m = a % b;
  return m !== 0n && (m < 0n) !== (b < 0n) ? m + b : m;
}

/** int32 overrides: wrap to 32 bits. Inputs and results are int32 numbers. */
export const INT32_BINARY: { readonly [O in BinaryOp]?: (a: number, b: number) => number } = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  pow: powInt32,
  remainder: remainderInt32,
};

/** int32 unary overrides: negating or squaring INT32_MIN wraps. */
export const INT32_UNARY: { readonly [O in UnaryOp]?: (x: number) => number } = {
  neg: (x) => -x | 0,
  abs: (x) => Math.abs(x) | 0,
  square: (x) => Math.imul(x, x),
};

const bit = (b: boolean): number => (b ? 1 : 0);

/**
 * int64 sub-ops on bigints. Arithmetic returns a bigint, comparisons and logical ops return
 * a bool element (1/0).
 */
export const INT64_BINARY: { readonly [O in BinaryOp]?: (a: bigint, b: bigint) => bigint | number } = {
  add: (a, b) => wrap64(a + b),
  sub: (a, b) => wrap64(a - b),
  mul: (a, b) => wrap64(a * b),
  pow: powInt64,
  remainder: remainderInt64,
  maximum: (a, b) => (a > b ? a : b),
  minimum: (a, b) => (a < b ? a : b),
  eq: (a, b) => bit(a === b),
  ne: (a, b) => bit(a !== b),
  lt: (a, b) => bit(a < b),
  le: (a, b) => bit(a <= b),
  gt: (a, b) => bit(a > b),
  ge: (a, b) => bit(a >= b),
  logicalAnd: (a, b) => bit(a !== 0n && b !== 0n),
  logicalOr: (a, b) => bit(a !== 0n || b !== 0n),
  logicalXor: (a, b) => bit((a !== 0n) !== (b !== 0n)),
  reluBackward: (g, x) => (x > 0n ? g : 0n),
};

/** int64 unary sub-ops that stay exact (rounding functions are the identity on integers). */
export const INT64_UNARY: { readonly [O in UnaryOp]?: (x: bigint) => bigint | number } = {
  neg: (x) => wrap64(-x),
  abs: (x) => wrap64(x < 0n ? -x : x),
  sign: (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n),
  square: (x) => wrap64(x * x),
  relu: (x) => (x > 0n ? x : 0n),
  floor: (x) => x,
  ceil: (x) => x,
  round: (x) => x,
  trunc: (x) => x,
  isnan: () => 0,
  isinf: () => 0,
  isfinite: () => 1,
  logicalNot: (x) => bit(x === 0n),
};
