/** The PreparedData of a multiclass data set whose inputs are already feature rows (IDX, images, audio). */
import type { Arrays, DataSummary, PreparedData } from './prepare.js';
import type { Preprocessing } from './preprocessing.js';

export interface ClassExamples {
  source: string;
  kind: DataSummary['kind'];
  /** Name of the target in messages and reports ('label', 'class'). */
  column: string;
  classes: string[];
  /** Class index of every source example, for the class counts. */
  labels: ArrayLike<number>;
  /** The recipe that turns raw examples into feature rows (saved in model.json). */
  features: Omit<Preprocessing, 'target'>;
  units: number;
  train: Arrays;
  val: Arrays;
  test: Arrays;
  /** Examples in the source (e.g. train + test files). */
  rows: number;
  notes: string[];
}

export function classificationData(e: ClassExamples): PreparedData {
  const counts = new Array<number>(e.classes.length).fill(0);
  for (let i = 0; i < e.labels.length; i++) counts[e.labels[i]]++;
  const target = { column: e.column, task: 'multiclass' as const, classes: e.classes, center: 0, scale: 1 };
  return {
    task: 'multiclass', target,
    preprocessing: { ...e.features, target } as Preprocessing,
    inputUnits: e.units, inputShape: [1, e.units],
    train: e.train, val: e.val, test: e.test,
    summary: {
      source: e.source, kind: e.kind, rows: e.rows, columns: e.units, task: 'multiclass', target: e.column,
      classCounts: e.classes.map((label, i) => ({ label, count: counts[i] })),
      splits: { train: e.train.rows, val: e.val.rows, test: e.test.rows }, inputUnits: e.units, notes: e.notes,
    },
  };
}
