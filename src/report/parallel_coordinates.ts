/**
 * Parallel-coordinates chart: one vertical axis per variable (linear, log or categorical), one
 * polyline per row across them, coloured by a value on the sequential scale (a study's trials:
 * parameters and the objective). A row missing a variable (a conditional parameter) is drawn
 * only between the axes it has; one row can be highlighted (the best trial).
 */
import { sequentialColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { emptyChart, svgRoot, type ChartOptions } from './frame.js';
import { domainOf, formatTick, linear, niceTicks } from './ticks.js';

/** One axis: a value per row (null: the row lacks it). */
export interface ParallelAxis {
  name: string;
  kind: 'linear' | 'log' | 'categorical';
  values: readonly (number | string | boolean | null)[];
}

/** Options of {@link parallelCoordinates}. */
export interface ParallelCoordinatesOptions extends ChartOptions {
  /** The value that colours each row (default: the last axis when numeric). */
  color?: readonly (number | null)[];
  /** Darker colour for lower values (default: darker for higher). */
  darkerForLower?: boolean;
  /** Row drawn on top, thick and in the accent colour. */
  highlight?: number | null;
}

interface Scale { position: (v: number | string | boolean) => number | null; ticks: { at: number; label: string }[] }

function scaleOf(axis: ParallelAxis, top: number, bottom: number): Scale {
  if (axis.kind === 'categorical') {
    const cats = [...new Set(axis.values.filter((v) => v !== null).map(String))];
    const step = cats.length > 1 ? (bottom - top) / (cats.length - 1) : 0;
    const at = (i: number): number => (cats.length > 1 ? bottom - i * step : (top + bottom) / 2);
    return { position: (v) => at(cats.indexOf(String(v))), ticks: cats.map((c, i) => ({ at: at(i), label: c })) };
  }
  const log = axis.kind === 'log';
  const raw = axis.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0));
  const t = (v: number): number => (log ? Math.log10(v) : v);
  const d = domainOf(raw.map(t)) ?? [0, 1];
  const ticks = log ? niceTicks(d[0], d[1], 4).filter((k) => k >= d[0] - 1e-9 && k <= d[1] + 1e-9) : niceTicks(d[0], d[1], 4);
  const lo = log ? d[0] : ticks[0];
  const hi = log ? d[1] : ticks[ticks.length - 1];
  const s = linear(lo, hi, bottom, top);
  return {
    position: (v) => (typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? s(t(v)) : null),
    ticks: ticks.map((k) => ({ at: s(k), label: log ? formatTick(10 ** k) : formatTick(k) })),
  };
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/**
 * Renders the rows as polylines across the axes.
 *
 * @example
 * parallelCoordinates([
 *   { name: 'lr', kind: 'log', values: [1e-3, 3e-2] },
 *   { name: 'optimizer', kind: 'categorical', values: ['adam', 'sgd'] },
 *   { name: 'val_accuracy', kind: 'linear', values: [0.93, 0.88] },
 * ], { title: 'Trials', highlight: 0 });
 */
export function parallelCoordinates(axes: readonly ParallelAxis[], opts: ParallelCoordinatesOptions = {}): string {
  const rows = Math.max(0, ...axes.map((a) => a.values.length));
  if (axes.length < 2 || rows === 0) return emptyChart('parallel', opts, axes.length < 2 ? 'Needs at least two variables' : 'No data');
  const width = opts.width ?? Math.max(640, 110 * axes.length);
  const height = opts.height ?? 380;
  const o = { ...opts, width, height };
  const top = opts.title ? 48 : 24;
  const bottom = height - 44;
  const left = 60;
  const right = width - 60;
  const xs = axes.map((_, j) => left + (axes.length === 1 ? 0 : (j * (right - left)) / (axes.length - 1)));
  const scales = axes.map((a) => scaleOf(a, top, bottom));
  const last = axes[axes.length - 1];
  const colorValues = opts.color ?? last.values.map((v) => (typeof v === 'number' ? v : null));
  const cd = domainOf(colorValues.filter((v): v is number => v !== null));
  const shade = (v: number | null): string => {
    if (v === null || cd === null) return '#bbbbbb';
    const t = (v - cd[0]) / (cd[1] - cd[0] || 1);
    return sequentialColor(0.15 + 0.85 * (opts.darkerForLower ? 1 - t : t));
  };
  const line = (i: number): string => {
    let d = '';
    let pen = false;
    axes.forEach((a, j) => {
      const v = a.values[i];
      const y = v === null || v === undefined ? null : scales[j].position(v);
      if (y === null) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${coord(xs[j])} ${coord(y)}`;
      pen = true;
    });
    return d;
  };
  const order = Array.from({ length: rows }, (_, i) => i).filter((i) => i !== opts.highlight);
  const paths = order.map((i) => {
    const d = line(i);
    return d ? `<path d="${d}" fill="none" stroke="${shade(colorValues[i] ?? null)}" stroke-width="1.4" stroke-opacity="0.85"/>` : '';
  });
  if (opts.highlight !== undefined && opts.highlight !== null && opts.highlight < rows) {
    const d = line(opts.highlight);
    if (d) paths.push(`<path class="dl-highlight" d="${d}" fill="none" stroke="#D55E00" stroke-width="3"><title>${escapeXml(`row ${opts.highlight} (highlighted)`)}</title></path>`);
  }
  const axisMarks = axes.map((a, j) => {
    const x = coord(xs[j]);
    const ticks = scales[j].ticks.map((t) => `<line x1="${coord(xs[j] - 3)}" x2="${x}" y1="${coord(t.at)}" y2="${coord(t.at)}" stroke="#888"/>`
      + `<text x="${coord(xs[j] - 5)}" y="${coord(t.at)}" dy="0.32em" text-anchor="end" font-size="10">${escapeXml(truncate(t.label, 10))}</text>`).join('');
    return `<g class="dl-axis"><line x1="${x}" x2="${x}" y1="${coord(top)}" y2="${coord(bottom)}" stroke="#666"/>${ticks}`
      + `<text x="${x}" y="${coord(bottom + 20)}" text-anchor="middle" fill="#222">${escapeXml(truncate(a.name, 16))}</text>`
      + `<text x="${x}" y="${coord(bottom + 34)}" text-anchor="middle" fill="#888" font-size="10">${a.kind === 'log' ? 'log scale' : ''}</text></g>`;
  });
  const summary = `Parallel coordinates of ${rows} rows over ${axes.map((a) => a.name).join(', ')}.`;
  return svgRoot('parallel', o, summary, `<g class="dl-lines">${paths.join('')}</g>${axisMarks.join('')}`);
}
