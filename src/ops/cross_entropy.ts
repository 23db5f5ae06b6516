/** Fused softmax cross-entropy over class indices (the fast path of CrossEntropyLoss). */
import type { LossReduction } from '../backends/ops.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply } from './apply.js';

/**
 * Cross-entropy of float32 logits x [N, C] against class indices target [N] (int64 or int32),
 * in one kernel forward and one backward: loss_i = logsumexp(x_i) − x_i,target_i, returned per
 * row ('none', [N]) or summed or averaged (a scalar). Throws a RangeError, before computing
 * anything, when a target lies outside [0, C). Callers check shapes and dtypes
 * (nn.functional.crossEntropy, which also handles weights, ignored targets and smoothing).
 */
export function softmaxCrossEntropy(x: Tensor, target: Tensor, reduction: LossReduction): Tensor {
  return apply({
    name: 'CrossEntropy', kind: 'crossEntropy', inputs: [x, target],
    out: { shape: reduction === 'none' ? [x.shape[0]] : [], dtype: 'float32' },
    args(out) { return { x: viewOf(x), target: viewOf(target), reduction, out: viewOf(out) }; },
    gradient() { return {
      saved: [x, target],
      backward: (g, [xs, ts]) => [apply({
        name: 'CrossEntropyGrad', kind: 'crossEntropyBackward', inputs: [xs, ts, g], out: { shape: xs.shape, dtype: 'float32' },
        args(dx) { return { x: viewOf(xs), target: viewOf(ts), grad: viewOf(g), reduction, out: viewOf(dx) }; },
      }), null],
    }; },
  });
}
