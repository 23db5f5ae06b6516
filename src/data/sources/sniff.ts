/**
 * Guesses made from the first part of a delimited file: the delimiter, whether
 * the first record is a header, and which builder suits each column.
 */
import { parseIsoBytes } from '../table/datetime.js';
import type { NaMatcher } from './na.js';
import { parseNumberString } from './number.js';
import { RecordScanner, unescapeQuotes, FIELD_ESCAPED, type ScannerOptions } from './scanner.js';

/** Delimiters tried by {@link sniffDelimiter}, in order of preference on ties. */
export const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'] as const;

/** Parse up to `maxRecords` records of `buf` into strings (errors in the cut-off tail are ignored). */
export function sampleRecords(buf: Buffer, options: ScannerOptions, maxRecords: number, final: boolean): string[][] {
  const out: string[][] = [];
  const quote = options.quote;
  const scanner = new RecordScanner(options);
  const scratch = Buffer.allocUnsafe(buf.length);
  const stop = new Error('enough');
  try {
    scanner.scan(buf, 0, final, (b, n, starts, ends, flags) => {
      const rec = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        if (flags[k] & FIELD_ESCAPED) rec[k] = scratch.toString('utf8', 0, unescapeQuotes(b, starts[k], ends[k], quote, scratch));
        else rec[k] = (b as Buffer).toString('utf8', starts[k], ends[k]);
      }
      out.push(rec);
      if (out.length >= maxRecords) throw stop;
    });
  } catch (e) {
    if (e !== stop && out.length === 0) throw e;
  }
  return out;
}

/**
 * Pick the delimiter that splits the sampled records into the same number
 * (more than one) of fields most consistently. Falls back to `fallback`.
 */
export function sniffDelimiter(buf: Buffer, options: Omit<ScannerOptions, 'delimiter'>, final: boolean, fallback: string): string {
  let best = fallback;
  let bestScore = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    let recs: string[][];
    try { recs = sampleRecords(buf, { ...options, delimiter: d.charCodeAt(0) }, 50, final); } catch { continue; }
    if (recs.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of recs) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 1, modeCount = 0;
    for (const [n, c] of counts) if (c > modeCount || (c === modeCount && n > mode)) { mode = n; modeCount = c; }
    if (mode < 2) continue;
    const score = (modeCount / recs.length) * 1000 + Math.min(mode, 999) / 1000;
    if (score > bestScore) { bestScore = score; best = d; }
  }
  return best;
}

/** What the sampled values of a column look like. */
export type SampleGuess = 'number' | 'date' | 'text' | 'empty';

/** Classify the sampled values of one column (missing values are ignored). */
export function guessColumn(values: readonly string[], na: NaMatcher, decimal: string): SampleGuess {
  let num = 0, date = 0, other = 0;
  for (const v of values) {
    if (na.isNaString(v)) continue;
    if (parseNumberString(v, decimal) !== undefined) num++;
    else {
      const b = Buffer.from(v, 'utf8');
      if (parseIsoBytes(b, 0, b.length) !== undefined) date++; else other++;
    }
  }
  if (num + date + other === 0) return 'empty';
  if (other > 0 || (num > 0 && date > 0)) return 'text';
  return num > 0 ? 'number' : 'date';
}

/**
 * Whether the first sampled record is a header: every cell non-empty, not a
 * number and distinct, and either some column holds numbers or dates below
 * a text cell, or no first-row value occurs again in its column.
 */
export function detectHeader(records: readonly string[][], na: NaMatcher, decimal: string): boolean {
  if (records.length === 0) return false;
  const first = records[0];
  if (new Set(first).size !== first.length) return false;
  for (const v of first) if (v.trim() === '' || parseNumberString(v, decimal) !== undefined) return false;
  if (records.length === 1) return true;
  const rest = records.slice(1);
  for (let k = 0; k < first.length; k++) {
    const col = rest.map((r) => r[k] ?? '');
    const g = guessColumn(col, na, decimal);
    if (g === 'number' || g === 'date') return true;
  }
  for (let k = 0; k < first.length; k++) if (rest.some((r) => r[k] === first[k])) return false;
  return true;
}
