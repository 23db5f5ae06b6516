/** Batch and layer normalisation. */
import { noGrad } from '../../autograd/grad_mode.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import { tidy, type Tensor } from '../../core/tensor.js';
import { batchNormTraining } from '../../ops/norm.js';
import { TENSOR_OR_NULL } from '../options.js';

/** Added to the variance for stability: a positive number, 1e-5 by default (every normalisation's `eps`). */
export const EPS = option.number({ default: 1e-5, min: 0, minExclusive: true });
/** The weight of the new batch in the running averages: r ← (1−m)·r + m·batch. */
const MOMENTUM = option.number({ default: 0.1, min: 0, max: 1 });

const BATCH_NORM_OPTIONS = defineOptions('batchNorm', {
  /** Per-channel scale γ [C] (default none). */
  weight: TENSOR_OR_NULL,
  /** Per-channel shift β [C] (default none). */
  bias: TENSOR_OR_NULL,
  /** Use batch statistics (and update the running ones). Default false, as PyTorch's F.batch_norm. */
  training: option.boolean(false),
  /** Weight of the new batch in the running averages: r ← (1−m)·r + m·batch. Default 0.1. */
  momentum: MOMENTUM,
  /** Added to the variance for stability (default 1e-5). */
  eps: EPS,
});

export type BatchNormOptions = OptionsInput<typeof BATCH_NORM_OPTIONS>;

/**
 * Batch normalisation over [N, C, ...] input (BatchNorm1d/2d/3d), per channel C:
 * y = (x − μ)/√(σ² + eps)·γ + β, with μ, σ² the batch mean and biased variance in training
 * (or when no running stats are given) and the running statistics otherwise. In training the
 * running stats, when given, are updated in place without autograd: mean ← (1−m)·mean + m·μ,
 * var ← (1−m)·var + m·σ²·n/(n−1) (the unbiased batch variance, n = N·L or N·H·W, ...).
 *
 * @example
 * F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.1 });
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training, momentum, eps } = BATCH_NORM_OPTIONS.parse(options);
  if (x.ndim < 2) throw new Error(`batchNorm: expected input of at least 2 dims [N, C, ...], got ${formatShape(x.shape)}`);
  const C = x.shape[1];
  checkPerChannel('batchNorm', x, C, [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]]);
  if (!training && runningMean !== null && runningVar !== null) {
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    return channelAffine(x.sub(runningMean.reshape(bshape)).mul(runningVar.reshape(bshape).add(eps).rsqrt()), weight, bias);
  }
  const n = x.numel() / C;
  if (training && n <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input size ${formatShape(x.shape)}`);
  if (n === 0) throw new Error(`batchNorm: expected an input with values in each channel, got input size ${formatShape(x.shape)}`);
  for (const [name, t] of [['input', x], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && t.dtype !== 'float32') throw new TypeError(`batchNorm: expected a float32 ${name}, got ${t.dtype}`);
  }
  // one kernel forward and one backward (the composed chain made about nine passes over x)
  const { y, mean, variance } = batchNormTraining(x, weight, bias, eps);
  if (training) {
    noGrad(() => tidy(() => {
      if (runningMean !== null) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([C]).mul(momentum)));
      if (runningVar !== null) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.reshape([C]).mul(momentum * n / (n - 1))));
    }));
  }
  return y;
}

/** y·γ + β with per-channel γ, β (dim 1) when given. */
function channelAffine(y: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const bshape = y.shape.map((d, i) => (i === 1 ? d : 1));
  let out = y;
  if (weight !== null) out = out.mul(weight.reshape(bshape));
  if (bias !== null) out = out.add(bias.reshape(bshape));
  return out;
}

/**
 * x's elements split into `rows` equal runs in row-major order (groups, instances), each
 * standardised by its own mean and biased variance: the batch-norm kernel over x viewed as
 * [1, rows, rest]. Returns y in x's shape and the [rows] statistics.
 */
function standardizeRows(owner: string, x: Tensor, rows: number, eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  if (x.dtype !== 'float32') throw new TypeError(`${owner}: expected a float32 input, got ${x.dtype}`);
  const { y, mean, variance } = batchNormTraining(x.reshape([1, rows, x.numel() / rows]), null, null, eps);
  return { y: y.reshape(x.shape), mean, variance };
}

/** Checks that each given per-channel tensor has C elements. */
function checkPerChannel(owner: string, x: Tensor, C: number, tensors: readonly (readonly [string, Tensor | null])[]): void {
  for (const [name, t] of tensors) {
    if (t !== null && t.numel() !== C) throw new Error(`${owner}: ${name} has ${t.numel()} elements but the input ${formatShape(x.shape)} has ${C} channels`);
  }
}

