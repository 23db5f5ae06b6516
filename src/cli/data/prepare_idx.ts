/** The data step for an IDX folder: train file split into train/validation, the t10k file kept as test. */
import type { DlflowConfig } from '../config/types.js';
import { loadIdxFolder } from './idx.js';
import type { Arrays, PreparedData } from './prepare.js';
import { classificationData } from './prepared_classes.js';
import { scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import { splitIndices } from './split.js';

/** Mean and standard deviation of pixel bytes scaled to [0, 1]. */
export function pixelStats(bytes: Uint8Array): { mean: number; std: number } {
  let sum = 0, sq = 0;
  for (let i = 0; i < bytes.length; i++) { const v = bytes[i] / 255; sum += v; sq += v * v; }
  const mean = sum / bytes.length;
  return { mean, std: Math.sqrt(Math.max(1e-12, sq / bytes.length - mean * mean)) };
}

/** Rows `idx` of row-major inputs (`units` per row) with their targets. */
export function takeExamples(x: Float32Array, y: Float64Array, units: number, idx: ArrayLike<number>): Arrays {
  const xs = new Float32Array(idx.length * units);
  const ys = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    xs.set(x.subarray(r * units, (r + 1) * units), i * units);
    ys[i] = y[r];
  }
  return { x: xs, y: ys, rows: idx.length };
}

export async function prepareIdx(config: DlflowConfig): Promise<PreparedData> {
  const dir = config.data.path;
  const mnist = loadIdxFolder(dir);
  const [n, height, width] = mnist.train.shape;
  const units = height * width;
  const stats = pixelStats(mnist.train.images);
  const image: ImagePreprocessingJSON = { type: 'image', shape: [height, width], mean: stats.mean, std: stats.std };
  const x = scaleImages(image, mnist.train.images);
  const y = Float64Array.from(mnist.train.labels);
  const f = config.data.split.val / (config.data.split.train + config.data.split.val);
  const s = splitIndices(n, { train: 1 - f, val: f, test: 0 }, config.seed, config.data.stratify ? y : undefined);
  const train = takeExamples(x, y, units, s.train);
  const val = takeExamples(x, y, units, s.val);
  const test: Arrays = { x: scaleImages(image, mnist.test.images), y: Float64Array.from(mnist.test.labels), rows: mnist.test.shape[0] };
  return classificationData({
    source: dir, kind: 'idx', column: 'label', classes: mnist.classNames, labels: mnist.train.labels, features: image,
    units, train, val, test, rows: n + test.rows, notes: [],
  });
}
