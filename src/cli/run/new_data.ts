/**
 * New data for a trained run (evaluate --data, predict --data): a table transformed with the
 * saved Preprocessor, or an IDX folder/file scaled like the training images. Rows that cannot be
 * transformed are kept out of `x` and listed with their line and reason.
 */
import * as fs from 'node:fs';
import { idxEvalFiles, isIdxFolder, readIdxBytes } from '../data/idx.js';
import { loadTable } from '../data/load_table.js';
import { readAudioFolder } from '../data/prepare_audio.js';
import { isImageFolder, loadImageBytes } from '../data/prepare_images.js';
import { scaleImages, transformTable, type ImagePreprocessingJSON, type Preprocessing } from '../data/preprocessing.js';
import { UsageError } from '../errors.js';

export interface NewData {
  /** Inputs of the rows that could be transformed, `[rows, units]`. */
  x: Float32Array;
  rows: number;
  units: number;
  /** Encoded targets of those rows, when asked for and present. */
  y: Float64Array | null;
  /** Source row (0-based) of each transformed row. */
  sourceRows: Int32Array;
  /** Rows in the source. */
  totalRows: number;
  /** Source rows left out: line in the file and why. */
  problems: Map<number, { line: number; reason: string }>;
  notes: string[];
}

/** An image folder (class subfolders) for a model trained on one: resized and scaled as in training. */
function readImageFolder(dir: string, pre: ImagePreprocessingJSON & { target: Preprocessing['target'] }): NewData {
  if (!fs.statSync(dir).isDirectory() || !isImageFolder(dir)) {
    throw new UsageError(`${dir}: expected a folder with one subfolder of PNG/JPEG images per class (the model was trained on an image folder)`);
  }
  const [, height, width] = pre.shape;
  const images = loadImageBytes(dir, [height, width]);
  const known = pre.target.classes ?? [];
  const y = Float64Array.from(images.labels, (k) => {
    const index = known.indexOf(images.classes[k]);
    if (index < 0) throw new UsageError(`${dir}: class folder '${images.classes[k]}' is not one of the trained classes (${known.join(', ')})`);
    return index;
  });
  const rows = images.labels.length;
  return {
    x: scaleImages(pre, images.bytes), rows, units: images.bytes.length / Math.max(1, rows), y,
    sourceRows: Int32Array.from({ length: rows }, (_, i) => i), totalRows: rows, problems: new Map(),
    notes: images.resized > 0 ? [`${images.resized} image(s) resized to ${width}×${height}`] : [],
  };
}

/** Reads and transforms `file` for a run with preprocessing `pre`; `withTarget` requires true values (evaluate). */
export async function readNewData(file: string, pre: Preprocessing, withTarget: boolean): Promise<NewData> {
  if (!fs.existsSync(file)) throw new UsageError(`data file not found: ${file}`);
  if (pre.type === 'audio') {
    const audio = readAudioFolder(file, pre, pre.target.classes ?? []);
    return { ...audio, sourceRows: Int32Array.from({ length: audio.rows }, (_, i) => i), totalRows: audio.rows, problems: new Map(), notes: [] };
  }
  if (pre.type === 'image' && pre.shape.length === 3) return readImageFolder(file, pre);
  if (pre.type === 'image') {
    const isDir = fs.statSync(file).isDirectory();
    if (isDir && !isIdxFolder(file)) throw new UsageError(`${file}: no IDX files in this folder`);
    const files = isDir ? idxEvalFiles(file) : { images: file, labels: null };
    const images = readIdxBytes(files.images);
    const y = files.labels !== null ? Float64Array.from(readIdxBytes(files.labels).data) : null;
    if (withTarget && y === null) throw new UsageError(`${file}: no label file next to the images; evaluate needs labels`);
    const rows = images.dims[0];
    const units = images.dims.slice(1).reduce((a, b) => a * b, 1);
    return {
      x: scaleImages(pre, images.data), rows, units, y, sourceRows: Int32Array.from({ length: rows }, (_, i) => i), totalRows: rows,
      problems: new Map(), notes: [`images from ${files.images}`],
    };
  }
  const table = await loadTable(file);
  if (withTarget && !table.has(pre.target.column)) {
    throw new UsageError(`${file} has no target column '${pre.target.column}'; evaluate needs the true values (use dlflow predict for unlabeled data)`);
  }
  let t;
  try {
    t = transformTable(pre, table, withTarget);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const problems = new Map<number, { line: number; reason: string }>();
  for (const p of t.problems) {
    const before = problems.get(p.row);
    const reason = `column '${p.column}': ${p.value !== undefined ? `'${p.value}' ` : ''}${p.reason}`;
    problems.set(p.row, { line: p.line, reason: before ? `${before.reason}; ${reason}` : reason });
  }
  const notes = Object.entries(t.unknownCategories).filter(([, n]) => n > 0).map(([c, n]) => `${n} row(s) with a ${c} value not seen in training (encoded as unknown)`);
  return {
    x: t.x, rows: t.rows, units: t.numFeatures, y: withTarget && t.y !== null ? Float64Array.from(t.y) : null,
    sourceRows: t.sourceRows, totalRows: table.rowCount, problems, notes,
  };
}
