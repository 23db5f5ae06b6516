/**
 * IDX folders (the MNIST family) for the data step, on top of the IDX and MNIST readers: detection
 * of a folder of IDX files, the train/t10k splits with class names (Fashion-MNIST's names when the
 * folder says fashion), and single IDX image/label files for evaluation and prediction.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadIdx } from '../sources/idx.js';
import { FASHION_MNIST_CLASSES, loadMnistFolder, type MnistLike } from '../sources/mnist.js';
import { DataRequestError } from './errors.js';

/** True when `dir` is a folder holding IDX files. */
export function isIdxFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).some((f) => /idx\d/.test(f));
  } catch {
    return false;
  }
}

/** Loads `train-*` and `t10k-*` of an IDX folder. @throws DataError for unreadable files. */
export function loadIdxFolder(dir: string): MnistLike {
  const fashion = /fashion/i.test(path.resolve(dir));
  return loadMnistFolder(dir, fashion ? [...FASHION_MNIST_CLASSES] : undefined);
}

/**
 * The bytes and dims of one IDX file of unsigned bytes.
 *
 * @example
 * readIdxBytes('fashion-mnist/t10k-images-idx3-ubyte').dims; // [10000, 28, 28]
 */
export function readIdxBytes(file: string): { dims: number[]; data: Uint8Array } {
  const a = loadIdx(file);
  if (a.dtype !== 'uint8') throw new DataRequestError(`${file}: expected IDX unsigned bytes, found ${a.dtype}`);
  return { dims: a.dims, data: a.data as Uint8Array };
}

/** Images and labels of a folder for evaluation/prediction: the test split (t10k) when present, else train. */
export function idxEvalFiles(dir: string): { images: string; labels: string | null } {
  const files = fs.readdirSync(dir).filter((f) => /idx\d/.test(f));
  const pick = (re: RegExp): string | undefined => files.find((f) => re.test(f));
  const images = pick(/^t10k-images/) ?? pick(/^train-images/);
  if (images === undefined) throw new DataRequestError(`${dir}: no t10k-images or train-images IDX file`);
  const labels = pick(new RegExp(`^${images.split('-')[0]}-labels`));
  return { images: path.join(dir, images), labels: labels === undefined ? null : path.join(dir, labels) };
}
