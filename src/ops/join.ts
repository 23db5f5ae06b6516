/** Joining and splitting: cat, stack, split, chunk, unbind. */
import { emptyTensor, viewOf } from '../core/dispatch.js';
import { promoteTypes } from '../base/dtype.js';
import { formatShape, normalizeDim } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import { apply, attach } from './apply.js';

/** Concatenate along an existing dim; all other sizes must match. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: expected a non-empty list of tensors');
  const first = tensors[0];
  for (const t of tensors) t.assertAlive();
  const d = normalizeDim(dim, first.ndim, 'cat');
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s: number, k: number) => k !== d && s !== first.shape[k])) {
      throw new RangeError(`cat: sizes of tensors must match except in dimension ${d}; tensor 0 has shape ${formatShape(first.shape)} ` +
        `and tensor ${i} has shape ${formatShape(t.shape)}`);
    }
  });
  const dtype = tensors.reduce((dt, t) => promoteTypes(dt, t.dtype), first.dtype);
  const shape = [...first.shape];
  shape[d] = tensors.reduce((n, t) => n + t.shape[d], 0);
  const out = emptyTensor(shape, dtype, first.storage.backend);
  const sizes = tensors.map((t) => t.shape[d]);
  let start = 0;
  for (const t of tensors) {
    if (t.shape[d] > 0) {
      const window = out.narrow(d, start, t.shape[d]);
      apply({ name: 'Cat', kind: 'copy', inputs: [t, window], out: { into: window }, args(w) { return { x: viewOf(t), out: viewOf(w) }; } });
      window.dispose();
    }
    start += t.shape[d];
  }
  // one copy per input into its window of `out`, then one node for the whole op
  return attach(out, 'Cat', tensors, {
    saved: [],
    backward: (g) => {
      let offset = 0;
      return sizes.map((size) => {
        const part = g.narrow(d, offset, size);
        offset += size;
        return part;
      });
    },
  });
}

/** Join along a new dim; all shapes must be equal. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty list of tensors');
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.shape.join() !== shape.join()) {
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${formatShape(shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, shape.length + 1, 'stack');
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** Views of consecutive pieces along dim: equal pieces of `size` (the last may be smaller), or the listed sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'split');
  const total = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new RangeError(`split: split size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let s = 0; s < total; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, total - s));
    if (total === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (sum !== total || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new RangeError(`split: split sizes ${formatShape(sizes)} must be non-negative and sum to ${total} (dimension ${d} of shape ${formatShape(x.shape)})`);
    }
  }
  let start = 0;
  return sizes.map((size) => {
    const part = x.narrow(d, start, size);
    start += size;
    return part;
  });
}

/** Split into `chunks` pieces of ceil(size / chunks) (fewer when the size runs out), like torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: number of chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, 'chunk');
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}

/** All slices along dim, each with that dim removed. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'unbind');
  return Array.from({ length: x.shape[d] }, (_, i) => x.select(d, i));
}
