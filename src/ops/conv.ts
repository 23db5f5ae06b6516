/**
 * N-d convolution ops (1 to 3 spatial dims) on the contract's three kernels, each with its
 * gradient rule written with the other two, so every rule is itself differentiable:
 *
 *   y  = conv(x, w)                    (conv)
 *   dx = convBackwardData(g, w)        (the adjoint in x: also a transposed convolution)
 *   dw = convBackwardWeight(x, g)      (the adjoint in w)
 *
 * Shapes, dtypes and geometry are validated by the callers (nn/functional/conv.ts), which
 * also resolve 'same'/'valid' and non-zero padding modes into a zero-padded geometry.
 */
import type { ConvGeometry } from '../backends/ops.js';
import { viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply } from './apply.js';
import { binary } from './elementwise.js';

/** The spatial dims of a [N, C, ...S] shape. */
function spatialDims(ndim: number): number[] {
  return Array.from({ length: ndim - 2 }, (_, i) => i + 2);
}

/**
 * conv(x, weight) + bias, optionally through a ReLU in the same kernel, for float32
 * x [N, C, ...S], weight [O, C/groups, ...K], bias [O] or null; the output is
 * [N, O, ...outSpatial]. Gradients: dx by convBackwardData, dW by convBackwardWeight, db by
 * a sum over batch and positions; with `relu`, g is first masked where the output is 0.
 */
export function conv(x: Tensor, weight: Tensor, bias: Tensor | null, geometry: ConvGeometry,
  outSpatial: readonly number[], relu = false): Tensor {
  const outShape = [x.shape[0], weight.shape[0], ...outSpatial];
  return apply({
    name: relu ? 'ConvolutionRelu' : 'Convolution', kind: 'conv', inputs: [x, weight, bias],
    out: { shape: outShape, dtype: 'float32' },
    args: (out) => ({
      x: viewOf(x), weight: viewOf(weight), bias: bias === null ? undefined : viewOf(bias), out: viewOf(out),
      geometry, epilogue: relu ? 'relu' : 'none',
    }),
    gradient: (out) => ({
      saved: relu ? [x, weight, out] : [x, weight],
      backward: (gOut, [xs, ws, ys]) => {
        const g = relu ? binary('reluBackward', gOut, ys) : gOut; // relu's own rule, from its output
        return [
          x.requiresGrad ? convBackwardData(g, ws, geometry, xs.shape.slice(2)) : null,
          weight.requiresGrad ? convBackwardWeight(xs, g, geometry, ws.shape) : null,
          bias !== null && bias.requiresGrad ? g.sum([0, ...spatialDims(g.ndim)]) : null,
        ];
      },
    }),
  });
}

/**
 * The adjoint of `conv` in its input: for g [N, O, ...P] and weight [O, C/groups, ...K], the
 * [N, C, ...inSpatial] tensor every input position's gradient sums into. As a layer this is
 * the transposed convolution (x as g, weight [Cin, Cout/groups, ...K]).
 */
export function convBackwardData(g: Tensor, weight: Tensor, geometry: ConvGeometry, inSpatial: readonly number[]): Tensor {
  const outShape = [g.shape[0], weight.shape[1] * geometry.groups, ...inSpatial];
  return apply({
    name: 'ConvolutionBackwardData', kind: 'convBackwardData', inputs: [g, weight],
    out: { shape: outShape, dtype: 'float32' },
    args: (out) => ({ grad: viewOf(g), weight: viewOf(weight), out: viewOf(out), geometry }),
    gradient: () => ({
      saved: [g, weight],
      backward: (h, [gs, ws]) => [
        g.requiresGrad ? conv(h, ws, null, geometry, gs.shape.slice(2)) : null,
        weight.requiresGrad ? convBackwardWeight(h, gs, geometry, ws.shape) : null,
      ],
    }),
  });
}

/**
 * The adjoint of `conv` in its weight: for x [N, C, ...S] and g [N, O, ...P], the gradient of
 * a weight of `weightShape` [O, C/groups, ...K] (a sum over the batch and every position).
 */
export function convBackwardWeight(x: Tensor, g: Tensor, geometry: ConvGeometry, weightShape: readonly number[]): Tensor {
  return apply({
    name: 'ConvolutionBackwardWeight', kind: 'convBackwardWeight', inputs: [x, g],
    out: { shape: weightShape, dtype: 'float32' },
    args: (out) => ({ x: viewOf(x), grad: viewOf(g), out: viewOf(out), geometry }),
    gradient: () => ({
      saved: [x, g],
      backward: (h, [xs, gs]) => [
        x.requiresGrad ? convBackwardData(gs, h, geometry, xs.shape.slice(2)) : null,
        g.requiresGrad ? conv(xs, h, null, geometry, gs.shape.slice(2)) : null,
      ],
    }),
  });
}
