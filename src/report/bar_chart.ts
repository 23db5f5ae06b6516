/**
 * Bar chart: class balance, per-class F1, feature association strengths.
 */
import { seriesColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { axes, emptyChart, plotArea, svgRoot, type ChartOptions } from './frame.js';
import { domainOf, formatTick, linear, niceTicks } from './ticks.js';

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions {
  /** 'horizontal' suits many or long labels; default: horizontal when > 12 bars or labels > 10 chars. */
  orientation?: 'vertical' | 'horizontal';
  /** One colour, or one per bar. */
  color?: string | readonly string[];
  /** Print each value next to its bar (default true when ≤ 30 bars). */
  valueLabels?: boolean;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

/**
 * Renders one bar per label; negative values extend below/left of zero and
 * non-finite values are drawn as an empty slot marked "n/a".
 *
 * @example
 * barChart(['cat', 'dog', 'bird'], [120, 80, 15], { title: 'Class balance', yLabel: 'rows' });
 */
export function barChart(labels: readonly string[], values: ArrayLike<number>, opts: BarChartOptions = {}): string {
  const n = Math.min(labels.length, values.length);
  const vals = Array.from({ length: n }, (_, i) => values[i]);
  const d = domainOf(vals, true);
  if (n === 0 || !d) return emptyChart('bar', opts, n === 0 ? 'No data' : 'No finite values to plot');
  const longest = Math.max(...labels.slice(0, n).map((l) => l.length));
  const horizontal = (opts.orientation ?? (n > 12 || longest > 10 ? 'horizontal' : 'vertical')) === 'horizontal';
  const height = opts.height ?? (horizontal ? Math.max(200, 70 + n * 22) : 360);
  const o = { ...opts, height };
  const p = plotArea(o, horizontal ? { left: Math.min(160, Math.min(longest, 24) * 6.6) - 40 } : {});
  const showValues = opts.valueLabels ?? n <= 30;
  // Leave room for the value labels beyond the longest bars.
  const pad = showValues ? (d[1] - d[0]) * 0.14 : 0;
  const ticks = niceTicks(d[0] < 0 ? d[0] - pad : d[0], d[1] > 0 ? d[1] + pad : d[1], 5);
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const colorOf = (i: number): string => (typeof opts.color === 'string' ? opts.color : opts.color?.[i] ?? seriesColor(0));
  const bars: string[] = [];
  let frame: string;
  if (horizontal) {
    const sx = linear(lo, hi, p.left, p.right);
    const band = (p.bottom - p.top) / n;
    frame = axes(p, { ticks, scale: sx, title: opts.xLabel ?? opts.yLabel, grid: true }, { ticks: [], scale: (v) => v, grid: false });
    vals.forEach((v, i) => {
      const y = p.top + i * band + band * 0.15;
      const h = band * 0.7;
      bars.push(`<text x="${coord(p.left - 6)}" y="${coord(y + h / 2)}" dy="0.32em" text-anchor="end" fill="#444">${escapeXml(truncate(labels[i], 24))}</text>`);
      if (!Number.isFinite(v)) { bars.push(`<text x="${coord(sx(0) + 4)}" y="${coord(y + h / 2)}" dy="0.32em" fill="#888">n/a</text>`); return; }
      const x0 = Math.min(sx(0), sx(v));
      bars.push(`<rect x="${coord(x0)}" y="${coord(y)}" width="${coord(Math.abs(sx(v) - sx(0)))}" height="${coord(h)}" fill="${escapeXml(colorOf(i))}"><title>${escapeXml(`${labels[i]}: ${formatTick(v)}`)}</title></rect>`);
      if (showValues) bars.push(`<text x="${coord(v >= 0 ? sx(v) + 4 : sx(v) - 4)}" y="${coord(y + h / 2)}" dy="0.32em" text-anchor="${v >= 0 ? 'start' : 'end'}" fill="#222" font-size="11">${escapeXml(formatTick(v))}</text>`);
    });
  } else {
    const sy = linear(lo, hi, p.bottom, p.top);
    const band = (p.right - p.left) / n;
    frame = axes(p, { ticks: [], scale: (v) => v }, { ticks, scale: sy, title: opts.yLabel });
    vals.forEach((v, i) => {
      const x = p.left + i * band + band * 0.15;
      const w = band * 0.7;
      bars.push(`<text x="${coord(x + w / 2)}" y="${coord(p.bottom + 16)}" text-anchor="middle" fill="#444">${escapeXml(truncate(labels[i], Math.max(3, Math.floor(band / 7))))}</text>`);
      if (!Number.isFinite(v)) { bars.push(`<text x="${coord(x + w / 2)}" y="${coord(sy(0) - 4)}" text-anchor="middle" fill="#888">n/a</text>`); return; }
      const y0 = Math.min(sy(0), sy(v));
      bars.push(`<rect x="${coord(x)}" y="${coord(y0)}" width="${coord(w)}" height="${coord(Math.abs(sy(v) - sy(0)))}" fill="${escapeXml(colorOf(i))}"><title>${escapeXml(`${labels[i]}: ${formatTick(v)}`)}</title></rect>`);
      if (showValues) bars.push(`<text x="${coord(x + w / 2)}" y="${coord(v >= 0 ? sy(v) - 4 : sy(v) + 12)}" text-anchor="middle" fill="#222" font-size="11">${escapeXml(formatTick(v))}</text>`);
    });
    if (opts.xLabel) bars.push(`<text x="${coord((p.left + p.right) / 2)}" y="${coord(p.bottom + 38)}" text-anchor="middle" fill="#222">${escapeXml(opts.xLabel)}</text>`);
  }
  const summary = `Bar chart of ${n} values: ${labels.slice(0, 8).map((l, i) => `${l} ${formatTick(vals[i])}`).join(', ')}${n > 8 ? ', …' : ''}.`;
  return svgRoot('bar', o, summary, frame + `<g class="dl-bars">${bars.join('')}</g>`);
}
