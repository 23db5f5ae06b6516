/**
 * The reference kernels: a plain TypeScript implementation of every op in the kernel contract
 * (`../ops.ts`). They are the test oracle for the native backend and its fallback for ops it
 * does not run natively, so they favour being exactly right and readable over speed.
 */
import type { AnyTypedArray } from '../../base/dtype.js';
import type { OpArgs, OpKind, View } from '../ops.js';
import { CONV_KERNELS } from './conv.js';
import { LOSS_KERNELS } from './cross_entropy.js';
import { ELEMENTWISE_KERNELS } from './elementwise.js';
import { INDEX_KERNELS } from './index.js';
import { MATMUL_KERNELS } from './matmul.js';
import { NORM_KERNELS } from './norm.js';
import { optimizerStepKernel } from './optimizer_step.js';
import { POOL_KERNELS } from './pool.js';
import { RANDOM_KERNELS } from './random.js';
import { RECURRENT_KERNELS } from './recurrent.js';
import { REDUCE_KERNELS } from './reduce.js';
import { SOFTMAX_KERNELS } from './softmax.js';
import { SORT_KERNELS } from './sort.js';
import type { ArrayOf, KernelTable } from './strided.js';

/**
 * One kernel per op kind, joined from the family files' tables: a kind without a kernel is a
 * compile error here, and a new kernel is added to its family's table, in its own file.
 */
const KERNELS: KernelTable<OpKind> = {
  ...ELEMENTWISE_KERNELS, ...INDEX_KERNELS, ...LOSS_KERNELS, ...MATMUL_KERNELS, ...RANDOM_KERNELS,
  ...REDUCE_KERNELS, ...SOFTMAX_KERNELS, ...SORT_KERNELS, ...CONV_KERNELS, ...POOL_KERNELS, ...NORM_KERNELS,
  ...RECURRENT_KERNELS,
  optimizerStep: optimizerStepKernel,
};

/**
 * Run one op of the contract on host memory.
 * @param kind the op kind
 * @param args its arguments (views into buffers)
 * @param arrayOf returns the WHOLE buffer of `view.buffer` as the typed array of `view.dtype`
 *   (element 0 = buffer start); the view's offset and strides index into it
 */
export function runReferenceKernel<K extends OpKind>(kind: K, args: OpArgs[K], arrayOf: (view: View) => AnyTypedArray): void {
  const kernel = KERNELS[kind] as ((args: OpArgs[K], arrayOf: ArrayOf) => void) | undefined;
  if (!kernel) throw new Error(`reference backend: unknown op kind ${JSON.stringify(kind)}`);
  kernel(args, arrayOf);
}
