/**
 * The preprocessing saved in model.json: a table transform or image scaling, plus the target
 * encoding. `applyToTable` is what evaluate and predict run on new data.
 */
import type { Table } from '../../data/table/table.js';
import { TablePreprocessor, type TablePreprocessorJSON, type TransformResult } from './table_preprocessor.js';
import type { TargetEncoding } from './target.js';

export interface ImagePreprocessingJSON {
  type: 'image';
  /** Height and width of one image. */
  shape: number[];
  /** x = (byte / 255 - mean) / std. */
  mean: number;
  std: number;
}

export type Preprocessing = (TablePreprocessorJSON | ImagePreprocessingJSON) & { target: TargetEncoding };

/** Applies saved table preprocessing to a new table. */
export function applyToTable(pre: Preprocessing, table: Table): TransformResult {
  if (pre.type !== 'table') throw new Error('this model was trained on images; give an IDX folder or file');
  return TablePreprocessor.fromJSON(pre).transform(table);
}

/** Scales image bytes as in training. */
export function scaleImages(pre: ImagePreprocessingJSON, bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  const a = 1 / (255 * pre.std);
  const b = -pre.mean / pre.std;
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] * a + b;
  return out;
}
