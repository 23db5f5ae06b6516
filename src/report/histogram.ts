/**
 * Histogram of raw values (binned here) or of precomputed bin counts.
 */
import { seriesColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { axes, emptyChart, plotArea, svgRoot, type ChartOptions } from './frame.js';
import { domainOf, formatTick, linear, niceTicks } from './ticks.js';

/** Precomputed bins: `edges` has one more entry than `counts`. */
export interface Bins {
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions {
  /** Number of equal-width bins for raw values (default: Sturges' rule, at most 50). */
  bins?: number;
  color?: string;
}

/**
 * Equal-width bins over the finite values (non-finite ones are skipped).
 *
 * @example
 * binValues([1, 2, 2, 3, 9], 4); // { edges: [1, 3, 5, 7, 9], counts: [2, 1, 0, 1] } (approximately; last bin closed)
 */
export function binValues(values: ArrayLike<number>, bins?: number): Bins {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  const d = domainOf(finite);
  if (!d) return { edges: [], counts: [] };
  const k = Math.max(1, Math.min(200, bins ?? Math.min(50, Math.ceil(Math.log2(finite.length) + 1))));
  let [lo, hi] = d;
  if (finite.every((v) => v === finite[0])) { lo = finite[0] - 0.5; hi = finite[0] + 0.5; }
  const width = (hi - lo) / k;
  const edges = Array.from({ length: k + 1 }, (_, i) => (i === k ? hi : lo + i * width));
  const counts = new Array<number>(k).fill(0);
  for (const v of finite) counts[Math.min(k - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  return { edges, counts };
}

function isBins(x: unknown): x is Bins {
  return typeof x === 'object' && x !== null && 'edges' in x && 'counts' in x;
}

/**
 * Renders a histogram as an SVG string.
 *
 * @example
 * histogram([0.1, 0.4, 0.35, 0.8, 0.82, 0.9], { title: 'Scores', xLabel: 'score', bins: 5 });
 */
export function histogram(data: ArrayLike<number> | Bins, opts: HistogramOptions = {}): string {
  const b = isBins(data) ? data : binValues(data, opts.bins);
  const k = b.counts.length;
  if (k === 0 || b.edges.length !== k + 1) {
    return emptyChart('histogram', opts, !isBins(data) && data.length > 0 ? 'No finite values to plot' : 'No data');
  }
  let top = 0;
  for (let i = 0; i < k; i++) if (Number.isFinite(b.counts[i])) top = Math.max(top, b.counts[i]);
  const xd = domainOf(Array.from(b.edges));
  if (!xd) return emptyChart('histogram', opts, 'No finite values to plot');
  const p = plotArea(opts);
  const xt = niceTicks(xd[0], xd[1], 6).filter((t) => t >= xd[0] - 1e-12 * Math.abs(xd[0]) && t <= xd[1] + 1e-12 * Math.abs(xd[1]));
  const yt = niceTicks(0, top || 1, 5);
  const sx = linear(xd[0], xd[1], p.left, p.right);
  const sy = linear(0, yt[yt.length - 1], p.bottom, p.top);
  const color = opts.color ?? seriesColor(0);
  const rects: string[] = [];
  for (let i = 0; i < k; i++) {
    const c = b.counts[i];
    if (!Number.isFinite(c) || c <= 0) continue;
    const x0 = sx(b.edges[i]);
    const x1 = sx(b.edges[i + 1]);
    rects.push(`<rect x="${coord(x0)}" y="${coord(sy(c))}" width="${coord(Math.max(0.5, x1 - x0 - 1))}" height="${coord(sy(0) - sy(c))}" fill="${escapeXml(color)}">`
      + `<title>${escapeXml(`[${formatTick(b.edges[i])}, ${formatTick(b.edges[i + 1])}): ${c}`)}</title></rect>`);
  }
  const frame = axes(p, { ticks: xt, scale: sx, title: opts.xLabel }, { ticks: yt, scale: sy, title: opts.yLabel ?? 'count' });
  const summary = `Histogram with ${k} bins from ${formatTick(xd[0])} to ${formatTick(xd[1])}; tallest bin ${top}.`;
  return svgRoot('histogram', opts, summary, frame + `<g class="dl-bins">${rects.join('')}</g>`);
}
