/**
 * The callback protocol: hooks the Trainer calls around epochs and batches. Implement any subset;
 * `stateDict`/`loadStateDict` make a callback's counters part of checkpoints (exact resume).
 *
 * @example
 * const printer: dl.train.Callback = {
 *   name: 'printer',
 *   onEpochEnd: (_ctx, logs) => console.log(logs.epoch, logs.val_loss),
 * };
 * await new dl.Trainer({ epochs: 3, callbacks: [printer] }).fit(model, trainLoader, valLoader);
 */
import type { Tensor } from '../core/tensor.js';
import type { SavedCheckpoint } from './checkpoint.js';
import type { BatchInfo, EpochLogs, FitContext } from './types.js';

/** A callback's saved state: JSON values and tensors. */
export interface CallbackState {
  json?: unknown;
  tensors?: Record<string, Tensor>;
}

export interface Callback {
  /** Key of this callback's state in checkpoints (unique per fit). */
  name?: string;
  /** Run this callback's epoch-end hook after the others (checkpoint writers: they save the others' updated state). */
  runsLast?: boolean;
  onFitStart?(ctx: FitContext): void | Promise<void>;
  onEpochStart?(ctx: FitContext, epoch: number): void | Promise<void>;
  onBatchEnd?(ctx: FitContext, info: BatchInfo): void;
  /** After validation; logs carry the epoch's losses and metrics. */
  onEpochEnd?(ctx: FitContext, logs: EpochLogs): void | Promise<void>;
  /** Training stops early: Ctrl-C (`sigint`) or a NaN/Inf loss (`nonfinite`). */
  onInterrupt?(ctx: FitContext, reason: 'sigint' | 'nonfinite'): void | Promise<void>;
  onFitEnd?(ctx: FitContext): void | Promise<void>;
  /** Checkpoint writers: the latest checkpoint this callback wrote, which a NaN/Inf stop names as the last good one. */
  lastCheckpoint?(): SavedCheckpoint | null;
  stateDict?(): CallbackState;
  loadStateDict?(state: CallbackState): void;
}
