/**
 * Elementwise ops with NumPy/PyTorch broadcasting and type promotion, and their gradients.
 *
 * Gradient rules live in two tables typed over every unary and binary op, so adding an op to
 * the kernel contract without saying how it differentiates is a compile error. `null` marks an
 * op as non-differentiable (predicates, comparisons, step functions). Every op runs through
 * `apply` (./apply.ts).
 */
import { COMPARISON_OPS, PREDICATE_UNARY_OPS, type BinaryOp, type UnaryOp } from '../backends/ops.js';
import { promoteTypes, promoteWithScalar, type DType } from '../base/dtype.js';
import { describeValue } from '../base/options.js';
import { broadcastShapes, broadcastStrides, formatShape, shapesEqual, type Shape } from '../base/shape.js';
import { viewAs, viewOf } from '../core/dispatch.js';
import { Tensor, type TensorOrScalar } from '../core/tensor.js';
import { apply, type Gradient } from './apply.js';
import { castTo } from './convert.js';
import { filled } from './creation.js';
import { sumToShape } from './reduce_to_shape.js';

/** Unary ops that keep an integer dtype; every other op computes in float32. */
const INTEGER_UNARY: ReadonlySet<UnaryOp> = new Set<UnaryOp>(
  ['neg', 'abs', 'sign', 'square', 'relu', 'floor', 'ceil', 'round', 'trunc', 'isnan', 'isinf', 'isfinite', 'logicalNot']);

/** Binary ops that keep an integer dtype when both operands are integral. */
const INTEGER_BINARY: ReadonlySet<BinaryOp> = new Set<BinaryOp>(
  ['add', 'sub', 'mul', 'pow', 'maximum', 'minimum', 'remainder', ...COMPARISON_OPS]);

/** Gradient of y = f(x): given the output grad g, the input x and the output y. */
type UnaryGrad = (g: Tensor, x: Tensor, y: Tensor) => Tensor;
/** Which of x and y a unary rule reads, so only those are saved. */
interface UnaryRule { grad: UnaryGrad; saves: 'x' | 'y' | 'xy' | 'none' }

/** d/dx erf(x) = 2/√π · exp(−x²). */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

const UNARY_GRADS: { readonly [O in UnaryOp]: UnaryRule | null } = {
  neg: { grad: (g) => g.neg(), saves: 'none' },
  abs: { grad: (g, x) => g.mul(x.sign()), saves: 'x' },
  sign: null,
  square: { grad: (g, x) => g.mul(x).mul(2), saves: 'x' },
  reciprocal: { grad: (g, _x, y) => g.mul(y.square()).neg(), saves: 'y' },
  exp: { grad: (g, _x, y) => g.mul(y), saves: 'y' },
  expm1: { grad: (g, _x, y) => g.mul(y.add(1)), saves: 'y' },
  log: { grad: (g, x) => g.div(x), saves: 'x' },
  log1p: { grad: (g, x) => g.div(x.add(1)), saves: 'x' },
  sqrt: { grad: (g, _x, y) => g.div(y.mul(2)), saves: 'y' },
  rsqrt: { grad: (g, _x, y) => g.mul(y.pow(3)).mul(-0.5), saves: 'y' },
  sin: { grad: (g, x) => g.mul(x.cos()), saves: 'x' },
  cos: { grad: (g, x) => g.mul(x.sin()).neg(), saves: 'x' },
  tanh: { grad: (g, _x, y) => binary('tanhBackward', g, y), saves: 'y' },
  sigmoid: { grad: (g, _x, y) => binary('sigmoidBackward', g, y), saves: 'y' },
  relu: { grad: (g, _x, y) => binary('reluBackward', g, y), saves: 'y' },
  gelu: { grad: (g, x) => binary('geluBackward', g, x), saves: 'x' },
  geluTanh: { grad: (g, x) => binary('geluTanhBackward', g, x), saves: 'x' },
  silu: { grad: (g, x) => binary('siluBackward', g, x), saves: 'x' },
  softplus: { grad: (g, x) => binary('softplusBackward', g, x), saves: 'x' },
  erf: { grad: (g, x) => g.mul(x.square().neg().exp()).mul(TWO_OVER_SQRT_PI), saves: 'x' },
  floor: { grad: (g) => g.mul(0), saves: 'none' },
  ceil: { grad: (g) => g.mul(0), saves: 'none' },
  round: { grad: (g) => g.mul(0), saves: 'none' },
  trunc: { grad: (g) => g.mul(0), saves: 'none' },
  isnan: null,
  isinf: null,
  isfinite: null,
  logicalNot: null,
};

