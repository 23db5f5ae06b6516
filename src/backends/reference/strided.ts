/**
 * Walking strided views. Every reference kernel reads and writes through views whose strides
 * may be anything (transposed, sliced, stride 0 for broadcast), so they all share one iterator
 * that visits an N-d index space in row-major order and keeps several operands' element offsets
 * in step. Moving to the next index touches only the dims that carry, so the walk allocates
 * nothing per element.
 */
import type { AnyTypedArray } from '../../base/dtype.js';
import type { OpArgs, OpKind, View } from '../ops.js';

/**
 * How kernels reach memory: the WHOLE buffer of `view.buffer` as the typed array of
 * `view.dtype` (element 0 is the buffer's start; the view's offset and strides index into it).
 */
export type ArrayOf = (view: View) => AnyTypedArray;

/** The reference kernels of some op kinds (each family file exports its own; kernels.ts joins them). */
export type KernelTable<K extends OpKind> = { readonly [P in K]: (args: OpArgs[P], arrayOf: ArrayOf) => void };

/** Where an operand starts and how far each dim steps, in elements. */
export interface StridedOperand {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Elements of any dtype, read and written without knowing which: the value is a `number` for
 * float32/int32/bool arrays and a `bigint` for int64. Only for moving data between arrays of the
 * same dtype; arithmetic goes through dtype-aware functions.
 */
export type Slots = { [index: number]: number | bigint };

/** A value of one element: `bigint` for int64, `number` for every other dtype. */
export type Scalar = number | bigint;

/** Number of elements of a shape (1 for rank 0). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The same array seen as untyped slots (see `Slots`). */
export function slots(array: AnyTypedArray): Slots {
  return array;
}

/**
 * A row-major walk over `shape` that tracks the element offset of each operand.
 *
 * Usage: `for (let i = 0; i < w.size; i++, w.next()) { ... w.offsets[k] ... }`.
 * `coords` holds the current multi-index, for kernels that need a coordinate (index ops).
 */
export class StridedWalker {
  /** Number of index positions the walk visits. */
  readonly size: number;
  /** Current element offset of each operand, in the order given. */
  readonly offsets: number[];
  /** Current multi-index. */
  readonly coords: number[];
  private readonly shape: readonly number[];
  private readonly strides: (readonly number[])[];
  private readonly starts: number[];

  constructor(shape: readonly number[], operands: readonly StridedOperand[]) {
    this.shape = shape;
    this.size = sizeOf(shape);
    this.strides = operands.map((op) => {
      if (op.strides.length !== shape.length) {
        throw new Error(`strided walk: operand has ${op.strides.length} strides for a rank-${shape.length} index space`);
      }
      return op.strides;
    });
    this.starts = operands.map((op) => op.offset);
    this.offsets = this.starts.slice();
    this.coords = new Array<number>(shape.length).fill(0);
  }

  /** Go back to the first index, optionally moving every operand's start by `shift` elements. */
  reset(shift = 0): void {
    for (let k = 0; k < this.offsets.length; k++) this.offsets[k] = this.starts[k] + shift;
    this.coords.fill(0);
  }

  /** Advance to the next index in row-major order (the last dim moves fastest). */
  next(): void {
    const { shape, strides, offsets, coords } = this;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = coords[d] + 1;
      if (c < shape[d]) {
        coords[d] = c;
        for (let k = 0; k < offsets.length; k++) offsets[k] += strides[k][d];
        return;
      }
      // This dim wraps to 0: undo its whole run and let the next-outer dim carry.
      coords[d] = 0;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= strides[k][d] * (shape[d] - 1);
    }
  }
}

/** `view`'s strides with dim `dim` stepping 0, so a walk ignores that coordinate for it. */
export function withoutDim(view: StridedOperand, dim: number): StridedOperand {
  const strides = view.strides.slice();
  if (dim < strides.length) strides[dim] = 0; // a rank-0 view has no dim to drop
  return { strides, offset: view.offset };
}
