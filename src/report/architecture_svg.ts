/**
 * Architecture diagram: the layers of a model summary as boxes from top to
 * bottom joined by arrows, each with its output shape and parameter count,
 * an input box first and a total line last. Writes standalone SVG.
 */
import { coord, escapeXml, uniqueId } from './escape.js';

/** One row of a model summary. */
export interface LayerInfo {
  name: string;
  type: string;
  /** Output shape; -1 or 0 for the batch dimension shows as "N". */
  outputShape: readonly number[];
  params: number;
  /** Extra text, e.g. "ReLU, dropout 0.2". */
  detail?: string;
}

/** Options of {@link architectureSvg}. */
export interface ArchitectureOptions {
  title?: string;
  /** Shape of one input batch (default: not shown in the input box). */
  inputShape?: readonly number[];
  /** Label of the input box (default 'Input'). */
  inputName?: string;
  /** Trainable parameters, if fewer than the total. */
  trainableParams?: number;
}

/** "N × 784" style shape text. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.map((d, i) => (i === 0 && d <= 0 ? 'N' : String(d))).join(' × ');
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n);
}

const BOX_H = 58;
const GAP = 30;
const CHAR_W = 7.2;

/**
 * Draws the diagram and returns a standalone SVG document string.
 *
 * @example
 * architectureSvg([
 *   { name: 'fc1', type: 'Linear', outputShape: [-1, 128], params: 100480, detail: 'ReLU' },
 *   { name: 'fc2', type: 'Linear', outputShape: [-1, 10], params: 1290 },
 * ], { title: 'MLP', inputShape: [-1, 784] });
 */
export function architectureSvg(layers: readonly LayerInfo[], opts: ArchitectureOptions = {}): string {
  const boxes = [
    { head: opts.inputName ?? 'Input', line2: opts.inputShape ? `shape ${formatShape(opts.inputShape)}` : '', line3: '', input: true },
    ...layers.map((l) => ({
      head: l.type && l.type !== l.name ? `${l.name} (${l.type})` : l.name,
      line2: `output ${formatShape(l.outputShape)}  ·  ${formatCount(l.params)} params`,
      line3: l.detail ?? '',
      input: false,
    })),
  ];
  const total = layers.reduce((a, l) => a + (Number.isFinite(l.params) ? l.params : 0), 0);
  const totalText = `Total parameters: ${formatCount(total)}` + (opts.trainableParams !== undefined ? ` (trainable ${formatCount(opts.trainableParams)})` : '');
  const longest = Math.max(totalText.length, ...boxes.map((b) => Math.max(b.head.length * 1.1, b.line2.length, b.line3.length)));
  const boxW = Math.max(260, Math.min(720, Math.ceil(longest * CHAR_W) + 40));
  const width = boxW + 80;
  const top = opts.title ? 48 : 20;
  const height = top + boxes.length * BOX_H + (boxes.length - 1) * GAP + 56;
  const title = opts.title ?? 'Model architecture';
  const x = (width - boxW) / 2;
  const cx = width / 2;
  const parts: string[] = [];
  boxes.forEach((b, i) => {
    const y = top + i * (BOX_H + GAP);
    const fill = b.input ? '#eef5ec' : '#eaf2fb';
    const stroke = b.input ? '#4c8c3f' : '#2f6fb0';
    const lines = [b.head, b.line2, b.line3].filter((s) => s);
    const firstY = y + BOX_H / 2 - ((lines.length - 1) * 16) / 2;
    parts.push(`<g class="dl-layer"><rect x="${coord(x)}" y="${coord(y)}" width="${coord(boxW)}" height="${BOX_H}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`
      + lines.map((s, k) => `<text x="${coord(cx)}" y="${coord(firstY + k * 16)}" dy="0.32em" text-anchor="middle"${k === 0 ? ' font-weight="600" fill="#111"' : ' fill="#444" font-size="12"'}>${escapeXml(s)}</text>`).join('')
      + '</g>');
    if (i > 0) {
      const y0 = y - GAP + 2;
      parts.push(`<line class="dl-arrow" x1="${coord(cx)}" y1="${coord(y0)}" x2="${coord(cx)}" y2="${coord(y - 3)}" stroke="#555" stroke-width="1.5" marker-end="url(#ID-arrow)"/>`);
    }
  });
  const bottom = top + boxes.length * BOX_H + (boxes.length - 1) * GAP;
  parts.push(`<text class="dl-total" x="${coord(cx)}" y="${coord(bottom + 30)}" text-anchor="middle" font-weight="600" fill="#222">${escapeXml(totalText)}</text>`);
  const body = parts.join('');
  const id = uniqueId(title, body);
  const summary = `${layers.length} layers from ${opts.inputName ?? 'Input'} to ${layers.length ? layers[layers.length - 1].name : 'output'}; ${totalText}.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="dl-architecture" width="${coord(width)}" height="${coord(height)}" viewBox="0 0 ${coord(width)} ${coord(height)}" `
    + `role="img" aria-labelledby="${id}-t ${id}-d" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`
    + `<title id="${id}-t">${escapeXml(title)}</title><desc id="${id}-d">${escapeXml(summary)}</desc>`
    + `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>`
    + `<rect width="100%" height="100%" fill="#fff"/>`
    + (opts.title ? `<text x="${coord(cx)}" y="28" text-anchor="middle" font-size="16" font-weight="600" fill="#222">${escapeXml(opts.title)}</text>` : '')
    + body.replaceAll('url(#ID-arrow)', `url(#${id}-arrow)`) + '</svg>';
}

/**
 * The diagram as a file's content: XML declaration plus the SVG.
 *
 * @example
 * writeFileAtomicSync('runs/a/architecture.svg', architectureSvgDocument(layers, { inputShape: [-1, 784] }));
 */
export function architectureSvgDocument(layers: readonly LayerInfo[], opts: ArchitectureOptions = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${architectureSvg(layers, opts)}\n`;
}
