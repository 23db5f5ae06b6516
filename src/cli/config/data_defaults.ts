/**
 * Settings whose default depends on the data (`'auto'`), resolved once the data is prepared so
 * that config.resolved.yaml (and a tuning study's best.yaml) records what was used:
 * - `hyperparameters.scheduler.type: auto` — cosine annealing over the epochs for examples with a
 *   spatial layout (images, spectrograms, volumes: rank ≥ 3, `[C, ...]`), a constant rate otherwise;
 * - `hyperparameters.earlyStopping.monitor: auto` — `val_accuracy` for classifiers of such data,
 *   `val_loss` otherwise (Keras's default);
 * - `hyperparameters.epochs: auto` — 300 for a time series, where early stopping (on by default)
 *   ends training, 50 otherwise. On bundled CO₂ the default GRU was still improving at epoch 50:
 *   test MAE 0.297/0.321/0.287 (seeds 0–2) at 50 epochs, 0.300/0.302/0.279 stopped early
 *   within 300, against ridge's 0.309 (AMD EPYC). A small table gets the epochs that make at least
 *   {@link AUTO_EPOCHS}.minSteps optimizer steps (at most `tableMax` epochs; early stopping ends
 *   it sooner): 50 epochs of iris's 92 training rows are 100 steps, too few to converge — test
 *   accuracy 0.846 over seeds 0–5, 0.987 with 500 epochs, against logistic regression's 0.974.
 * Why: on Fashion-MNIST (15 epochs, the auto CNN) test accuracy was 0.9166 with a constant rate
 * and val_loss, 0.9197 monitoring val_accuracy (Intel Xeon) and 0.9263 with both (AMD EPYC);
 * tables keep the settings their small-data defaults were measured with.
 */
import type { TaskType } from '../../data/explore/target.js';
import type { DlflowConfig } from './types.js';

/** What the data-dependent defaults look at. */
export interface DataTraits {
  inputShape: readonly number[];
  task: TaskType;
  /** Present for a time series (PreparedData's windows). */
  series?: unknown;
  /** The examples each split holds (PreparedData's summary). */
  summary: { splits: { train: number } };
}

/**
 * Epochs of `epochs: auto`: for a time series, and for everything else; a table gets at least
 * the epochs of `minSteps` optimizer steps, at most `tableMax`.
 */
export const AUTO_EPOCHS = { series: 300, other: 50, minSteps: 1000, tableMax: 1000 } as const;

/** `epochs: auto` for `data` trained in batches of `batchSize`. */
function autoEpochs(data: DataTraits, batchSize: number): number {
  if (data.series !== undefined) return AUTO_EPOCHS.series;
  if (data.inputShape.length !== 1) return AUTO_EPOCHS.other;
  const stepsPerEpoch = Math.max(1, Math.ceil(data.summary.splits.train / batchSize));
  return Math.min(AUTO_EPOCHS.tableMax, Math.max(AUTO_EPOCHS.other, Math.ceil(AUTO_EPOCHS.minSteps / stepsPerEpoch)));
}

/** True for examples with a spatial layout, `[C, H, W]` or `[C, D, H, W]`. */
const spatial = (d: DataTraits): boolean => d.inputShape.length >= 3;

/**
 * `config` with its `'auto'` settings resolved for `data` (a new object; `config` is unchanged).
 *
 * @example
 * withDataDefaults(config, { inputShape: [1, 28, 28], task: 'multiclass', summary: { splits: { train: 60000 } } }).hyperparameters.scheduler.type; // 'cosine'
 */
export function withDataDefaults(config: DlflowConfig, data: DataTraits): DlflowConfig {
  const h = config.hyperparameters;
  const classifier = data.task !== 'regression';
  const type = h.scheduler.type === 'auto' ? (spatial(data) ? 'cosine' : 'none') : h.scheduler.type;
  const monitor = h.earlyStopping.monitor === 'auto' ? (spatial(data) && classifier ? 'val_accuracy' : 'val_loss') : h.earlyStopping.monitor;
  const epochs = h.epochs === 'auto' ? autoEpochs(data, h.batchSize) : h.epochs;
  return { ...config, hyperparameters: { ...h, epochs, scheduler: { ...h.scheduler, type }, earlyStopping: { ...h.earlyStopping, monitor } } };
}

/**
 * The epochs of settings already resolved for the data.
 * @throws Error when `epochs` is still `'auto'` (a caller skipped withDataDefaults).
 */
export function resolvedEpochs(h: { epochs: number | 'auto' }): number {
  if (h.epochs === 'auto') throw new Error("epochs 'auto' must be resolved for the data first (withDataDefaults)");
  return h.epochs;
}
