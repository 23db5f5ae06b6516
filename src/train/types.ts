/** Shared types of the training loop: loaders, logs, callbacks' view of the trainer. */
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import type { SchedulerLike } from '../optim/lr_scheduler/stepping.js';
import type { Optimizer } from '../optim/optimizer.js';

/** Anything that yields batches: `[x, y]` pairs or `{ x, y }` objects (dl.data.DataLoader, an array). */
export interface BatchLoader {
  [Symbol.iterator](): Iterator<unknown>;
}

/** The kind of problem; picks how outputs become scores and which metrics apply. */
export type TrainTask = 'binary' | 'multiclass' | 'regression';

/** A loss: a module with `forward(output, target)` or a function. */
export type LossFn = ((output: Tensor, target: Tensor) => Tensor) | { forward(output: Tensor, target: Tensor): Tensor };

/** Any scheduler: a plain `step()`, or `step(metric)` where it declares `stepsOnMetric` (ReduceLROnPlateau). */
export type { SchedulerLike } from '../optim/lr_scheduler/stepping.js';

/** One epoch's record: `epoch`, `train_loss`, `val_loss`, `lr`, `val_<metric>`s, `seconds`. */
export interface EpochLogs {
  epoch: number;
  train_loss: number;
  val_loss?: number;
  lr: number;
  seconds: number;
  [metric: string]: number | undefined;
}

/** The epoch's running values so far, as read from the device. */
export interface RunningValues {
  /** Mean loss per row over the epoch's batches so far (the epoch's `train_loss` at its end). */
  loss: number;
  /** Running training accuracy (classification tasks). */
  accuracy?: number;
  /** Rows seen so far. */
  rows: number;
}

/**
 * What a callback sees after each batch. The batch's loss stays on the device (reading it every
 * step would stall an asynchronous backend); `running` reads the epoch's running values when a
 * callback is about to show them.
 */
export interface BatchInfo {
  epoch: number;
  /** 1-based index of the batch in the epoch. */
  batch: number;
  /** Batches per epoch when known. */
  batches?: number;
  /** Rows in this batch. */
  size: number;
  /**
   * Present every `progressEvery` steps (TrainerOptions) and on the last batch when the loader
   * knows its length: reads the running loss and accuracy from the device (one host read,
   * shared by the callbacks that call it on this batch). It also runs the NaN/Inf check.
   */
  running?: () => RunningValues;
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
