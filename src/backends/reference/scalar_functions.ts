/**
 * Every unary and binary sub-op as a function of doubles. Float32 kernels compute in double and
 * round once when they store to a Float32Array, so these are the exact formulas of the contract
 * with no float32 shortcuts. Predicates and comparisons return 1 or 0 (bool elements).
 *
 * Integer dtypes reuse these where the double result is exact and override the rest
 * (wrapping arithmetic, integer power) in `integer_functions.ts`.
 */
import type { BinaryOp, UnaryOp } from '../ops.js';
import { erf, erfc } from './erf.js';

const SQRT1_2 = Math.SQRT1_2;
const ONE_OVER_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_CUBIC = 0.044715;
/** PyTorch's default softplus threshold: above it softplus(x) is x to float precision. */
const SOFTPLUS_THRESHOLD = 20;

/** Logistic sigmoid without overflow: exp is only ever taken of a non-positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Standard normal CDF Φ(x); through erfc so that the far left tail keeps its precision. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** Round half to even (banker's rounding), as torch.round does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // rounds halves toward +∞
  // Only an exact half can have been rounded the wrong way; move it to the even neighbour.
  return x - Math.floor(x) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The argument of tanh in the tanh approximation of GELU. */
function geluTanhInner(x: number): number {
  return SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x * x * x);
}

/** d/dx of 0.5·x·(1 + tanh(u(x))) with u = √(2/π)(x + 0.044715x³). */
function geluTanhDerivative(x: number): number {
  const t = Math.tanh(geluTanhInner(x));
  const du = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_CUBIC * x * x);
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
}

const bit = (b: boolean): number => (b ? 1 : 0);

/** Unary sub-ops on doubles. */
export const UNARY_FUNCTIONS: { readonly [O in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  abs: Math.abs,
  // ±0 → 0; NaN has no sign and gives 0, as PyTorch's (x > 0) - (x < 0) does
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  // NaN passes through, as in PyTorch's clamp_min-based relu.
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  gelu: (x) => x * normalCdf(x),
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(geluTanhInner(x))),
  silu: (x) => x * sigmoid(x),
  softplus: (x) => (x > SOFTPLUS_THRESHOLD ? x : Math.log1p(Math.exp(x))),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  isnan: (x) => bit(Number.isNaN(x)),
  isinf: (x) => bit(x === Infinity || x === -Infinity),
  isfinite: (x) => bit(Number.isFinite(x)),
  logicalNot: (x) => bit(x === 0), // NaN is truthy
};

/** C's pow, which differs from JavaScript's `**` in two cases that involve 1. */
export function powC(a: number, b: number): number {
  if (a === 1) return 1; // pow(1, y) = 1 even for y = NaN
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

/** Python's float modulus: the result has the sign of the divisor. fmod (JS `%`) is exact. */
export function remainderFloat(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && (m < 0) !== (b < 0) ? m + b : m;
}

/** Binary sub-ops on doubles. `*Backward` ops: a = incoming gradient, b = saved x (or y). */
export const BINARY_FUNCTIONS: { readonly [O in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: powC,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  atan2: Math.atan2,
  remainder: remainderFloat,
  eq: (a, b) => bit(a === b),
  ne: (a, b) => bit(a !== b),
  lt: (a, b) => bit(a < b),
  le: (a, b) => bit(a <= b),
  gt: (a, b) => bit(a > b),
  ge: (a, b) => bit(a >= b),
  logicalAnd: (a, b) => bit(a !== 0 && b !== 0),
  logicalOr: (a, b) => bit(a !== 0 || b !== 0),
  logicalXor: (a, b) => bit((a !== 0) !== (b !== 0)),
  // A select, not a product: a NaN gradient where x ≤ 0 still gives 0, as in PyTorch.
  reluBackward: (g, x) => (x > 0 ? g : 0),
  sigmoidBackward: (g, y) => g * y * (1 - y),
  tanhBackward: (g, y) => g * (1 - y * y),
  geluBackward: (g, x) => g * (normalCdf(x) + x * ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x)),
  geluTanhBackward: (g, x) => g * geluTanhDerivative(x),
  siluBackward: (g, x) => {
    const s = sigmoid(x);
    return g * s * (1 + x * (1 - s));
  },
  softplusBackward: (g, x) => (x > SOFTPLUS_THRESHOLD ? g : g * sigmoid(x)),
};
