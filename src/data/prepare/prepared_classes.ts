/** The PreparedData of a multiclass data set whose examples are already arrays (IDX, images, audio). */
import type { SkippedFiles } from './class_folder.js';
import { DataRequestError } from './errors.js';
import type { Preprocessing } from './preprocessing.js';
import type { Arrays, DataSummary, Examples, PreparedData } from './types.js';

export interface ClassExamples {
  source: string;
  kind: DataSummary['kind'];
  /** Name of the target in messages and reports ('label', 'class'). */
  column: string;
  classes: string[];
  /** Class index of every source example, for the class counts. */
  labels: ArrayLike<number>;
  /** The recipe that turns raw examples into model input (saved in model.json). */
  features: Omit<Preprocessing, 'target'>;
  /** Shape of one example. */
  shape: number[];
  train: Examples;
  val: Examples;
  test: Examples;
  /** Examples in the source (e.g. train + test files). */
  rows: number;
  notes: string[];
  /** Damaged files left out of a folder (data.skipBadFiles). */
  skipped?: SkippedFiles;
}

/** Examples `idx` of flat inputs (`units` values each) with their targets. */
export function takeExamples(x: Float32Array, y: Float64Array, units: number, idx: ArrayLike<number>): Arrays {
  const xs = new Float32Array(idx.length * units);
  const ys = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    xs.set(x.subarray(r * units, (r + 1) * units), i * units);
    ys[i] = y[r];
  }
  return { x: xs, y: ys, rows: idx.length };
}

/** Class indices of a folder's class names in the trained order; an unknown class is an error. */
export function trainedLabels(dir: string, labels: Int32Array, classes: readonly string[], known: readonly string[]): Float64Array {
  return Float64Array.from(labels, (k) => {
    const index = known.indexOf(classes[k]);
    if (index < 0) throw new DataRequestError(`${dir}: class folder '${classes[k]}' is not one of the trained classes (${known.join(', ')})`);
    return index;
  });
}

/** The PreparedData of examples with class labels. */
export function classificationData(e: ClassExamples): PreparedData {
  const counts = new Array<number>(e.classes.length).fill(0);
  for (let i = 0; i < e.labels.length; i++) counts[e.labels[i]]++;
  const target = { column: e.column, task: 'multiclass' as const, classes: e.classes, center: 0, scale: 1 };
  const units = e.shape.reduce((a, b) => a * b, 1);
  return {
    task: 'multiclass', target,
    preprocessing: { ...e.features, target } as Preprocessing,
    inputUnits: units, inputShape: e.shape,
    train: e.train, val: e.val, test: e.test,
    summary: {
      source: e.source, kind: e.kind, rows: e.rows, columns: units, task: 'multiclass', target: e.column,
      classCounts: e.classes.map((label, i) => ({ label, count: counts[i] })),
      splits: { train: e.train.rows, val: e.val.rows, test: e.test.rows }, inputUnits: units, notes: e.notes,
      ...(e.skipped !== undefined && e.skipped.count > 0 ? { skipped: e.skipped } : {}),
    },
  };
}
