/** Shape arithmetic shared by the front end: broadcasting, strides, dim normalisation. */
import { describeValue } from './options.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides for a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when the view walks its elements in row-major order with no gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** NumPy/PyTorch broadcasting of two shapes; throws naming the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together ` +
        `(size ${da} vs ${db} at dim ${i - n})`);
    }
  }
  return out;
}

/** Strides that expand a view of `shape`/`strides` to `target` (stride 0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Normalise a possibly negative dim for a tensor of rank `ndim`. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  if (typeof dim !== 'number') throw new TypeError(`${op}: dim must be an integer, got ${describeValue(dim)}`);
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new RangeError(`${op}: dimension ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? '' : 's'} ` +
      `(expected to be in [${-rank}, ${rank - 1}])`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalise a dim list; `undefined` means all dims. Sorted, unique. */
export function normalizeDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  const out: number[] = [];
  if (dims === undefined) {
    for (let i = 0; i < ndim; i++) out.push(i);
    return out;
  }
  if (typeof dims === 'number') {
    out.push(normalizeDim(dims, ndim, op));
    return out;
  }
  if (!Array.isArray(dims)) throw new TypeError(`${op}: dim must be an integer or a list of integers, got ${describeValue(dims)}`);
  // plain loops (a few dims): this runs on every reduction of a training step
  for (const d of dims) out.push(normalizeDim(d, ndim, op));
  out.sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw new Error(`${op}: dim ${JSON.stringify(dims)} appears multiple times in the list of dims`);
  }
  return out;
}

/** Validate a user-supplied shape (non-negative integers). */
export function checkShape(shape: Shape, op: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of integers, got ${JSON.stringify(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: invalid shape ${JSON.stringify(shape)}; sizes must be non-negative integers`);
    }
  }
  return [...shape];
}
