/** The data step for an IDX folder: train file split into train/validation, the t10k file kept as test. */
import { splitRows } from '../loader/split.js';
import { loadIdxFolder } from './idx.js';
import type { PrepareOptions } from './options.js';
import { classificationData, takeExamples } from './prepared_classes.js';
import { pixelStats, scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import type { Arrays, PreparedData } from './types.js';

/**
 * Prepares an IDX folder: images as [1, height, width], scaled by the training pixels' mean and std.
 *
 * @example
 * const data = await prepareIdx({ data: { ...dataOptions, path: '/usr/share/datasets/fashion-mnist' }, seed: 0 });
 * data.inputShape; // [1, 28, 28]
 */
export async function prepareIdx(options: PrepareOptions): Promise<PreparedData> {
  const cfg = options.data;
  const mnist = loadIdxFolder(cfg.path);
  const [n, height, width] = mnist.train.shape;
  const shape = [1, height, width];
  const units = height * width;
  const stats = pixelStats(mnist.train.images);
  const image: ImagePreprocessingJSON = { type: 'image', source: 'idx', shape, mean: stats.mean, std: stats.std };
  const x = scaleImages(image, mnist.train.images);
  const y = Float64Array.from(mnist.train.labels);
  const f = cfg.split.val / (cfg.split.train + cfg.split.val);
  const s = splitRows(n, { train: 1 - f, val: f, test: 0 }, options.seed, cfg.stratify ? y : undefined);
  const train = takeExamples(x, y, units, s.train);
  const val = takeExamples(x, y, units, s.val);
  const test: Arrays = { x: scaleImages(image, mnist.test.images), y: Float64Array.from(mnist.test.labels), rows: mnist.test.shape[0] };
  return classificationData({
    source: cfg.path, kind: 'idx', column: 'label', classes: mnist.classNames, labels: mnist.train.labels, features: image,
    shape, train, val, test, rows: n + test.rows, notes: [],
  });
}
