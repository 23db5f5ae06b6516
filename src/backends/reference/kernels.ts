/**
 * The reference kernels: a plain TypeScript implementation of every op in the kernel contract
 * (`../ops.ts`). They are the test oracle for the native backend and its fallback for ops it
 * does not run natively, so they favour being exactly right and readable over speed.
 */
import type { AnyTypedArray } from '../../base/dtype.js';
import type { OpArgs, OpKind, View } from '../ops.js';
import {
  binaryKernel, binaryScalarKernel, clampKernel, copyKernel, fillKernel, unaryKernel, whereKernel,
} from './elementwise.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from './cross_entropy.js';
import { gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel } from './index.js';
import { matmulKernel } from './matmul.js';
import { optimizerStepKernel } from './optimizer_step.js';
import { randomKernel } from './random.js';
import { reduceKernel } from './reduce.js';
import { softmaxKernel } from './softmax.js';
import { sortKernel } from './sort.js';
import type { ArrayOf } from './strided.js';

/** One kernel per op kind; the mapped type makes a missing kernel a compile error. */
const KERNELS: { readonly [K in OpKind]: (args: OpArgs[K], arrayOf: ArrayOf) => void } = {
  fill: fillKernel,
  copy: copyKernel,
  unary: unaryKernel,
  binary: binaryKernel,
  binaryScalar: binaryScalarKernel,
  clamp: clampKernel,
  where: whereKernel,
  reduce: reduceKernel,
  softmax: softmaxKernel,
  matmul: matmulKernel,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  indexSelect: indexSelectKernel,
  indexAdd: indexAddKernel,
  sort: sortKernel,
  crossEntropy: crossEntropyKernel,
  crossEntropyBackward: crossEntropyBackwardKernel,
  optimizerStep: optimizerStepKernel,
  random: randomKernel,
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
