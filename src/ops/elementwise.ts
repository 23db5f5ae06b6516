/**
 * Elementwise ops with NumPy/PyTorch broadcasting and type promotion, and their gradients.
 *
 * Gradient rules live in two tables typed over every unary and binary op, so adding an op to
 * the kernel contract without saying how it differentiates is a compile error. `null` marks an
 * op as non-differentiable (predicates, comparisons, step functions).
 */
import { needsGrad, record } from '../autograd/record.js';
import { COMPARISON_OPS, PREDICATE_UNARY_OPS, type BinaryOp, type UnaryOp } from '../backends/ops.js';
import { commonBackend, emptyTensor, runKernel, viewAs, viewOf } from '../core/dispatch.js';
import { promoteTypes, promoteWithScalar, type DType } from '../base/dtype.js';
import { broadcastShapes, broadcastStrides, formatShape, shapesEqual } from '../base/shape.js';
import type { Tensor, TensorOrScalar } from '../core/tensor.js';
import { castTo } from './convert.js';
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

const SQRT_2_OVER_PI_TIMES_2 = 2 / Math.sqrt(Math.PI);

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
  erf: { grad: (g, x) => g.mul(x.square().neg().exp()).mul(SQRT_2_OVER_PI_TIMES_2), saves: 'x' },
  floor: { grad: (g) => g.mul(0), saves: 'none' },
  ceil: { grad: (g) => g.mul(0), saves: 'none' },
  round: { grad: (g) => g.mul(0), saves: 'none' },
  trunc: { grad: (g) => g.mul(0), saves: 'none' },
  isnan: null,
  isinf: null,
  isfinite: null,
  logicalNot: null,
};

/** Gradients of out = a (op) b with respect to a and b, before un-broadcasting. */
type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

const BINARY_GRADS: { readonly [O in BinaryOp]: BinaryGrad | null } = {
  add: (g) => [g, g],
  sub: (g) => [g, g.neg()],
  mul: (g, a, b) => [g.mul(b), g.mul(a)],
  div: (g, a, b) => [g.div(b), g.mul(a).div(b.square()).neg()],
  pow: (g, a, b, out) => [
    // d/da a^b = b a^(b-1), taken as 0 where b = 0 (so 0^0 gives 0, not 0·∞, as in PyTorch)
    g.mul(where(b.eq(0), 0, b.mul(a.pow(b.sub(1))))),
    // d/db a^b = a^b ln a, taken as 0 where a = 0 and b >= 0 (PyTorch's convention)
    g.mul(out).mul(where(a.eq(0).logicalAnd(b.ge(0)), 0, a.log())),
  ],
  maximum: (g, a, b) => extremumGrads(g, a, b, 'gt'),
  minimum: (g, a, b) => extremumGrads(g, a, b, 'lt'),
  atan2: (g, a, b) => {
    const denom = a.square().add(b.square());
    return [g.mul(b).div(denom), g.mul(a).neg().div(denom)];
  },
  remainder: (g, a, b) => [g, g.mul(a.div(b).floor()).neg()],
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null,
  logicalAnd: null, logicalOr: null, logicalXor: null,
  reluBackward: null, sigmoidBackward: null, tanhBackward: null, geluBackward: null,
  geluTanhBackward: null, siluBackward: null, softplusBackward: null,
};

