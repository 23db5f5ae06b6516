/**
 * Pooling ops over [N, C, ...S] float32 tensors (1 to 3 spatial dims): one kernel forward and one
 * backward per call. Callers (nn.functional's pooling) validate ranks and options and size the
 * output; these ops only run the kernels and attach the gradients.
 */
import { needsGrad } from '../autograd/record.js';
import type { PoolWindow } from '../backends/ops.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply, applyMulti } from './apply.js';

/** The output shape: x's batch and channel dims, then the pooled spatial sizes. */
function outShape(x: Tensor, spatial: readonly number[]): number[] {
  return [x.shape[0], x.shape[1], ...spatial];
}

/** The gradient with respect to the input of shape `inputShape`. */
function poolGrad(op: 'max' | 'avg', g: Tensor, window: PoolWindow, inputShape: readonly number[], indices?: Tensor): Tensor {
  return apply({
    name: op === 'max' ? 'MaxPoolGrad' : 'AvgPoolGrad', kind: 'poolBackward', inputs: indices ? [g, indices] : [g],
    out: { shape: inputShape, dtype: 'float32' },
    args: (dx) => ({ op, grad: viewOf(g), window, out: viewOf(dx), indices: indices && viewOf(indices) }),
  });
}

/**
 * Max pooling of x [N, C, ...S] into [N, C, ...spatial]: the values and the int64 flat spatial
 * index of each maximum (NaN wins; PyTorch's `max_poolNd(..., return_indices=True)` and
 * `adaptive_max_poolNd`). The gradient goes to each maximum's position. The indices are computed
 * only when asked for or when autograd records the call (the backward needs them); else null.
 */
export function maxPool(x: Tensor, window: PoolWindow, spatial: readonly number[], wantIndices: boolean): { values: Tensor; indices: Tensor | null } {
  const shape = outShape(x, spatial);
  const name = window.type === 'adaptive' ? 'AdaptiveMaxPool' : 'MaxPool';
  if (!wantIndices && !needsGrad([x])) {
    const values = apply({
      name, kind: 'pool', inputs: [x], out: { shape, dtype: 'float32' },
      args: (v) => ({ op: 'max', x: viewOf(x), window, out: viewOf(v) }),
    });
    return { values, indices: null };
  }
  const inputShape = x.shape;
  const [values, indices] = applyMulti({
    name, kind: 'pool', inputs: [x],
    outs: [{ shape, dtype: 'float32' }, { shape, dtype: 'int64' }],
    args: ([v, ix]) => ({ op: 'max', x: viewOf(x), window, out: viewOf(v), indices: viewOf(ix) }),
    gradient: ([, ix]) => ({ saved: [ix], backward: (g, [index]) => [poolGrad('max', g, window, inputShape, index)] }),
  });
  return { values, indices };
}

/**
 * Average pooling of x [N, C, ...S] into [N, C, ...spatial] under PyTorch's divisor rules
 * (`PoolWindow`); the gradient spreads each output's gradient over its window.
 */
export function avgPool(x: Tensor, window: PoolWindow, spatial: readonly number[]): Tensor {
  const inputShape = x.shape;
  return apply({
    name: window.type === 'adaptive' ? 'AdaptiveAvgPool' : 'AvgPool', kind: 'pool', inputs: [x],
    out: { shape: outShape(x, spatial), dtype: 'float32' },
    args: (out) => ({ op: 'avg', x: viewOf(x), window, out: viewOf(out) }),
    gradient: () => ({ saved: [], backward: (g) => [poolGrad('avg', g, window, inputShape)] }),
  });
}
