/**
 * The Trainer: the training loop with callbacks, validation every epoch, NaN/Inf detection,
 * Ctrl-C handling and exact resume from a checkpoint.
 */
import { defaultGenerator, type Generator } from '../core/generator.js';
import { tidy, type Tensor } from '../core/tensor.js';
import { CrossEntropyLoss } from '../nn/losses/cross_entropy.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm_ } from '../optim/clip_grad.js';
import { ReduceLROnPlateau } from '../optim/lr_scheduler/plateau.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from './callback.js';
import { readCheckpoint, type CheckpointData } from './checkpoint.js';
import { resolveDevice } from './device.js';
import { NonFiniteLossError } from './errors.js';
import { callLoss, evaluateModel, type EvaluationResult } from './evaluate.js';
import { batchesOf, unpackBatch } from './loader_adapter.js';
import { restoreSnapshot, takeSnapshot, type FitParts } from './snapshot.js';
import type { BatchInfo, BatchLoader, EpochLogs, FitContext, FitResult, FitState, LossFn, SchedulerLike, TrainTask } from './types.js';

export interface TrainerOptions {
  /** Total epochs (a resumed fit continues up to this number). */
  epochs: number;
  /** `auto | cpu` (cuda is refused until a CUDA backend exists). Default auto. */
  device?: string;
  /** An optimizer, or a factory over the model's parameters. Default Adam(lr 1e-3). */
  optimizer?: Optimizer<any> | ((params: Tensor[]) => Optimizer<any>);
  /** A scheduler, or a factory over the optimizer. */
  scheduler?: SchedulerLike | ((optimizer: Optimizer<any>) => SchedulerLike);
  /** `epoch` (default; ReduceLROnPlateau gets the validation loss) or `step` (OneCycleLR). */
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
}

/** Options of one `fit` call. */
export interface FitOptions {
  /** Continue from a checkpoint file or its contents: epochs already done are skipped, exactly. */
  resume?: string | CheckpointData;
}