/** maximum/minimum: the gradient goes to the winner, split evenly on ties (as PyTorch does). */
function extremumGrads(g: Tensor, a: Tensor, b: Tensor, wins: 'gt' | 'lt'): [Tensor, Tensor] {
  const aWins = binary(wins, a, b).to('float32');
  const tie = a.eq(b).to('float32').mul(0.5);
  const wa = aWins.add(tie);
  const wb = wa.neg().add(1);
  return [g.mul(wa), g.mul(wb)];
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
  if (x.dtype !== 'float32' && ['floor', 'ceil', 'round', 'trunc'].includes(op)) return input === x ? x.clone() : input;
  const backend = commonBackend(op, input);
  const out = emptyTensor(input.shape, outDType, backend);
  runKernel(backend, 'unary', { op, x: viewOf(input), out: viewOf(out) });
  const rule = UNARY_GRADS[op];
  if (rule === null || !needsGrad([x])) return out;
  const saved = rule.saves === 'x' ? [input] : rule.saves === 'y' ? [out] : rule.saves === 'xy' ? [input, out] : [];
  return record(out, `${capitalize(op)}Backward`, [x], saved, (g, s) => {
    const xs = rule.saves === 'x' || rule.saves === 'xy' ? s[0] : input;
    const ys = rule.saves === 'y' ? s[0] : rule.saves === 'xy' ? s[1] : out;
    return [rule.grad(g, xs, ys)];
  });
}

/**
 * Arithmetic on two bool tensors stays bool in PyTorch: + is logical or, * logical and,
 * max/min are or/and; subtraction is refused.
 */
const BOOL_ARITHMETIC: Partial<Record<BinaryOp, BinaryOp>> = {
  add: 'logicalOr', mul: 'logicalAnd', maximum: 'logicalOr', minimum: 'logicalAnd',
};

