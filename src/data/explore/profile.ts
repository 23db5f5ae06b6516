/**
 * Profile of a table: per-column statistics, duplicates, memory, warnings,
 * and with a target, the task, associations and a model recommendation.
 * The result is plain JSON-serialisable data (it is what `profile.json` holds).
 */
import { formatDateTime, hasTimeOfDay } from '../table/datetime.js';
import type { ColumnKind, TypeEvidence } from '../table/infer.js';
import { storageBytes } from '../table/storage.js';
import type { Table } from '../table/table.js';
import { countDuplicateRows } from './duplicates.js';
import { recommend, type Recommendation } from './recommend.js';
import { histogram, numericStats, topStrings, type Histogram, type NumericStats, type TopValue } from './stats.js';
import { profileTarget, type TargetProfile } from './target.js';

/** One column's profile. */
export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  storage: 'float64' | 'datetime' | 'dict';
  /** Non-missing cells. */
  count: number;
  missing: number;
  missingFraction: number;
  unique: number;
  evidence: TypeEvidence;
  /** Numeric columns (numeric, integer, numeric identifiers). */
  numeric?: NumericStats;
  /** Datetime columns: range as ISO text, and whether any value has a time of day. */
  datetime?: { min: string; max: string; hasTime: boolean };
  /** Dictionary columns: mean length of the present values. */
  meanLength?: number;
  top: TopValue[];
  histogram?: Histogram;
  memoryBytes: number;
}

/** Something a user should look at. */
export interface ProfileWarning {
  code: 'empty' | 'constant' | 'high_cardinality' | 'identifier' | 'leakage' | 'imbalance' | 'missing' | 'mixed_types' | 'duplicates' | 'target_missing';
  column?: string;
  message: string;
}

/** Whole-table profile. */
export interface Profile {
  rows: number;
  columns: ColumnProfile[];
  duplicateRows: number;
  memoryBytes: number;
  target?: TargetProfile;
  recommendation?: Recommendation;
  warnings: ProfileWarning[];
}

/** Settings for {@link profileTable}. */
export interface ProfileOptions {
  /** Target column; enables task detection, associations and a recommendation. */
  target?: string;
  /** Histogram bins (default 20). */
  bins?: number;
  /** Most frequent values listed per column (default 10). */
  topK?: number;
  /** Missing fraction from which a column is warned about (default 0.3). */
  missingWarn?: number;
  /** Distinct categories from which a categorical column is warned about (default 50). */
  highCardinality?: number;
  /** Symmetric association (|r|, or MI over the larger entropy) from which a feature is flagged as leakage (default 0.98). */
  leakage?: number;
  /** Majority/minority ratio from which class imbalance is warned about (default 10). */
  imbalance?: number;
}

/** Profile one column. */
export function profileColumn(table: Table, name: string, bins = 20, topK = 10): ColumnProfile {
  const c = table.column(name);
  const s = c.storage;
  const rows = table.rowCount;
  const base = { name, kind: c.kind, storage: s.type, evidence: c.evidence, memoryBytes: storageBytes(s) };
  if (s.type === 'dict') {
    const { top, counts, unique } = topStrings(s, topK);
    let count = 0, len = 0;
    for (let k = 0; k < counts.length; k++) { count += counts[k]; len += counts[k] * s.dictionary[k].length; }
    return { ...base, count, missing: rows - count, missingFraction: rows === 0 ? 0 : (rows - count) / rows, unique, top, meanLength: count === 0 ? NaN : len / count };
  }
  const st = numericStats(s.values, topK);
  const { sorted, count, unique, top, ...numeric } = st;
  const p: ColumnProfile = {
    ...base, count, missing: rows - count, missingFraction: rows === 0 ? 0 : (rows - count) / rows, unique,
    top, histogram: histogram(sorted, bins),
  };
  if (s.type === 'datetime') {
    p.datetime = { min: count ? formatDateTime(numeric.min) : '', max: count ? formatDateTime(numeric.max) : '', hasTime: hasTimeOfDay(s.values) };
    p.top = p.top.map((t) => ({ value: formatDateTime(t.value as number), count: t.count }));
  } else p.numeric = numeric;
  return p;
}

