/** Matrix products (matmul with PyTorch's broadcasting rules, mm, bmm) and their gradients. */
import type { View } from '../backends/ops.js';
import { broadcastShapes, broadcastStrides, formatShape } from '../base/shape.js';
import { viewAs, viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply } from './apply.js';
import { castTo } from './convert.js';
import { sumToShape } from './reduce_to_shape.js';

/** a [...A, M, K] · b [...B, K, N] with broadcast batch dims; both at least 2-D. */
function batchedProduct(a: Tensor, b: Tensor, op: string): Tensor {
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const K2 = b.shape[b.ndim - 2];
  const N = b.shape[b.ndim - 1];
  if (K !== K2) {
    throw new Error(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${M}x${K} and ${K2}x${N})`);
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new TypeError(`${op}: expected float32 operands, got ${a.dtype} and ${b.dtype}`);
  }
  const batch = a.ndim === 2 && b.ndim === 2 ? [] : broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), op);
  const aIn = a.shape;
  const bIn = b.shape;
  return apply({
    name: 'Mm', kind: 'matmul', inputs: [a, b], out: { shape: [...batch, M, N], dtype: 'float32' },
    args(out) {
      if (batch.length === 0) return { a: viewOf(a), b: viewOf(b), out: viewOf(out) };
      const aShape = [...batch, M, K];
      const bShape = [...batch, K, N];
      return {
        a: viewAs(a, aShape, broadcastStrides(a.shape, a.strides, aShape)),
        b: viewAs(b, bShape, broadcastStrides(b.shape, b.strides, bShape)),
        out: viewOf(out),
      };
    },
    gradient() { return {
      saved: [a, b],
      backward: (g, [as, bs]) => [
        a.requiresGrad ? sumToShape(productInLayoutOf(as, g, bs.mT, op), aIn) : null,
        b.requiresGrad ? sumToShape(productInLayoutOf(bs, as.mT, g, op), bIn) : null,
      ],
    }; },
  });
}

/**
 * x · y, laid out like `like`: when `like` is a transposed view of contiguous memory (the
 * weight of a linear layer, used as W.t()), compute (yᵀ · xᵀ)ᵀ so the gradient comes out in
 * the weight's own layout and needs no transposing copy later. Same product, same cost: the
 * GEMM absorbs either layout.
 */
function productInLayoutOf(like: Tensor, x: Tensor, y: Tensor, op: string): Tensor {
  if (like.ndim >= 2 && !like.isContiguous() && like.mT.isContiguous()) {
    return batchedProduct(y.mT, x.mT, op).mT;
  }
  return batchedProduct(x, y, op);
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is treated as a
 * row (left) or column (right) vector and that dim removed, and batch dims broadcast.
 *
 * @example
 * dl.randn([10, 3, 4]).matmul(dl.randn([4, 5])).shape; // [10, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  a.assertAlive();
  b.assertAlive();
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const af = castTo(a, 'float32');
  const bf = castTo(b, 'float32');
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new Error(`matmul: 1D tensors expected to have the same size, got ${a.shape[0]} and ${b.shape[0]}`);
    }
    return batchedProduct(af.unsqueeze(0), bf.unsqueeze(1), 'matmul').reshape([]);
  }
  if (a.ndim === 1) return batchedProduct(af.unsqueeze(0), bf, 'matmul').squeeze(-2);
  if (b.ndim === 1) return batchedProduct(af, bf.unsqueeze(1), 'matmul').squeeze(-1);
  return batchedProduct(af, bf, 'matmul');
}

/** A fresh [rows, cols] tensor holding a·b, not recorded (views already checked by the caller). */
function product(inputs: readonly Tensor[], a: View, b: View, rows: number, cols: number): Tensor {
  return apply({
    name: 'Addmm', kind: 'matmul', inputs, out: { shape: [rows, cols], dtype: 'float32' },
    args(out) { return { a, b, out: viewOf(out) }; },
  });
}

/**
 * The affine map of a linear layer, y = x·Wᵀ + b, for float32 x [N, in], W [out, in] and
 * b [out] (or null), as one kernel (the GEMM accumulates onto the bias rows) and one autograd
 * node, whose backward is PyTorch's addmm backward: dx = g·W, dW = gᵀ·x (already in W's
 * layout), db = Σ_rows g. With `relu`, y = relu(x·Wᵀ + b) in the same kernel (the GEMM's
 * epilogue), and the backward first masks g where y = 0 (relu's own rule, from its output).
 * Callers check shapes and dtypes (nn.functional.linear).
 */
export function affine(x: Tensor, weight: Tensor, bias: Tensor | null, relu = false): Tensor {
  const N = x.shape[0];
  const outFeatures = weight.shape[0];
  // The rule runs the kernels directly on views (g is [N, out], checked by the engine).
  return apply({
    name: relu ? 'AddmmRelu' : 'Addmm', kind: 'matmul', inputs: [x, weight, bias], out: { shape: [N, outFeatures], dtype: 'float32' },
    args(out) { return {
      a: viewOf(x),
      b: viewAs(weight, [weight.shape[1], outFeatures], [weight.strides[1], weight.strides[0]]),
      out: viewOf(out),
      addend: bias === null ? undefined : viewAs(bias, [N, outFeatures], [0, bias.strides[0]]),
      epilogue: relu ? 'relu' : 'none',
    }; },
    gradient(out) { return {
      saved: relu ? [x, weight, out] : [x, weight],
      backward: (gOut, [xs, ws, ys]) => {
        const g = relu ? apply({
          name: 'ReluGrad', kind: 'binary', inputs: [gOut, ys], out: { shape: [N, outFeatures], dtype: 'float32' },
          args(o) { return { op: 'reluBackward', a: viewOf(gOut), b: viewOf(ys), out: viewOf(o) }; },
        }) : gOut;
        const db = bias !== null && bias.requiresGrad ? apply({
          name: 'BiasGrad', kind: 'reduce', inputs: [g], out: { shape: [outFeatures], dtype: 'float32' },
          args(o) { return { op: 'sum', x: viewOf(g), dims: [0], out: viewAs(o, [1, outFeatures], [outFeatures, 1]) }; },
        }) : null;
        return [
          x.requiresGrad ? product([g, ws], viewOf(g), viewOf(ws), N, xs.shape[1]) : null,
          weight.requiresGrad ? product([g, xs], viewAs(g, [outFeatures, N], [g.strides[1], g.strides[0]]), viewOf(xs), outFeatures, xs.shape[1]) : null,
          db,
        ];
      },
    }; },
  });
}

/** Product of two matrices (2-D only). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new RangeError(`mm: expected 2-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return batchedProduct(a, b, 'mm');
}

/** Batched product of [B, M, K] and [B, K, N] (no broadcasting, like torch.bmm). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0]) {
    throw new RangeError(`bmm: expected 3-D tensors with the same batch size, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return batchedProduct(a, b, 'bmm');
}