/** An operand of a binary op: a tensor, or a number (PyTorch's Python scalar). */
type Operand = Tensor | number;
/** What a rule for the gradient of operand a reads: a is a tensor there, b may be a number. */
interface ForA { a: Tensor; b: Operand }
/** Likewise for operand b. */
interface ForB { a: Operand; b: Tensor }

/**
 * The gradient of out = a (op) b with respect to each operand, before un-broadcasting. One rule
 * per side serves tensor–tensor and tensor–scalar calls alike, and only the sides that need a
 * gradient are computed. `reads` says what backward needs saved.
 */
type BinaryRule =
  | { reads: 'nothing'; a: (g: Tensor) => Tensor; b: (g: Tensor) => Tensor }
  | { reads: 'operands'; a: (g: Tensor, v: ForA) => Tensor; b: (g: Tensor, v: ForB) => Tensor }
  | { reads: 'operandsAndOutput'; a: (g: Tensor, v: ForA & { out: Tensor }) => Tensor; b: (g: Tensor, v: ForB & { out: Tensor }) => Tensor };

const BINARY_GRADS: { readonly [O in BinaryOp]: BinaryRule | null } = {
  add: { reads: 'nothing', a: (g) => g, b: (g) => g },
  sub: { reads: 'nothing', a: (g) => g, b: (g) => g.neg() },
  mul: { reads: 'operands', a: (g, { b }) => binary('mul', g, b), b: (g, { a }) => binary('mul', g, a) },
  div: {
    reads: 'operands',
    a: (g, { b }) => binary('div', g, b),
    b: (g, { a, b }) => binary('mul', g, a).div(b.square()).neg(),
  },
  pow: {
    reads: 'operandsAndOutput',
    // d/da a^b = b a^(b-1), taken as 0 where b = 0 (so 0^0 gives 0, not 0·∞, as in PyTorch)
    a: (g, { a, b }) => typeof b === 'number'
      ? (b === 0 ? g.mul(0) : g.mul(a.pow(b - 1)).mul(b))
      : g.mul(where(b.eq(0), 0, b.mul(a.pow(b.sub(1))))),
    // d/db a^b = a^b ln a, taken as 0 where a = 0 and b >= 0 (PyTorch's convention)
    b: (g, { a, b, out }) => typeof a === 'number'
      ? g.mul(out).mul(a === 0 ? where(b.ge(0), 0, -Infinity) : Math.log(a))
      : g.mul(out).mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, a.log())),
  },
  maximum: { reads: 'operands', a: (g, v) => g.mul(extremumWeight(v.a, v.b, 'gt')), b: (g, v) => g.mul(extremumWeight(v.b, v.a, 'gt')) },
  minimum: { reads: 'operands', a: (g, v) => g.mul(extremumWeight(v.a, v.b, 'lt')), b: (g, v) => g.mul(extremumWeight(v.b, v.a, 'lt')) },
  // atan2(a, b) differentiates to b / (a² + b²) in a and to −a / (a² + b²) in b
  atan2: {
    reads: 'operands',
    a: (g, { a, b }) => binary('mul', g, b).div(binary('add', a.square(), square(b))),
    b: (g, { a, b }) => binary('mul', g, a).neg().div(binary('add', square(a), b.square())),
  },
  remainder: { reads: 'operands', a: (g) => g, b: (g, { a, b }) => g.mul(binary('div', a, b).floor()).neg() },
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null,
  logicalAnd: null, logicalOr: null, logicalXor: null,
  reluBackward: null, sigmoidBackward: null, tanhBackward: null, geluBackward: null,
  geluTanhBackward: null, siluBackward: null, softplusBackward: null,
};

