/**
 * The parts every chart shares: the `<svg>` root with an accessible
 * `<title>`/`<desc>`, the plot area, axes with nice ticks, a legend, and the
 * "no data" placeholder.
 */
import { coord, escapeXml, uniqueId } from './escape.js';
import { formatTick } from './ticks.js';

/** Options common to all charts. */
export interface ChartOptions {
  /** Shown above the chart and used as the accessible name. */
  title?: string;
  /** Longer text for screen readers (`<desc>`); defaults to a summary of the data. */
  description?: string;
  /** Pixel size of the drawing (it scales down with CSS). Default 640 × 360. */
  width?: number;
  height?: number;
  xLabel?: string;
  yLabel?: string;
}

/** Pixel bounds of the plot area inside the chart. */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plot area for a chart of the given size, leaving room for title, axes and labels. */
export function plotArea(opts: ChartOptions, extra: Partial<PlotArea> = {}): PlotArea {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  return {
    left: 64 + (extra.left ?? 0),
    right: width - 20 - (extra.right ?? 0),
    top: (opts.title ? 40 : 16) + (extra.top ?? 0),
    bottom: height - (opts.xLabel ? 52 : 36) - (extra.bottom ?? 0),
  };
}

/**
 * Wraps chart content in a standalone `<svg>` with `<title>` and `<desc>`.
 *
 * @example
 * svgRoot('line', { title: 'Loss' }, 'Training loss per epoch', '<circle cx="5" cy="5" r="2"/>');
 */
export function svgRoot(kind: string, opts: ChartOptions, summary: string, body: string): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const title = opts.title ?? `${kind} chart`;
  const id = uniqueId(title, body);
  const heading = opts.title
    ? `<text x="${coord(width / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="600" fill="#222">${escapeXml(opts.title)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="dl-chart dl-chart-${escapeXml(kind)}" width="${coord(width)}" height="${coord(height)}" `
    + `viewBox="0 0 ${coord(width)} ${coord(height)}" role="img" aria-labelledby="${id}-t ${id}-d" `
    + `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`
    + `<title id="${id}-t">${escapeXml(title)}</title><desc id="${id}-d">${escapeXml(opts.description ?? summary)}</desc>`
    + `<rect width="100%" height="100%" fill="#fff"/>${heading}${body}</svg>`;
}

/** A chart with a centred message in place of data (no data, or no finite values). */
export function emptyChart(kind: string, opts: ChartOptions, message = 'No data'): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const body = `<rect x="1" y="1" width="${coord(width - 2)}" height="${coord(height - 2)}" fill="none" stroke="#ccc" stroke-dasharray="4 3"/>`
    + `<text x="${coord(width / 2)}" y="${coord(height / 2)}" text-anchor="middle" fill="#888" font-size="14">${escapeXml(message)}</text>`;
  return svgRoot(kind, opts, message, body);
}

/** Axis specification: tick positions in data units and how to place them. */
export interface AxisSpec {
  ticks: readonly number[];
  scale: (v: number) => number;
  /** Custom labels per tick (default: formatted numbers). */
  labels?: readonly string[];
  title?: string;
  /** Draw grid lines across the plot (default true for y, false for x). */
  grid?: boolean;
}

/** Axis lines, ticks, grid and titles for both axes. */
export function axes(p: PlotArea, x: AxisSpec, y: AxisSpec): string {
  const out: string[] = ['<g class="dl-axes" fill="#444">'];
  y.ticks.forEach((t, i) => {
    const py = coord(y.scale(t));
    if (y.grid ?? true) out.push(`<line x1="${coord(p.left)}" x2="${coord(p.right)}" y1="${py}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${coord(p.left - 6)}" y="${py}" dy="0.32em" text-anchor="end">${escapeXml(y.labels?.[i] ?? formatTick(t))}</text>`);
  });
  x.ticks.forEach((t, i) => {
    const px = coord(x.scale(t));
    if (x.grid) out.push(`<line x1="${px}" x2="${px}" y1="${coord(p.top)}" y2="${coord(p.bottom)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${px}" x2="${px}" y1="${coord(p.bottom)}" y2="${coord(p.bottom + 4)}" stroke="#888"/>`);
    out.push(`<text x="${px}" y="${coord(p.bottom + 16)}" text-anchor="middle">${escapeXml(x.labels?.[i] ?? formatTick(t))}</text>`);
  });
  out.push(`<line x1="${coord(p.left)}" x2="${coord(p.right)}" y1="${coord(p.bottom)}" y2="${coord(p.bottom)}" stroke="#888"/>`);
  out.push(`<line x1="${coord(p.left)}" x2="${coord(p.left)}" y1="${coord(p.top)}" y2="${coord(p.bottom)}" stroke="#888"/>`);
  if (x.title) out.push(`<text x="${coord((p.left + p.right) / 2)}" y="${coord(p.bottom + 38)}" text-anchor="middle" fill="#222">${escapeXml(x.title)}</text>`);
  if (y.title) {
    const cy = coord((p.top + p.bottom) / 2);
    out.push(`<text transform="translate(16 ${cy}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(y.title)}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

/** One legend entry. */
export interface LegendItem {
  label: string;
  color: string;
  dashed?: boolean;
}

/** A legend box anchored at its top-right corner (x, y). */
export function legend(items: readonly LegendItem[], x: number, y: number): string {
  if (items.length === 0) return '';
  const w = Math.min(260, 36 + Math.max(...items.map((it) => it.label.length)) * 6.6);
  const h = 8 + items.length * 18;
  const left = x - w;
  const rows = items.map((it, i) => {
    const cy = y + 13 + i * 18;
    return `<line x1="${coord(left + 8)}" x2="${coord(left + 28)}" y1="${coord(cy)}" y2="${coord(cy)}" stroke="${escapeXml(it.color)}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ''}/>`
      + `<text x="${coord(left + 34)}" y="${coord(cy)}" dy="0.32em" fill="#222">${escapeXml(it.label)}</text>`;
  });
  return `<g class="dl-legend"><rect x="${coord(left)}" y="${coord(y)}" width="${coord(w)}" height="${coord(h)}" fill="#fff" fill-opacity="0.9" stroke="#ccc" rx="3"/>${rows.join('')}</g>`;
}
