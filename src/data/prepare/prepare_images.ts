/**
 * The data step for an image folder (one subfolder per class holding PNG/JPEG files): every image
 * decoded as RGB, resized to the first image's size, kept channel-first [3, H, W] and standardised
 * with the training pixels' mean and std; the examples split into train/validation/test like a table.
 */
import { readImage, type Image } from '../image/decode.js';
import { IMAGE_FILES, listImageFolder } from '../image/folder.js';
import { resizeBilinear } from '../image/transform.js';
import { splitRows } from '../loader/split.js';
import { DamagedFiles, decodeListed, hasClassFiles, requireEveryClass, type SkippedFiles } from './class_folder.js';
import type { PrepareOptions } from './options.js';
import { classificationData, takeExamples } from './prepared_classes.js';
import { pixelStats, scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import type { PreparedData } from './types.js';

const CHANNELS = 3;

/** An image folder's pixels, channel-first, with its classes. */
export interface FolderBytes {
  /** [count, 3, height, width] bytes. */
  bytes: Uint8Array;
  height: number;
  width: number;
  labels: Int32Array;
  classes: string[];
  /** Images whose size differed and were resized. */
  resized: number;
  /** Damaged files left out (none unless skipped). */
  skipped: SkippedFiles;
}

/**
 * Images packed channel-first into one byte array, sized for `capacity` images when the first
 * arrives (at `size`, or the first image's size); later ones of another size are resized.
 */
class ChannelFirstImages {
  private bytes: Uint8Array | null = null;
  private shape: readonly [number, number] | null;
  resized = 0;

  constructor(private readonly capacity: number, size?: readonly [number, number]) {
    this.shape = size ?? null;
  }

  /** Stores `image` as image number `n`. */
  put(image: Image, n: number): void {
    const [height, width] = this.shape ??= [image.height, image.width];
    const plane = height * width;
    const bytes = this.bytes ??= new Uint8Array(this.capacity * CHANNELS * plane);
    let img = image;
    if (img.height !== height || img.width !== width) {
      img = resizeBilinear(img, width, height);
      this.resized++;
    }
    const base = n * CHANNELS * plane;
    for (let k = 0; k < CHANNELS; k++) {
      for (let i = 0; i < plane; i++) bytes[base + k * plane + i] = img.data[i * CHANNELS + k];
    }
  }

  /** The first `count` images, [count, 3, height, width]. */
  take(count: number): { bytes: Uint8Array; height: number; width: number } {
    const [height, width] = this.shape!;
    return { bytes: this.bytes!.subarray(0, count * CHANNELS * height * width), height, width };
  }
}

/**
 * The folder's images as channel-first bytes [count, 3, height, width] and their class labels;
 * every image is resized to `size` ([height, width]), by default the first image's size.
 * Damaged files go to `damaged` (by default the first is an error).
 * @throws DataError naming a file that cannot be decoded, or the folder when none can.
 */
export function loadImageBytes(dir: string, size?: readonly [number, number], damaged = new DamagedFiles()): FolderBytes {
  const listing = listImageFolder(dir, { damaged });
  const images = new ChannelFirstImages(listing.files.length, size);
  const labels = decodeListed(dir, listing, IMAGE_FILES, damaged, (file) => readImage(file, CHANNELS), (img, n) => images.put(img, n));
  const { bytes, height, width } = images.take(labels.length);
  return { bytes, height, width, labels, classes: listing.classes, resized: images.resized, skipped: damaged.summary() };
}

/** True when `dir` has class subfolders holding PNG/JPEG images. */
export function isImageFolder(dir: string): boolean {
  return hasClassFiles(dir, IMAGE_FILES);
}

/**
 * Prepares an image folder: examples [3, H, W] at the first image's size.
 *
 * @example
 * const data = await prepareImageFolder({ data: { ...dataOptions, path: 'photos' }, seed: 0 });
 * data.inputShape; // [3, 32, 32]
 */
export async function prepareImageFolder(options: PrepareOptions): Promise<PreparedData> {
  const cfg = options.data;
  const damaged = new DamagedFiles(cfg.skipBadFiles);
  const { bytes, height, width, labels, classes, resized, skipped } = loadImageBytes(cfg.path, undefined, damaged);
  requireEveryClass(cfg.path, classes, labels, damaged);
  const shape = [CHANNELS, height, width];
  const units = CHANNELS * height * width;
  const n = labels.length;
  const y = Float64Array.from(labels);
  const s = splitRows(n, cfg.split, options.seed, cfg.stratify ? y : undefined);
  const trainBytes = new Uint8Array(s.train.length * units);
  s.train.forEach((r, i) => trainBytes.set(bytes.subarray(r * units, (r + 1) * units), i * units));
  const stats = pixelStats(trainBytes);
  const image: ImagePreprocessingJSON = { type: 'image', source: 'folder', shape, mean: stats.mean, std: stats.std };
  const x = scaleImages(image, bytes);
  const train = takeExamples(x, y, units, s.train);
  const val = takeExamples(x, y, units, s.val);
  const test = takeExamples(x, y, units, s.test);
  const notes = resized > 0 ? [`${resized} image(s) resized to ${width}×${height}, the size of the first`] : [];
  return classificationData({
    source: cfg.path, kind: 'images', column: 'class', classes, labels, features: image, shape, train, val, test, rows: n, notes, skipped,
  });
}