function square(v: Operand): Operand {
  return typeof v === 'number' ? v * v : v.square();
}

/**
 * maximum/minimum: the gradient goes to the winner, split evenly on ties (as PyTorch does).
 * The weight of `self` against `other`: 1 where `self` wins (`self (wins) other`), ½ on ties.
 */
function extremumWeight(self: Tensor, other: Operand, wins: 'gt' | 'lt'): Tensor {
  return binary(wins, self, other).to('float32').add(binary('eq', self, other).to('float32').mul(0.5));
}

/** Apply a unary op (`x.exp()`, `x.relu()`, ...). Integers are promoted to float32 where the math needs it. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  x.assertAlive();
  const computeDType: DType = x.dtype === 'float32' || INTEGER_UNARY.has(op) ? x.dtype : 'float32';
  if (x.dtype === 'bool' && !PREDICATE_UNARY_OPS.has(op) && computeDType === 'bool') {
    return unary(op, castTo(x, 'int64'));
  }
  const input = castTo(x, computeDType);
  const outDType: DType = PREDICATE_UNARY_OPS.has(op) ? 'bool' : computeDType;
  if (x.dtype !== 'float32' && ROUNDING_OPS.has(op)) return input === x ? x.clone() : input;
  const rule = UNARY_GRADS[op];
  return apply({
    name: capitalize(op), kind: 'unary', inputs: [x], out: { shape: input.shape, dtype: outDType },
    args(out) { return { op, x: viewOf(input), out: viewOf(out) }; },
    gradient: rule && ((out) => ({
      saved: rule.saves === 'x' ? [input] : rule.saves === 'y' ? [out] : rule.saves === 'xy' ? [input, out] : [],
      backward(g, s) {
        const xs = rule.saves === 'x' || rule.saves === 'xy' ? s[0] : input;
        const ys = rule.saves === 'y' ? s[0] : rule.saves === 'xy' ? s[1] : out;
        return [rule.grad(g, xs, ys)];
      },
    })),
  });
}

/** Rounding ops are the identity on integers. */
const ROUNDING_OPS: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['floor', 'ceil', 'round', 'trunc']);

/**
 * Arithmetic on two bool tensors stays bool in PyTorch: + is logical or, * logical and,
 * max/min are or/and; subtraction is refused.
 */
const BOOL_ARITHMETIC: Partial<Record<BinaryOp, BinaryOp>> = {
  add: 'logicalOr', mul: 'logicalAnd', maximum: 'logicalOr', minimum: 'logicalAnd',
};

/** The dtype a binary op computes in, and its output dtype. */
function binaryTypes(op: BinaryOp, compute: DType): { compute: DType; out: DType } {
  if (compute !== 'float32' && !INTEGER_BINARY.has(op)) compute = 'float32';
  if (compute === 'bool' && !COMPARISON_OPS.has(op)) compute = 'int64';
  return { compute, out: COMPARISON_OPS.has(op) ? 'bool' : compute };
}

/**
 * Apply a binary op with broadcasting: `binary('add', x, y)`, `binary('mul', x, 2)`.
 * A number operand behaves like PyTorch's Python scalar (it does not widen a float tensor).
 */
export function binary(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new TypeError(`${op}: at least one operand must be a tensor`);
  }
  checkOperand(op, 'input', a);
  checkOperand(op, 'other', b);
  if (typeof b === 'number') return binaryScalar(op, a as Tensor, b, false);
  if (typeof a === 'number') return binaryScalar(op, b, a, true);
  a.assertAlive();
  b.assertAlive();
  if (a.dtype === 'bool' && b.dtype === 'bool') {
    const logical = BOOL_ARITHMETIC[op];
    if (logical !== undefined) return binary(logical, a, b);
    if (op === 'sub') {
      throw new TypeError('sub: subtraction of two bool tensors is not supported; use logicalXor or logicalNot instead');
    }
  }
  const shape = broadcastShapes(a.shape, b.shape, op);
  const { compute, out: outDType } = binaryTypes(op, promoteTypes(a.dtype, b.dtype));
  const ac = castTo(a, compute);
  const bc = castTo(b, compute);
  const rule = BINARY_GRADS[op];
  return apply({
    name: capitalize(op), kind: 'binary', inputs: [a, b], out: { shape, dtype: outDType },
    args(out) { return {
      op,
      a: viewAs(ac, shape, broadcastStrides(ac.shape, ac.strides, shape)),
      b: viewAs(bc, shape, broadcastStrides(bc.shape, bc.strides, shape)),
      out: viewOf(out),
    }; },
    gradient: rule && ((out) => binaryGradient(rule, a, b, ac, bc, out)),
  });
}

