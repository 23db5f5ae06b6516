/**
 * ModelCheckpoint: after every epoch, writes the full training state (model, optimizer,
 * scheduler, generators, counters, history) to `<dir>/last.safetensors`, and to
 * `<dir>/best.safetensors` when the monitored value improves. Each write is a temporary file
 * renamed over the old one, so a `kill -9` at any moment leaves the previous checkpoint whole.
 * On Ctrl-C the mid-epoch weights go to `<dir>/interrupted.safetensors` (last stays resumable).
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tidy } from '../../core/tensor.js';
import type { Callback, CallbackState } from '../callback.js';
import { writeCheckpoint, type SavedCheckpoint } from '../checkpoint.js';
import type { EpochLogs, FitContext } from '../types.js';

const MODEL_CHECKPOINT_OPTIONS = defineOptions('ModelCheckpoint', {
  /** Folder of the checkpoint files. */
  dir: option.required(option.string()),
  /** Log key deciding `best` (default `val_loss`). */
  monitor: option.string(),
  mode: option.choice(['min', 'max']),
  /** Also keep `best.safetensors` (default true). */
  saveBest: option.boolean(),
});

export type ModelCheckpointOptions = OptionsInput<typeof MODEL_CHECKPOINT_OPTIONS>;

/**
 * @example
 * const ckpt = new dl.train.ModelCheckpoint({ dir: 'runs/demo/checkpoints' });
 * await trainer.fit(model, train, val);
 * await trainer.fit(model, train, val, { resume: 'runs/demo/checkpoints/last.safetensors' });
 */
export class ModelCheckpoint implements Callback {
  readonly name = 'model_checkpoint';
  readonly runsLast = true;
  readonly dir: string;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBest: boolean;
  best: number;
  /** The last checkpoint written: path and epoch. */
  lastSaved: SavedCheckpoint | null = null;

  constructor(input: ModelCheckpointOptions) {
    const options = MODEL_CHECKPOINT_OPTIONS.parse(input);
    this.dir = options.dir;
    this.monitor = options.monitor ?? 'val_loss';
    this.mode = options.mode ?? (/loss|error/.test(this.monitor) ? 'min' : 'max');
    this.saveBest = options.saveBest ?? true;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  get lastPath(): string { return path.join(this.dir, 'last.safetensors'); }
  get bestPath(): string { return path.join(this.dir, 'best.safetensors'); }

  onFitStart(): void {
    fs.mkdirSync(this.dir, { recursive: true });
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    const v = logs[this.monitor] ?? (this.monitor === 'val_loss' ? logs.train_loss : undefined);
    const better = v !== undefined && Number.isFinite(v) && (this.mode === 'min' ? v < this.best : v > this.best);
    if (better) this.best = v;
    this.lastSaved = { path: this.lastPath, epoch: logs.epoch };
    tidy(() => {
      const snap = ctx.snapshot();
      writeCheckpoint(this.lastPath, snap);
      if (better && this.saveBest) writeCheckpoint(this.bestPath, snap);
    });
  }

  lastCheckpoint(): SavedCheckpoint | null {
    return this.lastSaved;
  }

  onInterrupt(ctx: FitContext, reason: 'sigint' | 'nonfinite'): void {
    if (reason === 'sigint') tidy(() => writeCheckpoint(path.join(this.dir, 'interrupted.safetensors'), ctx.snapshot()));
  }

  stateDict(): CallbackState {
    return { json: { best: Number.isFinite(this.best) ? this.best : null, lastSaved: this.lastSaved } };
  }

  loadStateDict(state: CallbackState): void {
    const s = state.json as { best: number | null; lastSaved: SavedCheckpoint | null };
    this.best = s.best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.lastSaved = s.lastSaved;
  }
}
