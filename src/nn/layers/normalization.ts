/** Group and instance normalisation layers. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { EPS, groupNorm, instanceNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat } from '../repr.js';
import { NormBase, type BatchNormOptions } from './batchnorm.js';

const GROUP_NORM_OPTIONS = defineOptions('GroupNorm', {
  /** Added to the variance for stability (default 1e-5). */
  eps: EPS,
  /** Learn a per-channel scale (init 1) and shift (init 0). Default true. */
  affine: option.boolean(true),
});

export type GroupNormOptions = OptionsInput<typeof GROUP_NORM_OPTIONS>;

/**
 * Group normalisation: the channels of [N, C, ...] split into `numGroups` groups, each sample's
 * group standardised over its channels and positions, then a per-channel affine map (PyTorch's
 * nn.GroupNorm; parameters weight, bias of [C]).
 *
 * @example
 * new nn.GroupNorm(4, 32).forward(dl.randn([8, 32, 14, 14]));
 */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(readonly numGroups: number, readonly numChannels: number, options: GroupNormOptions = {}) {
    super();
    const o = GROUP_NORM_OPTIONS.parse(options);
    if (!Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) || numChannels % numGroups !== 0) {
      throw new Error(`GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    }
    this.eps = o.eps;
    this.affine = o.affine;
    this.weight = this.affine ? Parameter.empty([numChannels]) : null;
    this.bias = this.affine ? Parameter.empty([numChannels]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, ...], got ${formatShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/**
 * Instance normalisation for inputs of the given spatial rank (PyTorch's _InstanceNorm):
 * affine and running statistics off by default; with `trackRunningStats` the running stats are
 * updated in training and used in eval.
 */
export abstract class InstanceNormNd extends NormBase {
  protected abstract readonly spatial: string;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, { affine: false, trackRunningStats: false });
  }

  override forward(x: Tensor): Tensor {
    const k = this.spatial.split(',').length;
    const owner = `${this.constructor.name}(${this.numFeatures})`;
    const layout = `[N, ${this.numFeatures}, ${this.spatial}]`;
    if (x.ndim !== k + 1 && x.ndim !== k + 2) throw new Error(`${owner}: expected ${k + 1}D (unbatched) or ${k + 2}D input ${layout}, got ${formatShape(x.shape)}`);
    const unbatched = x.ndim === k + 1;
    const xb = unbatched ? x.unsqueeze(0) : x;
    if (xb.shape[1] !== this.numFeatures) throw new Error(`${owner}: expected input ${layout}, got ${formatShape(x.shape)} (${xb.shape[1]} channels)`);
    // PyTorch's instance norm neither counts batches nor averages cumulatively: momentum null means 0.1
    const y = instanceNorm(xb, {
      runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias,
      useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
    return unbatched ? y.squeeze(0) : y;
  }
}

/**
 * Instance normalisation of [N, C, L] (or [C, L]).
 *
 * @example
 * new nn.InstanceNorm1d(16).forward(dl.randn([4, 16, 50]));
 */
export class InstanceNorm1d extends InstanceNormNd {
  protected readonly spatial = 'L';
}
/** Instance normalisation of [N, C, H, W] (or [C, H, W]). */
export class InstanceNorm2d extends InstanceNormNd {
  protected readonly spatial = 'H, W';
}
/** Instance normalisation of [N, C, D, H, W] (or [C, D, H, W]). */
export class InstanceNorm3d extends InstanceNormNd {
  protected readonly spatial = 'D, H, W';
}
