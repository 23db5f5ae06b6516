/** Shared types of the training loop: loaders, logs, callbacks' view of the trainer. */
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';

/** Anything that yields batches: `[x, y]` pairs or `{ x, y }` objects (dl.data.DataLoader, an array). */
export interface BatchLoader {
  [Symbol.iterator](): Iterator<unknown>;
}

/** The kind of problem; picks how outputs become scores and which metrics apply. */
export type TrainTask = 'binary' | 'multiclass' | 'regression';

/** A loss: a module with `forward(output, target)` or a function. */
export type LossFn = ((output: Tensor, target: Tensor) => Tensor) | { forward(output: Tensor, target: Tensor): Tensor };

/** Any scheduler: per-epoch `step()`, or ReduceLROnPlateau's `step(metric)`. */
export interface SchedulerLike {
  step(metric?: number): void;
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** One epoch's record: `epoch`, `train_loss`, `val_loss`, `lr`, `val_<metric>`s, `seconds`. */
export interface EpochLogs {
  epoch: number;
  train_loss: number;
  val_loss?: number;
  lr: number;
  seconds: number;
  [metric: string]: number | undefined;
}

/** What a callback sees after each batch. */
export interface BatchInfo {
  epoch: number;
  /** 1-based index of the batch in the epoch. */
  batch: number;
  /** Batches per epoch when known. */
  batches?: number;
  loss: number;
  size: number;
  /** Correct predictions in this batch (classification). */
  correct?: number;
}

/** Mutable state of a fit, saved in checkpoints. */
export interface FitState {
  /** Epochs completed. */
  epoch: number;
  globalStep: number;
  history: EpochLogs[];
  /** Set by a callback (early stopping) or Ctrl-C to end training after the current step/epoch. */
  stopReason: string | null;
}

/** The objects of the fit in progress, handed to every callback hook. */
export interface FitContext {
  model: Module;
  optimizer: Optimizer<any>;
  scheduler: SchedulerLike | null;
  state: FitState;
  totalEpochs: number;
  /** Ends training after the current epoch. */
  stop(reason: string): void;
  /** The checkpoint of the current moment (tensors and metadata), for checkpoint writers. */
  snapshot(): import('./checkpoint.js').CheckpointData;
}

/** How a fit ended. */
export interface FitResult {
  status: 'completed' | 'early_stopped' | 'interrupted';
  message: string;
  history: EpochLogs[];
  epochs: number;
}