/** A binary operand from user code must be a tensor or a number (a string would fail deep inside). */
function checkOperand(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number' && !(v instanceof Tensor)) {
    throw new TypeError(`${op}: ${name} must be a tensor or a number, got ${describeValue(v)}`);
  }
}

/** a (op) scalar, or scalar (op) a when `reverse`. */
function binaryScalar(op: BinaryOp, a: Tensor, scalar: number, reverse: boolean): Tensor {
  a.assertAlive();
  if (typeof scalar !== 'number') throw new TypeError(`${op}: expected a tensor or a number, got ${typeof scalar}`);
  const { compute, out: outDType } = binaryTypes(op, promoteWithScalar(a.dtype, scalar));
  const ac = castTo(a, compute);
  const rule = BINARY_GRADS[op];
  return apply({
    name: capitalize(op), kind: 'binaryScalar', inputs: [a], out: { shape: a.shape, dtype: outDType },
    args(out) { return { op, a: viewOf(ac), scalar, reverse, out: viewOf(out) }; },
    gradient: rule && ((out) => reverse ? binaryGradient(rule, scalar, a, scalar, ac, out) : binaryGradient(rule, a, scalar, ac, scalar, out)),
  });
}

/**
 * The recorded rule of one binary application: `a`, `b` are the operands as given (for the
 * edges and un-broadcasting), `ac`, `bc` as computed (cast), either may be a number.
 */
function binaryGradient(rule: BinaryRule, a: Operand, b: Operand, ac: Operand, bc: Operand, out: Tensor): Gradient {
  const aShape = typeof a === 'number' ? null : a.shape;
  const bShape = typeof b === 'number' ? null : b.shape;
  const aGrad = typeof a !== 'number' && a.requiresGrad;
  const bGrad = typeof b !== 'number' && b.requiresGrad;
  if (rule.reads === 'nothing') {
    // add and sub read no operand in backward: saving none keeps their inputs' memory free
    return {
      saved: [],
      backward(g) { return sides(aShape, bShape, aGrad ? rule.a(g) : null, bGrad ? rule.b(g) : null); },
    };
  }
  const operands = [ac, bc].filter((v): v is Tensor => typeof v !== 'number');
  // numbers are kept by value; tensors only through `saved` (the closure holds no tensor)
  const aScalar = typeof ac === 'number' ? ac : null;
  const bScalar = typeof bc === 'number' ? bc : null;
  const saved = rule.reads === 'operandsAndOutput' ? [...operands, out] : operands;
  return {
    saved,
    backward(g, s) {
      let k = 0;
      const va = aScalar ?? s[k++];
      const vb = bScalar ?? s[k++];
      if (rule.reads === 'operandsAndOutput') {
        const vo = s[k];
        return sides(aShape, bShape,
          aGrad ? rule.a(g, { a: va as Tensor, b: vb, out: vo }) : null,
          bGrad ? rule.b(g, { a: va, b: vb as Tensor, out: vo }) : null);
      }
      return sides(aShape, bShape, aGrad ? rule.a(g, { a: va as Tensor, b: vb }) : null, bGrad ? rule.b(g, { a: va, b: vb as Tensor }) : null);
    },
  };
}

/** The gradients of the tensor operands, summed back to their shapes, in input order. */
function sides(aShape: Shape | null, bShape: Shape | null, ga: Tensor | null, gb: Tensor | null): (Tensor | null)[] {
  const grads: (Tensor | null)[] = [];
  if (aShape !== null) grads.push(ga === null ? null : sumToShape(ga, aShape));
  if (bShape !== null) grads.push(gb === null ? null : sumToShape(gb, bShape));
  return grads;
}

