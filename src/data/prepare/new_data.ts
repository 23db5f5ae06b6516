/**
 * New data for a trained model (evaluate --data, predict --data): a table transformed with the
 * saved Preprocessor, an image folder or IDX folder/file scaled like the training images, an
 * audio folder through the saved log-mel recipe, or a volume folder resampled to the trained size
 * and normalised as in training. Rows that cannot be transformed are kept out of
 * `x` and listed with their line and reason; damaged files of a folder are an error naming the
 * first, or with `skipBadFiles` are left out and listed in `skipped`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DamagedFiles, type SkippedFiles } from './class_folder.js';
import { idxEvalFiles, isIdxFolder, readIdxBytes } from './idx.js';
import { DataRequestError } from './errors.js';
import { loadTable } from './load_table.js';
import { readAudioFolder } from './prepare_audio.js';
import { isImageFolder, loadImageBytes } from './prepare_images.js';
import { readVolumeFolder, type VolumePreprocessingJSON } from './prepare_volumes.js';
import { trainedLabels } from './prepared_classes.js';
import { scaleImages, transformTable, type ImagePreprocessingJSON, type Preprocessing } from './preprocessing.js';

export interface NewData {
  /** Inputs of the rows that could be transformed, flat: `rows × prod(inputShape)` values. */
  x: Float32Array;
  rows: number;
  /** Shape of one example, as in training. */
  inputShape: number[];
  /** Encoded targets of those rows, when asked for and present. */
  y: Float64Array | null;
  /** Source row (0-based) of each transformed row. */
  sourceRows: Int32Array;
  /** A folder's files, each row's path relative to the folder (null for a table or IDX file). */
  files: string[] | null;
  /** Rows in the source. */
  totalRows: number;
  /** Source rows left out: line in the file and why. */
  problems: Map<number, { line: number; reason: string }>;
  /** Damaged files of a folder left out (with `skipBadFiles`): not rows of `x`, nor of `totalRows`. */
  skipped: SkippedFiles;
  notes: string[];
}

/** How {@link readNewData} treats damaged files of a folder. */
export interface NewDataOptions {
  /** Leave them out (listed in `skipped`) instead of failing on the first. */
  skipBadFiles?: boolean;
}

const noneSkipped = (): SkippedFiles => ({ count: 0, files: [] });

type ImagePre = ImagePreprocessingJSON & { target: Preprocessing['target'] };

const allRows = (rows: number): Int32Array => Int32Array.from({ length: rows }, (_, i) => i);

/** Paths relative to the folder `dir`, with '/' between parts on every platform (`cat/001.png`). */
const relativeTo = (dir: string, files: readonly string[]): string[] => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

/** An image folder (class subfolders) for a model trained on one: resized and scaled as in training. */
async function readImageFolder(dir: string, pre: ImagePre, damaged: DamagedFiles): Promise<NewData> {
  if (!fs.statSync(dir).isDirectory() || !isImageFolder(dir)) {
    throw new DataRequestError(`${dir}: expected a folder with one subfolder of PNG/JPEG images per class (the model was trained on an image folder)`);
  }
  const [, height, width] = pre.shape;
  const images = await loadImageBytes(dir, [height, width], damaged);
  const y = trainedLabels(dir, images.labels, images.classes, pre.target.classes ?? []);
  const rows = images.labels.length;
  return {
    x: scaleImages(pre, images.bytes), rows, inputShape: pre.shape, y, sourceRows: allRows(rows), files: relativeTo(dir, images.files), totalRows: rows, problems: new Map(),
    skipped: images.skipped, notes: images.resized > 0 ? [`${images.resized} image(s) resized to ${width}×${height}`] : [],
  };
}

