/**
 * Scatter plot: predicted vs actual (with the y = x line) or residuals (with
 * the y = 0 line).
 */
import { seriesColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { axes, emptyChart, plotArea, svgRoot, type ChartOptions } from './frame.js';
import { domainOf, formatTick, linear, niceTicks } from './ticks.js';

/** Options of {@link scatterChart}. */
export interface ScatterOptions extends ChartOptions {
  /** Reference line: 'identity' (y = x, same range on both axes) or 'zero' (y = 0). */
  reference?: 'identity' | 'zero';
  /** At most this many points are drawn, evenly subsampled (default 4000). */
  maxPoints?: number;
  color?: string;
}

/**
 * Renders (x[i], y[i]) points; pairs with a non-finite coordinate are skipped.
 *
 * @example
 * scatterChart([1, 2, 3], [1.1, 1.8, 3.3], { title: 'Predicted vs actual', xLabel: 'actual', yLabel: 'predicted', reference: 'identity' });
 */
export function scatterChart(x: ArrayLike<number>, y: ArrayLike<number>, opts: ScatterOptions = {}): string {
  const idx: number[] = [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) idx.push(i);
  if (idx.length === 0) return emptyChart('scatter', opts, n === 0 ? 'No data' : 'No finite values to plot');
  const xs = idx.map((i) => x[i]);
  const ys = idx.map((i) => y[i]);
  let xd = domainOf(xs)!;
  let yd = domainOf(ys, opts.reference === 'zero')!;
  if (opts.reference === 'identity') {
    const both = domainOf([...xd, ...yd])!;
    xd = both;
    yd = both;
  }
  const p = plotArea(opts);
  const xt = niceTicks(xd[0], xd[1], 6);
  const yt = niceTicks(yd[0], yd[1], 5);
  const x0 = xt[0], x1 = xt[xt.length - 1], y0 = yt[0], y1 = yt[yt.length - 1];
  const sx = linear(x0, x1, p.left, p.right);
  const sy = linear(y0, y1, p.bottom, p.top);
  const parts = [axes(p, { ticks: xt, scale: sx, title: opts.xLabel }, { ticks: yt, scale: sy, title: opts.yLabel })];
  if (opts.reference === 'identity') {
    const a = Math.max(x0, y0);
    const b = Math.min(x1, y1);
    parts.push(`<line class="dl-reference" x1="${coord(sx(a))}" y1="${coord(sy(a))}" x2="${coord(sx(b))}" y2="${coord(sy(b))}" stroke="#999" stroke-dasharray="4 4"/>`);
  } else if (opts.reference === 'zero') {
    parts.push(`<line class="dl-reference" x1="${coord(p.left)}" y1="${coord(sy(0))}" x2="${coord(p.right)}" y2="${coord(sy(0))}" stroke="#999" stroke-dasharray="4 4"/>`);
  }
  const max = Math.max(1, opts.maxPoints ?? 4000);
  const stride = idx.length > max ? idx.length / max : 1;
  const color = escapeXml(opts.color ?? seriesColor(0));
  const dots: string[] = [];
  for (let k = 0; k < idx.length && dots.length < max; k = Math.floor(dots.length * stride)) {
    dots.push(`<circle cx="${coord(sx(xs[k]))}" cy="${coord(sy(ys[k]))}" r="2.5"/>`);
  }
  parts.push(`<g class="dl-points" fill="${color}" fill-opacity="0.6">${dots.join('')}</g>`);
  const note = dots.length < idx.length ? ` (${dots.length} of ${idx.length} points drawn)` : '';
  const summary = `Scatter plot of ${idx.length} points${note}; x from ${formatTick(xd[0])} to ${formatTick(xd[1])}, y from ${formatTick(yd[0])} to ${formatTick(yd[1])}.`;
  return svgRoot('scatter', opts, summary, parts.join(''));
}
