/**
 * New data for a trained run (evaluate --data, predict --data): a table transformed with the
 * saved preprocessing, or an IDX folder/file scaled like the training images.
 */
import * as fs from 'node:fs';
import { idxEvalFiles, isIdxFolder, readIdxBytes } from '../data/idx.js';
import { loadTable } from '../data/load_table.js';
import { applyToTable, scaleImages, type Preprocessing } from '../data/preprocessing.js';
import { encodeTarget, labelText } from '../data/target.js';
import type { Table } from '../../data/table/table.js';
import { UsageError } from '../errors.js';

export interface NewData {
  x: Float32Array;
  rows: number;
  units: number;
  /** Encoded targets when the data has them (NaN / -1 where unknown). */
  y: Float64Array | null;
  /** Problems by 0-based row: values that could not be transformed, unknown labels. */
  problems: Map<number, string>;
  table: Table | null;
  notes: string[];
}

/** Reads and transforms `file` for a run with preprocessing `pre`. */
export async function readNewData(file: string, pre: Preprocessing, needTarget: boolean): Promise<NewData> {
  if (!fs.existsSync(file)) throw new UsageError(`data file not found: ${file}`);
  if (pre.type === 'image') {
    const isDir = fs.statSync(file).isDirectory();
    if (isDir && !isIdxFolder(file)) throw new UsageError(`${file}: no IDX files in this folder`);
    const files = isDir ? idxEvalFiles(file) : { images: file, labels: null };
    const imgFile = files.images;
    const images = readIdxBytes(imgFile);
    const y = files.labels !== null ? Float64Array.from(readIdxBytes(files.labels).data) : null;
    if (needTarget && y === null) throw new UsageError(`${file}: no label file next to the images; evaluate needs labels`);
    const units = images.dims.slice(1).reduce((a, b) => a * b, 1);
    return { x: scaleImages(pre, images.data), rows: images.dims[0], units, y, problems: new Map(), table: null, notes: [`images from ${imgFile}`] };
  }
  const table = await loadTable(file);
  const hasTarget = table.has(pre.target.column);
  if (needTarget && !hasTarget) {
    throw new UsageError(`${file} has no target column '${pre.target.column}'; evaluate needs the true values (use dlflow predict for unlabeled data)`);
  }
  let t;
  try {
    t = applyToTable(pre, table);
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const problems = new Map<number, string>();
  for (const p of t.problems) problems.set(p.row, `${problems.has(p.row) ? `${problems.get(p.row)}; ` : ''}column '${p.column}': ${p.reason}`);
  const notes = Object.entries(t.unknownCategories).map(([c, n]) => `${n} row(s) with a ${c} value not seen in training (encoded as unknown)`);
  let y: Float64Array | null = null;
  if (hasTarget) {
    y = encodeTarget(table, pre.target);
    if (pre.target.classes !== null) {
      for (let i = 0; i < y.length; i++) {
        if (y[i] >= 0) continue;
        const label = labelText(table, pre.target.column, i);
        if (needTarget) problems.set(i, `${problems.has(i) ? `${problems.get(i)}; ` : ''}${label === null ? 'missing target' : `target '${label}' is not a class the model knows (${pre.target.classes.join(', ')})`}`);
      }
    } else if (needTarget) {
      for (let i = 0; i < y.length; i++) if (Number.isNaN(y[i])) problems.set(i, `${problems.has(i) ? `${problems.get(i)}; ` : ''}missing or non-numeric target`);
    }
  }
  return { x: t.data, rows: t.rows, units: t.cols, y, problems, table, notes };
}

/** Rows without problems. */
export function goodRows(d: NewData): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < d.rows; i++) if (!d.problems.has(i)) out.push(i);
  return Int32Array.from(out);
}

/** "line N" of a 0-based data row of a CSV with a header line. */
export const lineOf = (row: number): number => row + 2;
