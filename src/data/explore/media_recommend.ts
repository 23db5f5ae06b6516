/**
 * Starting points for models on images, volumes, audio and time series (the
 * table recommendation is in recommend.ts): task, loss, input shape, output
 * units, architecture family and first hyperparameters.
 */
import type { LossName } from './recommend.js';

/** Architecture families beyond the table MLP. */
export type MediaArchitecture = 'cnn2d' | 'cnn3d' | 'cnn1d' | 'gru';

/** A recommendation for a non-tabular modality. */
export interface MediaRecommendation {
  task: 'binary' | 'multiclass' | 'regression' | 'forecasting' | 'unknown';
  loss: LossName | null;
  architecture: MediaArchitecture;
  /** Alternatives worth trying. */
  alternatives: MediaArchitecture[];
  /** One example's shape as the network sees it. */
  inputShape: number[];
  /** Flattened input units (product of the shape). */
  inputUnits: number;
  outputUnits: number;
  reason: string;
  hyperparameters: { optimizer: 'adam'; learningRate: number; batchSize: number; epochs: number; weightDecay: number; augment?: string[]; lookback?: number; horizon?: number };
}

function classTask(classes: number): { task: MediaRecommendation['task']; loss: LossName | null; out: number } {
  if (classes === 2) return { task: 'binary', loss: 'bce_with_logits', out: 1 };
  if (classes > 2) return { task: 'multiclass', loss: 'cross_entropy', out: classes };
  return { task: 'unknown', loss: null, out: 0 };
}

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Images [C, H, W] in `classes` classes, `count` examples. */
export function recommendImages(shape: [number, number, number], classes: number, count: number): MediaRecommendation {
  const t = classTask(classes);
  return {
    task: t.task, loss: t.loss, architecture: 'cnn2d', alternatives: [], inputShape: shape, inputUnits: prod(shape), outputUnits: t.out,
    reason: 'images: a 2-D CNN (conv–batchnorm–ReLU blocks, pooling, a linear head) learns local patterns with few parameters',
    hyperparameters: { optimizer: 'adam', learningRate: 1e-3, batchSize: count < 5000 ? 32 : 128, epochs: count < 5000 ? 50 : 20, weightDecay: 1e-4, augment: ['random crop (padding 4)', 'horizontal flip (if orientation does not matter)', 'rotation ±10°'] },
  };
}

/** Volumes [C, D, H, W]. */
export function recommendVolume(shape: number[], classes: number): MediaRecommendation {
  const t = classTask(classes);
  return {
    task: t.task, loss: t.loss, architecture: 'cnn3d', alternatives: ['cnn2d'], inputShape: shape, inputUnits: prod(shape), outputUnits: t.out,
    reason: 'volumes: a 3-D CNN over [C, D, H, W]; a 2-D CNN over slices if memory is tight',
    hyperparameters: { optimizer: 'adam', learningRate: 1e-3, batchSize: 8, epochs: 50, weightDecay: 1e-4 },
  };
}

/** Audio as log-mel spectrograms [1, nMels, frames]. */
export function recommendAudio(nMels: number, frames: number, classes: number): MediaRecommendation {
  const t = classTask(classes);
  return {
    task: t.task, loss: t.loss, architecture: 'cnn1d', alternatives: ['gru', 'cnn2d'], inputShape: [nMels, frames], inputUnits: nMels * frames, outputUnits: t.out,
    reason: 'audio: log-mel spectrograms into a 1-D CNN over time (mel bands as channels); a GRU for long-range order',
    hyperparameters: { optimizer: 'adam', learningRate: 1e-3, batchSize: 32, epochs: 40, weightDecay: 1e-4 },
  };
}

/** A regular time series with `features` inputs and `rows` steps. */
export function recommendSeries(features: number, rows: number, lookback: number): MediaRecommendation {
  return {
    task: 'forecasting', loss: 'mse', architecture: 'gru', alternatives: ['cnn1d'], inputShape: [lookback, features], inputUnits: lookback * features, outputUnits: 1,
    reason: 'a regular time series: sliding windows into a GRU (or a 1-D CNN), split by time',
    // up to 300 epochs, ended by early stopping: what dlflow train's `epochs: auto` gives a series
    hyperparameters: { optimizer: 'adam', learningRate: 1e-3, batchSize: rows < 5000 ? 32 : 128, epochs: 300, weightDecay: 0, lookback, horizon: 1 },
  };
}
