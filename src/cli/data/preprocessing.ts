/**
 * The preprocessing saved in model.json: dl.data's Preprocessor (tables) or image scaling (IDX),
 * plus the target encoding. `transformTable` is what evaluate and predict run on new data.
 */
import { Preprocessor } from '../../data/preprocess/preprocessor.js';
import type { PreprocessorJSON } from '../../data/preprocess/spec.js';
import type { TransformResult } from '../../data/preprocess/transform.js';
import type { Table } from '../../data/table/table.js';
import type { AudioPreprocessingJSON } from './prepare_audio.js';
import type { TargetEncoding } from './target.js';

export interface TablePreprocessingJSON {
  type: 'table';
  preprocessor: PreprocessorJSON;
}

export interface ImagePreprocessingJSON {
  type: 'image';
  /** Height and width of one image. */
  shape: number[];
  /** x = (byte / 255 - mean) / std. */
  mean: number;
  std: number;
}

export type Preprocessing = (TablePreprocessingJSON | ImagePreprocessingJSON | AudioPreprocessingJSON) & { target: TargetEncoding };

/** Applies saved table preprocessing to a new table (rows that cannot be transformed are listed in `problems`). */
export function transformTable(pre: Preprocessing, table: Table, withTarget: boolean): TransformResult {
  if (pre.type !== 'table') throw new Error(`this model was trained on ${pre.type === 'audio' ? 'an audio folder; give a folder of WAV files per class' : 'images; give an image folder or IDX files'}`);
  return Preprocessor.fromJSON(pre.preprocessor).transform(table, { ignoreTarget: !withTarget });
}

/** Scales image bytes as in training. */
export function scaleImages(pre: ImagePreprocessingJSON, bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  const a = 1 / (255 * pre.std);
  const b = -pre.mean / pre.std;
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] * a + b;
  return out;
}
