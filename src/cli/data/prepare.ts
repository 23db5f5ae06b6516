/**
 * The data step of `dlflow train`: read the data named by the config (a table file, or an IDX,
 * image or audio folder), choose the task, split reproducibly, fit the preprocessing on the
 * training split and produce model-ready arrays for train, validation and test.
 */
import * as fs from 'node:fs';
import type { TrainTask } from '../../train/types.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { prepareIdx } from './prepare_idx.js';
import { isImageFolder, prepareImageFolder } from './prepare_images.js';
import { isAudioFolder, prepareAudioFolder } from './prepare_audio.js';
import { prepareTable } from './prepare_table.js';
import { isIdxFolder } from './idx.js';
import type { Preprocessing } from './preprocessing.js';
import type { TargetEncoding } from './target.js';

/** Model-ready rows: inputs `[rows, units]` and encoded targets. */
export interface Arrays {
  x: Float32Array;
  y: Float64Array;
  rows: number;
}

/** What the report and summary say about the data. */
export interface DataSummary {
  source: string;
  kind: 'table' | 'idx' | 'images' | 'audio';
  rows: number;
  columns: number;
  task: TrainTask;
  target: string;
  classCounts: { label: string; count: number }[] | null;
  splits: { train: number; val: number; test: number };
  inputUnits: number;
  notes: string[];
}

export interface PreparedData {
  task: TrainTask;
  target: TargetEncoding;
  preprocessing: Preprocessing;
  inputUnits: number;
  /** Input shape of one batch of size 1 (for summaries). */
  inputShape: number[];
  train: Arrays;
  val: Arrays;
  test: Arrays;
  summary: DataSummary;
}

/** Rows `idx` of a row-major matrix. */
export function takeRows(data: Float32Array, cols: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * cols);
  for (let i = 0; i < idx.length; i++) out.set(data.subarray(idx[i] * cols, (idx[i] + 1) * cols), i * cols);
  return out;
}

/**
 * Reads and prepares the data of a config.
 *
 * @example
 * const data = await prepareData(resolveConfig({ flags: [['data', 'datasets/penguins.csv'], ['target', 'species']] }));
 * data.train.rows; data.inputUnits; data.target.classes;
 */
export async function prepareData(config: DlflowConfig): Promise<PreparedData> {
  const cfg = config.data;
  if (!fs.existsSync(cfg.path)) throw new UsageError(`data not found: ${cfg.path}`);
  return fs.statSync(cfg.path).isDirectory() ? prepareFolder(config) : prepareTable(config);
}

/** An IDX, image or audio folder. */
function prepareFolder(config: DlflowConfig): Promise<PreparedData> {
  const dir = config.data.path;
  if (isIdxFolder(dir)) return prepareIdx(config);
  if (isImageFolder(dir)) return prepareImageFolder(config);
  if (isAudioFolder(dir)) return prepareAudioFolder(config);
  throw new UsageError(`${dir}: a folder with neither IDX files nor class subfolders of images or WAV files; ` +
    'dlflow trains on table files (CSV/TSV/JSONL/Parquet), IDX folders, image folders and audio folders');
}
