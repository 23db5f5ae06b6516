/**
 * The data step for an image folder (one subfolder per class holding PNG/JPEG files): every image
 * decoded as RGB, resized to the first image's size, kept channel-first [3, H, W] and standardised
 * with the training pixels' mean and std; the examples split into train/validation/test like a table.
 *
 * A folder whose examples would not fit the memory budget (`data.lazy`, lazy_choice.ts) is
 * decoded on demand instead: one pass over the files (in the decode workers) finds the damaged
 * ones, the size and each image's pixel moments, and the splits keep file paths (lazy_images.ts).
 * The pass, the split and the statistics are the in-memory path's, so the examples are the same.
 */
import { readImageAsync, type Image } from '../image/decode.js';
import { IMAGE_FILES, listImageFolder, type FolderListing } from '../image/folder.js';
import { splitRows } from '../loader/split.js';
import { DamagedFiles, hasClassFiles, requireEveryClass, type SkippedFiles } from './class_folder.js';
import { decodeListedAsync, type KeptRows } from './decode_listed.js';
import { decodePool, type DecodePool } from './image_pool.js';
import { CHANNELS, putChannelFirst } from './image_example.js';
import { lazyReason } from './lazy_choice.js';
import { LazyImages } from './lazy_images.js';
import type { PrepareOptions } from './options.js';
import { classificationData, takeExamples } from './prepared_classes.js';
import { PixelMoments, scaleImages, type ImagePreprocessingJSON } from './preprocessing.js';
import type { Examples, PreparedData } from './types.js';

/** An image folder's pixels, channel-first, with its classes. */
export interface FolderBytes {
  /** [count, 3, height, width] bytes. */
  bytes: Uint8Array;
  height: number;
  width: number;
  labels: Int32Array;
  classes: string[];
  /** The path of each image, in row order (a damaged file left out has no row). */
  files: string[];
  /** Images whose size differed and were resized. */
  resized: number;
  /** Damaged files left out (none unless skipped). */
  skipped: SkippedFiles;
}

/**
 * Images packed channel-first into one byte array, sized for `capacity` images when the first
 * arrives (at `size`, or the first image's size); later ones of another size are resized. With
 * `capacity` 1, every image goes to the one place (a pass that keeps no pixels).
 */
class ChannelFirstImages {
  private bytes: Uint8Array | null = null;
  private shape: readonly [number, number] | null;
  resized = 0;

  constructor(private readonly capacity: number, size?: readonly [number, number]) {
    this.shape = size ?? null;
  }

  /** Stores `image` as image number `n` (the only one when the capacity is 1); returns its bytes. */
  put(image: Image, n: number): Uint8Array {
    const [height, width] = this.shape ??= [image.height, image.width];
    const units = CHANNELS * height * width;
    const bytes = this.bytes ??= new Uint8Array(this.capacity * units);
    const at = this.capacity === 1 ? 0 : n;
    if (putChannelFirst(image, height, width, bytes, at * units)) this.resized++;
    return bytes.subarray(at * units, (at + 1) * units);
  }

  /** The first `count` images, [count, 3, height, width]. */
  take(count: number): { bytes: Uint8Array; height: number; width: number } {
    const [height, width] = this.shape!;
    return { bytes: this.bytes!.subarray(0, count * CHANNELS * height * width), height, width };
  }
}

/** Files decoding at once on the main thread (sharp works on libuv's threads meanwhile). */
const MAIN_THREAD_WINDOW = 4;

/**
 * The pass over a listed folder: each file decoded as RGB (in `pool`'s workers when given), in
 * listing order, stored by `images`, then handed to `kept`; returns the kept files and labels.
 */
function decodeFolder(dir: string, listing: FolderListing, damaged: DamagedFiles, images: ChannelFirstImages, pool: DecodePool | null, kept?: (bytes: Uint8Array) => void): Promise<KeptRows> {
  const decode = pool === null ? (file: string) => readImageAsync(file, CHANNELS) : (file: string) => pool.decode(file);
  const window = pool === null ? MAIN_THREAD_WINDOW : 4 * pool.size;
  return decodeListedAsync(dir, listing, IMAGE_FILES, damaged, decode, (img, n) => {
    const bytes = images.put(img, n);
    kept?.(bytes);
  }, window);
}

/**
 * The folder's images as channel-first bytes [count, 3, height, width] and their class labels;
 * every image is resized to `size` ([height, width]), by default the first image's size.
 * Damaged files go to `damaged` (by default the first is an error).
 * @throws DataError naming a file that cannot be decoded, or the folder when none can.
 */
export async function loadImageBytes(dir: string, size?: readonly [number, number], damaged = new DamagedFiles(), listing = listImageFolder(dir, { damaged })): Promise<FolderBytes> {
  const images = new ChannelFirstImages(listing.files.length, size);
  const { labels, files } = await decodeFolder(dir, listing, damaged, images, null);
  const { bytes, height, width } = images.take(labels.length);
  return { bytes, height, width, labels, classes: listing.classes, files, resized: images.resized, skipped: damaged.summary() };
}

