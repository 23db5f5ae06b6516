/** Settings of {@link Preprocessor.fit}. */
import type { CategoricalImpute, DatePart, NumericImpute, Scaling } from './spec.js';

/** Per-column overrides. */
export interface ColumnOptions {
  /** Treat the column as this kind, or leave it out. */
  as?: 'numeric' | 'boolean' | 'categorical' | 'datetime' | 'drop';
  impute?: NumericImpute | CategoricalImpute;
  /** Constant fill (number for numeric/datetime parts, string for categorical). */
  fill?: number | string;
  scaling?: Scaling;
  encoding?: 'onehot' | 'ordinal';
  indicator?: boolean;
}

/** Fit settings (defaults in brackets). */
export interface PreprocessorOptions {
  /** Target column; encoded separately (labels or numbers). */
  target?: string;
  /** Feature columns [every column but the target, less identifier/text/empty/constant ones]. */
  features?: string[];
  /** Target as class labels or numbers [classes for text/boolean targets and integer targets with ≤ 20 values, at most one per 10 rows; numbers otherwise]. */
  targetType?: 'classes' | 'numeric';
  /** Scaling of a numeric target ['none']. */
  targetScaling?: Scaling;
  /** Numeric missing values ['mean']. */
  numericImpute?: NumericImpute;
  /** Numeric scaling ['standard']. */
  scaling?: Scaling;
  /** Categorical missing values ['unknown': the unknown bucket]. */
  categoricalImpute?: CategoricalImpute;
  /** Categorical encoding ['onehot']. */
  encoding?: 'onehot' | 'ordinal';
  /** Most categories kept per column (most frequent first); the rest go to the unknown bucket [50]. */
  maxCategories?: number;
  /** Add a 0/1 missing indicator for columns with missing values when fitting [true]. */
  indicator?: boolean;
  /** Datetime parts ['auto': year, month, day, day of week, and hour when any value has a time]. */
  dateParts?: DatePart[] | 'auto';
  /** Per-column overrides. */
  columns?: Record<string, ColumnOptions>;
}
