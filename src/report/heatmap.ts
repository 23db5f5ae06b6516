/**
 * Heatmap with a colour scale and cell labels (confusion matrices,
 * correlation tables).
 */
import { darkOnScale, sequentialColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { svgRoot, emptyChart, type ChartOptions } from './frame.js';
import { formatTick } from './ticks.js';

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartOptions {
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** Colour-scale range (default: min and max of the finite cells). */
  min?: number;
  max?: number;
  /** Cell text (default: integers as is, fractions to 2 decimals; '–' for NaN). */
  format?: (v: number) => string;
  /** Print values in cells (default: when cells are at least 22 px). */
  cellLabels?: boolean;
}

function defaultFormat(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/**
 * Renders `matrix[row][col]` as coloured cells, with a colour bar legend.
 *
 * @example
 * heatmap([[50, 2], [5, 43]], { title: 'Confusion matrix', rowLabels: ['cat', 'dog'], colLabels: ['cat', 'dog'],
 *   xLabel: 'Predicted', yLabel: 'True' });
 */
export function heatmap(matrix: readonly ArrayLike<number>[], opts: HeatmapOptions = {}): string {
  const rows = matrix.length;
  const cols = rows ? Math.max(...matrix.map((r) => r.length)) : 0;
  if (rows === 0 || cols === 0) return emptyChart('heatmap', opts);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of matrix) for (let j = 0; j < r.length; j++) if (Number.isFinite(r[j])) { lo = Math.min(lo, r[j]); hi = Math.max(hi, r[j]); }
  lo = opts.min ?? (Number.isFinite(lo) ? lo : 0);
  hi = opts.max ?? (Number.isFinite(hi) ? hi : 1);
  const span = hi - lo || 1;
  const rowLabels = opts.rowLabels ?? Array.from({ length: rows }, (_, i) => String(i));
  const colLabels = opts.colLabels ?? Array.from({ length: cols }, (_, i) => String(i));
  const longest = Math.max(...rowLabels.map((l) => l.length), 1);
  const labelW = Math.min(140, 12 + longest * 7);
  const left = labelW + (opts.yLabel ? 24 : 0);
  const top = (opts.title ? 40 : 12) + 4;
  const cell = Math.max(8, Math.min(60, Math.floor(((opts.width ?? 640) - left - 110) / cols), Math.floor(((opts.height ?? 0) || 560) / rows)));
  const gridW = cell * cols;
  const gridH = cell * rows;
  const width = opts.width ?? left + gridW + 110;
  const height = opts.height ?? top + gridH + (opts.xLabel ? 56 : 36);
  const fmt = opts.format ?? defaultFormat;
  const showText = opts.cellLabels ?? cell >= 22;
  const parts: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = j < matrix[i].length ? matrix[i][j] : NaN;
      const t = (v - lo) / span;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${coord(x)}" y="${coord(y)}" width="${cell}" height="${cell}" fill="${sequentialColor(t)}" stroke="#fff">`
        + `<title>${escapeXml(`${rowLabels[i] ?? i} → ${colLabels[j] ?? j}: ${fmt(v)}`)}</title></rect>`);
      if (showText) {
        parts.push(`<text x="${coord(x + cell / 2)}" y="${coord(y + cell / 2)}" dy="0.32em" text-anchor="middle" font-size="${Math.min(13, Math.floor(cell / 3))}" fill="${darkOnScale(t) ? '#fff' : '#222'}">${escapeXml(fmt(v))}</text>`);
      }
    }
  }
  rowLabels.slice(0, rows).forEach((l, i) => parts.push(`<text x="${coord(left - 6)}" y="${coord(top + i * cell + cell / 2)}" dy="0.32em" text-anchor="end" fill="#444">${escapeXml(l.slice(0, 20))}</text>`));
  colLabels.slice(0, cols).forEach((l, j) => parts.push(`<text x="${coord(left + j * cell + cell / 2)}" y="${coord(top + gridH + 14)}" text-anchor="middle" fill="#444" font-size="${cell < 30 ? 9 : 12}">${escapeXml(l.slice(0, Math.max(2, Math.floor(cell / 6))))}</text>`));
  if (opts.xLabel) parts.push(`<text x="${coord(left + gridW / 2)}" y="${coord(top + gridH + 36)}" text-anchor="middle" fill="#222">${escapeXml(opts.xLabel)}</text>`);
  if (opts.yLabel) parts.push(`<text transform="translate(14 ${coord(top + gridH / 2)}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(opts.yLabel)}</text>`);
  parts.push(colorBar(left + gridW + 24, top, Math.max(60, gridH), lo, hi));
  const summary = `Heatmap of ${rows} × ${cols} cells, values from ${formatTick(lo)} to ${formatTick(hi)}.`;
  return svgRoot('heatmap', { ...opts, width, height }, summary, parts.join(''));
}

/** Vertical colour bar with min / middle / max labels. */
function colorBar(x: number, y: number, h: number, lo: number, hi: number): string {
  const steps = 24;
  const out: string[] = ['<g class="dl-colorbar">'];
  for (let s = 0; s < steps; s++) {
    const t = 1 - s / (steps - 1);
    out.push(`<rect x="${coord(x)}" y="${coord(y + (s * h) / steps)}" width="14" height="${coord(h / steps + 0.5)}" fill="${sequentialColor(t)}"/>`);
  }
  out.push(`<rect x="${coord(x)}" y="${coord(y)}" width="14" height="${coord(h)}" fill="none" stroke="#aaa"/>`);
  for (const [t, v] of [[0, hi], [0.5, (lo + hi) / 2], [1, lo]] as const) {
    out.push(`<text x="${coord(x + 20)}" y="${coord(y + t * h)}" dy="0.32em" fill="#444" font-size="11">${escapeXml(formatTick(v))}</text>`);
  }
  out.push('</g>');
  return out.join('');
}
