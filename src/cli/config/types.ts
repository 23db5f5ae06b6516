/** The typed shape of a dlflow config after defaults, shorthands and validation. */
import type { DataOptions } from '../../data/prepare/options.js';
import type { CnnOptions } from '../model/architectures.js';
import type { TuneConfig } from './tune.js';

/** The `data:` section: the data step's options (src/data/prepare/options.ts). */
export type { AugmentConfig, ColumnTreatment, DataOptions as DataConfig, SeriesOptions as SeriesConfig } from '../../data/prepare/options.js';

/** One layer of a `model.layers` list. */
export interface LayerConfig {
  type: string;
  units?: number;
  p?: number;
  [option: string]: unknown;
}

/** `model.cnn`: the CNN's sizes (null: chosen from the data), as src/cli/model/architectures.ts takes them. */
export type CnnConfig = Omit<CnnOptions, 'dropout'> & {
  /** Dropout of the head (null: hyperparameters.dropout). */
  dropout: number | null;
};

/** `model.gru`: the GRU forecaster of time series (the last step's state into a linear layer). */
export interface GruConfig {
  hidden: number;
  layers: number;
}

export interface ModelConfig {
  /**
   * `auto` (a GRU for time series, a CNN for images, an MLP otherwise), `mlp`, `cnn`, `gru`,
   * `layers` (the list below) or a path to a TypeScript Module file.
   */
  arch: string;
  hidden: number[] | null;
  activation: string;
  batchNorm: boolean;
  layers: LayerConfig[] | null;
  cnn: CnnConfig;
  gru: GruConfig;
}

export interface SchedulerConfig {
  /** `auto`: cosine for images, spectrograms and volumes, none otherwise (config/data_defaults.ts). */
  type: 'auto' | 'none' | 'step' | 'exponential' | 'cosine' | 'plateau' | 'onecycle';
  stepSize: number;
  gamma: number;
  patience: number;
  factor: number;
  minLr: number;
}

export interface HyperparametersConfig {
  /** `auto`: resolved for the data (data_defaults.ts). */
  epochs: number | 'auto';
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
  data: DataOptions;
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
