/**
 * The Preprocessor's fitted state as plain JSON: one transform per feature
 * column and one for the target. Everything needed to reproduce the output
 * exactly is stored (fill values, scaler centre/scale, category lists).
 */

/** How a missing numeric cell is filled. `drop`: the row is left out (and reported). */
export type NumericImpute = 'mean' | 'median' | 'constant' | 'drop';
/** How a missing categorical cell is handled; `unknown` sends it to the unknown bucket. */
export type CategoricalImpute = 'mode' | 'constant' | 'unknown' | 'drop';
/** Scaling of numeric values (after imputation). */
export type Scaling = 'standard' | 'minmax' | 'robust' | 'none';
/** Datetime parts produced. */
export type DatePart = 'year' | 'month' | 'day' | 'dayofweek' | 'hour';

/** `(x − center) / scale`. */
export interface Scaler {
  type: Scaling;
  center: number;
  scale: number;
}

/** A numeric (or boolean, as 0/1) column. */
export interface NumericTransform {
  kind: 'numeric';
  column: string;
  /** Boolean words mapped to 1 (true/yes/t/y) and 0; null for numbers. */
  boolean: boolean;
  impute: NumericImpute;
  /** Fill value in raw units (NaN for drop). */
  fill: number;
  indicator: boolean;
  scaler: Scaler;
}

/** A categorical column. */
export interface CategoricalTransform {
  kind: 'categorical';
  column: string;
  encoding: 'onehot' | 'ordinal';
  /** Known categories, sorted; one-hot adds one "unknown" unit after them, ordinal codes unknown as −1. */
  categories: string[];
  impute: CategoricalImpute;
  /** Category used for missing cells (mode/constant). */
  fill: string | null;
  indicator: boolean;
}

/** A datetime column expanded into parts, each imputed and scaled. */
export interface DatetimeTransform {
  kind: 'datetime';
  column: string;
  parts: DatePart[];
  impute: NumericImpute;
  /** Fill value per part. */
  fill: number[];
  indicator: boolean;
  scalers: Scaler[];
}

/** Any feature transform. */
export type FeatureTransform = NumericTransform | CategoricalTransform | DatetimeTransform;

/** The target: class labels (label encoding, sorted) or numbers (optionally scaled). */
export type TargetTransform =
  | { kind: 'classes'; column: string; classes: string[] }
  | { kind: 'numeric'; column: string; scaler: Scaler };

/** Serialized Preprocessor. */
export interface PreprocessorJSON {
  format: 'dlflow.preprocessor';
  version: 1;
  features: FeatureTransform[];
  target: TargetTransform | null;
  /** Columns not used, with the reason. */
  droppedColumns: { column: string; reason: string }[];
}
