/** EarlyStopping: stop when a monitored value stops improving; optionally restore the best weights. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { keep } from '../../core/scope.js';
import { tidy, type Tensor } from '../../core/tensor.js';
import type { Callback, CallbackState } from '../callback.js';
import type { EpochLogs, FitContext } from '../types.js';

const EARLY_STOPPING_OPTIONS = defineOptions('EarlyStopping', {
  /** Log key to watch (default `val_loss`). */
  monitor: option.string(),
  /** Epochs without improvement before stopping (default 5). */
  patience: option.number({ min: 0, integer: true }),
  /** Smallest change that counts as an improvement (default 0). */
  minDelta: option.number({ min: 0 }),
  /** `min` or `max`; default `min` for losses and errors, `max` otherwise. */
  mode: option.choice(['min', 'max']),
  /** Put the best epoch's weights back into the model when training ends (default true). */
  restoreBest: option.boolean(),
});

export type EarlyStoppingOptions = OptionsInput<typeof EARLY_STOPPING_OPTIONS>;

/**
 * @example
 * const es = new dl.train.EarlyStopping({ monitor: 'val_accuracy', patience: 3 });
 * await new dl.Trainer({ epochs: 50, task: 'multiclass', callbacks: [es] }).fit(model, train, val);
 * console.log(es.bestEpoch, es.best);
 */
export class EarlyStopping implements Callback {
  readonly name = 'early_stopping';
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBest: boolean;
  best: number;
  bestEpoch = 0;
  wait = 0;
  private bestWeights: Record<string, Tensor> | null = null;

  constructor(input: EarlyStoppingOptions = {}) {
    const options = EARLY_STOPPING_OPTIONS.parse(input);
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 5;
    this.minDelta = options.minDelta ?? 0;
    this.mode = options.mode ?? (/loss|error/.test(this.monitor) ? 'min' : 'max');
    this.restoreBest = options.restoreBest ?? true;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private improved(v: number): boolean {
    return this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta;
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    const v = logs[this.monitor] ?? (this.monitor === 'val_loss' ? logs.train_loss : undefined);
    if (v === undefined || !Number.isFinite(v)) return;
    if (this.improved(v)) {
      this.best = v;
      this.bestEpoch = logs.epoch;
      this.wait = 0;
      if (this.restoreBest) this.copyWeights(ctx);
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      ctx.stop(`early stopping: ${this.monitor} did not improve for ${this.patience} epoch(s); best ${this.best.toPrecision(5)} at epoch ${this.bestEpoch}`);
    }
  }

  onFitEnd(ctx: FitContext): void {
    if (this.restoreBest && this.bestWeights !== null && this.bestEpoch !== ctx.state.epoch) {
      ctx.model.loadStateDict(this.bestWeights);
    }
  }

  private copyWeights(ctx: FitContext): void {
    for (const t of Object.values(this.bestWeights ?? {})) t.dispose();
    const copy: Record<string, Tensor> = {};
    tidy(() => { for (const [k, v] of Object.entries(ctx.model.stateDict())) copy[k] = keep(v.detach().clone()); });
    this.bestWeights = copy;
  }

  stateDict(): CallbackState {
    return {
      json: { best: Number.isFinite(this.best) ? this.best : null, bestEpoch: this.bestEpoch, wait: this.wait },
      tensors: this.bestWeights ?? {},
    };
  }

  loadStateDict(state: CallbackState): void {
    const s = state.json as { best: number | null; bestEpoch: number; wait: number };
    this.best = s.best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestEpoch = s.bestEpoch;
    this.wait = s.wait;
    const t = state.tensors ?? {};
    this.bestWeights = Object.keys(t).length > 0 ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, keep(v)])) : null;
  }
}
