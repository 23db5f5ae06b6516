/**
 * The kernel contract: every operation a backend must run, with its arguments.
 *
 * The contract speaks of buffer views (a buffer handle plus shape, strides and an element
 * offset), never of Tensor objects, so an asynchronous device backend can implement it by
 * enqueueing work on a stream. A backend need not implement every op kind: what it refuses in
 * `supportsOp` (or declines in `run`) the front end runs on the reference kernels through its
 * host fallback, with the views' roles taken from `OP_SIGNATURES`.
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

/** The update rules of the fused `optimizerStep` kernel (their scalars: `OPTIMIZER_SCALAR_FIELDS`). */
export const OPTIMIZER_ALGOS = ['sgd', 'adam', 'adamax', 'nadam', 'radam', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerAlgo = (typeof OPTIMIZER_ALGOS)[number];

/**
 * The per-step scalars of each optimizer algorithm, in the order they are encoded for the native
 * kernel (`OptimizerScalars` gives them as named fields). Per-step values (bias corrections, step
 * sizes) are computed in double precision by the optimizer, as torch computes them in Python;
 * the kernels round them to float32 where torch's kernels do. The state buffers of each
 * algorithm are listed after its fields.
 */
export const OPTIMIZER_SCALAR_FIELDS = {
  // state: [momentum_buffer] when momentum ≠ 0, else []
  sgd: ['lr', 'weightDecay', 'momentum', 'dampening', 'nesterov', 'maximize', 'firstStep'],
  // state: [exp_avg, exp_avg_sq, max_exp_avg_sq (amsgrad)]; stepSize = lr / (1 − β1ᵗ), paramDecay = 1 − lr·λ (AdamW) or 1
  adam: ['beta1', 'beta2', 'eps', 'weightDecay', 'maximize', 'stepSize', 'biasCorrection2Sqrt', 'paramDecay'],
  // state: [exp_avg, exp_inf]; stepSize = lr / (1 − β1ᵗ)
  adamax: ['beta1', 'beta2', 'eps', 'weightDecay', 'maximize', 'stepSize'],
  // state: [exp_avg, exp_avg_sq]; gradCoef, expAvgCoef: the (negative) step sizes of g and m
  nadam: ['beta1', 'beta2', 'eps', 'weightDecay', 'biasCorrection2', 'gradCoef', 'expAvgCoef'],
  // state: [exp_avg, exp_avg_sq]; rectification applies when `rectify`
  radam: ['beta1', 'beta2', 'eps', 'weightDecay', 'biasCorrection1', 'lr', 'biasCorrection2Sqrt', 'rectification', 'rectify'],
  // state: [square_avg, momentum_buffer (momentum > 0), grad_avg (centered)]
  rmsprop: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'],
  // state: [sum]; decayedLr = lr / (1 + (t − 1)·lrDecay)
  adagrad: ['decayedLr', 'weightDecay', 'eps', 'maximize'],
  // state: [square_avg, acc_delta]
  adadelta: ['lr', 'rho', 'eps', 'weightDecay', 'maximize'],
} as const satisfies { readonly [A in OptimizerAlgo]: readonly string[] };

/** Scalar fields that are flags: booleans in `OptimizerScalars`, encoded natively as 0 or 1. */
export const OPTIMIZER_FLAG_FIELDS = ['nesterov', 'maximize', 'firstStep', 'centered', 'rectify'] as const;
export type OptimizerFlagField = (typeof OPTIMIZER_FLAG_FIELDS)[number];

/** The scalar field names of one algorithm. */
export type OptimizerScalarField<A extends OptimizerAlgo> = (typeof OPTIMIZER_SCALAR_FIELDS)[A][number];

/** The per-step scalars of algorithm `A` as named fields: flags are booleans, the rest numbers. */
export type OptimizerScalars<A extends OptimizerAlgo> = {
  readonly [F in OptimizerScalarField<A>]: F extends OptimizerFlagField ? boolean : number;
};

/** What a matmul applies to its result (see `matmul`). */
export const MATMUL_EPILOGUES = ['none', 'relu'] as const;
export type MatmulEpilogue = (typeof MATMUL_EPILOGUES)[number];

/** How a loss kernel reduces its per-row losses. */
export const LOSS_REDUCTIONS = ['none', 'sum', 'mean'] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

/**
 * Distributions of the `random` kernel: uniform a + (b − a)·u; normal a + b·z; bernoulli
 * (u < a ? b : 0), the scaled keep-mask of dropout.
 */
export const RANDOM_DISTRIBUTIONS = ['uniform', 'normal', 'bernoulli'] as const;
export type RandomDistribution = (typeof RANDOM_DISTRIBUTIONS)[number];

/** The `optimizerStep` arguments of algorithm `A`. */
export interface OptimizerStepOf<A extends OptimizerAlgo> {
  algo: A;
  param: View;
  grad: View;
  state: readonly View[];
  scalars: OptimizerScalars<A>;
}

/** `optimizerStep`'s arguments, discriminated by `algo` (`A` narrows them to some algorithms). */
export type OptimizerStepArgs<A extends OptimizerAlgo = OptimizerAlgo> = { [K in OptimizerAlgo]: OptimizerStepOf<K> }[A];

/**
 * The geometry of an N-d convolution (1 to 3 spatial dims; every list has one entry per spatial
 * dim). Output position p of a spatial dim reads input positions p·stride − padding + k·dilation
 * for kernel taps k; positions outside the input read zero. `padding` is the zero padding BEFORE
 * each dim: the front end resolves 'same'/'valid' and per-side padding, and the shapes of the
 * views fix how much is added after (so asymmetric padding needs no second list).
 */
export interface ConvGeometry {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  /** Channels split into `groups` independent convolutions (depthwise: groups = channels). */
  readonly groups: number;
}

/** The reductions of the `pool` kernels. */
export const POOL_OPS = ['max', 'avg'] as const;
export type PoolOp = (typeof POOL_OPS)[number];

/**
 * The recurrences of the `recurrentSequence` kernels (PyTorch's RNN_TANH, RNN_RELU, LSTM and GRU
 * modes); `RECURRENT_GATES` gives the gate blocks G their weights stack.
 */
export const RECURRENT_MODES = ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as const;
export type RecurrentMode = (typeof RECURRENT_MODES)[number];

/** Gate blocks per mode, in PyTorch's order: RNN one, LSTM i|f|g|o, GRU r|z|n. */
export const RECURRENT_GATES: { readonly [M in RecurrentMode]: number } = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * Which input positions each output position of a pooling kernel reads, per spatial dim d of
 * x [N, C, ...S] and out [N, C, ...O] (1 to 3 spatial dims; lists have one entry per dim):
 * - 'sliding': output o reads o·stride − padding + j·dilation for j < kernel that lie in
 *   [0, S). Average pooling divides by `divisorOverride` when it is above 0, else by the
 *   window's size clipped to [−padding, S + padding) when `countIncludePad`, else by the number
 *   of positions read (PyTorch's avg_pool rules, ceil mode included: the front end sizes out).
 * - 'adaptive': output o reads [floor(o·S/O), ceil((o + 1)·S/O)) (PyTorch's adaptive pooling).
 */
export type PoolWindow =
  | {
    readonly type: 'sliding';
    readonly kernel: readonly number[];
    readonly stride: readonly number[];
    readonly padding: readonly number[];
    readonly dilation: readonly number[];
    readonly countIncludePad: boolean;
    readonly divisorOverride: number;
  }
  | { readonly type: 'adaptive' };

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
  /**
   * One optimizer update in place on `param` and `state`, fused in a single pass (PyTorch 1.13's
   * single-tensor math in float32). All views are contiguous float32 with the same element
   * count; `scalars` are the named fields of `algo` and `state` its buffers, both as listed in
   * `OPTIMIZER_SCALAR_FIELDS`.
   */
  optimizerStep: OptimizerStepArgs;
  /**
   * Fill contiguous float32 `out` with random numbers from the counter-based Philox4x32-10
   * generator (Salmon et al., SC'11): element i uses output word i mod 4 of the block at counter
   * `offset + floor(i / 4)` under key (key0, key1). Every element depends only on (key, counter),
   * so any backend — threaded CPU or GPU — produces the same stream. Uniforms take the top 24
   * bits: u = (w >>> 8) / 2^24; normals use Box–Muller on the block's pairs (w0, w1), (w2, w3)
   * with u1 = ((w >>> 8) + 1) / 2^24, computed in double and rounded to float32.
   */
  random: { out: View; distribution: RandomDistribution; a: number; b: number; key0: number; key1: number; offset: number };
  /**
   * N-d convolution (cross-correlation, as torch.nn.functional.conv*d) of float32 views:
   * x [N, C, ...S], weight [O, C/groups, ...K], bias [O] (optional), out [N, O, ...P]:
   * out[n, o, p] = bias[o] + Σ_{c, k} x[n, g·C/groups + c, p·stride − padding + k·dilation] ·
   * weight[o, c, k] for o in group g, then the epilogue (relu: a conv followed by a ReLU in one
   * pass). x, weight and bias may be strided (channels-last, sliced); out is contiguous.
   */
  conv: { x: View; weight: View; bias?: View; out: View; geometry: ConvGeometry; epilogue?: MatmulEpilogue };
  /**
   * The gradient of `conv` with respect to x — also the forward of a transposed convolution:
   * grad [N, O, ...P], weight [O, C/groups, ...K], out [N, C, ...S] (contiguous, overwritten):
   * out[n, c, i] = Σ grad[n, o, p] · weight[o, c', k] over o in c's group and every (p, k) with
   * p·stride − padding + k·dilation = i.
   */
  convBackwardData: { grad: View; weight: View; out: View; geometry: ConvGeometry };
  /**
   * The gradient of `conv` with respect to its weight: x [N, C, ...S], grad [N, O, ...P], out
   * [O, C/groups, ...K] (contiguous, overwritten): out[o, c, k] = Σ_{n, p} grad[n, o, p] ·
   * x[n, g·C/groups + c, p·stride − padding + k·dilation].
   */
  convBackwardWeight: { x: View; grad: View; out: View; geometry: ConvGeometry };
  /**
   * Max or average pooling of float32 x [N, C, ...S] (any strides: channels-last included) over
   * the windows of `window` into contiguous out [N, C, ...O]. Max pooling also writes, when
   * `indices` is given (int64, out's shape), the flat spatial index (row-major over S) of each
   * maximum: the first in window order, NaN winning; a window reading nothing gives −inf and the
   * index of its first position. Average pooling takes no `indices`.
   */
  pool: { op: PoolOp; x: View; window: PoolWindow; out: View; indices?: View };
  /**
   * The gradient of `pool` with respect to x: out [N, C, ...S] (contiguous, overwritten) from
   * grad [N, C, ...O]. Max: each grad element is added at its `indices` position (required);
   * average: spread over its window divided by the forward's divisor.
   */
  poolBackward: { op: PoolOp; grad: View; window: PoolWindow; out: View; indices?: View };
  /**
   * Batch normalisation of float32 x [N, C, ...S] (any strides) with the batch's statistics:
   * per channel c, mean[c] and variance[c] (biased) over N and S, accumulated in double, are
   * written to the contiguous [C] views, and out (contiguous, x's shape) = (x − mean[c]) ·
   * invstd[c] · weight[c] + bias[c], invstd[c] = 1/√(variance[c] + eps) (weight 1 and bias 0
   * when absent).
   */
  batchNorm: { x: View; weight?: View; bias?: View; eps: number; out: View; mean: View; variance: View };
  /**
   * The gradient of `batchNorm` from grad [N, C, ...S] and the forward's x, mean, variance, eps
   * and weight: with x̂ = (x − mean[c])·invstd[c] and n = N·|S|, dbias[c] = Σ grad and
   * dweight[c] = Σ grad·x̂ (contiguous [C], sums in double), and dx (contiguous, x's shape) =
   * weight[c]·invstd[c]·(grad − dbias[c]/n − x̂·dweight[c]/n).
   */
  batchNormBackward: { grad: View; x: View; mean: View; variance: View; weight?: View; eps: number; dx: View; dweight: View; dbias: View };
  /**
   * One recurrent layer in one direction over T steps of N sequences with H units and G gate
   * blocks (float32; [·, N, ·] views with unit stride along their last dim). Each step computes
   * the input's projection xg = x_t·W_ihᵀ + b_ih from x [T, N, in], weightIh [G·H, in] and
   * biasIh [G·H], and the state's hg = h·W_hhᵀ + b_hh from weightHh [G·H, H] and biasHh (absent
   * biases: 0), then, from the previous state h (h0 [N, H] at the first step; LSTM's c from c0):
   * - rnnTanh, rnnRelu: h' = act(xg + hg).
   * - lstm: i|f|g|o = xg + hg; c' = σ(f)⊙c + σ(i)⊙tanh(g), h' = σ(o)⊙tanh(c'); writes
   *   cells[t] = c' and saved[t] [N, 5H] = σ(i), σ(f), tanh(g), σ(o), tanh(c').
   * - gru: r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n), h' = (1 − z)⊙n + z⊙h;
   *   writes saved[t] = r, z, n, h_n.
   * output[t] = h'. Steps run t = 0 … T−1, or T−1 … 0 when `reverse`. Where the optional bool
   * `live` [T, N] is false the row keeps its state (h' = h, c' = c; saved zeros): a padded
   * sequence past its end. When given, stepInputs[t] [N, in + H] receives every step's operands
   * [x_t | h], the state being the one the step started from (for every row, live or not): the
   * weights' gradients are products over them. Outputs are contiguous.
   */
  recurrentSequence: {
    mode: RecurrentMode; reverse: boolean; x: View; weightIh: View; biasIh?: View; weightHh: View; biasHh?: View; h0: View; c0?: View;
    live?: View; output: View; cells?: View; saved?: View; stepInputs?: View;
  };
  /**
   * The gradient of `recurrentSequence` from the forward's views and the gradients of its
   * outputs: dOutput [T, N, H] (any row strides, unit stride along H; absent: zero), dhN and
   * (LSTM) dcN [N, H] for the final state (absent: zero). Writes dxg [T, N, G·H] (the gradient
   * of every step's xg, which is also that of its hg except for GRU), dhg (GRU only: the gradient
   * of every step's hg, whose n block differs), dh0 and (LSTM) dc0, and when given the biases'
   * gradients [G·H]: dbIh, the sum of dxg over all steps and rows, and (GRU) dbHh, that of dhg
   * (sums in double). The weights' gradients are products over all steps that the caller
   * forms from dxg and dhg and the forward's stepInputs.
   */
  recurrentSequenceBackward: {
    mode: RecurrentMode; reverse: boolean; dOutput?: View; dhN?: View; dcN?: View; weightHh: View; h0: View; c0?: View; live?: View;
    output: View; cells?: View; saved?: View; dxg: View; dhg?: View; dh0: View; dc0?: View; dbIh?: View; dbHh?: View;
  };
}

export type OpKind = keyof OpArgs;

/**
 * Every op kind. Here and in the other tuples of this file (and `DTYPES`), a name's position is
 * its native code: src/backends/cpu/abi.ts sends it and scripts/gen_native_codes.ts writes the
 * C++ enums of native/src/op_codes.h from it (after changing a tuple: `npm run gen:codes`, then
 * `npm run build:native`; test/op_codes.test.ts fails while the header is stale).
 */
export const OP_KINDS = [
  'fill', 'copy', 'unary', 'binary', 'binaryScalar', 'clamp', 'where', 'reduce', 'softmax',
  'matmul', 'gather', 'scatterAdd', 'indexSelect', 'indexAdd', 'sort', 'optimizerStep', 'random',
  'crossEntropy', 'crossEntropyBackward', 'conv', 'convBackwardData', 'convBackwardWeight',
  'pool', 'poolBackward', 'batchNorm', 'batchNormBackward', 'recurrentSequence', 'recurrentSequenceBackward',
] as const satisfies readonly OpKind[];
/** Compile-time check that OP_KINDS lists every kind of `OpArgs`. */
const _everyKindListed: [Exclude<OpKind, (typeof OP_KINDS)[number]>] extends [never] ? true : never = true;

/** What `supportsOp` is asked: the op kind, its sub-op where it has one, and the compute dtype. */
export interface OpQuery {
  kind: OpKind;
  op?: UnaryOp | BinaryOp | ReduceOp | OptimizerAlgo | RandomDistribution | PoolOp | RecurrentMode;
  dtype: DType;
}

/** How a kernel uses a view argument: reads it, writes it, or both (accumulates in place). */
export type ViewRole = 'in' | 'out' | 'inout';

/** The argument names of op kind K whose values are views or lists of views. */
export type ViewField<K extends OpKind> = {
  [F in keyof OpArgs[K]]-?: NonNullable<OpArgs[K][F]> extends View | readonly View[] ? F : never;
}[keyof OpArgs[K]];

/** The argument of op kind K that names its sub-op (`op`, `algo`, `distribution`), if any. */
type SubOpField<K extends OpKind> = {
  [F in keyof OpArgs[K]]-?: NonNullable<OpArgs[K][F]> extends NonNullable<OpQuery['op']> ? F : never;
}[keyof OpArgs[K]];

/**
 * What the front end needs to know about an op kind's arguments without knowing the op: which
 * arguments are views and how the kernel uses them (a host fallback copies `in`/`inout` views
 * out and `out`/`inout` views back; ONNX export and device backends read the same table), the
 * compute dtype asked of `supportsOp`, and the sub-op with all the values it can take. The two
 * readers are functions rather than field names because dispatch calls them on every op: a
 * function per kind reads its fields at full speed where one generic lookup cannot.
 */
export type OpSignature<K extends OpKind> = {
  readonly views: { readonly [F in ViewField<K>]-?: ViewRole };
  /** The dtype `supportsOp` is asked about: the main input's (the output's for fill/random). */
  readonly dtypeOf: (args: OpArgs[K]) => DType;
} & ([SubOpField<K>] extends [never] ? { readonly subOpOf?: never; readonly subOps?: never } : {
  readonly subOpOf: (args: OpArgs[K]) => OpArgs[K][SubOpField<K>];
  /** Every value the sub-op can take. */
  readonly subOps: readonly NonNullable<OpArgs[K][SubOpField<K>]>[];
});

/** Every op kind's signature; a view argument missing from `views` is a compile error. */
export const OP_SIGNATURES: { readonly [K in OpKind]: OpSignature<K> } = {
  fill: { views: { out: 'out' }, dtypeOf: (a) => a.out.dtype },
  copy: { views: { x: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  unary: { views: { x: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype, subOpOf: (a) => a.op, subOps: UNARY_OPS },
  binary: { views: { a: 'in', b: 'in', out: 'out' }, dtypeOf: (a) => a.a.dtype, subOpOf: (a) => a.op, subOps: BINARY_OPS },
  binaryScalar: { views: { a: 'in', out: 'out' }, dtypeOf: (a) => a.a.dtype, subOpOf: (a) => a.op, subOps: BINARY_OPS },
  clamp: { views: { x: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  where: { views: { cond: 'in', a: 'in', b: 'in', out: 'out' }, dtypeOf: (a) => a.a.dtype },
  reduce: { views: { x: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype, subOpOf: (a) => a.op, subOps: REDUCE_OPS },
  softmax: { views: { x: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  matmul: { views: { a: 'in', b: 'in', addend: 'in', out: 'out' }, dtypeOf: (a) => a.a.dtype },
  gather: { views: { x: 'in', index: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  scatterAdd: { views: { out: 'inout', index: 'in', src: 'in' }, dtypeOf: (a) => a.out.dtype },
  indexSelect: { views: { x: 'in', index: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  indexAdd: { views: { out: 'inout', index: 'in', src: 'in' }, dtypeOf: (a) => a.out.dtype },
  sort: { views: { x: 'in', values: 'out', indices: 'out' }, dtypeOf: (a) => a.x.dtype },
  crossEntropy: { views: { x: 'in', target: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  crossEntropyBackward: { views: { x: 'in', target: 'in', grad: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  optimizerStep: { views: { param: 'inout', grad: 'in', state: 'inout' }, dtypeOf: (a) => a.param.dtype, subOpOf: (a) => a.algo, subOps: OPTIMIZER_ALGOS },
  random: { views: { out: 'out' }, dtypeOf: (a) => a.out.dtype, subOpOf: (a) => a.distribution, subOps: RANDOM_DISTRIBUTIONS },
  conv: { views: { x: 'in', weight: 'in', bias: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  convBackwardData: { views: { grad: 'in', weight: 'in', out: 'out' }, dtypeOf: (a) => a.grad.dtype },
  convBackwardWeight: { views: { x: 'in', grad: 'in', out: 'out' }, dtypeOf: (a) => a.x.dtype },
  pool: { views: { x: 'in', out: 'out', indices: 'out' }, dtypeOf: (a) => a.x.dtype, subOpOf: (a) => a.op, subOps: POOL_OPS },
  poolBackward: { views: { grad: 'in', indices: 'in', out: 'out' }, dtypeOf: (a) => a.grad.dtype, subOpOf: (a) => a.op, subOps: POOL_OPS },
  batchNorm: { views: { x: 'in', weight: 'in', bias: 'in', out: 'out', mean: 'out', variance: 'out' }, dtypeOf: (a) => a.x.dtype },
  batchNormBackward: {
    views: { grad: 'in', x: 'in', mean: 'in', variance: 'in', weight: 'in', dx: 'out', dweight: 'out', dbias: 'out' }, dtypeOf: (a) => a.x.dtype,
  },
  recurrentSequence: {
    views: {
      x: 'in', weightIh: 'in', biasIh: 'in', weightHh: 'in', biasHh: 'in', h0: 'in', c0: 'in', live: 'in', output: 'out', cells: 'out', saved: 'out',
      stepInputs: 'out',
    },
    dtypeOf: (a) => a.x.dtype, subOpOf: (a) => a.mode, subOps: RECURRENT_MODES,
  },
  recurrentSequenceBackward: {
    views: {
      dOutput: 'in', dhN: 'in', dcN: 'in', weightHh: 'in', h0: 'in', c0: 'in', live: 'in', output: 'in', cells: 'in', saved: 'in',
      dxg: 'out', dhg: 'out', dh0: 'out', dc0: 'out', dbIh: 'out', dbHh: 'out',
    },
    dtypeOf: (a) => a.h0.dtype, subOpOf: (a) => a.mode, subOps: RECURRENT_MODES,
  },
};

/** The `supportsOp` question for one call. */
export function opQueryOf<K extends OpKind>(kind: K, args: OpArgs[K]): OpQuery {
  const sig = OP_SIGNATURES[kind] as unknown as { dtypeOf(a: OpArgs[K]): DType; subOpOf?(a: OpArgs[K]): OpQuery['op'] };
  return { kind, op: sig.subOpOf?.(args), dtype: sig.dtypeOf(args) };
}
