/**
 * The kernel contract: every operation a backend must run, with its arguments.
 *
 * The contract speaks of buffer views (a buffer handle plus shape, strides and an element
 * offset), never of Tensor objects, so an asynchronous device backend can implement it by
 * enqueueing work on a stream. Every backend implements every op kind; an op a backend cannot
 * run for some dtype is declared through `supportsOp` and routed to the reference kernels.
 *
 * Conventions shared by all ops:
 * - `out` views are contiguous and freshly allocated unless an op says otherwise (`copy` may
 *   write through a strided `out`, `scatterAdd` accumulates into `out` in place).
 * - Input views may be arbitrarily strided (transposed, expanded with stride 0, sliced).
 * - Shapes are already validated and broadcast by the front end: a backend never has to
 *   report a user error, only to refuse views that fall outside their buffers.
 */
import type { DType } from '../base/dtype.js';

/** An opaque buffer handle issued by a backend's `allocate`. */
export type BufferHandle = number;

/** A strided window onto a buffer. Offsets and strides count elements, not bytes. */
export interface View {
  readonly buffer: BufferHandle;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Elementwise functions of one argument. Output dtype: bool for predicates, else input dtype. */
export const UNARY_OPS = [
  'neg', 'abs', 'sign', 'square', 'reciprocal', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt',
  'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'gelu', 'geluTanh', 'silu', 'softplus', 'erf',
  'floor', 'ceil', 'round', 'trunc', 'isnan', 'isinf', 'isfinite', 'logicalNot',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** Unary ops whose output is bool whatever the input dtype. */
export const PREDICATE_UNARY_OPS: ReadonlySet<UnaryOp> = new Set<UnaryOp>(['isnan', 'isinf', 'isfinite', 'logicalNot']);

/**
 * Elementwise functions of two broadcast arguments `a` and `b`.
 * The `*Backward` ops are fused gradient kernels: `a` is the incoming gradient and `b` the
 * saved forward input (or output, where named), so a backward pass reads memory once.
 */
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'remainder',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor',
  // gradient kernels: a = grad of the output, b = forward input x (or output y where noted)
  'reluBackward',      // a * (x > 0)
  'sigmoidBackward',   // a * y * (1 - y), b = y
  'tanhBackward',      // a * (1 - y^2),   b = y
  'geluBackward',      // a * d/dx gelu(x) (exact, erf form)
  'geluTanhBackward',  // a * d/dx gelu_tanh(x)
  'siluBackward',      // a * d/dx (x * sigmoid(x))
  'softplusBackward',  // a * sigmoid(x)
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Binary ops whose output is bool. */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(
  ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);

/** Reductions over a set of dims. `out` has the input's rank with reduced dims of size 1. */
export const REDUCE_OPS = ['sum', 'mean', 'prod', 'max', 'min', 'argmax', 'argmin', 'any', 'all', 'logsumexp'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

/** The update rules of the fused `optimizerStep` kernel (scalar layouts: reference/optimizer_step.ts). */
export const OPTIMIZER_ALGOS = ['sgd', 'adam', 'adamax', 'nadam', 'radam', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerAlgo = (typeof OPTIMIZER_ALGOS)[number];

/**
 * Distributions of the `random` kernel: uniform a + (b − a)·u; normal a + b·z; bernoulli
 * (u < a ? b : 0), the scaled keep-mask of dropout.
 */
/** What a matmul applies to its result (see `matmul`). */
export const MATMUL_EPILOGUES = ['none', 'relu'] as const;
export type MatmulEpilogue = (typeof MATMUL_EPILOGUES)[number];

/** How a loss kernel reduces its per-row losses. */
export const LOSS_REDUCTIONS = ['none', 'sum', 'mean'] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

export const RANDOM_DISTRIBUTIONS = ['uniform', 'normal', 'bernoulli'] as const;
export type RandomDistribution = (typeof RANDOM_DISTRIBUTIONS)[number];

/** Each op kind and its arguments. */
export interface OpArgs {
  /** out[i] = value (out contiguous). */
  fill: { out: View; value: number };
  /** out[i] = x[i] with dtype conversion; `out` may be strided (used by cat, slicing writes). */
  copy: { x: View; out: View };
  unary: { op: UnaryOp; x: View; out: View };
  /** out = a (op) b with NumPy broadcasting already applied through strides (both views have out's shape). */
  binary: { op: BinaryOp; a: View; b: View; out: View };
  /** out = a (op) scalar, or scalar (op) a when `reverse`. */
  binaryScalar: { op: BinaryOp; a: View; scalar: number; reverse: boolean; out: View };
  /** out = min(max(x, lo), hi); either bound may be infinite. */
  clamp: { x: View; lo: number; hi: number; out: View };
  /** out = cond ? a : b, all three views already broadcast to out's shape. */
  where: { cond: View; a: View; b: View; out: View };
  /**
   * Reduce `x` over `dims` into `out` (same rank, reduced dims of size 1).
   * argmax/argmin reduce a single dim and write int64 indices (first occurrence wins, NaN wins).
   * For var/std the front end composes mean and sum.
   */
  reduce: { op: ReduceOp; x: View; dims: readonly number[]; out: View };
  /** Softmax or log-softmax of `x` along `dim` (numerically stable, max-subtracted). */
  softmax: { x: View; dim: number; log: boolean; out: View };
  /**
   * Batched matrix product: a is [...B, M, K], b is [...B, K, N], out is [...B, M, N],
   * batch dims already broadcast (stride 0 where expanded). Transposed operands arrive as
   * strides and are absorbed by the packing. With `addend` (already broadcast to out's shape,
   * stride 0 where expanded, e.g. a bias row) out = a·b + addend: PyTorch's addmm with
   * α = β = 1, the fused forward of a linear layer. With `epilogue: 'relu'` every element of
   * the result then goes through relu (NaN kept, −0 and negatives to +0, as the unary relu):
   * a linear layer followed by a ReLU in one pass (cuBLASLt's RELU_BIAS epilogue on a GPU).
   */
  matmul: { a: View; b: View; out: View; addend?: View; epilogue?: MatmulEpilogue };
  /** out[..., i, ...] = x[..., index[..., i, ...], ...] along dim (torch.gather). index int64/int32. */
  gather: { x: View; dim: number; index: View; out: View };
  /** out[..., index[i], ...] += src[i] along dim, in place on `out` (torch.scatter_add_). */
  scatterAdd: { out: View; dim: number; index: View; src: View };
  /** out = x.index_select(dim, index), index 1-D int64/int32. */
  indexSelect: { x: View; dim: number; index: View; out: View };
  /** out[..., index[i], ...] += src[..., i, ...] along dim, in place (the gradient of indexSelect). */
  indexAdd: { out: View; dim: number; index: View; src: View };
  /** Stable sort along dim; writes sorted values and int64 source indices. */
  sort: { x: View; dim: number; descending: boolean; values: View; indices: View };
  /**
   * One optimizer update in place on `param` and `state`, fused in a single pass (PyTorch 1.13's
   * single-tensor math in float32). All views are contiguous float32 with the same element
   * count; `state` and `scalars` follow the per-algorithm layout of `OPTIMIZER_SCALARS`
   * (reference/optimizer_step.ts).
   */
  /**
   * Softmax cross-entropy of logits x [N, C] (float32, any strides) against class indices
   * target [N] (int64 or int32): loss_i = log Σ_c exp(x_ic) − x_i,target_i, computed with the
   * row max shifted out. out is [N] for reduction 'none', else [] holding Σ_i loss_i ('sum') or
   * their mean ('mean'). Every target is checked before anything is written: one outside
   * [0, C) throws a RangeError.
   */
  crossEntropy: { x: View; target: View; reduction: LossReduction; out: View };
  /**
   * The gradient of `crossEntropy` with respect to x: out [N, C] (contiguous) =
   * (softmax(x_i) − onehot(target_i)) · g_i, where g_i = grad[i] for 'none' (grad [N]), and
   * grad[] for 'sum' or grad[] / N for 'mean' (grad []). Targets are checked as in the forward.
   */
  crossEntropyBackward: { x: View; target: View; grad: View; reduction: LossReduction; out: View };
  optimizerStep: { algo: OptimizerAlgo; param: View; grad: View; state: readonly View[]; scalars: readonly number[] };
  /**
   * Fill contiguous float32 `out` with random numbers from the counter-based Philox4x32-10
   * generator (Salmon et al., SC'11): element i uses output word i mod 4 of the block at counter
   * `offset + floor(i / 4)` under key (key0, key1). Every element depends only on (key, counter),
   * so any backend — threaded CPU or GPU — produces the same stream. Uniforms take the top 24
   * bits: u = (w >>> 8) / 2^24; normals use Box–Muller on the block's pairs (w0, w1), (w2, w3)
   * with u1 = ((w >>> 8) + 1) / 2^24, computed in double and rounded to float32.
   */
  random: { out: View; distribution: RandomDistribution; a: number; b: number; key0: number; key1: number; offset: number };
}

export type OpKind = keyof OpArgs;

export const OP_KINDS: readonly OpKind[] = [
  'fill', 'copy', 'unary', 'binary', 'binaryScalar', 'clamp', 'where', 'reduce', 'softmax',
  'matmul', 'gather', 'scatterAdd', 'indexSelect', 'indexAdd', 'sort', 'crossEntropy', 'crossEntropyBackward',
  'optimizerStep', 'random',
];

/** What `supportsOp` is asked: the op kind, its sub-op where it has one, and the compute dtype. */
export interface OpQuery {
  kind: OpKind;
  op?: UnaryOp | BinaryOp | ReduceOp | OptimizerAlgo | RandomDistribution;
  dtype: DType;
}
