/** LearningRateMonitor: records the learning rate of every parameter group each epoch. */
import type { Callback, CallbackState } from '../callback.js';
import type { EpochLogs, FitContext } from '../types.js';

/**
 * @example
 * const lrs = new dl.train.LearningRateMonitor();
 * await new dl.Trainer({ epochs: 5, callbacks: [lrs] }).fit(model, train);
 * lrs.history; // [{ epoch: 1, lr: [0.001] }, ...]
 */
export class LearningRateMonitor implements Callback {
  readonly name = 'lr_monitor';
  history: { epoch: number; lr: number[] }[] = [];

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    const lr = ctx.optimizer.paramGroups.map((g) => Number(g.lr));
    this.history.push({ epoch: logs.epoch, lr });
  }

  stateDict(): CallbackState { return { json: this.history }; }
  loadStateDict(state: CallbackState): void { this.history = (state.json as LearningRateMonitor['history']) ?? []; }
}