/** A pass that keeps no pixels: the kept files, their sizes, each image's pixel moments, and the workers that decode them later. */
interface FolderScan extends Omit<FolderBytes, 'bytes'> {
  moments: PixelMoments[];
  pool: DecodePool;
}

/** The pass of a folder decoded on demand, in the decode workers. */
async function scanImageFolder(dir: string, listing: FolderListing, damaged: DamagedFiles, pool: DecodePool): Promise<FolderScan> {
  const images = new ChannelFirstImages(1);
  const moments: PixelMoments[] = [];
  const { labels, files } = await decodeFolder(dir, listing, damaged, images, pool, (bytes) => {
    moments.push(new PixelMoments().add(bytes));
  });
  const { height, width } = images.take(0);
  return { files, moments, pool, height, width, labels, classes: listing.classes, resized: images.resized, skipped: damaged.summary() };
}

/** True when `dir` has class subfolders holding PNG/JPEG images. */
export function isImageFolder(dir: string): boolean {
  return hasClassFiles(dir, IMAGE_FILES);
}

/** The training pixels' mean and std: the moments of the training rows' images, exact in any order. */
function trainingStats(train: ArrayLike<number>, momentsOf: (row: number) => PixelMoments): { mean: number; std: number } {
  const total = new PixelMoments();
  for (let i = 0; i < train.length; i++) total.merge(momentsOf(train[i]));
  return total.stats();
}

/** The splits of a folder's examples, and what scales them. */
interface FolderSplits {
  image: ImagePreprocessingJSON;
  train: Examples;
  val: Examples;
  test: Examples;
}

/** In memory: every example decoded, scaled and copied into its split. */
function splitInMemory(f: FolderBytes, s: ReturnType<typeof splitRows>, y: Float64Array): FolderSplits {
  const shape = [CHANNELS, f.height, f.width];
  const units = CHANNELS * f.height * f.width;
  const image = (r: number): Uint8Array => f.bytes.subarray(r * units, (r + 1) * units);
  const stats = trainingStats(s.train, (r) => new PixelMoments().add(image(r)));
  const pre: ImagePreprocessingJSON = { type: 'image', source: 'folder', shape, mean: stats.mean, std: stats.std };
  const x = scaleImages(pre, f.bytes);
  return { image: pre, train: takeExamples(x, y, units, s.train), val: takeExamples(x, y, units, s.val), test: takeExamples(x, y, units, s.test) };
}

/** On demand: each split's files, decoded by the scan's pool batch by batch. */
function splitLazily(f: FolderScan, s: ReturnType<typeof splitRows>, y: Float64Array): FolderSplits {
  const shape = [CHANNELS, f.height, f.width];
  const stats = trainingStats(s.train, (r) => f.moments[r]);
  const pre: ImagePreprocessingJSON = { type: 'image', source: 'folder', shape, mean: stats.mean, std: stats.std };
  const part = (rows: Int32Array): LazyImages => new LazyImages(Array.from(rows, (r) => f.files[r]), Float64Array.from(rows, (r) => y[r]), shape, stats, f.pool);
  return { image: pre, train: part(s.train), val: part(s.val), test: part(s.test) };
}

/**
 * Prepares an image folder: examples [3, H, W] at the first image's size, in memory or decoded
 * on demand (see the module notes).
 *
 * @example
 * const data = await prepareImageFolder({ data: { ...dataOptions, path: 'photos' }, seed: 0 });
 * data.inputShape; // [3, 32, 32]
 */
export async function prepareImageFolder(options: PrepareOptions): Promise<PreparedData> {
  const cfg = options.data;
  const damaged = new DamagedFiles(cfg.skipBadFiles);
  const listing = listImageFolder(cfg.path, { damaged });
  const lazy = lazyReason(cfg, listing.files);
  const pool = lazy === null ? null : await decodePool();
  const folder: FolderBytes | FolderScan = pool === null ? await loadImageBytes(cfg.path, undefined, damaged, listing) : await scanImageFolder(cfg.path, listing, damaged, pool);
  const { height, width, labels, classes, resized, skipped } = folder;
  requireEveryClass(cfg.path, classes, labels, damaged);
  const y = Float64Array.from(labels);
  const s = splitRows(labels.length, cfg.split, options.seed, cfg.stratify ? y : undefined);
  const splits = 'bytes' in folder ? splitInMemory(folder, s, y) : splitLazily(folder, s, y);
  const notes = resized > 0 ? [`${resized} image(s) resized to ${width}×${height}, the size of the first`] : [];
  if (lazy !== null) notes.push(lazy);
  return classificationData({
    source: cfg.path, kind: 'images', column: 'class', classes, labels, features: splits.image, shape: splits.image.shape,
    train: splits.train, val: splits.val, test: splits.test, rows: labels.length, notes, skipped,
  });
}
