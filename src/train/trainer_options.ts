/** The options of the Trainer and of one `fit` call. */
import { defineOptions, isPlainObject, option, type OptionsInput } from '../base/options.js';
import { Generator } from '../core/generator.js';
import type { Tensor } from '../core/tensor.js';
import type { ProcessGroup } from '../distributed/process_group.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from './callback.js';
import type { CheckpointData } from './checkpoint.js';
import type { LossFn, SchedulerLike } from './types.js';

const hasMethod = (v: unknown, name: string): boolean => isPlainObject(v) && typeof (v as Record<string, unknown>)[name] === 'function';

const TRAINER_OPTIONS = defineOptions('Trainer', {
  /** Total epochs (a resumed fit continues up to this number). */
  epochs: option.required(option.number({ min: 1, integer: true })),
  /** `auto | cpu` (cuda is refused until a CUDA backend exists). Default auto. */
  device: option.string(),
  /** An optimizer, or a factory over the model's parameters. Default Adam(lr 1e-3). */
  optimizer: option.custom<Optimizer<any> | ((params: Tensor[]) => Optimizer<any>)>('an optimizer or a function (params) => optimizer',
    (v): v is Optimizer<any> => typeof v === 'function' || hasMethod(v, 'step')),
  /** A scheduler, or a factory over the optimizer. */
  scheduler: option.custom<SchedulerLike | ((optimizer: Optimizer<any>) => SchedulerLike)>('a scheduler or a function (optimizer) => scheduler',
    (v): v is SchedulerLike => typeof v === 'function' || hasMethod(v, 'step')),
  /** `epoch` (default) or `step` (OneCycleLR). Schedulers that step on a metric (ReduceLROnPlateau) get the validation loss once per epoch. */
  schedulerInterval: option.choice(['epoch', 'step']),
  /** Default CrossEntropyLoss. */
  loss: option.custom<LossFn>('a loss module or a function (output, target) => loss',
    (v): v is LossFn => typeof v === 'function' || hasMethod(v, 'forward')),
  /** Clip the gradients' global L2 norm to this value (0 or absent: off). */
  gradClip: option.number({ min: 0 }),
  /** Callbacks, called in order at each event. */
  callbacks: option.custom<Callback[]>('a list of callbacks', (v): v is Callback[] => Array.isArray(v) && v.every(isPlainObject)),
  /** Enables validation metrics and the running training accuracy. */
  task: option.choice(['binary', 'multiclass', 'regression']),
  /** Metric names (scikit-learn's); default: a set suited to the task. */
  metrics: option.custom<readonly string[]>('a list of metric names', (v): v is readonly string[] => Array.isArray(v) && v.every((m) => typeof m === 'string')),
  /** The generator dropout and random init draw from (default dl.defaultGenerator). */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
  /** Stop cleanly on Ctrl-C (SIGINT) after the current batch (default true). */
  handleSigint: option.boolean(),
  /** Free-form data stored in every checkpoint's metadata. */
  checkpointExtra: option.custom<Record<string, unknown>>('an object', (v): v is Record<string, unknown> => isPlainObject(v)),
  /**
   * Steps between the batches whose `BatchInfo.running` is offered to `onBatchEnd` callbacks
   * (and always the last batch, when the loader knows its length). The loss stays on the device
   * otherwise: reading it every step would stall an asynchronous backend. Default 20.
   */
  progressEvery: option.number({ min: 1, integer: true }),
  /**
   * Read each step's loss before its backward pass, so that a NaN/Inf step is never applied
   * (one host round trip per step). Default false: the check runs whenever the loss record is
   * read (at the end of each epoch, or when a callback reads `BatchInfo.running`), and the steps
   * until then are applied; the last good checkpoint on disk is unaffected either way.
   */
  checkEveryStep: option.boolean(),
  /**
   * Train data-parallel over this group (`dl.distributed.initProcessGroup`): the model is
   * wrapped in DistributedDataParallel for the training steps, and the epoch's loss and accuracy
   * are those of all ranks' rows. The training loader must give each rank its share (a
   * DistributedSampler, whose epoch the Trainer sets); validation runs whole on every rank.
   * Checkpoints record the group's size, and resuming needs the same size.
   */
  processGroup: option.custom<ProcessGroup>('a ProcessGroup', (v): v is ProcessGroup => hasMethod(v, 'allReduceAsync')),
});

/** The Trainer's options (one declaration: the type and the constructor's check). */
export type TrainerOptions = OptionsInput<typeof TRAINER_OPTIONS>;

/** Checks a Trainer's options (unknown keys, ranges, types); defaults are applied where used. */
export function parseTrainerOptions(options: unknown): TrainerOptions {
  return TRAINER_OPTIONS.parse(options);
}

/** Options of one `fit` call. */
export interface FitOptions {
  /** Continue from a checkpoint file or its contents: epochs already done are skipped, exactly. */
  resume?: string | CheckpointData;
}
