/**
 * File loggers: one row per epoch in CSV (`history.csv`) or one JSON object per line
 * (`metrics.jsonl`). Each epoch rewrites the whole file atomically from the fit's history, so
 * a resumed run's file holds exactly the epochs of its checkpoint.
 */
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import type { Callback } from '../callback.js';
import type { EpochLogs, FitContext } from '../types.js';

const round = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(8)) : v);

/** Rows of `history` as CSV text with the union of their keys as columns (epoch first). */
export function historyToCsv(history: readonly EpochLogs[]): string {
  const keys: string[] = [];
  for (const row of history) for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
  const lines = [keys.join(',')];
  for (const row of history) lines.push(keys.map((k) => (row[k] === undefined ? '' : String(round(row[k]!)))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Rows of `history` as JSON Lines. */
export function historyToJsonl(history: readonly EpochLogs[]): string {
  return history.map((row) => JSON.stringify(row)).join('\n') + (history.length > 0 ? '\n' : '');
}

/**
 * @example
 * new dl.train.CSVLogger('runs/demo/history.csv');
 */
export class CSVLogger implements Callback {
  constructor(readonly file: string) {}
  onEpochEnd(ctx: FitContext): void { writeFileAtomicSync(this.file, historyToCsv(ctx.state.history)); }
}

/**
 * @example
 * new dl.train.JSONLLogger('runs/demo/metrics.jsonl');
 */
export class JSONLLogger implements Callback {
  constructor(readonly file: string) {}
  onEpochEnd(ctx: FitContext): void { writeFileAtomicSync(this.file, historyToJsonl(ctx.state.history)); }
}
