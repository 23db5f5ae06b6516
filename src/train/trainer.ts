/**
 * The Trainer: the training loop with callbacks, validation every epoch, NaN/Inf detection,
 * Ctrl-C handling and exact resume from a checkpoint.
 */
import { noGrad } from '../autograd/grad_mode.js';
import { defaultGenerator } from '../core/generator.js';
import { tidy, type Tensor } from '../core/tensor.js';
import { CrossEntropyLoss } from '../nn/losses/cross_entropy.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import type { ProcessGroup } from '../distributed/process_group.js';
import { DistributedDataParallel } from '../nn/parallel/distributed.js';
import { clipGradNorm_ } from '../optim/clip_grad.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Callback } from './callback.js';
import { readCheckpoint, type SavedCheckpoint } from './checkpoint.js';
import { resolveDevice } from './device.js';
import { EpochRecord } from './epoch_record.js';
import { NonFiniteLossError } from './errors.js';
import { callLoss, evaluateModel, type EvaluationResult } from './evaluate.js';
import { batchesOf, setSamplerEpoch, unpackBatch } from './loader_adapter.js';
import { restoreSnapshot, takeSnapshot, type FitParts } from './snapshot.js';
import { parseTrainerOptions, type FitOptions, type TrainerOptions } from './trainer_options.js';
import type { BatchInfo, BatchLoader, EpochLogs, FitContext, FitResult, FitState, LossFn, RunningValues, SchedulerLike } from './types.js';

export type { FitOptions, TrainerOptions } from './trainer_options.js';

/** Batches between the running values offered to `onBatchEnd` callbacks (TrainerOptions.progressEvery). */
const DEFAULT_PROGRESS_EVERY = 20;

/**
 * The count of rows whose argmax (or logit > 0 for one column) equals the target, as a device
 * scalar (no host read); null for outputs that are not `[rows, classes]`.
 */
