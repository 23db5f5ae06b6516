/**
 * IDX files (the MNIST family), gzipped or not, and IDX folders with train/test files recognised
 * by name (`train-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte`, ...).
 * Adapter of the CLI until dl.data's IDX loader lands.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX file of unsigned bytes (type 0x08). */
export function readIdx(file: string): IdxArray {
  let bytes: Uint8Array = fs.readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0) throw new UsageError(`${file}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new UsageError(`${file}: IDX element type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const ndim = bytes[3];
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * ndim;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length < start + count) throw new UsageError(`${file}: truncated IDX file (${bytes.length - start} of ${count} data bytes)`);
  return { dims, data: bytes.subarray(start, start + count) };
}

export interface IdxFolder {
  trainImages: string;
  trainLabels: string;
  testImages: string | null;
  testLabels: string | null;
}

/** True when `dir` is a folder holding IDX files. */
export function isIdxFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).some((f) => /idx\d/.test(f));
  } catch {
    return false;
  }
}

/** Finds the train and test image/label files of an IDX folder. */
export function findIdxFiles(dir: string): IdxFolder {
  const files = fs.readdirSync(dir).filter((f) => /idx\d/.test(f));
  const pick = (split: 'train' | 'test', kind: 'images' | 'labels'): string | null => {
    const isTest = (f: string): boolean => /t10k|test/i.test(f);
    const isKind = (f: string): boolean => (kind === 'images' ? /images|idx3/i.test(f) : /labels|idx1/i.test(f));
    const f = files.find((name) => isKind(name) && (split === 'test' ? isTest(name) : !isTest(name)));
    return f === undefined ? null : path.join(dir, f);
  };
  const trainImages = pick('train', 'images');
  const trainLabels = pick('train', 'labels');
  if (trainImages === null || trainLabels === null) {
    throw new UsageError(`${dir}: found no training images and labels among the IDX files (${files.join(', ')})`);
  }
  return { trainImages, trainLabels, testImages: pick('test', 'images'), testLabels: pick('test', 'labels') };
}

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** Class names for an IDX folder: Fashion-MNIST's names when the folder says fashion, else the label numbers. */
export function idxClassNames(dir: string, classes: number): string[] {
  if (/fashion/i.test(path.resolve(dir)) && classes === FASHION.length) return [...FASHION];
  return Array.from({ length: classes }, (_, i) => String(i));
}
