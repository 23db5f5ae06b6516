/**
 * `dl.train`: the Trainer, its callbacks, checkpoints and a simple in-memory loader.
 *
 * @example
 * import { Trainer, EarlyStopping, ModelCheckpoint, ProgressBar } from './train/index.js'; // dl.train in the package
 * const trainer = new Trainer({ epochs: 20, task: 'multiclass', callbacks: [
 *   new EarlyStopping({ patience: 3 }), new ModelCheckpoint({ dir: 'ckpt' }), new ProgressBar(),
 * ] });
 * await trainer.fit(model, trainLoader, valLoader);
 */
export { Trainer } from './trainer.js';
export type { TrainerOptions, FitOptions } from './trainer.js';
export type { Callback, CallbackState } from './callback.js';
export type { BatchInfo, BatchLoader, EpochLogs, FitContext, FitResult, FitState, LossFn, RunningValues, SchedulerLike, TrainTask } from './types.js';
export { EarlyStopping } from './callbacks/early_stopping.js';
export type { EarlyStoppingOptions } from './callbacks/early_stopping.js';
export { ModelCheckpoint } from './callbacks/model_checkpoint.js';
export type { ModelCheckpointOptions } from './callbacks/model_checkpoint.js';
export { LearningRateMonitor } from './callbacks/lr_monitor.js';
export { ProgressBar, epochLine } from './callbacks/progress_bar.js';
export type { ProgressBarOptions } from './callbacks/progress_bar.js';
export { CSVLogger, JSONLLogger, historyToCsv, historyToJsonl } from './callbacks/loggers.js';
export { writeCheckpoint, readCheckpoint } from './checkpoint.js';
export type { CheckpointData, CheckpointMeta, SavedCheckpoint } from './checkpoint.js';
export { NonFiniteLossError, WorldSizeMismatchError } from './errors.js';
export { resolveDevice, DeviceError } from './device.js';
export { evaluateModel, metricsFor } from './evaluate.js';
export type { EvaluationResult } from './evaluate.js';