/** Count of rows whose argmax (or logit > 0 for one column) equals the target. */
function countCorrect(out: Tensor, y: Tensor): number {
  if (out.shape.length !== 2) return 0;
  const pred = out.shape[1] === 1 ? out.gt(0).reshape([-1]) : out.argmax(1);
  return pred.eq(y.reshape([-1]).to(pred.dtype)).sum().item();
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Trains a model: zero the gradients, forward, loss, backward, clip, step, schedule; each step in
 * `dl.tidy`; validation and callbacks every epoch.
 *
 * @example
 * import * as dl from 'dlflow';
 * const { nn } = dl;
 * dl.manualSeed(0);
 * const x = dl.randn([64, 4]);
 * const y = x.sum(1).gt(0).long();
 * const loader = new dl.data.DataLoader(new dl.data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const trainer = new dl.Trainer({ epochs: 3, task: 'multiclass', callbacks: [new dl.train.EarlyStopping({ patience: 2 })] });
 * const result = await trainer.fit(model, loader, loader);
 * console.log(result.history.at(-1)?.val_accuracy);
 */
export class Trainer {
  readonly options: TrainerOptions;
  /** The optimizer of the last fit. */
  optimizer: Optimizer<any> | null = null;
  scheduler: SchedulerLike | null = null;
  /** What device resolution said (e.g. "device: auto -> cpu ..."). */
  readonly deviceNote: string;
  private sigint = false;
  private lastYield = 0;

  constructor(options: TrainerOptions) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new RangeError(`Trainer: epochs must be an integer >= 1, got ${options.epochs}`);
    this.options = options;
    this.deviceNote = resolveDevice(options.device ?? 'auto').note;
  }

  get loss(): LossFn {
    return this.options.loss ?? new CrossEntropyLoss();
  }

  /**
   * Trains `model` on `trainLoader`, validating on `valLoader` after each epoch. Resolves when the
   * epochs are done, early stopping fires, or Ctrl-C was pressed; throws NonFiniteLossError on a
   * NaN/Inf loss.
   */
  async fit(model: Module, trainLoader: BatchLoader, valLoader?: BatchLoader | null, fitOptions: FitOptions = {}): Promise<FitResult> {
    const o = this.options;
    const lossFn = this.loss;
    const params = model.parameters();
    const optimizer = typeof o.optimizer === 'function' ? o.optimizer(params) : o.optimizer ?? new Adam(params, { lr: 1e-3 });
    const scheduler = typeof o.scheduler === 'function' ? o.scheduler(optimizer) : o.scheduler ?? null;
    this.optimizer = optimizer;
    this.scheduler = scheduler;
    const callbacks = o.callbacks ?? [];
    const parts: FitParts = { model, optimizer, scheduler, trainLoader, callbacks, generator: o.generator ?? defaultGenerator, extra: o.checkpointExtra };
    let state: FitState = { epoch: 0, globalStep: 0, history: [], stopReason: null };
    if (fitOptions.resume !== undefined) {
      const data = typeof fitOptions.resume === 'string' ? readCheckpoint(fitOptions.resume) : fitOptions.resume;
      state = restoreSnapshot(parts, data);
    }
    const ctx: FitContext = {
      model, optimizer, scheduler, state, totalEpochs: o.epochs,
      stop: (reason) => { state.stopReason = reason; },
      snapshot: () => takeSnapshot(parts, state),
    };
    const onSigint = (): void => {
      if (this.sigint) process.exit(130);
      this.sigint = true;
    };
    this.sigint = false;
    if (o.handleSigint !== false) process.on('SIGINT', onSigint);
    try {
      for (const cb of callbacks) await cb.onFitStart?.(ctx);
      for (let epoch = state.epoch + 1; epoch <= o.epochs && state.stopReason === null; epoch++) {
        for (const cb of callbacks) await cb.onEpochStart?.(ctx, epoch);
        const started = performance.now();
        const lr = Number(optimizer.paramGroups[0].lr);
        const { loss: trainLoss, accuracy } = await this.trainEpoch(ctx, trainLoader, lossFn, epoch);
        if (this.sigint) {
          for (const cb of callbacks) await cb.onInterrupt?.(ctx, 'sigint');
          const message = `interrupted during epoch ${epoch}; ${state.epoch} epoch(s) complete`;
          return { status: 'interrupted', message, history: state.history, epochs: state.epoch };
        }
        const logs: EpochLogs = { epoch, train_loss: trainLoss, lr, seconds: 0 };
        if (accuracy !== undefined) logs.train_accuracy = accuracy;
        if (valLoader) {
          const r = evaluateModel(model, valLoader, lossFn, o.task ?? null, o.metrics);
          logs.val_loss = r.loss;
          for (const [k, v] of Object.entries(r.metrics)) logs[`val_${k}`] = v;
        }
        if (scheduler instanceof ReduceLROnPlateau) scheduler.step(logs.val_loss ?? trainLoss);
        else if (scheduler !== null && o.schedulerInterval !== 'step') scheduler.step();
        logs.seconds = (performance.now() - started) / 1000;
        state.epoch = epoch;
        state.history.push(logs);
        for (const cb of callbacks) if (!cb.runsLast) await cb.onEpochEnd?.(ctx, logs);
        for (const cb of callbacks) if (cb.runsLast) await cb.onEpochEnd?.(ctx, logs);
        // Let signal handlers run (Ctrl-C) even when epochs are shorter than the in-epoch yield interval.
        await yieldToEventLoop();
        this.lastYield = performance.now();
        if (this.sigint) {
          for (const cb of callbacks) await cb.onInterrupt?.(ctx, 'sigint');
          return { status: 'interrupted', message: `interrupted after epoch ${epoch}`, history: state.history, epochs: state.epoch };
        }
      }
      for (const cb of callbacks) await cb.onFitEnd?.(ctx);
    } finally {
      if (o.handleSigint !== false) process.off('SIGINT', onSigint);
    }
    const early = state.stopReason !== null;
    return {
      status: early ? 'early_stopped' : 'completed',
      message: early ? state.stopReason! : `trained ${state.epoch} epoch(s)`,
      history: state.history, epochs: state.epoch,
    };
  }

  /** One pass over the training data; returns the mean loss per row. */
  private async trainEpoch(ctx: FitContext, loader: BatchLoader, lossFn: LossFn, epoch: number): Promise<{ loss: number; accuracy?: number }> {
    const { model, optimizer, scheduler } = ctx;
    const o = this.options;
    const classify = o.task !== undefined && o.task !== 'regression';
    const params = model.parameters();
    const batches = batchesOf(loader);
    model.train();
    const it = loader[Symbol.iterator]();
    let sum = 0;
    let rows = 0;
    let batch = 0;
    let correct = 0;
    while (true) {
      const step = tidy(() => {
        const next = it.next();
        if (next.done) return null;
        const [x, y] = unpackBatch(next.value);
        optimizer.zeroGrad();
        const out = model.forward(x) as Tensor;
        const loss = callLoss(lossFn, out, y);
        const value = loss.item();
        const size = x.shape[0];
        if (!Number.isFinite(value)) return { value, size, correct: undefined };
        loss.backward();
        if (o.gradClip) clipGradNorm_(params, o.gradClip);
        optimizer.step();
        return { value, size, correct: classify ? countCorrect(out, y) : undefined };
      });
      if (step === null) break;
      batch++;
      if (!Number.isFinite(step.value)) {
        for (const cb of o.callbacks ?? []) await cb.onInterrupt?.(ctx, 'nonfinite');
        throw new NonFiniteLossError(epoch, batch, step.value, lastCheckpointOf(o.callbacks ?? []));
      }
      sum += step.value * step.size;
      rows += step.size;
      correct += step.correct ?? 0;
      ctx.state.globalStep++;
      if (scheduler !== null && o.schedulerInterval === 'step') scheduler.step();
      const info: BatchInfo = { epoch, batch, batches, loss: step.value, size: step.size, correct: step.correct };
      for (const cb of o.callbacks ?? []) cb.onBatchEnd?.(ctx, info);
      if (performance.now() - this.lastYield > 50) {
        await yieldToEventLoop();
        this.lastYield = performance.now();
      }
      if (this.sigint) break;
    }
    return { loss: rows === 0 ? Number.NaN : sum / rows, accuracy: classify && rows > 0 ? correct / rows : undefined };
  }

  /**
   * Loss and metrics of `model` on `loader` (eval mode, no gradients).
   *
   * @example
   * const { loss, metrics } = trainer.evaluate(model, testLoader);
   */
  evaluate(model: Module, loader: BatchLoader): EvaluationResult {
    return evaluateModel(model, loader, this.loss, this.options.task ?? null, this.options.metrics);
  }
}

/** The most recent checkpoint a callback wrote (path and epoch), if any. */
function lastCheckpointOf(callbacks: readonly Callback[]): { path: string; epoch: number } | null {
  for (const cb of callbacks) {
    const last = (cb as { lastSaved?: { path: string; epoch: number } | null }).lastSaved;
    if (last) return last;
  }
  return null;
}
