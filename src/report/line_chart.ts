/**
 * Line chart with several series and a legend (train vs validation curves).
 */
import { seriesColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { axes, emptyChart, legend, plotArea, svgRoot, type ChartOptions } from './frame.js';
import { domainOf, formatTick, linear, niceTicks } from './ticks.js';

/** One line: `y` against `x` (default 1, 2, …: epochs). Non-finite points break the line. */
export interface LineSeries {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  color?: string;
  dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions extends ChartOptions {
  /** Draw a dot with a tooltip at each point (default: when ≤ 60 points per series). */
  markers?: boolean;
  /** Include 0 in the y range. */
  yZero?: boolean;
}

function xOf(s: LineSeries, i: number): number {
  return s.x ? s.x[i] : i + 1;
}

/**
 * Renders line series as an SVG string.
 *
 * @example
 * lineChart([{ name: 'train', y: [0.9, 0.5, 0.3] }, { name: 'val', y: [1.0, 0.6, 0.45], dashed: true }],
 *   { title: 'Loss', xLabel: 'epoch', yLabel: 'loss' });
 */
export function lineChart(series: readonly LineSeries[], opts: LineChartOptions = {}): string {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.y.length; i++) {
      if (Number.isFinite(s.y[i]) && Number.isFinite(xOf(s, i))) { xs.push(xOf(s, i)); ys.push(s.y[i]); }
    }
  }
  const xd = domainOf(xs);
  const yd = domainOf(ys, opts.yZero);
  if (!xd || !yd) return emptyChart('line', opts, series.length ? 'No finite values to plot' : 'No data');
  const p = plotArea(opts);
  const xt = niceTicks(xd[0], xd[1], 8);
  const yt = niceTicks(yd[0], yd[1], 5);
  const sx = linear(xt[0], xt[xt.length - 1], p.left, p.right);
  const sy = linear(yt[0], yt[yt.length - 1], p.bottom, p.top);
  const parts = [axes(p, { ticks: xt, scale: sx, title: opts.xLabel }, { ticks: yt, scale: sy, title: opts.yLabel })];
  series.forEach((s, k) => {
    const color = s.color ?? seriesColor(k);
    let d = '';
    let pen = false;
    const dots: string[] = [];
    const markers = opts.markers ?? s.y.length <= 60;
    for (let i = 0; i < s.y.length; i++) {
      const x = xOf(s, i);
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${coord(sx(x))} ${coord(sy(y))}`;
      pen = true;
      if (markers) {
        dots.push(`<circle cx="${coord(sx(x))}" cy="${coord(sy(y))}" r="2.5" fill="${escapeXml(color)}"><title>${escapeXml(`${s.name}: ${formatTick(x)} → ${formatTick(y)}`)}</title></circle>`);
      }
    }
    parts.push(`<g class="dl-series"><path d="${d || 'M0 0'}" fill="none" stroke="${escapeXml(color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}${d ? '' : ' visibility="hidden"'}/>${dots.join('')}</g>`);
  });
  parts.push(legend(series.map((s, k) => ({ label: s.name, color: s.color ?? seriesColor(k), dashed: s.dashed })), p.right - 6, p.top + 6));
  const summary = `Line chart of ${series.map((s) => s.name).join(', ')}; x from ${formatTick(xd[0])} to ${formatTick(xd[1])}, y from ${formatTick(yd[0])} to ${formatTick(yd[1])}.`;
  return svgRoot('line', opts, summary, parts.join(''));
}
