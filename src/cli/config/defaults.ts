/** Default values of every config key. */
import { fileURLToPath } from 'node:url';
import { defaultTuneConfig } from './tune.js';
import type { DlflowConfig } from './types.js';

/**
 * The bundled default dataset: `dlflow train` with no arguments trains on it. Resolved against
 * the package (the same from src/ and dist/), so it works from any working directory.
 */
export const DEFAULT_DATA = {
  path: fileURLToPath(new URL('../../../datasets/penguins.csv', import.meta.url)),
  target: 'species',
};

export function defaultConfig(): DlflowConfig {
  return {
    name: null,
    runsDir: 'runs',
    seed: 0,
    device: 'auto',
    data: {
      path: DEFAULT_DATA.path,
      target: null, // the bundled data's target is filled in by resolve.ts; other files' is guessed
      features: null,
      drop: [],
      test: null,
      split: { train: 0.7, val: 0.15, test: 0.15 },
      stratify: true,
      skipBadFiles: false,
      lazy: 'auto',
      memoryBudget: null,
      preprocessing: {},
      augment: { crop: null, flip: 'none', mask: null },
      series: { time: null, lookback: null, horizon: 1, stride: 1, covariates: null },
    },
    model: {
      arch: 'auto', hidden: null, activation: 'relu', batchNorm: false, layers: null,
      cnn: { channels: null, kernelSize: 3, blocks: null, pool: 'max', grid: null, hidden: 128, dropout: null },
      gru: { hidden: 32, layers: 1 },
    },
    hyperparameters: {
      epochs: 'auto',
      batchSize: 64,
      lr: 1e-3,
      optimizer: 'adam',
      optimizerOptions: {},
      weightDecay: 0,
      dropout: 0.2,
      scheduler: { type: 'auto', stepSize: 10, gamma: 0.5, patience: 3, factor: 0.5, minLr: 0 },
      earlyStopping: { patience: 10, monitor: 'auto', minDelta: 0, restoreBest: true },
      gradClip: 0,
    },
    loss: 'auto',
    metrics: 'auto',
    log: 'auto',
    tune: defaultTuneConfig(),
  };
}
