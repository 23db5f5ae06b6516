/** Batch and layer normalisation. */
import { noGrad } from '../../autograd/grad_mode.js';
import { formatShape } from '../../base/shape.js';
import { tidy, type Tensor } from '../../core/tensor.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use batch statistics (and update the running ones). Default false, as PyTorch's F.batch_norm. */
  training?: boolean;
  /** Weight of the new batch in the running averages: r ← (1−m)·r + m·batch. Default 0.1. */
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over [N, C] or [N, C, L] input, per channel C:
 * y = (x − μ)/√(σ² + eps)·γ + β, with μ, σ² the batch mean and biased variance in training
 * (or when no running stats are given) and the running statistics otherwise. In training the
 * running stats, when given, are updated in place without autograd: mean ← (1−m)·mean + m·μ,
 * var ← (1−m)·var + m·σ²·n/(n−1) (the unbiased batch variance, n = N·L).
 *
 * @example
 * F.batchNorm(x, runningMean, runningVar, { training: true, momentum: 0.1 });
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, momentum = 0.1, eps = 1e-5 } = options;
  const training = options.training ?? false;
  if (x.ndim < 2) throw new Error(`batchNorm: expected input of at least 2 dims [N, C, ...], got ${formatShape(x.shape)}`);
  const C = x.shape[1];
  for (const [name, t] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t !== null && t.numel() !== C) throw new Error(`batchNorm: ${name} has ${t.numel()} elements but the input ${formatShape(x.shape)} has ${C} channels`);
  }
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const useBatch = training || runningMean === null || runningVar === null;
  let xhat: Tensor;
  if (useBatch) {
    const n = x.numel() / C;
    if (training && n <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input size ${formatShape(x.shape)}`);
    const mean = x.mean(dims, { keepdim: true });
    const centered = x.sub(mean);
    const variance = centered.square().mean(dims, { keepdim: true });
    xhat = centered.mul(variance.add(eps).rsqrt());
    if (training) {
      noGrad(() => tidy(() => {
        if (runningMean !== null) runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([C]).mul(momentum)));
        if (runningVar !== null) runningVar.copy_(runningVar.mul(1 - momentum).add(variance.reshape([C]).mul(momentum * n / (n - 1))));
      }));
    }
  } else {
    xhat = x.sub(runningMean!.reshape(bshape)).mul(runningVar!.reshape(bshape).add(eps).rsqrt());
  }
  if (weight !== null) xhat = xhat.mul(weight.reshape(bshape));
  if (bias !== null) xhat = xhat.add(bias.reshape(bshape));
  return xhat;
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
  const dims = normalizedShape.map((_, i) => x.ndim - k + i);
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  let y = centered.mul(centered.square().mean(dims, { keepdim: true }).add(eps).rsqrt());
  if (weight !== null) y = y.mul(weight);
  if (bias !== null) y = y.add(bias);
  return y;
}
