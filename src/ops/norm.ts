/**
 * Batch normalisation with the batch's statistics as one kernel forward and one backward
 * (nn.functional's batchNorm in training validates the arguments and updates running stats).
 */
import type { View } from '../backends/ops.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { applyMulti } from './apply.js';

const optionalView = (t: Tensor | null): View | undefined => (t === null ? undefined : viewOf(t));

/**
 * y = (x − μ)/√(σ² + eps)·weight + bias per channel of float32 x [N, C, ...S] (weight, bias:
 * [C] or null), with μ and the biased σ² of the batch, which are returned too (not
 * differentiable). Gradients flow to x, weight and bias.
 */
export function batchNormTraining(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const C = x.shape[1];
  const [y, mean, variance] = applyMulti({
    name: 'BatchNorm', kind: 'batchNorm', inputs: [x, weight, bias],
    outs: [{ shape: x.shape, dtype: 'float32' }, { shape: [C], dtype: 'float32' }, { shape: [C], dtype: 'float32' }],
    args: ([out, m, v]) => ({ x: viewOf(x), weight: optionalView(weight), bias: optionalView(bias), eps, out: viewOf(out), mean: viewOf(m), variance: viewOf(v) }),
    gradient: ([, m, v]) => ({
      saved: weight === null ? [x, m, v] : [x, m, v, weight],
      backward: (g, [xs, ms, vs, w]) => {
        const [dx, dweight, dbias] = applyMulti({
          name: 'BatchNormGrad', kind: 'batchNormBackward', inputs: [g, xs, w ?? null],
          outs: [{ shape: xs.shape, dtype: 'float32' }, { shape: [C], dtype: 'float32' }, { shape: [C], dtype: 'float32' }],
          args: ([d, dw, db]) => ({
            grad: viewOf(g), x: viewOf(xs), mean: viewOf(ms), variance: viewOf(vs), weight: w === undefined ? undefined : viewOf(w), eps,
            dx: viewOf(d), dweight: viewOf(dw), dbias: viewOf(db),
          }),
        });
        return [dx, weight === null ? null : dweight, bias === null ? null : dbias];
      },
    }),
  });
  return { y, mean, variance };
}
