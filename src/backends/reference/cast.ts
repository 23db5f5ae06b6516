/**
 * Conversions between dtypes, element by element, as PyTorch's `.to(dtype)` does them.
 *
 * - float → int truncates toward zero. NaN, ±Inf and values outside the integer range become
 *   the most negative integer, which is what x86's truncating conversion (and so PyTorch on
 *   x86) produces; C leaves these cases undefined.
 * - int → int wraps (two's complement), int64 → float32 rounds once to nearest even.
 * - anything → bool is `x != 0`, so NaN is true.
 */
import type { DType } from '../../base/dtype.js';
import type { Scalar } from './strided.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_63 = 2 ** 63;
const INT64_MIN = -(2n ** 63n);
const TWO_53 = 2n ** 53n;

/** float → int32 (truncate; NaN/Inf/out of range → INT32_MIN). */
export function floatToInt32(v: number): number {
  const t = Math.trunc(v);
  // Written so that NaN fails the test too.
  if (!(t >= INT32_MIN && t <= INT32_MAX)) return INT32_MIN;
  return t === 0 ? 0 : t; // no -0 in an integer
}

/** float → int64 (truncate; NaN/Inf/out of range → INT64_MIN). */
export function floatToInt64(v: number): bigint {
  const t = Math.trunc(v);
  if (!(t >= -TWO_63 && t < TWO_63)) return INT64_MIN;
  return BigInt(t);
}

/**
 * int64 → the float32 value nearest to it (ties to even), returned as a double that a
 * Float32Array stores exactly. `Number(v)` alone would round twice (to double, then to float32),
 * which can be off by one float32 ulp for values above 2^53.
 */
export function int64ToFloat32(v: bigint): number {
  if (v >= -TWO_53 && v <= TWO_53) return Number(v); // exact in a double; the store rounds once
  const negative = v < 0n;
  const magnitude = negative ? -v : v;
  const shift = BigInt(magnitude.toString(2).length - 24); // keep 24 significant bits
  let kept = magnitude >> shift;
  const dropped = magnitude - (kept << shift);
  const half = 1n << (shift - 1n);
  if (dropped > half || (dropped === half && (kept & 1n) === 1n)) kept += 1n;
  const result = Number(kept) * 2 ** Number(shift); // both factors exact, product exact
  return negative ? -result : result;
}

/** int64 → int32 by wrapping, like a C cast. */
export function int64ToInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/**
 * A number given for an element of `dtype` (fill values, scalar operands, clamp bounds),
 * converted to it. Float32 rounds the scalar first, as PyTorch casts a Python scalar to the
 * tensor's dtype before computing.
 */
export function numberToDType(value: number, dtype: DType): Scalar {
  switch (dtype) {
    case 'float32': return Math.fround(value);
    case 'bool': return value !== 0 ? 1 : 0;
    // An integral number is an integer literal: it wraps like one. A fractional one truncates.
    case 'int32': return Number.isInteger(value) ? Number(BigInt.asIntN(32, BigInt(value))) : floatToInt32(value);
    case 'int64': return Number.isInteger(value) ? BigInt.asIntN(64, BigInt(value)) : floatToInt64(value);
  }
}

const identity = (v: Scalar): Scalar => v;
const truthy = (v: Scalar): Scalar => (v !== 0 && v !== 0n ? 1 : 0);

/** The function that converts one element of `from` into an element of `to`. */
export function castFunction(from: DType, to: DType): (v: Scalar) => Scalar {
  if (from === to) return identity;
  if (to === 'bool') return truthy;
  if (from === 'int64') {
    if (to === 'float32') return (v) => int64ToFloat32(v as bigint);
    return (v) => int64ToInt32(v as bigint); // to int32
  }
  // from is float32, int32 or bool: the element is a number.
  if (to === 'int64') return from === 'float32' ? (v) => floatToInt64(v as number) : (v) => BigInt(v as number);
  if (to === 'int32' && from === 'float32') return (v) => floatToInt32(v as number);
  return identity; // int32/bool → float32 and bool → int32 are exact
}
