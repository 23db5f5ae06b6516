/**
 * Symbolic shapes from two traces: the model runs once at the example's batch size B and once
 * at B + 1, and a dim that differs between the runs is `k` times the batch size (k = the
 * difference). Whatever does not depend on the batch linearly cannot be exported with a
 * symbolic batch and says so.
 */
import type { View } from '../backends/ops.js';
import type { Dim } from './graph.js';
import { OnnxExportError } from './errors.js';

/** Batch sizes of the two traces (equal when the batch is not symbolic). */
export interface BatchSizes {
  readonly main: number;
  readonly alt: number;
}

/** One dim from its sizes in the two traces. */
export function symDim(a: number, b: number, batch: BatchSizes, what: string): Dim {
  if (a === b) return a;
  const k = (b - a) / (batch.alt - batch.main);
  if (!Number.isInteger(k) || k <= 0 || k * batch.main !== a) {
    throw new OnnxExportError(`${what}: a size that changes with the batch size but is not a multiple of it (${a} at batch ${batch.main}, ${b} at batch ${batch.alt}); export with dynamicBatch: false`);
  }
  return { k };
}

/** A shape from its sizes in the two traces. */
export function symShape(a: readonly number[], b: readonly number[], batch: BatchSizes, what: string): Dim[] {
  if (a.length !== b.length) throw new OnnxExportError(`${what}: the rank changes with the batch size (${a.length} vs ${b.length}); export with dynamicBatch: false`);
  return a.map((d, i) => symDim(d, b[i], batch, what));
}

/** The symbolic shape of a kernel argument's view. */
export function viewShape(main: View, alt: View, batch: BatchSizes, what: string): Dim[] {
  return symShape(main.shape, alt.shape, batch, what);
}

/**
 * A position along a dim (a slice's start or end, an index) from both traces: the same number,
 * or counted from the end of a batch-dependent dim (returned negative, as ONNX's Slice reads it).
 * `size` is the dim's size in each trace.
 */
export function symPosition(a: number, b: number, sizeA: number, sizeB: number, what: string): number {
  if (a === b) return a;
  if (sizeA - a === sizeB - b) return a - sizeA;
  throw new OnnxExportError(`${what}: a position that moves with the batch size but not with the end of its dim; export with dynamicBatch: false`);
}

export const isFixedShape = (s: readonly Dim[]): s is number[] => s.every((d) => typeof d === 'number');
