/**
 * The `tune:` section of the config: the study (trials, jobs, storage, name, direction and the
 * validation metric), how trials are validated (k-fold cross-validation on small tables, the
 * validation split otherwise), the sampler and pruner, and the search space. A space entry set to
 * null leaves that setting as the rest of the config says.
 */
import { type Infer, S } from './spec.js';

export const TUNABLE = ['layers', 'units', 'lr', 'batchSize', 'dropout', 'weightDecay', 'optimizer', 'epochs', 'activation'] as const;
export type TunableName = (typeof TUNABLE)[number];

/** One searched setting, as Optuna's suggest_* calls describe it. */
const PARAM_SPEC = S.obj({
  type: S.oneOf(['int', 'float', 'categorical']),
  low: S.opt(S.num()),
  high: S.opt(S.num()),
  log: S.bool(),
  step: S.opt(S.num({ positive: true })),
  choices: S.opt(S.list(S.any<string | number | boolean>())),
});

export const TUNE_SPEC = S.obj({
  trials: S.int(1, 'trials the study holds when done (a rerun finishes what is left)'),
  jobs: S.int(1, 'worker processes'),
  study: S.opt(S.str({ pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/, describe: 'a name of letters, digits, ".", "_" or "-"' }), 'study name (null: from the data file)'),
  storage: S.opt(S.str({ pattern: /^(sqlite:\/\/\/|postgres(ql)?:\/\/)/, describe: "'sqlite:///path.db' or 'postgresql://user@host/db'" }), 'study storage URL (null: sqlite:///<runsDir>/tune.db)'),
  metric: S.str({ describe: "'auto' or a validation value such as 'val_accuracy' or 'val_loss'", doc: 'the validation value trials are judged by (auto: val_accuracy, or val_loss for regression)' }),
  direction: S.oneOf(['auto', 'minimize', 'maximize']),
  sampler: S.oneOf(['tpe', 'random']),
  pruner: S.oneOf(['median', 'successive_halving', 'hyperband', 'none']),
  retrain: S.bool('train the best config into a run directory at the end'),
  /**
   * k-fold cross-validation of trials: a table whose train + validation rows are at most `maxRows`
   * is judged by `folds`-fold cross-validation over those rows (a small validation split makes trial
   * scores noise); larger data, and `maxRows: 0`, by the validation split.
   */
  cv: S.obj({
    folds: S.int(2, 'folds of the cross-validation that judges trials on small tables'),
    maxRows: S.int(0, 'tables with at most this many train + validation rows are judged by k-fold cross-validation (0: never)'),
  }),
  space: S.objOf(TUNABLE, S.opt(PARAM_SPEC), 'the searched settings (null: as the rest of the config says)'),
});

/** The `tune:` section, inferred from {@link TUNE_SPEC}. */
export type TuneConfig = Infer<typeof TUNE_SPEC>;
export type TuneCvConfig = TuneConfig['cv'];
export type TuneParamConfig = Infer<typeof PARAM_SPEC>;

const num = (type: 'int' | 'float', low: number, high: number, log = false, step: number | null = null): TuneParamConfig => ({ type, low, high, log, step, choices: null });
const cat = (choices: (string | number)[]): TuneParamConfig => ({ type: 'categorical', low: null, high: null, log: false, step: null, choices });

export function defaultTuneConfig(): TuneConfig {
  return {
    trials: 20, jobs: 1, study: null, storage: null, metric: 'auto', direction: 'auto', sampler: 'tpe', pruner: 'median', retrain: true,
    cv: { folds: 5, maxRows: 2000 },
    space: {
      layers: num('int', 1, 4),
      units: num('int', 16, 512, true),
      lr: num('float', 1e-4, 1e-1, true),
      batchSize: cat([32, 64, 128]),
      dropout: num('float', 0, 0.5),
      weightDecay: num('float', 1e-6, 1e-2, true),
      optimizer: cat(['adam', 'sgd', 'rmsprop']),
      epochs: null,
      activation: null,
    },
  };
}
