/**
 * The training steps of `dlflow train` after the run directory exists: the callbacks and the
 * Trainer of a config, the fit with its three endings (NaN/Inf stop, Ctrl-C, done), and the
 * finished run's files (weights, test evaluation, model.json, report).
 *
 * Data-parallel (`group` set, under mpirun or `--nproc`): every rank trains its DistributedSampler
 * share with the config's batchSize (per process, as PyTorch's); rank 0 alone writes the run
 * directory, checkpoints, logs and report, and prints.
 */
import * as fs from 'node:fs';
import type { Tensor } from '../../core/tensor.js';
import type { DataLoader } from '../../data/loader/dataloader.js';
import { DistributedSampler } from '../../data/loader/distributed_sampler.js';
import type { ProcessGroup } from '../../distributed/process_group.js';
import { save } from '../../io/safetensors.js';
import type { Module } from '../../nn/module.js';
import type { Callback } from '../../train/callback.js';
import { EarlyStopping } from '../../train/callbacks/early_stopping.js';
import { CSVLogger, JSONLLogger } from '../../train/callbacks/loggers.js';
import { LearningRateMonitor } from '../../train/callbacks/lr_monitor.js';
import { ModelCheckpoint } from '../../train/callbacks/model_checkpoint.js';
import { ProgressBar } from '../../train/callbacks/progress_bar.js';
import { NonFiniteLossError, WorldSizeMismatchError } from '../../train/errors.js';
import { UsageError } from '../errors.js';
import { evaluateModel } from '../../train/evaluate.js';
import { Trainer } from '../../train/trainer.js';
import type { FitResult } from '../../train/types.js';
import { resolvedEpochs } from '../config/data_defaults.js';
import type { DlflowConfig } from '../config/types.js';
import type { PreparedData } from '../../data/prepare/types.js';
import type { LossChoice } from '../model/loss.js';
import { optimizerFactory, schedulerFactory } from '../model/optimizer.js';
import { evaluationOf } from './evaluation.js';
import { forecastTable, isForecastEvaluation, seriesTestEvaluation } from './forecast.js';
import { writeModelInfo, type ModelInfo } from './model_json.js';
import { writeRunReport } from './report.js';
import { removeIfEmptyRun, runFiles } from './run_dir.js';
import { loaderOf, trainLoaderOf } from './setup.js';

/** What the steps of one `dlflow train` share. */
export interface TrainRun {
  config: DlflowConfig;
  /** The run directory being resumed, or null for a new run. */
  resume: string | null;
  dir: string;
  files: ReturnType<typeof runFiles>;
  data: PreparedData;
  loss: LossChoice;
  model: Module;
  /** Writes a line for the user (stdout, or stderr when stdout carries JSON lines); a no-op on ranks other than 0. */
  say(line: string): void;
  /** The data-parallel group, or null for a run in one process. */
  group: ProcessGroup | null;
}

/** Whether this process writes the run's files: the only one, or rank 0 of a data-parallel run. */
export function writesRun(run: TrainRun): boolean {
  return run.group === null || run.group.rank === 0;
}

/** The Trainer of a run, its loaders and its early-stopping callback (null when off). */
export interface TrainingSetup {
  trainer: Trainer;
  trainLoader: DataLoader<unknown, Tensor[]>;
  valLoader: DataLoader<unknown, Tensor[]>;
  early: EarlyStopping | null;
}

/** The callbacks of a run: early stopping (if configured), lr monitor, file loggers, progress, checkpoints (last). */
function callbacksOf(run: TrainRun): { callbacks: Callback[]; early: EarlyStopping | null } {
  const { earlyStopping: es } = run.config.hyperparameters;
  const early = es.patience > 0
    ? new EarlyStopping({ monitor: es.monitor, patience: es.patience, minDelta: es.minDelta, restoreBest: es.restoreBest })
    : null;
  // every rank stops early together (validation runs whole on each, on the same weights); only rank 0 writes
  if (!writesRun(run)) return { callbacks: early ? [early] : [], early };
  const log = run.config.log;
  const callbacks: Callback[] = [
    ...(early ? [early] : []), new LearningRateMonitor(), new JSONLLogger(run.files.metrics), new CSVLogger(run.files.history),
    new ProgressBar({ mode: log === 'auto' ? 'auto' : log, stream: process.stdout }), new ModelCheckpoint({ dir: run.files.checkpoints }),
  ];
  return { callbacks, early };
}

/**
 * The loaders and the Trainer a run's config describes.
 *
 * @example
 * const { trainer, trainLoader, valLoader } = trainingSetup(run);
 */
