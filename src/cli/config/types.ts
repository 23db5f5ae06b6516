/** The typed shape of a dlflow config after defaults, shorthands and validation. */
import type { TuneConfig } from './tune.js';

/** Per-column preprocessing override. */
export type ColumnTreatment = 'standardize' | 'minmax' | 'one_hot' | 'binary' | 'passthrough' | 'drop';

export interface DataConfig {
  /** A table file (CSV/TSV), or a folder of IDX files (train/test recognised by name). */
  path: string;
  /** Target column (tables). */
  target: string | null;
  /** Columns to use as features (default: all but the target). */
  features: string[] | null;
  /** Columns to leave out. */
  drop: string[];
  /** A separate test file; when set, `split.test` is ignored. */
  test: string | null;
  /** Fractions of the rows for train / validation / test (they must sum to 1). */
  split: { train: number; val: number; test: number };
  /** Keep class proportions in each split (classification). */
  stratify: boolean;
  /** Per-column preprocessing, overriding the automatic plan. */
  preprocessing: Record<string, ColumnTreatment>;
}

/** One layer of a `model.layers` list. */
export interface LayerConfig {
  type: string;
  units?: number;
  p?: number;
  [option: string]: unknown;
}

export interface ModelConfig {
  /** `auto` (an MLP sized from the data), `layers` (the list below) or a path to a TypeScript Module file. */
  arch: string;
  hidden: number[] | null;
  activation: string;
  batchNorm: boolean;
  layers: LayerConfig[] | null;
}

export interface SchedulerConfig {
  type: 'none' | 'step' | 'exponential' | 'cosine' | 'plateau' | 'onecycle';
  stepSize: number;
  gamma: number;
  patience: number;
  factor: number;
  minLr: number;
}

export interface HyperparametersConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: string;
  optimizerOptions: Record<string, unknown>;
  weightDecay: number;
  dropout: number;
  scheduler: SchedulerConfig;
  earlyStopping: { patience: number; monitor: string; minDelta: number; restoreBest: boolean };
  gradClip: number;
}

export interface DlflowConfig {
  /** Run name (default: derived from the data file and the time). */
  name: string | null;
  /** Folder that holds run directories. */
  runsDir: string;
  seed: number;
  /** `auto | cpu | cuda | cuda:N`. */
  device: string;
  data: DataConfig;
  model: ModelConfig;
  hyperparameters: HyperparametersConfig;
  /** `auto` (from the task) or a loss name. */
  loss: string;
  /** `auto`, or scikit-learn metric names. */
  metrics: 'auto' | string[];
  /** Progress output: `auto` (a bar on a TTY), `bar`, `plain` or `jsonl`. */
  log: 'auto' | 'bar' | 'plain' | 'jsonl';
  /** `dlflow tune`: the study and its search space. */
  tune: TuneConfig;
}