/** The dtype a binary op computes in, and its output dtype. */
function binaryTypes(op: BinaryOp, a: DType, b: DType): { compute: DType; out: DType } {
  let compute = promoteTypes(a, b);
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
  const backend = commonBackend(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const { compute, out: outDType } = binaryTypes(op, a.dtype, b.dtype);
  const ac = castTo(a, compute);
  const bc = castTo(b, compute);
  const out = emptyTensor(shape, outDType, backend);
  runKernel(backend, 'binary', {
    op,
    a: viewAs(ac, shape, broadcastStrides(ac.shape, ac.strides, shape)),
    b: viewAs(bc, shape, broadcastStrides(bc.shape, bc.strides, shape)),
    out: viewOf(out),
  });
  const rule = BINARY_GRADS[op];
  if (rule === null || !needsGrad([a, b])) return out;
  const aShape = a.shape;
  const bShape = b.shape;
  // add and sub read no operand in backward: saving none keeps their inputs' memory free
  const saved = op === 'add' || op === 'sub' ? [] : op === 'pow' ? [ac, bc, out] : [ac, bc];
  return record(out, `${capitalize(op)}Backward`, [a, b], saved, (g, s) => {
    const [ga, gb] = rule(g, s[0], s[1], s[2]);
    return [ga === null ? null : sumToShape(ga, aShape), gb === null ? null : sumToShape(gb, bShape)];
  });
}

/** a (op) scalar, or scalar (op) a when `reverse`. */
function binaryScalar(op: BinaryOp, a: Tensor, scalar: number, reverse: boolean): Tensor {
  a.assertAlive();
  if (typeof scalar !== 'number') throw new TypeError(`${op}: expected a tensor or a number, got ${typeof scalar}`);
  let compute = promoteWithScalar(a.dtype, scalar);
  if (compute !== 'float32' && !INTEGER_BINARY.has(op)) compute = 'float32';
  const outDType: DType = COMPARISON_OPS.has(op) ? 'bool' : compute;
  const ac = castTo(a, compute);
  const backend = commonBackend(op, ac);
  const out = emptyTensor(a.shape, outDType, backend);
  runKernel(backend, 'binaryScalar', { op, a: viewOf(ac), scalar, reverse, out: viewOf(out) });
  if (BINARY_GRADS[op] === null || !needsGrad([a])) return out;
  const name = `${capitalize(op)}Backward`;
  switch (op) {
    case 'add': return record(out, name, [a], [], (g) => [g]);
    case 'sub': return record(out, name, [a], [], (g) => [reverse ? g.neg() : g]);
    case 'mul': return record(out, name, [a], [], (g) => [g.mul(scalar)]);
    case 'div': return reverse
      ? record(out, name, [a], [ac, out], (g, [x, y]) => [g.mul(y).div(x).neg()])
      : record(out, name, [a], [], (g) => [g.div(scalar)]);
    case 'pow': return reverse
      ? record(out, name, [a], [out], (g, [y]) => [g.mul(y).mul(Math.log(scalar))])
      : record(out, name, [a], [ac], (g, [x]) => [scalar === 0 ? g.mul(0) : g.mul(x.pow(scalar - 1)).mul(scalar)]);
    case 'maximum':
    case 'minimum': return record(out, name, [a], [ac], (g, [x]) => {
      const wins = binary(op === 'maximum' ? 'gt' : 'lt', x, scalar).to('float32');
      return [g.mul(wins.add(x.eq(scalar).to('float32').mul(0.5)))];
    });
    case 'atan2': return record(out, name, [a], [ac], (g, [x]) => {
      // atan2(x, s) differentiates to s / (x² + s²); atan2(s, x) to -s / (s² + x²)
      const denom = x.square().add(scalar * scalar);
      return [g.mul(reverse ? -scalar : scalar).div(denom)];
    });
    case 'remainder': return record(out, name, [a], [ac], (g, [x]) => [reverse ? g.mul(binaryScalar('div', x, scalar, true).floor()).neg() : g]);
    default: throw new Error(`${op}: no scalar gradient rule`);
  }
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
  const backend = commonBackend('clamp', xc);
  const out = emptyTensor(x.shape, xc.dtype, backend);
  runKernel(backend, 'clamp', { x: viewOf(xc), lo: low, hi: high, out: viewOf(out) });
  return record(out, 'ClampBackward', [x], [xc], (g, [xs]) => {
    const inside = xs.ge(low).logicalAnd(xs.le(high)).to('float32');
    return [g.mul(inside)];
  });
}

/** Elementwise `cond ? a : b` with broadcasting across all three. */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  cond.assertAlive();
  if (typeof a === 'number' && typeof b === 'number') {
    a = fullLike(cond, a, 'float32');
    b = fullLike(cond, b, 'float32');
  } else if (typeof a === 'number') {
    a = fullLike(cond, a, promoteWithScalar((b as Tensor).dtype, a));
  } else if (typeof b === 'number') {
    b = fullLike(cond, b, promoteWithScalar(a.dtype, b));
  }
  const at = a as Tensor;
  const bt = b as Tensor;
  const backend = commonBackend('where', cond, at, bt);
  const shape = broadcastShapes(broadcastShapes(cond.shape, at.shape, 'where'), bt.shape, 'where');
  const dtype = promoteTypes(at.dtype, bt.dtype);
  const ac = castTo(at, dtype);
  const bc = castTo(bt, dtype);
  const cc = castTo(cond, 'bool');
  const out = emptyTensor(shape, dtype, backend);
  runKernel(backend, 'where', {
    cond: viewAs(cc, shape, broadcastStrides(cc.shape, cc.strides, shape)),
    a: viewAs(ac, shape, broadcastStrides(ac.shape, ac.strides, shape)),
    b: viewAs(bc, shape, broadcastStrides(bc.shape, bc.strides, shape)),
    out: viewOf(out),
  });
  const aShape = at.shape;
  const bShape = bt.shape;
  return record(out, 'WhereBackward', [at, bt], [cc], (g, [c]) => [
    at.requiresGrad ? sumToShape(where(c, g, 0), aShape) : null,
    bt.requiresGrad ? sumToShape(where(c, 0, g), bShape) : null,
  ]);
}

/** A tensor of `x`'s shape filled with `value` (used for scalar operands of `where`). */
function fullLike(x: Tensor, value: number, dtype: DType): Tensor {
  const out = emptyTensor([], dtype, x.storage.backend);
  runKernel(x.storage.backend, 'fill', { out: viewOf(out), value });
  return out;
}

/** @internal A float32 tensor of ones shaped like `x` (the seed gradient of `backward`). */
export function onesLikeInternal(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, 'float32', x.storage.backend);
  runKernel(x.storage.backend, 'fill', { out: viewOf(out), value: 1 });
  return out;
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
