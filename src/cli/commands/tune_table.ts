/**
 * The live table `dlflow tune` prints on a terminal: a header, then one aligned row per finished
 * trial (number, state, the judged value, the hidden layer sizes and each searched setting), the
 * rows that set a new best marked. Off a terminal the command prints plain lines instead.
 */
import type { FrozenTrial } from '../../tune/frozen_trial.js';

interface Column { label: string; width: number; cell: (t: FrozenTrial) => string }

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  return v === undefined ? '' : String(v);
}

/** The hidden sizes of a trial ("64-32"), from its units_<i> parameters (or the layer count alone). */
function hiddenOf(t: FrozenTrial): string {
  const layers = t.params.layers;
  const units = Object.keys(t.params).filter((k) => /^units_\d+$/.test(k)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6))).map((k) => t.params[k]);
  if (units.length > 0) return units.join('-');
  return typeof layers === 'number' ? `${layers} layer${layers === 1 ? '' : 's'}` : '';
}

export class TrialTable {
  private readonly columns: Column[];

  /** `settings`: the searched setting names other than layers and units, in the order to show. */
  constructor(metric: string, settings: readonly string[], hidden: boolean) {
    this.columns = [
      { label: 'trial', width: 5, cell: (t) => String(t.number) },
      { label: 'state', width: 8, cell: (t) => t.state },
      { label: metric, width: Math.max(10, metric.length), cell: (t) => (t.value === null ? '' : t.value.toFixed(4)) },
      ...(hidden ? [{ label: 'hidden', width: 14, cell: hiddenOf }] : []),
      ...settings.map((name) => ({ label: name, width: Math.max(8, name.length), cell: (t: FrozenTrial) => formatValue(t.params[name]) })),
    ];
  }

  header(): string {
    const line = this.columns.map((c) => c.label.padEnd(c.width)).join('  ');
    return `${line}\n${'-'.repeat(line.length)}`;
  }

  /** One row; `best` marks a trial that is the study's best so far. */
  row(t: FrozenTrial, best: boolean): string {
    const cells = this.columns.map((c, i) => {
      const text = c.cell(t);
      const clipped = text.length > c.width ? `${text.slice(0, c.width - 1)}…` : text;
      return i === 2 ? clipped.padStart(c.width) : clipped.padEnd(c.width);
    });
    return `${cells.join('  ').trimEnd()}${best ? '  ◀ best' : ''}`;
  }
}
