/** Softmax and log-softmax along a dim (numerically stable kernels) and their gradients. */
import { record } from '../autograd/record.js';
import { emptyTensor, runKernel, viewOf } from '../core/dispatch.js';
import { normalizeDim } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import { castTo } from './convert.js';

/**
 * softmax(x)_i = exp(x_i - max x) / Σ_j exp(x_j - max x); the log form is computed directly
 * (x_i - max - log Σ exp(x_j - max)), never as log(softmax), so it stays finite for large inputs.
 */
export function softmax(x: Tensor, dim: number, log: boolean): Tensor {
  x.assertAlive();
  const d = normalizeDim(dim, x.ndim, log ? 'logSoftmax' : 'softmax');
  const input = castTo(x, 'float32');
  const out = emptyTensor(x.shape, 'float32', x.storage.backend);
  if (x.ndim === 0) {
    runKernel(x.storage.backend, 'fill', { out: viewOf(out), value: log ? 0 : 1 });
  } else {
    runKernel(x.storage.backend, 'softmax', { x: viewOf(input), dim: d, log, out: viewOf(out) });
  }
  if (log) {
    // d/dx: g - softmax(x) * Σ g
    return record(out, 'LogSoftmaxBackward', [x], [out], (g, [y]) =>
      [x.ndim === 0 ? g.mul(0) : g.sub(y.exp().mul(g.sum(d, { keepdim: true })))]);
  }
  // d/dx: y * (g - Σ g·y)
  return record(out, 'SoftmaxBackward', [x], [out], (g, [y]) =>
    [x.ndim === 0 ? g.mul(0) : y.mul(g.sub(g.mul(y).sum(d, { keepdim: true })))]);
}
