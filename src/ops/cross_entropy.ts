/** Fused softmax cross-entropy over class indices (the fast path of CrossEntropyLoss). */
import { record } from '../autograd/record.js';
import { commonBackend, emptyTensor, runKernel, viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import type { LossReduction } from '../backends/ops.js';

/**
 * Cross-entropy of float32 logits x [N, C] against class indices target [N] (int64 or int32),
 * in one kernel forward and one backward: loss_i = logsumexp(x_i) − x_i,target_i, returned per
 * row ('none', [N]) or summed or averaged (a scalar). Throws a RangeError, before computing
 * anything, when a target lies outside [0, C). Callers check shapes and dtypes
 * (nn.functional.crossEntropy, which also handles weights, ignored targets and smoothing).
 */
export function softmaxCrossEntropy(x: Tensor, target: Tensor, reduction: LossReduction): Tensor {
  const backend = commonBackend('crossEntropy', x, target);
  const out = emptyTensor(reduction === 'none' ? [x.shape[0]] : [], 'float32', backend);
  runKernel(backend, 'crossEntropy', { x: viewOf(x), target: viewOf(target), reduction, out: viewOf(out) });
  return record(out, 'CrossEntropyBackward', [x], [x, target], (g, [xs, ts]) => {
    const dx = emptyTensor(xs.shape, 'float32', backend);
    runKernel(backend, 'crossEntropyBackward', { x: viewOf(xs), target: viewOf(ts), grad: viewOf(g), reduction, out: viewOf(dx) });
    return [dx];
  });
}
