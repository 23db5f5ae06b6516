/** Batch normalisation over [N, C] or [N, C, L]. */
import { noGrad } from '../../autograd/grad_mode.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { ones, zeros } from '../../ops/creation.js';
import { batchNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat } from '../repr.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running averages; null = cumulative average over all batches. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale γ (init 1) and shift β (init 0). Default true. */
  affine?: boolean;
  /** Keep running mean/var (used in eval mode). Default true. */
  trackRunningStats?: boolean;
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
export class BatchNorm1d extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
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

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input of shape ${formatShape(x.shape)})`);
    if (x.shape[1] !== this.numFeatures) throw new Error(`BatchNorm1d: input ${formatShape(x.shape)} has ${x.shape[1]} channels (dim 1), expected ${this.numFeatures}`);
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked !== null) {
      noGrad(() => tracked.add_(1));
      factor = this.momentum === null ? 1 / tracked.item() : this.momentum;
    }
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const keepStats = !this.training || this.trackRunningStats;
    return batchNorm(x, keepStats ? this.runningMean : null, keepStats ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}