/** Profile every column of `table`, and the target when one is named. */
export function profileTable(table: Table, opts: ProfileOptions = {}): Profile {
  const bins = opts.bins ?? 20;
  const columns = table.columns.map((c) => profileColumn(table, c.name, bins, opts.topK ?? 10));
  const duplicateRows = countDuplicateRows(table);
  const warnings: ProfileWarning[] = [];
  const missingWarn = opts.missingWarn ?? 0.3;
  const highCard = opts.highCardinality ?? 50;
  for (const c of columns) {
    if (c.name === opts.target) continue;
    if (c.kind === 'empty') { warnings.push({ code: 'empty', column: c.name, message: `${c.name}: every cell is missing` }); continue; }
    if (c.unique === 1) warnings.push({ code: 'constant', column: c.name, message: `${c.name}: constant (only ${JSON.stringify(c.top[0]?.value)})` });
    if (c.missingFraction >= missingWarn) warnings.push({ code: 'missing', column: c.name, message: `${c.name}: ${c.missing} of ${table.rowCount} cells missing (${pct(c.missingFraction)})` });
    if (c.kind === 'identifier') warnings.push({ code: 'identifier', column: c.name, message: `${c.name}: identifier-like (${c.evidence.reason}); not a feature` });
    if (c.kind === 'categorical' && c.unique > highCard) warnings.push({ code: 'high_cardinality', column: c.name, message: `${c.name}: ${c.unique} categories (high cardinality)` });
    if (c.evidence.mixed) warnings.push({ code: 'mixed_types', column: c.name, message: `${c.name}: mixed types (${mixText(c.evidence)})` });
  }
  if (duplicateRows > 0) warnings.push({ code: 'duplicates', message: `${duplicateRows} duplicate rows` });
  const profile: Profile = { rows: table.rowCount, columns, duplicateRows, memoryBytes: table.memoryBytes(), warnings };
  if (opts.target !== undefined) {
    const target = profileTarget(table, opts.target);
    profile.target = target;
    if (target.missing > 0) warnings.push({ code: 'target_missing', column: target.column, message: `target ${target.column}: ${target.missing} rows missing (unusable for training)` });
    if (target.classes !== undefined && target.classes.length >= 2 && (target.imbalanceRatio ?? 1) >= (opts.imbalance ?? 10)) {
      const cl = target.classes;
      warnings.push({ code: 'imbalance', column: target.column, message: `target ${target.column}: heavy class imbalance (${cl[0].label}: ${cl[0].count}, ${cl[cl.length - 1].label}: ${cl[cl.length - 1].count}; ratio ${target.imbalanceRatio!.toFixed(1)})` });
    }
    const leaks = new Set<string>();
    for (const a of target.associations) {
      if (a.symmetric >= (opts.leakage ?? 0.98)) {
        leaks.add(a.feature);
        warnings.push({ code: 'leakage', column: a.feature, message: `${a.feature}: ${a.method === 'pearson' ? `correlation ${a.value.toFixed(3)}` : `mutual information ${a.value.toFixed(3)} nats, ${(100 * a.symmetric).toFixed(1)}% of the larger entropy`} with the target ${target.column}; likely leakage` });
      }
    }
    profile.recommendation = recommend(columns, target, table.rowCount, leaks);
  }
  return profile;
}

function pct(f: number): string {
  return `${(100 * f).toFixed(1)}%`;
}

function mixText(ev: TypeEvidence): string {
  const parts: string[] = [];
  for (const k of ['number', 'boolean', 'datetime', 'text'] as const) {
    if (ev[k] > 0) parts.push(`${ev[k]} ${k}${ev.examples[k] ? ` e.g. ${ev.examples[k]!.map((x) => JSON.stringify(x)).join(', ')}` : ''}`);
  }
  return parts.join('; ');
}
