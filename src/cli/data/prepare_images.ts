/**
 * The data step for an image folder (one subfolder per class holding PNG/JPEG files): every image
 * decoded as RGB, resized to the first image's size, flattened channel-first and standardised with
 * the training pixels' mean and std; the rows split into train/validation/test like a table.
 */
import { listImageFolder } from '../../data/image/folder.js';
import { readImage } from '../../data/image/decode.js';
import { resizeBilinear } from '../../data/image/transform.js';
import type { DlflowConfig } from '../config/types.js';
import { pixelStats, takeExamples } from './prepare_idx.js';
import type { PreparedData } from './prepare.js';
import { classificationData } from './prepared_classes.js';
import { scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import { splitIndices } from './split.js';

const CHANNELS = 3;

/**
 * The folder's images as channel-first bytes [count, 3, height, width] and their class labels;
 * every image is resized to `size` ([height, width]), by default the first image's size.
 */
export function loadImageBytes(dir: string, size?: readonly [number, number]): { bytes: Uint8Array; height: number; width: number; labels: Int32Array; classes: string[]; resized: number } {
  const listing = listImageFolder(dir);
  const first = readImage(listing.files[0], CHANNELS);
  const [height, width] = size ?? [first.height, first.width];
  const plane = height * width;
  const bytes = new Uint8Array(listing.files.length * CHANNELS * plane);
  let resized = 0;
  listing.files.forEach((file, n) => {
    let img = n === 0 ? first : readImage(file, CHANNELS);
    if (img.height !== height || img.width !== width) {
      img = resizeBilinear(img, width, height);
      resized++;
    }
    const base = n * CHANNELS * plane;
    for (let k = 0; k < CHANNELS; k++) {
      for (let i = 0; i < plane; i++) bytes[base + k * plane + i] = img.data[i * CHANNELS + k];
    }
  });
  return { bytes, height, width, labels: listing.labels, classes: listing.classes, resized };
}

/** True when `dir` has class subfolders holding PNG/JPEG images. */
export function isImageFolder(dir: string): boolean {
  try {
    listImageFolder(dir);
    return true;
  } catch {
    return false;
  }
}

export async function prepareImageFolder(config: DlflowConfig): Promise<PreparedData> {
  const dir = config.data.path;
  const { bytes, height, width, labels, classes, resized } = loadImageBytes(dir);
  const units = CHANNELS * height * width;
  const n = labels.length;
  const y = Float64Array.from(labels);
  const s = splitIndices(n, config.data.split, config.seed, config.data.stratify ? y : undefined);
  const trainBytes = new Uint8Array(s.train.length * units);
  s.train.forEach((r, i) => trainBytes.set(bytes.subarray(r * units, (r + 1) * units), i * units));
  const stats = pixelStats(trainBytes);
  const image: ImagePreprocessingJSON = { type: 'image', shape: [CHANNELS, height, width], mean: stats.mean, std: stats.std };
  const x = scaleImages(image, bytes);
  const train = takeExamples(x, y, units, s.train);
  const val = takeExamples(x, y, units, s.val);
  const test = takeExamples(x, y, units, s.test);
  const notes = resized > 0 ? [`${resized} image(s) resized to ${width}×${height}, the size of the first`] : [];
  return classificationData({
    source: dir, kind: 'images', column: 'class', classes, labels, features: image, units, train, val, test, rows: n, notes,
  });
}