/**
 * Group normalisation (torch.nn.functional.group_norm): the C channels of x [N, C, ...] are split
 * into `numGroups` groups and each sample's group is standardised over its channels and spatial
 * positions (biased variance), then scaled and shifted per channel by γ, β when given.
 *
 * @example
 * F.groupNorm(dl.randn([8, 32, 14, 14]), 4);
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  if (x.ndim < 2) throw new Error(`groupNorm: expected input of at least 2 dims [N, C, ...], got ${formatShape(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new Error(`groupNorm: expected the number of channels ${C} of input ${formatShape(x.shape)} to be divisible by numGroups ${numGroups}`);
  }
  checkPerChannel('groupNorm', x, C, [['weight', weight], ['bias', bias]]);
  if (x.numel() === 0) return x.clone();
  const { y } = standardizeRows('groupNorm', x, N * numGroups, eps);
  return channelAffine(y, weight, bias);
}

const INSTANCE_NORM_OPTIONS = defineOptions('instanceNorm', {
  /** Running statistics [C], updated in place when `useInputStats` (averaged over the batch). */
  runningMean: TENSOR_OR_NULL,
  /** Running variance [C], as `runningMean`. */
  runningVar: TENSOR_OR_NULL,
  /** Per-channel scale γ [C] (default none). */
  weight: TENSOR_OR_NULL,
  /** Per-channel shift β [C] (default none). */
  bias: TENSOR_OR_NULL,
  /** Normalise with each instance's statistics; false: with the running ones. Default true. */
  useInputStats: option.boolean(true),
  /** Weight of the new batch in the running averages: r ← (1−m)·r + m·batch. Default 0.1. */
  momentum: MOMENTUM,
  /** Added to the variance for stability (default 1e-5). */
  eps: EPS,
});

export type InstanceNormOptions = OptionsInput<typeof INSTANCE_NORM_OPTIONS>;

/**
 * Instance normalisation (torch.nn.functional.instance_norm): each (sample, channel) of x
 * [N, C, ...] standardised over its spatial positions, then γ, β per channel. With running
 * statistics and `useInputStats`, they are updated with the batch average of the instances'
 * mean and unbiased variance; without `useInputStats` they normalise instead.
 *
 * @example
 * F.instanceNorm(dl.randn([4, 3, 32, 32]));
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  const { runningMean = null, runningVar = null, weight = null, bias = null, useInputStats, momentum, eps } = INSTANCE_NORM_OPTIONS.parse(options);
  if (x.ndim < 3) throw new Error(`instanceNorm: expected input of at least 3 dims [N, C, ...], got ${formatShape(x.shape)}`);
  const C = x.shape[1];
  checkPerChannel('instanceNorm', x, C, [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]]);
  if (!useInputStats) {
    if (runningMean === null || runningVar === null) throw new Error('instanceNorm: useInputStats: false needs runningMean and runningVar');
    return batchNorm(x, runningMean, runningVar, { weight, bias, training: false, eps });
  }
  const n = x.numel() / (x.shape[0] * C);
  if (n <= 1) throw new Error(`instanceNorm: expected more than 1 spatial element when training, got input size ${formatShape(x.shape)}`);
  const { y, mean, variance } = standardizeRows('instanceNorm', x, x.shape[0] * C, eps);
  noGrad(() => tidy(() => {
    const batchAverage = (t: Tensor) => t.reshape([x.shape[0], C]).mean(0);
    if (runningMean !== null) runningMean.copy_(runningMean.mul(1 - momentum).add(batchAverage(mean).mul(momentum)));
    if (runningVar !== null) runningVar.copy_(runningVar.mul(1 - momentum).add(batchAverage(variance).mul(momentum * n / (n - 1))));
  }));
  return channelAffine(y, weight, bias);
}

/**
 * Layer normalisation over the trailing dims `normalizedShape`:
 * y = (x − μ)/√(σ² + eps)·γ + β with μ, σ² (biased) over those dims of each sample.
 *
 * @example
 * F.layerNorm(dl.randn([4, 10]), [10]);
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || x.shape.slice(x.ndim - k).join() !== normalizedShape.join()) {
    throw new Error(`layerNorm: given normalized_shape=${formatShape(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], but got input of size ${formatShape(x.shape)}`);
  }
  const size = normalizedShape.reduce((a, b) => a * b, 1);
  if (x.numel() === 0) return x.clone();
  let { y } = standardizeRows('layerNorm', x, x.numel() / size, eps);
  if (weight !== null) y = y.mul(weight);
  if (bias !== null) y = y.add(bias);
  return y;
}