/** IDX images (a folder's t10k or train file, or one images file) for a model trained on IDX data. */
function readIdxImages(file: string, pre: ImagePre, withTarget: boolean): NewData {
  const isDir = fs.statSync(file).isDirectory();
  if (isDir && !isIdxFolder(file)) throw new DataRequestError(`${file}: no IDX files in this folder`);
  const files = isDir ? idxEvalFiles(file) : { images: file, labels: null };
  const images = readIdxBytes(files.images);
  const shape = [1, ...images.dims.slice(1)];
  if (shape.join('x') !== pre.shape.join('x')) throw new DataRequestError(`${files.images}: images of ${images.dims.slice(1).join('×')} pixels, but the model was trained on ${pre.shape.slice(1).join('×')}`);
  const y = files.labels !== null ? Float64Array.from(readIdxBytes(files.labels).data) : null;
  if (withTarget && y === null) throw new DataRequestError(`${file}: no label file next to the images; evaluate needs labels`);
  const rows = images.dims[0];
  return {
    x: scaleImages(pre, images.data), rows, inputShape: pre.shape, y, sourceRows: allRows(rows), files: null, totalRows: rows, problems: new Map(),
    skipped: noneSkipped(), notes: [`images from ${files.images}`],
  };
}

/** A volume folder (class subfolders) for a model trained on one; evaluate (`withTarget`) needs trained class names. */
function readVolumes(dir: string, pre: VolumePreprocessingJSON & { target: Preprocessing['target'] }, withTarget: boolean, damaged: DamagedFiles): NewData {
  const v = readVolumeFolder(dir, pre, withTarget ? pre.target.classes ?? [] : null, damaged);
  return { x: v.x, rows: v.rows, inputShape: pre.shape, y: v.y, sourceRows: allRows(v.rows), files: relativeTo(dir, v.files), totalRows: v.rows, problems: new Map(), skipped: v.skipped, notes: v.notes };
}

/** A table transformed by the saved Preprocessor; rows it cannot transform are listed by line. */
async function readTable(file: string, pre: Preprocessing, withTarget: boolean): Promise<NewData> {
  const table = await loadTable(file);
  if (withTarget && !table.has(pre.target.column)) {
    throw new DataRequestError(`${file} has no target column '${pre.target.column}'; evaluate needs the true values (use dlflow predict for unlabeled data)`);
  }
  let t;
  try {
    t = transformTable(pre, table, withTarget);
  } catch (e) {
    throw new DataRequestError(`${file}: ${(e as Error).message}`);
  }
  const problems = new Map<number, { line: number; reason: string }>();
  for (const p of t.problems) {
    const before = problems.get(p.row);
    const reason = `column '${p.column}': ${p.value !== undefined ? `'${p.value}' ` : ''}${p.reason}`;
    problems.set(p.row, { line: p.line, reason: before ? `${before.reason}; ${reason}` : reason });
  }
  const notes = Object.entries(t.unknownCategories).filter(([, n]) => n > 0).map(([c, n]) => `${n} row(s) with a ${c} value not seen in training (encoded as unknown)`);
  return {
    x: t.x, rows: t.rows, inputShape: [t.numFeatures], y: withTarget && t.y !== null ? Float64Array.from(t.y) : null,
    sourceRows: t.sourceRows, files: null, totalRows: table.rowCount, problems, skipped: noneSkipped(), notes,
  };
}

/**
 * Reads and transforms `file` for a model with preprocessing `pre`; `withTarget` requires true values (evaluate).
 *
 * @example
 * const d = await readNewData('new.csv', info.preprocessing, false);
 * d.x; d.inputShape; d.problems;
 */
export async function readNewData(file: string, pre: Preprocessing, withTarget: boolean, options: NewDataOptions = {}): Promise<NewData> {
  if (!fs.existsSync(file)) throw new DataRequestError(`data file not found: ${file}`);
  const damaged = new DamagedFiles(options.skipBadFiles ?? false);
  if (pre.type === 'audio') {
    const audio = readAudioFolder(file, pre, pre.target.classes ?? [], damaged);
    return {
      x: audio.x, y: audio.y, rows: audio.rows, inputShape: audio.shape, sourceRows: allRows(audio.rows), files: relativeTo(file, audio.files), totalRows: audio.rows, problems: new Map(),
      skipped: audio.skipped, notes: [],
    };
  }
  if (pre.type === 'image') return pre.source === 'folder' ? readImageFolder(file, pre, damaged) : readIdxImages(file, pre, withTarget);
  if (pre.type === 'volume') return readVolumes(file, pre, withTarget, damaged);
  return readTable(file, pre, withTarget);
}
