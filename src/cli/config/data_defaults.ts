/**
 * Settings whose default depends on the data (`'auto'`), resolved once the data is prepared so
 * that config.resolved.yaml (and a tuning study's best.yaml) records what was used:
 * - `hyperparameters.scheduler.type: auto` — cosine annealing over the epochs for examples with a
 *   spatial layout (images, spectrograms, volumes: rank ≥ 3, `[C, ...]`), a constant rate otherwise;
 * - `hyperparameters.earlyStopping.monitor: auto` — `val_accuracy` for classifiers of such data,
 *   `val_loss` otherwise (Keras's default).
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
}

/** True for examples with a spatial layout, `[C, H, W]` or `[C, D, H, W]`. */
const spatial = (d: DataTraits): boolean => d.inputShape.length >= 3;

/**
 * `config` with its `'auto'` settings resolved for `data` (a new object; `config` is unchanged).
 *
 * @example
 * withDataDefaults(config, { inputShape: [1, 28, 28], task: 'multiclass' }).hyperparameters.scheduler.type; // 'cosine'
 */
export function withDataDefaults(config: DlflowConfig, data: DataTraits): DlflowConfig {
  const h = config.hyperparameters;
  const classifier = data.task !== 'regression';
  const type = h.scheduler.type === 'auto' ? (spatial(data) ? 'cosine' : 'none') : h.scheduler.type;
  const monitor = h.earlyStopping.monitor === 'auto' ? (spatial(data) && classifier ? 'val_accuracy' : 'val_loss') : h.earlyStopping.monitor;
  return { ...config, hyperparameters: { ...h, scheduler: { ...h.scheduler, type }, earlyStopping: { ...h.earlyStopping, monitor } } };
}
