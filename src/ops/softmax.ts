/** Softmax and log-softmax along a dim (numerically stable kernels) and their gradients. */
import { normalizeDim } from '../base/shape.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply, type Gradient } from './apply.js';
import { castTo } from './convert.js';
import { filled } from './creation.js';

/**
 * softmax(x)_i = exp(x_i - max x) / Σ_j exp(x_j - max x); the log form is computed directly
 * (x_i - max - log Σ exp(x_j - max)), never as log(softmax), so it stays finite for large inputs.
 */
export function softmax(x: Tensor, dim: number, log: boolean): Tensor {
  x.assertAlive();
  const d = normalizeDim(dim, x.ndim, log ? 'logSoftmax' : 'softmax');
  if (x.ndim === 0) return constantOfScalar(x, log);
  const input = castTo(x, 'float32');
  return apply({
    name: log ? 'LogSoftmax' : 'Softmax', kind: 'softmax', inputs: [x], out: { shape: x.shape, dtype: 'float32' },
    args(out) { return { x: viewOf(input), dim: d, log, out: viewOf(out) }; },
    gradient(out): Gradient { return {
      saved: [out],
      backward: log
        // d/dx: g - softmax(x) * Σ g
        ? (g, [y]) => [g.sub(y.exp().mul(g.sum(d, { keepdim: true })))]
        // d/dx: y * (g - Σ g·y)
        : (g, [y]) => [y.mul(g.sub(g.mul(y).sum(d, { keepdim: true })))],
    }; },
  });
}

/** Softmax of a 0-d tensor is 1 (log-softmax 0) whatever x is; its gradient is zero. */
function constantOfScalar(x: Tensor, log: boolean): Tensor {
  return apply({
    name: log ? 'LogSoftmax' : 'Softmax', kind: 'fill', inputs: [x], out: { shape: [], dtype: 'float32' },
    args(out) { return { out: viewOf(out), value: log ? 0 : 1 }; },
    gradient() { return { saved: [], backward: (g) => [filled([], 'float32', 0, g.storage.backend)] }; },
  });
}
