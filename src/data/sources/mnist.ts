/**
 * The MNIST family (MNIST, Fashion-MNIST, KMNIST) from an IDX folder in one
 * call: train/test images as raw bytes plus their shape, labels as bytes, and
 * a helper to turn images into normalized float32 values or tensors.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { loadIdx, type IdxArray } from './idx.js';

/** One split: `count` images of `height × width` bytes, and their labels. */
export interface ImageSplit {
  images: Uint8Array;
  /** [count, height, width]. */
  shape: [number, number, number];
  labels: Uint8Array;
}

/** Train and test splits and the class names. */
export interface MnistLike {
  train: ImageSplit;
  test: ImageSplit;
  classNames: string[];
}

/** Fashion-MNIST class names in label order. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Debian's `dataset-fashion-mnist` location. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Find `<prefix>-<kind>-idx<n>-ubyte[.gz]` in `dir`. */
function findFile(dir: string, prefix: string, kind: 'images' | 'labels'): string {
  const n = kind === 'images' ? 3 : 1;
  for (const name of [`${prefix}-${kind}-idx${n}-ubyte.gz`, `${prefix}-${kind}-idx${n}-ubyte`, `${prefix}-${kind}.idx${n}-ubyte`]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  const listing = existsSync(dir) ? readdirSync(dir).join(', ') || '(empty)' : '(folder does not exist)';
  throw new DataError(dir, undefined, undefined, `no ${prefix}-${kind}-idx${n}-ubyte[.gz] file; found: ${listing}`);
}

function split(dir: string, prefix: string): ImageSplit {
  const img = loadIdx(findFile(dir, prefix, 'images'));
  const lab = loadIdx(findFile(dir, prefix, 'labels'));
  check(img, 'uint8', 3); check(lab, 'uint8', 1);
  if (img.dims[0] !== lab.dims[0]) throw new DataError(lab.file, undefined, undefined, `${lab.dims[0]} labels for ${img.dims[0]} images in ${img.file}`);
  return { images: img.data as Uint8Array, shape: [img.dims[0], img.dims[1], img.dims[2]], labels: lab.data as Uint8Array };
}

function check(a: IdxArray, dtype: string, ndim: number): void {
  if (a.dtype !== dtype || a.dims.length !== ndim) throw new DataError(a.file, undefined, undefined, `expected ${ndim}-D ${dtype}, found ${a.dims.length}-D ${a.dtype}`);
}

/**
 * Load an MNIST-style folder (`train-*` and `t10k-*` IDX files, gzipped or not).
 * @throws DataError naming a missing or bad file.
 */
export function loadMnistFolder(dir: string, classNames?: string[]): MnistLike {
  const train = split(dir, 'train');
  const test = split(dir, 't10k');
  let k = 0;
  for (const l of train.labels) if (l + 1 > k) k = l + 1;
  return { train, test, classNames: classNames ?? Array.from({ length: k }, (_, i) => String(i)) };
}

/** Load Fashion-MNIST in one call (default: Debian's `dataset-fashion-mnist` folder). */
export function loadFashionMnist(dir = FASHION_MNIST_DIR): MnistLike {
  return loadMnistFolder(dir, [...FASHION_MNIST_CLASSES]);
}

/**
 * Images as float32 `(x/255 - mean)/std`, shape [count, 1, height, width]
 * (defaults mean 0, std 1: values in [0, 1]).
 */
export function normalizeImages(split: ImageSplit, mean = 0, std = 1): { data: Float32Array; shape: [number, number, number, number] } {
  const src = split.images;
  const out = new Float32Array(src.length);
  const a = 1 / (255 * std), b = -mean / std;
  for (let i = 0; i < src.length; i++) out[i] = src[i] * a + b;
  const [n, h, w] = split.shape;
  return { data: out, shape: [n, 1, h, w] };
}
