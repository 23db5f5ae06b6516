/** The data step for an IDX folder: train file split into train/validation, the test file kept as test. */
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { findIdxFiles, idxClassNames, readIdx } from './idx.js';
import type { Arrays, PreparedData } from './prepare.js';
import { scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import { splitIndices } from './split.js';

function pixelStats(bytes: Uint8Array): { mean: number; std: number } {
  let sum = 0, sq = 0;
  for (let i = 0; i < bytes.length; i++) { const v = bytes[i] / 255; sum += v; sq += v * v; }
  const mean = sum / bytes.length;
  return { mean, std: Math.sqrt(Math.max(1e-12, sq / bytes.length - mean * mean)) };
}

export async function prepareIdx(config: DlflowConfig): Promise<PreparedData> {
  const dir = config.data.path;
  const files = findIdxFiles(dir);
  const images = readIdx(files.trainImages);
  const labels = readIdx(files.trainLabels);
  const n = images.dims[0];
  if (labels.dims[0] !== n) throw new UsageError(`${dir}: ${n} training images but ${labels.dims[0]} labels`);
  const units = images.dims.slice(1).reduce((a, b) => a * b, 1);
  const classes = Math.max(...labels.data) + 1;
  const stats = pixelStats(images.data);
  const image: ImagePreprocessingJSON = { type: 'image', shape: images.dims.slice(1), mean: stats.mean, std: stats.std };
  const x = scaleImages(image, images.data);
  const y = Float64Array.from(labels.data);
  const notes: string[] = [];
  let test: Arrays;
  const f = config.data.split.val / (config.data.split.train + config.data.split.val);
  const s = splitIndices(n, { train: 1 - f, val: f, test: 0 }, config.seed, config.data.stratify ? y : undefined);
  const take = (idx: Int32Array): Arrays => {
    const xs = new Float32Array(idx.length * units);
    const ys = new Float64Array(idx.length);
    idx.forEach((r, i) => { xs.set(x.subarray(r * units, (r + 1) * units), i * units); ys[i] = y[r]; });
    return { x: xs, y: ys, rows: idx.length };
  };
  const train = take(s.train);
  const val = take(s.val);
  if (files.testImages !== null && files.testLabels !== null) {
    const ti = readIdx(files.testImages);
    const tl = readIdx(files.testLabels);
    test = { x: scaleImages(image, ti.data), y: Float64Array.from(tl.data), rows: ti.dims[0] };
  } else {
    notes.push('no test files in the folder; the test split is empty');
    test = { x: new Float32Array(0), y: new Float64Array(0), rows: 0 };
  }
  const names = idxClassNames(dir, classes);
  const counts = new Array<number>(classes).fill(0);
  for (const v of labels.data) counts[v]++;
  const target = { column: 'label', task: 'multiclass' as const, classes: names, center: 0, scale: 1 };
  return {
    task: 'multiclass', target,
    preprocessing: { ...image, target },
    inputUnits: units, inputShape: [1, units],
    train, val, test,
    summary: {
      source: dir, kind: 'idx', rows: n + test.rows, columns: units, task: 'multiclass', target: 'label',
      classCounts: names.map((label, i) => ({ label, count: counts[i] })),
      splits: { train: train.rows, val: val.rows, test: test.rows }, inputUnits: units, notes,
    },
  };
}