export function trainingSetup(run: TrainRun): TrainingSetup {
  const { config, data, loss } = run;
  const h = config.hyperparameters;
  const group = run.group ?? undefined;
  const sampler = group && new DistributedSampler({ length: data.train.rows }, { numReplicas: group.size, rank: group.rank, seed: config.seed });
  const trainLoader = trainLoaderOf(data, config.data.augment, loss, h.batchSize, config.seed, sampler);
  const valLoader = loaderOf(data.val, data.inputShape, loss, Math.max(256, h.batchSize), false, 0);
  const { callbacks, early } = callbacksOf(run);
  const sched = schedulerFactory(h, trainLoader.length);
  const trainer = new Trainer({
    epochs: resolvedEpochs(h), device: config.device, optimizer: optimizerFactory(h), scheduler: sched.make, schedulerInterval: sched.interval,
    loss: loss.fn, gradClip: h.gradClip, callbacks, task: data.task,
    metrics: config.metrics === 'auto' ? undefined : config.metrics, processGroup: group,
  });
  return { trainer, trainLoader, valLoader, early };
}

/** A NaN/Inf stop: model.json says so (or the empty new run is removed); exit code 1. */
function reportNonFinite(run: TrainRun, info: ModelInfo, e: NonFiniteLossError): number {
  if (!writesRun(run)) return 1;
  if (e.lastCheckpoint === null && run.resume === null) {
    removeIfEmptyRun(run.dir);
    process.stderr.write(`dlflow: ${e.message} (run directory ${run.dir} removed)\n`);
  } else {
    writeModelInfo(run.dir, { ...info, status: 'nonfinite', message: e.message, epochsCompleted: e.lastCheckpoint?.epoch ?? info.epochsCompleted });
    process.stderr.write(`dlflow: ${e.message}\n`);
  }
  return 1;
}

/**
 * Fits the model; a NaN/Inf stop is reported here and gives its exit code instead of a result.
 * Any other failure removes a new run that has no checkpoint yet, then propagates.
 */
export async function fitRun(run: TrainRun, info: ModelInfo, setup: TrainingSetup): Promise<FitResult | number> {
  try {
    return await setup.trainer.fit(run.model, setup.trainLoader, setup.valLoader, run.resume ? { resume: run.files.lastCheckpoint } : {});
  } catch (e) {
    if (e instanceof NonFiniteLossError) return reportNonFinite(run, info, e);
    if (run.resume === null && writesRun(run)) removeIfEmptyRun(run.dir);
    if (e instanceof WorldSizeMismatchError) throw new UsageError(`${run.dir}: ${e.message}`);
    throw e;
  }
}

/** Ctrl-C: model.json says so and how to continue (an empty new run is removed); exit code 130. */
export function reportInterrupted(run: TrainRun, info: ModelInfo, result: FitResult): number {
  if (!writesRun(run)) return 130;
  writeModelInfo(run.dir, { ...info, status: 'interrupted', message: result.message, epochsCompleted: result.epochs });
  if (result.epochs === 0 && run.resume === null) {
    removeIfEmptyRun(run.dir);
    run.say(`interrupted before the first epoch finished; nothing saved`);
  } else {
    run.say(`interrupted: checkpoint of epoch ${result.epochs} in ${run.files.lastCheckpoint}; continue with: dlflow train --resume ${run.dir}`);
  }
  return 130;
}

/** A finished fit: the weights, the test evaluation, the final model.json and the report, then the summary lines. */
export function finishRun(run: TrainRun, info: ModelInfo, result: FitResult, early: EarlyStopping | null): void {
  const { config, data, loss, files: f } = run;
  const metricNames = config.metrics === 'auto' ? undefined : config.metrics;
  save(run.model.stateDict(), f.weights, { format: 'pt' });
  const test = evaluateModel(run.model, loaderOf(data.test, data.inputShape, loss, 1024, false, 0), loss.fn, data.task);
  const evaluation = seriesTestEvaluation(data, test.outputs.data) ?? evaluationOf('test', data.task, test.outputs, test.targets, data.target, metricNames);
  fs.writeFileSync(f.evaluation, `${JSON.stringify(evaluation)}\n`);
  writeModelInfo(run.dir, {
    ...info, status: result.status === 'early_stopped' ? 'early_stopped' : 'complete', message: result.message,
    epochsCompleted: result.epochs, bestEpoch: early?.bestEpoch ?? result.epochs,
  });
  writeRunReport(run.dir);
  run.say(result.message);
  const shown = Object.entries(evaluation.metrics).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
  run.say(isForecastEvaluation(evaluation) ? forecastTable(evaluation) : `test (${evaluation.rows} rows): ${shown}`);
  run.say(`saved ${run.dir}/ (model.safetensors, model.json, report.html, metrics.jsonl, history.csv, architecture.svg, checkpoints/)`);
}
