/**
 * The preprocessing saved in model.json: dl.data's Preprocessor (tables), image scaling (IDX and
 * image folders), the log-mel recipe (audio) or the volume size and intensity normalisation
 * (volume folders), plus the target encoding. Evaluate and predict
 * apply the same recipe to new data (see new_data.ts).
 */
import { Preprocessor } from '../preprocess/preprocessor.js';
import type { PreprocessorJSON } from '../preprocess/spec.js';
import type { TransformResult } from '../preprocess/transform.js';
import type { Table } from '../table/table.js';
import { DataRequestError } from './errors.js';
import type { AudioPreprocessingJSON } from './prepare_audio.js';
import type { VolumePreprocessingJSON } from './prepare_volumes.js';
import type { SeriesPreprocessingJSON } from './prepare_series.js';
import type { TargetEncoding } from './target.js';

export interface TablePreprocessingJSON {
  type: 'table';
  preprocessor: PreprocessorJSON;
}

export interface ImagePreprocessingJSON {
  type: 'image';
  /** Where the images came from: IDX files or an image folder (class subfolders). */
  source: 'idx' | 'folder';
  /** One image as the model sees it: [channels, height, width]. */
  shape: number[];
  /** x = (byte / 255 - mean) / std. */
  mean: number;
  std: number;
}

export type Preprocessing = (TablePreprocessingJSON | ImagePreprocessingJSON | AudioPreprocessingJSON | VolumePreprocessingJSON | SeriesPreprocessingJSON) & { target: TargetEncoding };

/** What a model not trained on a table was trained on, and what to give it instead. */
const TRAINED_ON: Record<Exclude<Preprocessing['type'], 'table' | 'series'>, string> = {
  audio: 'an audio folder; give a folder of WAV files per class',
  image: 'images; give an image folder or IDX files',
  volume: 'volumes; give a folder of NIfTI/.npy volumes per class',
};

/** Applies saved table preprocessing to a new table (rows that cannot be transformed are listed in `problems`). */
export function transformTable(pre: Preprocessing, table: Table, withTarget: boolean): TransformResult {
  if (pre.type === 'series') throw new DataRequestError(`this model forecasts the time series '${pre.target.column}' over '${pre.time}'; its rows are read as windows, not one by one`);
  if (pre.type !== 'table') throw new DataRequestError(`this model was trained on ${TRAINED_ON[pre.type]}`);
  return Preprocessor.fromJSON(pre.preprocessor).transform(table, { ignoreTarget: !withTarget });
}

/**
 * Scales image bytes as in training: `(byte / 255 - mean) / std`.
 *
 * @example
 * scaleImages({ type: 'image', source: 'idx', shape: [1, 28, 28], mean: 0.286, std: 0.353 }, bytes);
 */
export function scaleImages(pre: Pick<ImagePreprocessingJSON, 'mean' | 'std'>, bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  scaleImagesInto(pre, bytes, out, 0);
  return out;
}

/** {@link scaleImages} written into `out` from `offset` (a batch decoded on demand fills its rows this way). */
export function scaleImagesInto(pre: Pick<ImagePreprocessingJSON, 'mean' | 'std'>, bytes: Uint8Array, out: Float32Array, offset: number): void {
  const a = 1 / (255 * pre.std);
  const b = -pre.mean / pre.std;
  for (let i = 0; i < bytes.length; i++) out[offset + i] = bytes[i] * a + b;
}

/** Bytes summed at a time: their sum of squares (≤ 2^20 · 255²) stays an exact double. */
const MOMENT_CHUNK = 1 << 20;

/**
 * Exact moments of pixel bytes: their count, sum and sum of squares, as integers (BigInt), so they
 * add up in any order and in any grouping (image by image in a streaming pass, or one array) to
 * the same statistics.
 */
export class PixelMoments {
  private count = 0;
  private sum = 0n;
  private squares = 0n;

  /** Adds `bytes`. */
  add(bytes: Uint8Array): this {
    for (let start = 0; start < bytes.length; start += MOMENT_CHUNK) {
      let s = 0, q = 0;
      const end = Math.min(bytes.length, start + MOMENT_CHUNK);
      for (let i = start; i < end; i++) { const v = bytes[i]; s += v; q += v * v; }
      this.sum += BigInt(s);
      this.squares += BigInt(q);
    }
    this.count += bytes.length;
    return this;
  }

  /** Adds moments taken elsewhere (another image, another thread). */
  merge(other: PixelMoments): this {
    this.count += other.count;
    this.sum += other.sum;
    this.squares += other.squares;
    return this;
  }

  /** Mean and standard deviation of the bytes scaled to [0, 1] (std at least 1e-6). */
  stats(): { mean: number; std: number } {
    const mean = Number(this.sum) / 255 / this.count;
    const meanSquare = Number(this.squares) / (255 * 255) / this.count;
    return { mean, std: Math.sqrt(Math.max(1e-12, meanSquare - mean * mean)) };
  }
}

/** Mean and standard deviation of pixel bytes scaled to [0, 1]. */
export function pixelStats(bytes: Uint8Array): { mean: number; std: number } {
  return new PixelMoments().add(bytes).stats();
}
