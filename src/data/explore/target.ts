/**
 * Target analysis: which learning task the target column implies, its class
 * balance, and each feature's association with it.
 */
import type { Column, Table } from '../table/table.js';
import { codeCounts } from '../table/storage.js';
import { nonMissingSorted, countRuns } from '../table/infer.js';
import { binCodes, binnedMutualInformation, cutsFor, mutualInformation, pearson } from './association.js';

/** Learning task implied by a target column. */
export type TaskType = 'binary' | 'multiclass' | 'regression';

/** One class of a classification target. */
export interface ClassCount {
  label: string;
  count: number;
  share: number;
}

/** How strongly one feature goes with the target. */
export interface Association {
  feature: string;
  method: 'pearson' | 'mutual_information';
  /** Pearson r, or mutual information in nats. */
  value: number;
  /** |r|, or mutual information over the target's entropy: the share of the target's uncertainty the feature removes (0..1). */
  strength: number;
  /**
   * Mutual information over the larger of the two entropies (0..1): near 1 only
   * when feature and target determine each other (a relabelled copy of the target).
   * Equals |r| for Pearson.
   */
  symmetric: number;
  /** Rows used (both sides present). */
  rows: number;
}

/** Features not scored, and why. */
export interface SkippedAssociation {
  feature: string;
  reason: string;
}

/** Target summary. */
export interface TargetProfile {
  column: string;
  task: TaskType;
  /** Why this task was chosen. */
  reason: string;
  /** Rows whose target is missing (unusable for training). */
  missing: number;
  /** Classes by decreasing count (classification only). */
  classes?: ClassCount[];
  /** Majority count over minority count (classification only). */
  imbalanceRatio?: number;
  associations: Association[];
  skipped: SkippedAssociation[];
}

/** Classify the task a target column implies. */
export function detectTask(col: Column): { task: TaskType; reason: string; classes: number } {
  const s = col.storage;
  if (s.type === 'datetime') throw new Error(`target ${JSON.stringify(col.name)} holds dates; choose a numeric or categorical column`);
  if (s.type === 'dict') {
    const counts = codeCounts(s);
    let k = 0;
    for (const c of counts) if (c > 0) k++;
    if (col.evidence.number > 0 && col.evidence.number < col.evidence.rows - col.evidence.missing) {
      throw new Error(`target ${JSON.stringify(col.name)} mixes numbers and text (${col.evidence.number} numeric, ${col.evidence.text + col.evidence.boolean} other cells, e.g. ${JSON.stringify((col.evidence.examples.text ?? col.evidence.examples.boolean ?? [])[0] ?? '')})`);
    }
    return { task: k <= 2 ? 'binary' : 'multiclass', reason: `${k} distinct labels`, classes: k };
  }
  const sorted = nonMissingSorted(s.values);
  const unique = countRuns(sorted);
  const integral = col.evidence.integer === sorted.length;
  if (unique <= 2) return { task: 'binary', reason: `${unique} distinct values`, classes: unique };
  if (integral && unique <= 20 && unique <= sorted.length / 10) return { task: 'multiclass', reason: `${unique} distinct whole numbers`, classes: unique };
  return { task: 'regression', reason: integral ? `${unique} distinct whole numbers (too many for classes)` : 'continuous numbers', classes: 0 };
}

/** Target codes: class index per row (-1 missing) for classification. */
function classCodes(col: Column): { codes: Int32Array; labels: string[] } {
  const s = col.storage;
  if (s.type === 'dict') return { codes: s.codes, labels: [...s.dictionary] };
  const v = s.values;
  const sorted = nonMissingSorted(v);
  const levels: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) levels.push(sorted[i]);
  const index = new Map(levels.map((x, i) => [x, i]));
  const codes = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) codes[i] = v[i] !== v[i] ? -1 : index.get(v[i])!;
  return { codes, labels: levels.map(String) };
}

const SKIP_KINDS = new Set(['identifier', 'text', 'empty']);

/** Profile the target column `name` of `table` and score every other column against it. */
export function profileTarget(table: Table, name: string, bins = 10): TargetProfile {
  const col = table.column(name);
  const { task, reason } = detectTask(col);
  const missing = col.evidence.missing;
  const out: TargetProfile = { column: name, task, reason, missing, associations: [], skipped: [] };
  let tCodes: Int32Array, tK: number;
  let tNum: Float64Array | null = null;
  if (task === 'regression') {
    tNum = (col.storage as { values: Float64Array }).values;
    const b = binCodes(tNum, cutsFor(tNum, bins, () => nonMissingSorted(tNum!)));
    tCodes = b.codes; tK = b.k;
  } else {
    const { codes, labels } = classCodes(col);
    tCodes = codes; tK = labels.length;
    const counts = new Int32Array(tK);
    for (const c of codes) if (c >= 0) counts[c]++;
    const present = codes.length - missing;
    out.classes = labels.map((label, i) => ({ label, count: counts[i], share: present === 0 ? 0 : counts[i] / present }))
      .filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
    const cl = out.classes;
    out.imbalanceRatio = cl.length === 0 ? NaN : cl[0].count / cl[cl.length - 1].count;
    if (task === 'binary' && col.storage.type === 'float64') tNum = col.storage.values;
    if (task === 'binary' && col.storage.type === 'dict') {
      tNum = new Float64Array(codes.length);
      const positive = cl.length === 2 ? labels.indexOf(cl[1].label) : -1;
      for (let i = 0; i < codes.length; i++) tNum[i] = codes[i] < 0 ? NaN : codes[i] === positive ? 1 : 0;
    }
  }
  for (const f of table.columns) {
    if (f.name === name) continue;
    if (SKIP_KINDS.has(f.kind)) { out.skipped.push({ feature: f.name, reason: `${f.kind} column` }); continue; }
    const s = f.storage;
    if (s.type !== 'dict' && tNum !== null) {
      const { r, n } = pearson(s.values, tNum);
      if (r === r) out.associations.push({ feature: f.name, method: 'pearson', value: r, strength: Math.abs(r), symmetric: Math.abs(r), rows: n });
      else out.skipped.push({ feature: f.name, reason: 'constant over the rows where both are present' });
      continue;
    }
    let m: { mi: number; ha: number; hb: number; n: number };
    if (s.type === 'dict') {
      const fK = s.dictionary.length;
      if (fK * tK > 1e7) { out.skipped.push({ feature: f.name, reason: `too many levels (${fK} × ${tK})` }); continue; }
      m = mutualInformation(s.codes, fK, tCodes, tK);
    } else {
      const v = s.values;
      m = binnedMutualInformation(v, cutsFor(v, bins, () => nonMissingSorted(v)), tCodes, tK);
    }
    const both = Math.max(m.ha, m.hb);
    out.associations.push({ feature: f.name, method: 'mutual_information', value: m.mi, strength: m.hb > 0 ? m.mi / m.hb : 0, symmetric: both > 0 ? m.mi / both : 0, rows: m.n });
  }
  out.associations.sort((a, b) => b.strength - a.strength);
  return out;
}
