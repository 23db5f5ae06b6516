/**
 * Fitting one transform per column from a training table. Scalers are fitted
 * on the imputed values (as a scikit-learn `SimpleImputer` → scaler pipeline).
 */
import { hasTimeOfDay } from '../table/datetime.js';
import { codeCounts } from '../table/storage.js';
import type { Column, Table } from '../table/table.js';
import { booleanCell, numberCell, textCell, timeCell, type Cell } from './cells.js';
import { datePart } from './date_parts.js';
import { fitScaler, mean, modeNumber, presentSorted } from './fit_stats.js';
import { quantile } from '../explore/stats.js';
import type { ColumnOptions, PreprocessorOptions } from './options.js';
import type { CategoricalImpute, CategoricalTransform, DatePart, DatetimeTransform, FeatureTransform, NumericImpute, NumericTransform, Scaling, TargetTransform } from './spec.js';

/** Read a column through `read`; unreadable cells are missing here (fit uses the training file's own typing). */
function readAll(col: Column, rows: number, read: (s: Column['storage'], i: number) => Cell<number>): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) { const c = read(col.storage, i); out[i] = c.ok && c.value !== null ? c.value : NaN; }
  return out;
}

/** The fill value for numbers. */
function numericFill(impute: NumericImpute, v: Float64Array, constant: number): number {
  if (impute === 'drop') return NaN;
  if (impute === 'constant') return constant;
  if (impute === 'median') return quantile(presentSorted(v), 0.5);
  return mean(v);
}

function imputed(v: Float64Array, fill: number): Float64Array {
  return fill !== fill ? v : v.map((x) => (x === x ? x : fill));
}

function hasMissing(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
  return false;
}

/** Fit a numeric (or boolean 0/1) column. */
export function fitNumeric(col: Column, rows: number, o: PreprocessorOptions, co: ColumnOptions, boolean: boolean): NumericTransform {
  const v = readAll(col, rows, boolean ? booleanCell : numberCell);
  const impute = (co.impute as NumericImpute | undefined) ?? (boolean ? 'median' : o.numericImpute ?? 'mean');
  const fill = boolean && impute === 'median' ? modeNumber(presentSorted(v)) : numericFill(impute, v, typeof co.fill === 'number' ? co.fill : 0);
  const scaling: Scaling = co.scaling ?? (boolean ? 'none' : o.scaling ?? 'standard');
  return {
    kind: 'numeric', column: col.name, boolean, impute: boolean && impute === 'median' ? 'median' : impute, fill,
    indicator: (co.indicator ?? o.indicator ?? true) && hasMissing(v), scaler: fitScaler(scaling, imputed(v, fill)),
  };
}

/** Fit a categorical column: categories sorted, at most `maxCategories` most frequent kept. */
export function fitCategorical(col: Column, rows: number, o: PreprocessorOptions, co: ColumnOptions): CategoricalTransform {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < rows; i++) {
    const c = textCell(col.storage, i);
    if (!c.ok || c.value === null) { missing++; continue; }
    counts.set(c.value, (counts.get(c.value) ?? 0) + 1);
  }
  if (col.storage.type === 'dict') { const cc = codeCounts(col.storage); col.storage.dictionary.forEach((d, k) => { if (cc[k] > 0 && !counts.has(d)) counts.set(d, cc[k]); }); }
  const impute = (co.impute as CategoricalImpute | undefined) ?? o.categoricalImpute ?? 'unknown';
  let fill: string | null = null;
  if (impute === 'mode') fill = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
  if (impute === 'constant') { fill = typeof co.fill === 'string' ? co.fill : 'missing'; if (missing > 0) counts.set(fill, (counts.get(fill) ?? 0) + missing); }
  const max = o.maxCategories ?? 50;
  let cats = [...counts.keys()];
  if (cats.length > max) cats = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map((e) => e[0]);
  cats.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { kind: 'categorical', column: col.name, encoding: co.encoding ?? o.encoding ?? 'onehot', categories: cats, impute, fill, indicator: (co.indicator ?? o.indicator ?? true) && missing > 0 };
}

/** Fit a datetime column's parts. */
export function fitDatetime(col: Column, rows: number, o: PreprocessorOptions, co: ColumnOptions): DatetimeTransform {
  const t = readAll(col, rows, timeCell);
  const parts: DatePart[] = o.dateParts === undefined || o.dateParts === 'auto'
    ? ['year', 'month', 'day', 'dayofweek', ...(hasTimeOfDay(t) ? ['hour' as const] : [])] : [...o.dateParts];
  const impute = (co.impute as NumericImpute | undefined) ?? o.numericImpute ?? 'mean';
  const scaling: Scaling = co.scaling ?? o.scaling ?? 'standard';
  const fill: number[] = [], scalers = [];
  for (const p of parts) {
    const v = t.map((ms) => datePart(ms, p));
    const f = numericFill(impute, v, typeof co.fill === 'number' ? co.fill : 0);
    fill.push(f);
    scalers.push(fitScaler(scaling, imputed(v, f)));
  }
  return { kind: 'datetime', column: col.name, parts, impute, fill, indicator: (co.indicator ?? o.indicator ?? true) && hasMissing(t), scalers };
}

/** Choose and fit a column's transform from its kind (or the override). */
export function fitFeature(table: Table, name: string, o: PreprocessorOptions): FeatureTransform {
  const col = table.column(name);
  const co = o.columns?.[name] ?? {};
  const as = co.as ?? (col.kind === 'numeric' || col.kind === 'integer' ? 'numeric' : col.kind === 'boolean' ? 'boolean' : col.kind === 'datetime' ? 'datetime' : 'categorical');
  if (as === 'numeric' || as === 'boolean') return fitNumeric(col, table.rowCount, o, co, as === 'boolean');
  if (as === 'datetime') return fitDatetime(col, table.rowCount, o, co);
  return fitCategorical(col, table.rowCount, o, co);
}

/** Fit the target's transform. */
export function fitTarget(table: Table, name: string, o: PreprocessorOptions): TargetTransform {
  const col = table.column(name);
  let type = o.targetType;
  if (type === undefined) {
    const s = col.storage;
    if (s.type === 'dict') type = 'classes';
    else {
      const sorted = presentSorted(s.values);
      let unique = 0; for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
      type = col.kind === 'integer' && unique <= 20 && unique <= sorted.length / 10 ? 'classes' : 'numeric'; // as explore's detectTask
    }
  }
  if (type === 'classes') {
    const set = new Set<string>();
    for (let i = 0; i < table.rowCount; i++) { const c = textCell(col.storage, i); if (c.ok && c.value !== null) set.add(c.value); }
    const numeric = [...set].every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
    const classes = [...set].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { kind: 'classes', column: name, classes };
  }
  return { kind: 'numeric', column: name, scaler: fitScaler(o.targetScaling ?? 'none', readAll(col, table.rowCount, numberCell)) };
}
