/**
 * Input conversion for the metrics: number arrays, typed arrays and dlflow
 * tensors (anything with `dataSync()` and `shape`) become Float64Arrays,
 * checked for length and finiteness once, up front.
 */
import { MetricError } from './errors.js';

/** Structural view of a dlflow Tensor, so the metrics need not import the engine. */
export interface TensorLike {
  dataSync(): ArrayLike<number | bigint>;
  readonly shape: readonly number[];
}

/** A vector of labels or values: `[n]` (or `[n, 1]` for tensors). */
export type VectorInput = ArrayLike<number> | TensorLike;

/** A score/probability matrix `[n, C]`: a 2-D tensor or an array of rows. */
export type MatrixInput = TensorLike | ArrayLike<ArrayLike<number>>;

/** A row-major matrix of float64 values; `float32` records the source precision. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
  float32: boolean;
}

/** True for objects that look like a dlflow tensor. */
export function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && typeof (x as TensorLike).dataSync === 'function'
    && Array.isArray((x as TensorLike).shape);
}

function toFloat64(data: ArrayLike<number | bigint>): Float64Array {
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function isRowArray(x: ArrayLike<unknown>): boolean {
  return x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

/** Any input as a matrix: 1-D inputs become one column. */
export function toMatrix(metric: string, what: string, x: VectorInput | MatrixInput): Matrix {
  if (isTensorLike(x)) {
    const data = x.dataSync();
    const float32 = data instanceof Float32Array;
    const shape = x.shape;
    if (shape.length > 2) throw new MetricError(metric, `${what} must be 1-D or 2-D, got shape [${shape.join(', ')}]`);
    const rows = shape.length === 0 ? 1 : shape[0];
    const cols = shape.length === 2 ? shape[1] : 1;
    return { data: toFloat64(data), rows, cols, float32 };
  }
  if (isRowArray(x)) {
    const rowsIn = x as ArrayLike<ArrayLike<number>>;
    const rows = rowsIn.length;
    const cols = rowsIn[0].length;
    const data = new Float64Array(rows * cols);
    let float32 = true;
    for (let i = 0; i < rows; i++) {
      const r = rowsIn[i];
      if (r.length !== cols) throw new MetricError(metric, `${what} rows differ in length: row 0 has ${cols} values, row ${i} has ${r.length}`);
      if (!(r instanceof Float32Array)) float32 = false;
      for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
    }
    return { data, rows, cols, float32: float32 && rows > 0 };
  }
  const v = x as ArrayLike<number>;
  return { data: toFloat64(v), rows: v.length, cols: 1, float32: v instanceof Float32Array };
}

/** A 1-D input (a `[n, 1]` tensor counts as 1-D, like scikit-learn's column_or_1d). */
export function toVector(metric: string, what: string, x: VectorInput): Float64Array {
  const m = toMatrix(metric, what, x as VectorInput | MatrixInput);
  if (m.cols !== 1) throw new MetricError(metric, `${what} must be 1-D, got shape [${m.rows}, ${m.cols}]`);
  return m.data;
}

/** Throws unless every value is finite (scikit-learn rejects NaN and infinity too). */
export function checkFinite(metric: string, what: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new MetricError(metric, `${what} contains ${a[i]} at index ${i}; inputs must be finite`);
  }
}

/** Throws unless the two inputs have the same number of samples. */
export function checkSameLength(metric: string, n1: number, n2: number, what1 = 'y_true', what2 = 'y_pred'): void {
  if (n1 !== n2) {
    throw new MetricError(metric, `found input variables with inconsistent numbers of samples: ${what1} has ${n1}, ${what2} has ${n2}`);
  }
  if (n1 === 0) throw new MetricError(metric, `${what1} and ${what2} are empty; at least one sample is required`);
}

/** Converts and checks a pair of 1-D inputs of equal length. */
export function vectorPair(metric: string, yTrue: VectorInput, yPred: VectorInput, what2 = 'y_pred'): [Float64Array, Float64Array] {
  const a = toVector(metric, 'y_true', yTrue);
  const b = toVector(metric, what2, yPred);
  checkSameLength(metric, a.length, b.length, 'y_true', what2);
  checkFinite(metric, 'y_true', a);
  checkFinite(metric, what2, b);
  return [a, b];
}

/** Converts and checks true labels and a score (or probability) vector or `[n, C]` matrix of as many rows. */
export function labelsAndScores(metric: string, yTrue: VectorInput, yScore: VectorInput | MatrixInput, what2 = 'y_score'): [Float64Array, Matrix] {
  const t = toVector(metric, 'y_true', yTrue);
  const s = toMatrix(metric, what2, yScore);
  checkSameLength(metric, t.length, s.rows, 'y_true', what2);
  checkFinite(metric, 'y_true', t);
  checkFinite(metric, what2, s.data);
  return [t, s];
}
