/**
 * How `dlflow tune` scores one trial. Each fit is the `dlflow train` pipeline (model builder,
 * loaders, optimizer, scheduler, early stopping with the best weights restored) and its value is
 * the judged metric of the model it ends with: the epoch early stopping restores, else the last.
 * Small tables are judged by k-fold cross-validation over the train + validation rows (the mean
 * over the folds, reported after each fold for pruning); other data by the validation split
 * (reported each epoch). The test split is never used here.
 */
import { manualSeed, Generator } from '../../core/generator.js';
import { kFold } from '../../data/loader/split.js';
import { takeExamples } from '../../data/prepare/prepared_classes.js';
import { inMemory } from '../../data/prepare/examples.js';
import type { Arrays, Examples, PreparedData } from '../../data/prepare/types.js';
import { EarlyStopping } from '../../train/callbacks/early_stopping.js';
import type { Callback } from '../../train/callback.js';
import { Trainer } from '../../train/trainer.js';
import type { EpochLogs } from '../../train/types.js';
import * as tune from '../../tune/index.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { buildModel } from '../model/build.js';
import type { LossChoice } from '../model/loss.js';
import { optimizerFactory, schedulerFactory } from '../model/optimizer.js';
import { resolvedEpochs, withDataDefaults } from '../config/data_defaults.js';
import { loaderOf } from '../run/setup.js';

/** The judged metric and which way is better. */
export interface Judge { metric: string; direction: tune.StudyDirection }

/** How trials are validated: the validation split, or k folds over the train + validation rows. */
export type Validation =
  | { method: 'holdout'; rows: number; rule: string }
  | { method: 'kfold'; folds: number; rows: number; rule: string; pool: Arrays; splits: { train: Arrays; val: Arrays }[] };

/** The user attribute holding the epochs a retrain on all rows should run (k-fold). */
export const RETRAIN_EPOCHS_ATTR = 'retrain_epochs';

/**
 * The validation of a study's trials: k-fold (stratified for classifiers, seeded by `config.seed`)
 * when the data is a table whose train + validation rows are at most `tune.cv.maxRows`.
 *
 * @example
 * const v = validationOf(config, data); // { method: 'kfold', folds: 5, rows: 340, ... } for a 400-row table
 */
export function validationOf(config: DlflowConfig, data: PreparedData): Validation {
  const { folds, maxRows } = config.tune.cv;
  const rows = data.train.rows + data.val.rows;
  const rule = `k-fold (k = ${folds}) when a table's train + validation rows are at most ${maxRows} (tune.cv.maxRows), else the validation split`;
  const [train, val] = [inMemory(data.train), inMemory(data.val)]; // a table's rows are always in memory
  if (data.summary.kind !== 'table' || rows > maxRows || rows < folds || train === null || val === null) return { method: 'holdout', rows: data.val.rows, rule };
  const units = data.inputUnits;
  const both = [train, val];
  const pool = takeExamples(concat(both.map((a) => a.x)), Float64Array.from(both.flatMap((a) => [...a.y])), units, Array.from({ length: rows }, (_, i) => i));
  const labels = data.task === 'regression' ? undefined : pool.y;
  const splits = kFold(rows, folds, { generator: new Generator(config.seed), labels }).map((f) => ({
    train: takeExamples(pool.x, pool.y, units, f.train), val: takeExamples(pool.x, pool.y, units, f.val),
  }));
  return { method: 'kfold', folds, rows, rule, pool, splits };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

interface FitOutcome { value: number; epoch: number; pruned: boolean }

/** The logs of the epoch the fitted model holds: early stopping's restored one, else the last. */
function finalLogs(history: readonly EpochLogs[], es: EarlyStopping | null): EpochLogs | undefined {
  const restored = es !== null && es.restoreBest ? history.find((l) => l.epoch === es.bestEpoch) : undefined;
  return restored ?? history.at(-1);
}

/** One fit on `train`, judged on `val`; `onEpoch` returns true to stop it (pruned). */
async function fit(c: DlflowConfig, data: PreparedData, train: Examples, val: Examples, loss: LossChoice, judge: Judge, onEpoch: (value: number, epoch: number) => boolean): Promise<FitOutcome> {
  manualSeed(c.seed);
  const { model } = await buildModel(c, data.inputShape, loss.outputs);
  const h = withDataDefaults(c, data).hyperparameters; // 'auto' settings, as dlflow train resolves them
  const trainLoader = loaderOf(train, data.inputShape, loss, h.batchSize, true, c.seed);
  const valLoader = loaderOf(val, data.inputShape, loss, Math.max(256, h.batchSize), false, 0);
  const valueOf = (logs: EpochLogs): number => {
    const value = logs[judge.metric];
    if (typeof value !== 'number') throw new UsageError(`tune.metric: '${judge.metric}' is not logged by training (logged: ${Object.keys(logs).join(', ')})`);
    return value;
  };
  let pruned = false;
  const reporter: Callback = {
    name: 'tune',
    onEpochEnd: (ctx, logs) => {
      if (onEpoch(valueOf(logs), logs.epoch)) {
        pruned = true;
        ctx.stop('pruned');
      }
    },
  };
  const e = h.earlyStopping;
  const es = e.patience > 0 ? new EarlyStopping({ monitor: e.monitor, patience: e.patience, minDelta: e.minDelta, restoreBest: e.restoreBest }) : null;
  const sched = schedulerFactory(h, trainLoader.length);
  const trainer = new Trainer({
    epochs: resolvedEpochs(h), device: c.device, optimizer: optimizerFactory(h), scheduler: sched.make, schedulerInterval: sched.interval,
    loss: loss.fn, gradClip: h.gradClip, callbacks: [reporter, ...(es === null ? [] : [es])], task: data.task, metrics: c.metrics === 'auto' ? undefined : c.metrics,
  });
  const result = await trainer.fit(model, trainLoader, valLoader);
  const logs = finalLogs(result.history, es);
  if (logs === undefined) throw new Error('no epoch finished');
  return { value: valueOf(logs), epoch: logs.epoch, pruned };
}

/**
 * One trial's value under `validation`: pruned (TrialPruned thrown) when the pruner says so after
 * an epoch (holdout) or a fold (k-fold, on the mean of the folds so far).
 */
export async function runTrial(trial: tune.Trial, c: DlflowConfig, data: PreparedData, loss: LossChoice, judge: Judge, validation: Validation): Promise<number> {
  if (validation.method === 'holdout') {
    const r = await fit(c, data, data.train, data.val, loss, judge, (value, epoch) => {
      trial.report(value, epoch);
      return trial.shouldPrune();
    });
    trial.setUserAttr('epochs', r.epoch);
    if (r.pruned) throw new tune.TrialPruned();
    return r.value;
  }
  const values: number[] = [];
  const epochs: number[] = [];
  for (const [k, split] of validation.splits.entries()) {
    const r = await fit(c, data, split.train, split.val, loss, judge, () => false);
    values.push(r.value);
    epochs.push(r.epoch);
    trial.report(mean(values), k);
    if (trial.shouldPrune()) throw new tune.TrialPruned();
  }
  trial.setUserAttr('fold_values', values);
  trial.setUserAttr(RETRAIN_EPOCHS_ATTR, Math.max(1, Math.round(mean(epochs))));
  return mean(values);
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