/** x + alpha * other (PyTorch's `add` with alpha). */
export function add(x: Tensor, other: TensorOrScalar, alpha = 1): Tensor {
  if (alpha === 1) return binary('add', x, other);
  return binary('add', x, typeof other === 'number' ? other * alpha : binary('mul', other, alpha));
}

/** x - alpha * other. */
export function sub(x: Tensor, other: TensorOrScalar, alpha = 1): Tensor {
  if (alpha === 1) return binary('sub', x, other);
  return binary('sub', x, typeof other === 'number' ? other * alpha : binary('mul', other, alpha));
}

/** Clamp into [lo, hi]; either bound may be omitted. Gradient passes where the input was inside. */
export function clamp(x: Tensor, lo?: number, hi?: number): Tensor {
  x.assertAlive();
  if (lo === undefined && hi === undefined) throw new Error('clamp: at least one of min and max must be given');
  const low = lo ?? -Infinity;
  const high = hi ?? Infinity;
  const compute = x.dtype === 'float32' || (Number.isInteger(low) || !Number.isFinite(low)) && (Number.isInteger(high) || !Number.isFinite(high)) ? x.dtype : 'float32';
  const xc = castTo(x, compute === 'bool' ? 'int64' : compute);
  return apply({
    name: 'Clamp', kind: 'clamp', inputs: [x], out: { shape: x.shape, dtype: xc.dtype },
    args(out) { return { x: viewOf(xc), lo: low, hi: high, out: viewOf(out) }; },
    gradient() { return {
      saved: [xc],
      backward: (g, [xs]) => [g.mul(xs.ge(low).logicalAnd(xs.le(high)).to('float32'))],
    }; },
  });
}

/** Elementwise `cond ? a : b` with broadcasting across all three. */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  cond.assertAlive();
  if (typeof a === 'number' && typeof b === 'number') {
    a = scalarTensor(cond, a, 'float32');
    b = scalarTensor(cond, b, 'float32');
  } else if (typeof a === 'number') {
    a = scalarTensor(cond, a, promoteWithScalar((b as Tensor).dtype, a));
  } else if (typeof b === 'number') {
    b = scalarTensor(cond, b, promoteWithScalar(a.dtype, b));
  }
  const at = a as Tensor;
  const bt = b as Tensor;
  const shape = broadcastShapes(broadcastShapes(cond.shape, at.shape, 'where'), bt.shape, 'where');
  const dtype = promoteTypes(at.dtype, bt.dtype);
  const ac = castTo(at, dtype);
  const bc = castTo(bt, dtype);
  const cc = castTo(cond, 'bool');
  const aShape = at.shape;
  const bShape = bt.shape;
  return apply({
    name: 'Where', kind: 'where', inputs: [cond, at, bt], out: { shape, dtype },
    args(out) { return {
      cond: viewAs(cc, shape, broadcastStrides(cc.shape, cc.strides, shape)),
      a: viewAs(ac, shape, broadcastStrides(ac.shape, ac.strides, shape)),
      b: viewAs(bc, shape, broadcastStrides(bc.shape, bc.strides, shape)),
      out: viewOf(out),
    }; },
    gradient() { return {
      saved: [cc],
      backward: (g, [c]) => [
        null,
        at.requiresGrad ? sumToShape(where(c, g, 0), aShape) : null,
        bt.requiresGrad ? sumToShape(where(c, 0, g), bShape) : null,
      ],
    }; },
  });
}

/** A 0-d tensor holding `value`, on cond's backend (a scalar operand of `where`; it broadcasts). */
function scalarTensor(like: Tensor, value: number, dtype: DType): Tensor {
  return filled([], dtype, value, like.storage.backend);
}

/** @internal A float32 tensor of ones shaped like `x` (the seed gradient of `backward`). */
export function onesLikeInternal(x: Tensor): Tensor {
  return filled(x.shape, 'float32', 1, x.storage.backend);
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Checks two shapes are equal, naming the op (for ops that do not broadcast). */
export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new Error(`${op}: expected tensors of the same shape, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
}
