/**
 * HTML fragments for report sections: tables (all text escaped), key/value
 * tables and figures.
 */
import { escapeXml } from './escape.js';

/** A column header, optionally right-aligned (numbers). */
export interface TableColumn {
  label: string;
  align?: 'left' | 'right';
}

/** A cell value: numbers are formatted, null/NaN show as '–'. */
export type Cell = string | number | boolean | null | undefined;

/** Options of {@link htmlTable}. */
export interface TableOptions {
  caption?: string;
  /** Decimals for non-integer numbers (default 4). */
  digits?: number;
}

/** Formats one cell's text. */
export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '–';
    if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4 ? v.toExponential(3) : v.toFixed(digits);
  }
  return String(v);
}

/**
 * An escaped `<table>`; numeric columns are right-aligned automatically.
 *
 * @example
 * htmlTable(['class', 'precision', 'support'], [['cat', 0.91, 120], ['dog <b>', 0.85, 80]], { caption: 'Per class' });
 */
export function htmlTable(columns: readonly (string | TableColumn)[], rows: readonly (readonly Cell[])[], opts: TableOptions = {}): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { label: c } : c));
  const align = cols.map((c, j) => c.align ?? (rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || r[j] === null || r[j] === undefined) ? 'right' : 'left'));
  const head = cols.map((c, j) => `<th scope="col"${align[j] === 'right' ? ' class="num"' : ''}>${escapeXml(c.label)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((_, j) => `<td${align[j] === 'right' ? ' class="num"' : ''}>${escapeXml(formatCell(r[j], opts.digits))}</td>`).join('')}</tr>`).join('\n');
  const caption = opts.caption ? `<caption>${escapeXml(opts.caption)}</caption>` : '';
  return `<div class="dl-table-wrap"><table class="dl-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/**
 * A two-column table of settings (hyperparameters, data summary).
 *
 * @example
 * keyValueTable({ epochs: 15, lr: 0.001, optimizer: 'adam' }, 'Hyperparameters');
 */
export function keyValueTable(entries: Record<string, Cell | readonly Cell[]>, caption?: string): string {
  const show = (x: Cell): string => (typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(6))) : formatCell(x));
  const rows = Object.entries(entries).map(([k, v]) => [k, Array.isArray(v) ? v.map(show).join(', ') : show(v as Cell)]);
  return htmlTable([{ label: 'setting' }, { label: 'value' }], rows, caption ? { caption } : {});
}

/**
 * Wraps an SVG chart (trusted markup produced by the chart functions) in a
 * `<figure>` with an escaped caption.
 *
 * @example
 * figure(lineChart([{ name: 'train', y: [1, 0.5] }]), 'Training loss');
 */
export function figure(svg: string, caption?: string): string {
  return `<figure class="dl-figure">${svg}${caption ? `<figcaption>${escapeXml(caption)}</figcaption>` : ''}</figure>`;
}
