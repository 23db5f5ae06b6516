/** Batch normalisation over [N, C, ...]: BatchNorm1d/2d/3d share one implementation. */
import { noGrad } from '../../autograd/grad_mode.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { ones, zeros } from '../../ops/creation.js';
import { EPS, batchNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { checkSize, orNull } from '../options.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat } from '../repr.js';

/** The options of the batch and instance normalisation layers (their defaults differ in `affine` and `trackRunningStats`). */
const NORM_OPTIONS = defineOptions('BatchNorm', {
  /** Added to the variance for stability (default 1e-5). */
  eps: EPS,
  /** Weight of each new batch in the running averages; null = cumulative average over all batches. Default 0.1. */
  momentum: orNull(option.number({ min: 0, max: 1 }), 'a cumulative average', 0.1),
  /** Learn a per-channel scale γ (init 1) and shift β (init 0). Default true (InstanceNorm: false). */
  affine: option.boolean(),
  /** Keep running mean/var (used in eval mode). Default true (InstanceNorm: false). */
  trackRunningStats: option.boolean(),
});

export type BatchNormOptions = OptionsInput<typeof NORM_OPTIONS>;

/**
 * The state and running statistics shared by the batch and instance normalisation layers:
 * γ, β (weight, bias) and the buffers running_mean, running_var, num_batches_tracked, named and
 * initialised as PyTorch's _NormBase.
 */
export abstract class NormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, options: BatchNormOptions, defaults: { affine: boolean; trackRunningStats: boolean }) {
    super();
    const o = NORM_OPTIONS.parse(options, this.constructor.name);
    checkSize(this.constructor.name, 'numFeatures', numFeatures);
    this.eps = o.eps;
    this.momentum = o.momentum;
    this.affine = o.affine ?? defaults.affine;
    this.trackRunningStats = o.trackRunningStats ?? defaults.trackRunningStats;
    this.weight = this.affine ? Parameter.empty([numFeatures]) : null;
    this.bias = this.affine ? Parameter.empty([numFeatures]) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }

  get runningMean(): Tensor | null { return this.getBuffer('running_mean'); }
  get runningVar(): Tensor | null { return this.getBuffer('running_var'); }
  get numBatchesTracked(): Tensor | null { return this.getBuffer('num_batches_tracked'); }

  /** running_mean ← 0, running_var ← 1, num_batches_tracked ← 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    noGrad(() => {
      this.runningMean!.zero_();
      this.runningVar!.fill_(1);
      this.numBatchesTracked!.zero_();
    });
  }

  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  /** In training with running stats: count the batch and return the averaging factor (1/count for momentum null). */
  protected trackBatch(): number {
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked !== null) {
      noGrad(() => tracked.add_(1));
      factor = this.momentum === null ? 1 / tracked.item() : this.momentum;
    }
    return factor;
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch normalisation for inputs of the given ranks; the subclasses fix them. */
export abstract class BatchNormNd extends NormBase {
  /** The accepted input ranks and the layout shown in errors. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, { affine: true, trackRunningStats: true });
  }

  override forward(x: Tensor): Tensor {
    const owner = `${this.constructor.name}(${this.numFeatures})`;
    const layout = this.layout.replace('C', String(this.numFeatures));
    if (!this.ranks.includes(x.ndim)) throw new Error(`${owner}: expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input (got ${x.ndim}D input of shape ${formatShape(x.shape)}); expected ${layout}`);
    if (x.shape[1] !== this.numFeatures) throw new Error(`${owner}: expected input ${layout}, got ${formatShape(x.shape)} (${x.shape[1]} channels in dim 1)`);
    const factor = this.trackBatch();
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const keepStats = !this.training || this.trackRunningStats;
    return batchNorm(x, keepStats ? this.runningMean : null, keepStats ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
  }
}

/**
 * y = (x − μ)/√(σ² + eps)·γ + β per channel. Training mode uses the batch's statistics and
 * updates `running_mean`/`running_var` (unbiased variance) in place; eval mode uses the
 * running statistics. Buffers are named as PyTorch's: running_mean, running_var,
 * num_batches_tracked (int64).
 *
 * @example
 * const bn = new nn.BatchNorm1d(16);
 * bn.forward(dl.randn([32, 16]));
 * bn.runningMean!.shape; // [16]
 */
export class BatchNorm1d extends BatchNormNd {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C] or [N, C, L]';
}

/**
 * Batch normalisation of [N, C, H, W] per channel (see `BatchNorm1d`; same buffers and keys).
 *
 * @example
 * new nn.BatchNorm2d(32).forward(dl.randn([8, 32, 14, 14]));
 */
export class BatchNorm2d extends BatchNormNd {
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';
}

/** Batch normalisation of [N, C, D, H, W] per channel (see `BatchNorm1d`). */
export class BatchNorm3d extends BatchNormNd {
  protected readonly ranks = [5];
  protected readonly layout = '[N, C, D, H, W]';
}
