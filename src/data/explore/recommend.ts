/**
 * A starting point for a model, from a table profile: the task and loss, how
 * each column enters the network (and how many input units that makes), the
 * output units, the architecture family and first hyperparameters.
 */
import type { ColumnProfile } from './profile.js';
import type { TargetProfile, TaskType } from './target.js';

/** Loss names as the training layer spells them. */
export type LossName = 'cross_entropy' | 'bce_with_logits' | 'mse';

/** How one column enters the model. */
export interface FeaturePlan {
  column: string;
  encoding: 'standardize' | 'binary' | 'one_hot' | 'datetime_parts' | 'drop';
  /** Input units this column produces (0 when dropped). */
  units: number;
  /** Extra 0/1 unit marking missing values (counted in units); categorical columns put missing values in the unknown bucket instead. */
  missingIndicator: boolean;
  reason: string;
}

/** The recommendation. */
export interface Recommendation {
  task: TaskType;
  loss: LossName;
  inputUnits: number;
  outputUnits: number;
  architecture: 'mlp';
  features: FeaturePlan[];
  hyperparameters: {
    hiddenLayers: number[];
    activation: 'relu';
    dropout: number;
    optimizer: 'adam';
    learningRate: number;
    weightDecay: number;
    batchSize: number;
    epochs: number;
    earlyStoppingPatience: number;
    validationFraction: number;
    stratify: boolean;
    classWeights: 'balanced' | 'none';
  };
}

/** Most categories one-hot encoded per column; rarer ones share the unknown bucket. */
export const MAX_ONE_HOT = 50;

/** Plan for one feature column. */
function planFeature(c: ColumnProfile, leaks: Set<string>): FeaturePlan {
  const ind = c.missing > 0 && c.kind !== 'categorical';
  const plan = (encoding: FeaturePlan['encoding'], units: number, reason: string): FeaturePlan =>
    ({ column: c.name, encoding, units: encoding === 'drop' ? 0 : units + (ind ? 1 : 0), missingIndicator: encoding !== 'drop' && ind, reason });
  if (leaks.has(c.name)) return plan('drop', 0, 'near-identical to the target (leakage)');
  if (c.unique <= 1) return plan('drop', 0, 'constant');
  switch (c.kind) {
    case 'numeric': case 'integer': return plan('standardize', 1, 'scaled to zero mean, unit variance');
    case 'boolean': return plan('binary', 1, '0/1');
    case 'categorical': {
      const k = Math.min(c.unique, MAX_ONE_HOT);
      return plan('one_hot', k + 1, `${k} categories${c.unique > MAX_ONE_HOT ? ` (of ${c.unique}, the rest share one bucket)` : ''} plus an unknown bucket (also used for missing values)`);
    }
    case 'datetime': {
      const parts = c.datetime?.hasTime ? 5 : 4;
      return plan('datetime_parts', parts, `year, month, day, day of week${parts === 5 ? ', hour' : ''}, each scaled`);
    }
    default: return plan('drop', 0, `${c.kind} column`);
  }
}

/** Build the recommendation for `rows` rows, from column profiles and the target profile. */
export function recommend(columns: readonly ColumnProfile[], target: TargetProfile, rows: number, leaks: Set<string>): Recommendation {
  const features = columns.filter((c) => c.name !== target.column).map((c) => planFeature(c, leaks));
  const inputUnits = features.reduce((s, f) => s + f.units, 0);
  const classes = target.classes?.length ?? 0;
  const task = target.task;
  const loss: LossName = task === 'binary' ? 'bce_with_logits' : task === 'multiclass' ? 'cross_entropy' : 'mse';
  const outputUnits = task === 'multiclass' ? classes : 1;
  const usable = rows - target.missing;
  const width = Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(1, 2 * inputUnits)))));
  const imbalanced = (target.imbalanceRatio ?? 1) >= 10;
  return {
    task, loss, inputUnits, outputUnits, architecture: 'mlp', features,
    hyperparameters: {
      hiddenLayers: usable < 1000 ? [width / 2] : [width, width / 2],
      activation: 'relu',
      dropout: usable < 1000 ? 0.1 : 0.2,
      optimizer: 'adam',
      learningRate: 1e-3,
      weightDecay: 1e-4,
      batchSize: usable < 1000 ? 32 : usable < 100000 ? 128 : 512,
      epochs: usable < 1000 ? 200 : usable < 10000 ? 100 : usable < 100000 ? 30 : 10,
      earlyStoppingPatience: 10,
      validationFraction: 0.2,
      stratify: task !== 'regression',
      classWeights: imbalanced ? 'balanced' : 'none',
    },
  };
}
