/** The options of the Trainer and of one `fit` call. */
import type { Generator } from '../core/generator.js';
import type { Tensor } from '../core/tensor.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from './callback.js';
import type { CheckpointData } from './checkpoint.js';
import type { LossFn, SchedulerLike, TrainTask } from './types.js';

export interface TrainerOptions {
  /** Total epochs (a resumed fit continues up to this number). */
  epochs: number;
  /** `auto | cpu` (cuda is refused until a CUDA backend exists). Default auto. */
  device?: string;
  /** An optimizer, or a factory over the model's parameters. Default Adam(lr 1e-3). */
  optimizer?: Optimizer<any> | ((params: Tensor[]) => Optimizer<any>);
  /** A scheduler, or a factory over the optimizer. */
  scheduler?: SchedulerLike | ((optimizer: Optimizer<any>) => SchedulerLike);
  /** `epoch` (default) or `step` (OneCycleLR). Schedulers that step on a metric (ReduceLROnPlateau) get the validation loss once per epoch. */
  schedulerInterval?: 'epoch' | 'step';
  /** Default CrossEntropyLoss. */
  loss?: LossFn;
  /** Clip the gradients' global L2 norm to this value (0 or absent: off). */
  gradClip?: number;
  callbacks?: Callback[];
  /** Enables validation metrics and the running training accuracy. */
  task?: TrainTask;
  /** Metric names (scikit-learn's); default: a set suited to the task. */
  metrics?: readonly string[];
  /** The generator dropout and random init draw from (default dl.defaultGenerator). */
  generator?: Generator;
  /** Stop cleanly on Ctrl-C (SIGINT) after the current batch (default true). */
  handleSigint?: boolean;
  /** Free-form data stored in every checkpoint's metadata. */
  checkpointExtra?: Record<string, unknown>;
  /**
   * Steps between the batches whose `BatchInfo.running` is offered to `onBatchEnd` callbacks
   * (and always the last batch, when the loader knows its length). The loss stays on the device
   * otherwise: reading it every step would stall an asynchronous backend. Default 20.
   */
  progressEvery?: number;
  /**
   * Read each step's loss before its backward pass, so that a NaN/Inf step is never applied
   * (one host round trip per step). Default false: the check runs whenever the loss record is
   * read (at the end of each epoch, or when a callback reads `BatchInfo.running`), and the steps
   * until then are applied; the last good checkpoint on disk is unaffected either way.
   */
  checkEveryStep?: boolean;
}

/** Options of one `fit` call. */
export interface FitOptions {
  /** Continue from a checkpoint file or its contents: epochs already done are skipped, exactly. */
  resume?: string | CheckpointData;
}
