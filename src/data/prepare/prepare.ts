/**
 * The data step of training: read the data named by the options (a table file, or an IDX, image,
 * audio or volume folder), choose the task, split reproducibly, fit the preprocessing on the training
 * split and produce model-ready arrays for train, validation and test. A table that is a regular
 * time series becomes forecasting windows split by time (prepare_series.ts).
 */
import * as fs from 'node:fs';
import { classFolderModality } from '../explore/detect.js';
import { trainingAugment } from './augmented.js';
import { isFileOfKind } from './class_folder.js';
import { DataRequestError } from './errors.js';
import { isIdxFolder } from './idx.js';
import type { PrepareOptions } from './options.js';
import { prepareAudioFolder } from './prepare_audio.js';
import { prepareIdx } from './prepare_idx.js';
import { prepareImageFolder } from './prepare_images.js';
import { prepareSeries } from './prepare_series.js';
import { prepareTable } from './prepare_table.js';
import { prepareVolumeFolder, VOLUME_FILES } from './prepare_volumes.js';
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
  if (isFileOfKind(path, VOLUME_FILES) && !fs.statSync(path).isDirectory()) {
    throw new DataRequestError(`${path} is one volume; dlflow trains on a folder with one subfolder of NIfTI/.npy volumes per class`);
  }
  const isFolder = fs.statSync(path).isDirectory();
  if (!isFolder) refuseLazy(options, 'a table file');
  const data = await (isFolder ? prepareFolder(options) : (await prepareSeries(options)) ?? prepareTable(options));
  trainingAugment(options.data.augment, data.preprocessing); // refuses augmentation the data cannot take, before any training
  return data;
}

/**
 * `data.lazy: true` asked of data that is not an image folder is a request error (`auto`, the
 * default, and `false` apply to anything).
 */
function refuseLazy(options: PrepareOptions, what: string): void {
  if (options.data.lazy === true) throw new DataRequestError(`data.lazy: true decodes image folders (class subfolders of PNG/JPEG files) on demand, but ${options.data.path} is ${what}`);
}

/** An IDX folder, or class subfolders of images, audio or volumes (whichever most files are, as explore decides). */
function prepareFolder(options: PrepareOptions): Promise<PreparedData> {
  const dir = options.data.path;
  if (isIdxFolder(dir)) {
    refuseLazy(options, 'an IDX folder');
    return prepareIdx(options);
  }
  const modality = classFolderModality(dir);
  if (modality !== 'images' && modality !== null) refuseLazy(options, `${modality === 'audio' ? 'an audio' : 'a volume'} folder`);
  switch (modality) {
    case 'images': return prepareImageFolder(options);
    case 'audio': return prepareAudioFolder(options);
    case 'volume': return prepareVolumeFolder(options);
    case null: throw new DataRequestError(`${dir}: a folder with neither IDX files nor class subfolders of images, WAV files or NIfTI/.npy volumes; ` +
      'dlflow trains on table files (CSV/TSV/JSONL/Parquet), IDX folders, image folders, audio folders and volume folders');
  }
}