function correctCount(out: Tensor, y: Tensor): Tensor | null {
  if (out.shape.length !== 2) return null;
  return noGrad(() => {
    const pred = out.shape[1] === 1 ? out.gt(0).reshape([-1]) : out.argmax(1);
    return pred.eq(y.reshape([-1]).to(pred.dtype)).sum();
  });
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What one fit works with. */
interface FitRun {
  ctx: FitContext;
  /** What the training steps run: the model, or its DistributedDataParallel wrapper. */
  net: Module;
  params: Tensor[];
  callbacks: readonly Callback[];
  lossFn: LossFn;
  trainLoader: BatchLoader;
  valLoader: BatchLoader | null;
}

/** One training step's values, still on the device. */
interface StepOutput {
  /** The loss, detached (one element). */
  loss: Tensor;
  /** Correct predictions in the batch (classification with `[rows, classes]` outputs). */
  correct: Tensor | null;
  rows: number;
  /** False when `checkEveryStep` found a NaN/Inf loss and skipped backward and the optimizer step. */
  applied: boolean;
}

/**
 * Trains a model: zero the gradients, forward, loss, backward, clip, step, schedule; each step in
 * `dl.tidy`; validation and callbacks every epoch. The losses stay on the device during an epoch
 * and are read once at its end (or when a callback asks for running values), so a step never
 * waits for the host.
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
    this.options = parseTrainerOptions(options);
    this.deviceNote = resolveDevice(this.options.device ?? 'auto').note;
  }

  get loss(): LossFn {
    return this.options.loss ?? new CrossEntropyLoss();
  }

  /** Whether the task is a classification (running training accuracy). */
  private get classifies(): boolean {
    return this.options.task !== undefined && this.options.task !== 'regression';
  }

  /**
   * Trains `model` on `trainLoader`, validating on `valLoader` after each epoch. Resolves when the
   * epochs are done, early stopping fires, or Ctrl-C was pressed; throws NonFiniteLossError on a
   * NaN/Inf loss.
   */
  async fit(model: Module, trainLoader: BatchLoader, valLoader?: BatchLoader | null, fitOptions: FitOptions = {}): Promise<FitResult> {
    const run = this.startFit(model, trainLoader, valLoader ?? null, fitOptions);
    const { ctx, callbacks } = run;
    const stopListening = this.listenForSigint();
    try {
      for (const cb of callbacks) await cb.onFitStart?.(ctx);
      while (ctx.state.epoch < this.options.epochs && ctx.state.stopReason === null) {
        const interrupted = await this.runEpoch(run, ctx.state.epoch + 1);
        if (interrupted !== null) return interrupted;
      }
      for (const cb of callbacks) await cb.onFitEnd?.(ctx);
    } finally {
      stopListening();
      // the DDP wrapper's gradient hooks go with the fit (the model itself stays usable)
      if (run.net !== model) run.net.dispose();
    }
    return finishedResult(ctx.state);
  }

  /** The optimizer, scheduler, state (restored when resuming) and callbacks' context of a new fit. */
  private startFit(model: Module, trainLoader: BatchLoader, valLoader: BatchLoader | null, fitOptions: FitOptions): FitRun {
    const o = this.options;
    const lossFn = this.loss;
    const params = model.parameters();
    const optimizer = typeof o.optimizer === 'function' ? o.optimizer(params) : o.optimizer ?? new Adam(params, { lr: 1e-3 });
    const scheduler = typeof o.scheduler === 'function' ? o.scheduler(optimizer) : o.scheduler ?? null;
    if (scheduler?.stepsOnMetric === true && o.schedulerInterval === 'step') {
      throw new RangeError("Trainer: a scheduler that steps on a metric (ReduceLROnPlateau) steps once per epoch; schedulerInterval 'step' does not apply to it");
    }
    this.optimizer = optimizer;
    this.scheduler = scheduler;
    const callbacks = o.callbacks ?? [];
    const group = o.processGroup;
    const parts: FitParts = {
      model, optimizer, scheduler, trainLoader, callbacks, generator: o.generator ?? defaultGenerator, extra: o.checkpointExtra, worldSize: group?.size,
    };
    let state: FitState = { epoch: 0, globalStep: 0, history: [], stopReason: null };
    if (fitOptions.resume !== undefined) {
      const data = typeof fitOptions.resume === 'string' ? readCheckpoint(fitOptions.resume) : fitOptions.resume;
      state = restoreSnapshot(parts, data, typeof fitOptions.resume === 'string' ? fitOptions.resume : undefined);
    }
    const ctx: FitContext = {
      model, optimizer, scheduler, state, totalEpochs: o.epochs,
      stop: (reason) => { state.stopReason = reason; },
      snapshot: () => takeSnapshot(parts, state),
    };
    // wrapped after a resume has loaded rank 0's weights everywhere (the wrapper broadcasts rank 0's)
    const net = group === undefined ? model : new DistributedDataParallel(model, { processGroup: group });
    return { ctx, net, params, callbacks, lossFn, trainLoader, valLoader };
  }

  /** Ctrl-C sets a flag checked after each batch; a second Ctrl-C exits at once. Returns the remover. */
  private listenForSigint(): () => void {
    this.sigint = false;
    if (this.options.handleSigint === false) return () => {};
    const onSigint = (): void => {
      if (this.sigint) process.exit(130);
      this.sigint = true;
    };
    process.on('SIGINT', onSigint);
    return () => { process.off('SIGINT', onSigint); };
  }

  /** One epoch: train, validate, schedule, callbacks. The interrupted result after Ctrl-C, else null. */
  private async runEpoch(run: FitRun, epoch: number): Promise<FitResult | null> {
    const { ctx, callbacks } = run;
    for (const cb of callbacks) await cb.onEpochStart?.(ctx, epoch);
    const started = performance.now();
    const lr = Number(ctx.optimizer.paramGroups[0].lr);
    const train = await this.trainEpoch(run, epoch);
    if (this.sigint) return this.interrupted(run, `interrupted during epoch ${epoch}; ${ctx.state.epoch} epoch(s) complete`);
    const logs = this.epochLogs(run, epoch, lr, train);
    stepAfterEpoch(ctx.scheduler, this.options.schedulerInterval, logs);
    logs.seconds = (performance.now() - started) / 1000;
    ctx.state.epoch = epoch;
    ctx.state.history.push(logs);
    for (const cb of callbacks) if (!cb.runsLast) await cb.onEpochEnd?.(ctx, logs);
    for (const cb of callbacks) if (cb.runsLast) await cb.onEpochEnd?.(ctx, logs);
    // Let signal handlers run (Ctrl-C) even when epochs are shorter than the in-epoch yield interval.
    await this.yieldNow();
    return this.sigint ? this.interrupted(run, `interrupted after epoch ${epoch}`) : null;
  }

  /** The epoch's record: training values, learning rate, validation loss and metrics. */
  private epochLogs(run: FitRun, epoch: number, lr: number, train: RunningValues): EpochLogs {
    const logs: EpochLogs = { epoch, train_loss: train.loss, lr, seconds: 0 };
    if (train.accuracy !== undefined) logs.train_accuracy = train.accuracy;
    if (run.valLoader) {
      const r = evaluateModel(run.ctx.model, run.valLoader, run.lossFn, this.options.task ?? null, this.options.metrics);
      logs.val_loss = r.loss;
      for (const [k, v] of Object.entries(r.metrics)) logs[`val_${k}`] = v;
    }
    return logs;
  }

  /** After Ctrl-C: the callbacks' onInterrupt (the checkpoint writer saves the weights), then the result. */
  private async interrupted(run: FitRun, message: string): Promise<FitResult> {
    for (const cb of run.callbacks) await cb.onInterrupt?.(run.ctx, 'sigint');
    return { status: 'interrupted', message, history: run.ctx.state.history, epochs: run.ctx.state.epoch };
  }

  /** One pass over the training data; returns the epoch's mean loss per row and accuracy. */
  private async trainEpoch(run: FitRun, epoch: number): Promise<RunningValues> {
    const { ctx, callbacks } = run;
    const batches = batchesOf(run.trainLoader);
    const every = this.options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
    const record = new EpochRecord(this.classifies);
    run.net.train();
    setSamplerEpoch(run.trainLoader, epoch - 1);
    const it = run.trainLoader[Symbol.iterator]();
    try {
      for (let batch = 1; ; batch++) {
        const step = this.trainStep(run, it);
        if (step === null) break;
        record.add(step.loss, step.correct, step.rows);
        if (!step.applied) record.read();
        if (record.nonFinite !== null) await this.stopNonFinite(run, record, epoch);
        ctx.state.globalStep++;
        const s = ctx.scheduler;
        if (s !== null && s.stepsOnMetric !== true && this.options.schedulerInterval === 'step') s.step();
        const info: BatchInfo = { epoch, batch, batches, size: step.rows };
        if (batch % every === 0 || batch === batches) info.running = () => record.read();
        for (const cb of callbacks) cb.onBatchEnd?.(ctx, info);
        if (record.nonFinite !== null) await this.stopNonFinite(run, record, epoch);
        if (performance.now() - this.lastYield > 50) await this.yieldNow();
        if (this.sigint) break;
      }
      // The epoch's one host read (besides those callbacks asked for), and the NaN/Inf check.
      const values = record.read();
      if (record.nonFinite !== null) await this.stopNonFinite(run, record, epoch);
      return this.options.processGroup === undefined ? values : overRanks(this.options.processGroup, record, values);
    } finally {
      record.dispose();
    }
  }

  /** One step in `tidy`: zero grads, forward, loss, backward, clip, optimizer step; null when the loader is done. */
  private trainStep(run: FitRun, it: Iterator<unknown>): StepOutput | null {
    const { optimizer } = run.ctx;
    const o = this.options;
    return tidy(() => {
      const next = it.next();
      if (next.done) return null;
      const [x, y] = unpackBatch(next.value);
      optimizer.zeroGrad();
      const out = run.net.forward(x) as Tensor;
      const loss = callLoss(run.lossFn, out, y);
      const rows = x.shape[0];
      if (o.checkEveryStep === true && !Number.isFinite(loss.item())) return { loss: loss.detach(), correct: null, rows, applied: false };
      loss.backward();
      if (o.gradClip) clipGradNorm_(run.params, o.gradClip);
      optimizer.step();
      return { loss: loss.detach(), correct: this.classifies ? correctCount(out, y) : null, rows, applied: true };
    });
  }

  /** After a read found a NaN/Inf loss: the callbacks' onInterrupt, then NonFiniteLossError naming the last good checkpoint. */
  private async stopNonFinite(run: FitRun, record: EpochRecord, epoch: number): Promise<never> {
    const bad = record.nonFinite!;
    for (const cb of run.callbacks) await cb.onInterrupt?.(run.ctx, 'nonfinite');
    throw new NonFiniteLossError(epoch, bad.batch, bad.value, lastCheckpointOf(run.callbacks));
  }

  private async yieldNow(): Promise<void> {
    await yieldToEventLoop();
    this.lastYield = performance.now();
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

/**
 * The epoch's values over all ranks' rows: every rank's Σ loss·rows, correct and rows, gathered
 * and summed in doubles. Each double travels as two float32 (its float32 rounding and the rest),
 * about 48 bits, and the sum is taken on the host in rank order, the same on every rank.
 */
function overRanks(group: ProcessGroup, record: EpochRecord, local: RunningValues): RunningValues {
  const t = record.totals();
  const mine = new Float32Array(6);
  [t.lossSum, t.correct, t.rows].forEach((v, i) => { mine[2 * i] = Math.fround(v); mine[2 * i + 1] = v - Math.fround(v); });
  const all = Array.from({ length: group.size }, () => new Float32Array(6));
  group.allGather(all, mine);
  const total = (i: number): number => all.reduce((acc, r) => acc + r[2 * i] + r[2 * i + 1], 0);
  const [lossSum, correct, rows] = [total(0), total(1), Math.round(total(2))];
  return { loss: rows === 0 ? Number.NaN : lossSum / rows, accuracy: local.accuracy === undefined ? undefined : correct / rows, rows };
}

/** The per-epoch scheduler step: a metric scheduler gets the validation loss (the training loss without validation). */
function stepAfterEpoch(scheduler: SchedulerLike | null, interval: TrainerOptions['schedulerInterval'], logs: EpochLogs): void {
  if (scheduler === null) return;
  if (scheduler.stepsOnMetric === true) scheduler.step(logs.val_loss ?? logs.train_loss);
  else if (interval !== 'step') scheduler.step();
}

/** How a fit that ran to its end (or to early stopping) ended. */
function finishedResult(state: FitState): FitResult {
  const early = state.stopReason !== null;
  return {
    status: early ? 'early_stopped' : 'completed',
    message: early ? state.stopReason! : `trained ${state.epoch} epoch(s)`,
    history: state.history, epochs: state.epoch,
  };
}

/** The most recent checkpoint a callback wrote, if any. */
function lastCheckpointOf(callbacks: readonly Callback[]): SavedCheckpoint | null {
  for (const cb of callbacks) {
    const last = cb.lastCheckpoint?.() ?? null;
    if (last !== null) return last;
  }
  return null;
}
