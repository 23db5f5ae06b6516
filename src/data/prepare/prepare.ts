/**
 * The data step of training: read the data named by the options (a table file, or an IDX, image
 * or audio folder), choose the task, split reproducibly, fit the preprocessing on the training
 * split and produce model-ready arrays for train, validation and test. A table that is a regular
 * time series becomes forecasting windows split by time (prepare_series.ts).
 */
import * as fs from 'node:fs';
import { trainingAugment } from './augmented.js';
import { DataRequestError } from './errors.js';
import { isIdxFolder } from './idx.js';
import type { PrepareOptions } from './options.js';
import { isAudioFolder, prepareAudioFolder } from './prepare_audio.js';
import { prepareIdx } from './prepare_idx.js';
import { isImageFolder, prepareImageFolder } from './prepare_images.js';
import { prepareSeries } from './prepare_series.js';
import { prepareTable } from './prepare_table.js';
import type { PreparedData } from './types.js';

/**
 * Reads and prepares the data of a config (`{ data, seed }`).
 *
 * @example
 * const data = await prepareData(resolveConfig({ flags: [['data', 'datasets/penguins.csv'], ['target', 'species']] }));
 * data.train.rows; data.inputShape; data.target.classes;
 */
export async function prepareData(options: PrepareOptions): Promise<PreparedData> {
  const path = options.data.path;
  if (!fs.existsSync(path)) throw new DataRequestError(`data not found: ${path}`);
  const data = await (fs.statSync(path).isDirectory() ? prepareFolder(options) : (await prepareSeries(options)) ?? prepareTable(options));
  trainingAugment(options.data.augment, data.preprocessing); // refuses augmenting tables or audio before any training
  return data;
}

/** An IDX, image or audio folder. */
function prepareFolder(options: PrepareOptions): Promise<PreparedData> {
  const dir = options.data.path;
  if (isIdxFolder(dir)) return prepareIdx(options);
  if (isImageFolder(dir)) return prepareImageFolder(options);
  if (isAudioFolder(dir)) return prepareAudioFolder(options);
  throw new DataRequestError(`${dir}: a folder with neither IDX files nor class subfolders of images or WAV files; ` +
    'dlflow trains on table files (CSV/TSV/JSONL/Parquet), IDX folders, image folders and audio folders');
}
