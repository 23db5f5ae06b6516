/**
 * Batched matrix product out[..., i, j] = Σ_k a[..., i, k] · b[..., k, j].
 *
 * Float32: each output is one double accumulator, so products (exact in double) and the sum
 * round only once, when stored. Integers wrap like C's (the dtype's own add and mul); bool
 * computes "any k with a ∧ b". Transposed or broadcast operands are just strides here.
 */
import type { DType } from '../../base/dtype.js';
import type { OpArgs, View } from '../ops.js';
import { numberToDType } from './cast.js';
import { binaryElementFunction } from './element_functions.js';
import { binaryKernel, unaryKernel } from './elementwise.js';
import { slots, StridedWalker, type ArrayOf, type Slots, type StridedOperand, type KernelTable } from './strided.js';

/** The batch part of `view` lined up with `batch` (missing or size-1 leading dims step 0). */
function batchOperand(view: View, batch: readonly number[]): StridedOperand {
  const lead = view.shape.length - 2 - batch.length; // ≤ 0: how many batch dims view lacks
  const strides = batch.map((n, i) => {
    const d = i + lead;
    return d < 0 || (view.shape[d] === 1 && n !== 1) ? 0 : view.strides[d];
  });
  return { strides, offset: view.offset };
}

/** The trailing two dims of a view. */
interface Matrix { rows: number; cols: number; rowStride: number; colStride: number }

function matrixOf(view: View): Matrix {
  const r = view.shape.length;
  return { rows: view.shape[r - 2], cols: view.shape[r - 1], rowStride: view.strides[r - 2], colStride: view.strides[r - 1] };
}

/**
 * out = a @ b (+ addend), then the epilogue, for a [...B, M, K], b [...B, K, N], out [...B, M, N].
 * K = 0 gives zeros (or the addend).
 */
export function matmulKernel({ a, b, out, addend, epilogue }: OpArgs['matmul'], arrayOf: ArrayOf): void {
  if (addend !== undefined || (epilogue !== undefined && epilogue !== 'none')) {
    matmulKernel({ a, b, out }, arrayOf);
    if (addend !== undefined) binaryKernel({ op: 'add', a: out, b: addend, out }, arrayOf);
    if (epilogue === 'relu') unaryKernel({ op: 'relu', x: out, out }, arrayOf);
    return;
  }
  const batch = out.shape.slice(0, -2);
  const A = matrixOf(a);
  const B = matrixOf(b);
  const O = matrixOf(out);
  const M = O.rows;
  const N = O.cols;
  const K = A.cols;
  const walk = new StridedWalker(batch, [batchOperand(a, batch), batchOperand(b, batch), batchOperand(out, batch)]);
  const offs = walk.offsets;
  if (a.dtype === 'float32') {
    const av = arrayOf(a) as Float32Array;
    const bv = arrayOf(b) as Float32Array;
    const ov = arrayOf(out) as Float32Array;
    for (let t = 0; t < walk.size; t++, walk.next()) {
      for (let i = 0; i < M; i++) {
        const aRow = offs[0] + i * A.rowStride;
        const oRow = offs[2] + i * O.rowStride;
        for (let j = 0; j < N; j++) {
          let acc = 0;
          let ai = aRow;
          let bi = offs[1] + j * B.colStride;
          for (let k = 0; k < K; k++, ai += A.colStride, bi += B.rowStride) acc += av[ai] * bv[bi];
          ov[oRow + j * O.colStride] = acc;
        }
      }
    }
    return;
  }
  integerMatmul(a.dtype, slots(arrayOf(a)), slots(arrayOf(b)), slots(arrayOf(out)), walk, A, B, O);
}

/** The non-float path, through the dtype's own wrapping add and mul. */
function integerMatmul(dtype: DType, av: Slots, bv: Slots, ov: Slots, walk: StridedWalker, A: Matrix, B: Matrix, O: Matrix): void {
  const add = binaryElementFunction('add', dtype);
  const mul = binaryElementFunction('mul', dtype);
  const zero = numberToDType(0, dtype);
  const offs = walk.offsets;
  for (let t = 0; t < walk.size; t++, walk.next()) {
    for (let i = 0; i < O.rows; i++) {
      for (let j = 0; j < O.cols; j++) {
        let acc = zero;
        for (let k = 0; k < A.cols; k++) {
          acc = add(acc, mul(av[offs[0] + i * A.rowStride + k * A.colStride], bv[offs[1] + k * B.rowStride + j * B.colStride]));
        }
        ov[offs[2] + i * O.rowStride + j * O.colStride] = acc;
      }
    }
  }
}

/** This family's kernels, by op kind. */
export const MATMUL_KERNELS: KernelTable<'matmul'> = { matmul: matmulKernel };
