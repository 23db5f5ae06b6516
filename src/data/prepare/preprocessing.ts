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
  const a = 1 / (255 * pre.std);
  const b = -pre.mean / pre.std;
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] * a + b;
  return out;
}

/** Mean and standard deviation of pixel bytes scaled to [0, 1]. */
export function pixelStats(bytes: Uint8Array): { mean: number; std: number } {
  let sum = 0, sq = 0;
  for (let i = 0; i < bytes.length; i++) { const v = bytes[i] / 255; sum += v; sq += v * v; }
  const mean = sum / bytes.length;
  return { mean, std: Math.sqrt(Math.max(1e-12, sq / bytes.length - mean * mean)) };
}
