/** `tensor.toString()` printed the way PyTorch prints tensors. */
import type { Tensor } from './tensor.js';

const SUMMARIZE_ABOVE = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

type Formatter = (v: number) => string;

function nonFinite(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return null;
}

/** Pick PyTorch's float style from the finite values: integer style, fixed 4 decimals, or scientific. */
function floatFormatter(values: readonly number[]): Formatter {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const allIntegers = finite.every((v) => Number.isInteger(v));
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  const sci: Formatter = (v) => nonFinite(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  if (allIntegers) {
    if (max / Math.max(min, Number.MIN_VALUE) > 1000 || max > 1e8) return sci;
    return (v) => nonFinite(v) ?? `${Object.is(v, -0) ? '-0' : v.toFixed(0)}.`;
  }
  if (max / Math.max(min, Number.MIN_VALUE) > 1000 || max > 1e8 || min < 1e-4) return sci;
  return (v) => nonFinite(v) ?? v.toFixed(4);
}

/** Indices to print along a dim of `size`: all, or the edges around an ellipsis (-1). */
function shownIndices(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE_ITEMS) return Array.from({ length: size }, (_, i) => i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i)];
}

export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `tensor(<disposed>, shape=[${t.shape.join(', ')}], dtype=${t.dtype})`;
  const flat = Array.from(t.dataSync() as ArrayLike<number | bigint>, (v) => Number(v));
  const shape = t.shape;
  const summarize = flat.length > SUMMARIZE_ABOVE;
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  // collect the values that will be shown, to choose the style and the column width
  const shown: number[] = [];
  const visit = (d: number, base: number): void => {
    if (d === shape.length) {
      shown.push(flat[base]);
      return;
    }
    for (const i of shownIndices(shape[d], summarize)) if (i >= 0) visit(d + 1, base + i * strides[d]);
  };
  visit(0, 0);
  let fmt: Formatter;
  if (t.dtype === 'bool') fmt = (v) => (v ? 'True' : 'False');
  else if (t.dtype === 'float32') fmt = floatFormatter(shown);
  else fmt = (v) => String(v);
  // PyTorch sizes float columns by the non-zero finite values only
  const sized = t.dtype === 'float32' ? shown.filter((v) => v !== 0 && Number.isFinite(v)) : shown;
  const width = Math.max(1, ...sized.map((v) => fmt(v).length));
  const pad = (text: string): string => text.padStart(width);

  const indent = 'tensor('.length;
  const render = (d: number, base: number): string => {
    if (d === shape.length) return pad(fmt(flat[base]));
    const last = d === shape.length - 1;
    const parts = shownIndices(shape[d], summarize).map((i) => (i < 0 ? (last ? ' ...' : '...') : render(d + 1, base + i * strides[d])));
    if (last) {
      // wrap long rows at 80 columns, as PyTorch's linewidth does
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - d) / (width + 2)));
      const lines: string[] = [];
      for (let k = 0; k < parts.length; k += perLine) lines.push(parts.slice(k, k + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + d + 1)}`)}]`;
    }
    const sep = `,${'\n'.repeat(shape.length - d - 1)}${' '.repeat(indent + d + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmt(flat[0]) : render(0, 0);
  const extras: string[] = [];
  if (flat.length === 0 && shape.length !== 1) extras.push(`size=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  // PyTorch names the dtype only when it is not the default for the printed values
  if (t.dtype === 'int32') extras.push('dtype=torch.int32');
  if (t.gradFn !== null) extras.push(`grad_fn=<${t.gradFn.name}0>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
}
