/**
 * Settings of {@link Preprocessor.fit}, declared once (src/base/options.ts): the types below and
 * the check `fit` runs come from the same fields. Defaults (in brackets) are applied where the
 * columns are fitted (fit.ts), since some depend on the column (booleans are not scaled).
 */
import { defineOptions, isPlainObject, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import type { CategoricalImpute, DatePart, NumericImpute, Scaling } from './spec.js';

// Typed as spec.ts's unions, so that a value the lists hold is one the fitted state can record.
const SCALINGS: readonly Scaling[] = ['standard', 'minmax', 'robust', 'none'];
const NUMERIC_IMPUTES: readonly NumericImpute[] = ['mean', 'median', 'constant', 'drop'];
const CATEGORICAL_IMPUTES: readonly CategoricalImpute[] = ['mode', 'constant', 'unknown', 'drop'];
const ENCODINGS = ['onehot', 'ordinal'] as const;
const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'dayofweek', 'hour'];

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export const COLUMN_OPTIONS = defineOptions('Preprocessor.fit: columns', {
  /** Treat the column as this kind, or leave it out. */
  as: option.choice(['numeric', 'boolean', 'categorical', 'datetime', 'drop']),
  /** Missing values: a numeric imputation for numbers and datetimes, a categorical one for categories. */
  impute: option.choice<readonly (NumericImpute | CategoricalImpute)[]>([...new Set([...NUMERIC_IMPUTES, ...CATEGORICAL_IMPUTES])]),
  /** Constant fill (number for numeric/datetime parts, string for categorical). */
  fill: option.custom<number | string>('a number or a string', (v): v is number | string => typeof v === 'number' || typeof v === 'string'),
  /** Scaling of the column's values (or datetime parts). */
  scaling: option.choice(SCALINGS),
  /** Encoding of a categorical column. */
  encoding: option.choice(ENCODINGS),
  /** A 0/1 missing indicator, when the column had missing values when fitting. */
  indicator: option.boolean(),
});

/** Per-column overrides. */
export type ColumnOptions = OptionsInput<typeof COLUMN_OPTIONS>;

export const PREPROCESSOR_OPTIONS = defineOptions('Preprocessor.fit', {
  /** Target column; encoded separately (labels or numbers). */
  target: option.string(),
  /** Feature columns [every column but the target, less identifier/text/empty/constant ones]. */
  features: option.custom<string[]>('a list of column names', isStringList),
  /** Target as class labels or numbers [classes for text/boolean targets and integer targets with ≤ 20 values, at most one per 10 rows; numbers otherwise]. */
  targetType: option.choice(['classes', 'numeric']),
  /** Scaling of a numeric target ['none']. */
  targetScaling: option.choice(SCALINGS),
  /** Numeric missing values ['mean']. */
  numericImpute: option.choice(NUMERIC_IMPUTES),
  /** Numeric scaling ['standard']. */
  scaling: option.choice(SCALINGS),
  /** Categorical missing values ['unknown': the unknown bucket]. */
  categoricalImpute: option.choice(CATEGORICAL_IMPUTES),
  /** Categorical encoding ['onehot']. */
  encoding: option.choice(ENCODINGS),
  /** Most categories kept per column (most frequent first); the rest go to the unknown bucket [50]. */
  maxCategories: option.number({ min: 1, integer: true }),
  /** Add a 0/1 missing indicator for columns with missing values when fitting [true]. */
  indicator: option.boolean(),
  /** Datetime parts ['auto': year, month, day, day of week, and hour when any value has a time]. */
  dateParts: option.custom<DatePart[] | 'auto'>(`'auto' or a list of ${DATE_PARTS.map((p) => `'${p}'`).join(', ')}`,
    (v): v is DatePart[] | 'auto' => v === 'auto' || (Array.isArray(v) && v.every((p) => (DATE_PARTS as readonly unknown[]).includes(p)))),
  /** Per-column overrides, by column name (each checked as {@link ColumnOptions}). */
  columns: option.custom<Record<string, ColumnOptions>>('an object of column name → column options', (v): v is Record<string, ColumnOptions> => isPlainObject(v) && Object.values(v).every(isPlainObject)),
});

/** Fit settings (defaults in brackets). */
export type PreprocessorOptions = OptionsInput<typeof PREPROCESSOR_OPTIONS>;

/** Checks fit settings, each column's overrides included. */
export function parsePreprocessorOptions(options: unknown): ResolvedOptions<typeof PREPROCESSOR_OPTIONS> {
  const o = PREPROCESSOR_OPTIONS.parse(options);
  for (const [name, co] of Object.entries(o.columns ?? {})) COLUMN_OPTIONS.parse(co, `Preprocessor.fit: columns[${JSON.stringify(name)}]`);
  return o;
}
