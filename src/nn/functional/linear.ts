/** Affine maps: linear and bilinear. */
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { affine } from '../../ops/linalg.js';

/**
 * y = x·Wᵀ + b for x [..., in], W [out, in], b [out]. `W.t()` is a strided view the GEMM reads
 * in place (no copy).
 *
 * @example
 * F.linear(dl.randn([8, 4]), dl.randn([3, 4]), dl.zeros([3])).shape; // [8, 3]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkFeatures('linear', x, weight);
  const fused = fusedAffine(x, weight, bias, false);
  if (fused !== null) return fused;
  const y = x.matmul(weight.t());
  return bias === null ? y : y.add(bias);
}

/**
 * relu(x·Wᵀ + b): a linear layer followed by a ReLU, computed as one GEMM whose threads apply
 * the ReLU to their own finished tiles, with one autograd node. `nn.Sequential` uses it for a
 * `Linear` directly followed by a `ReLU`; the result and gradients are those of
 * `F.relu(F.linear(x, weight, bias))`.
 *
 * @example
 * F.linearRelu(dl.randn([8, 4]), dl.randn([3, 4]), dl.zeros([3])).min().item() >= 0; // true
 */
export function linearRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkFeatures('linear', x, weight);
  return fusedAffine(x, weight, bias, true) ?? linear(x, weight, bias).relu();
}

function checkFeatures(op: string, x: Tensor, weight: Tensor): void {
  if (x.shape[x.ndim - 1] !== weight.shape[weight.ndim - 1]) {
    throw new Error(`${op}: input of shape ${formatShape(x.shape)} has ${x.shape[x.ndim - 1]} features but the weight ${formatShape(weight.shape)} expects ${weight.shape[weight.ndim - 1]}`);
  }
}

/** The fused kernel for float32 operands of the usual ranks (inputs [..., in] as rows), else null. */
function fusedAffine(x: Tensor, weight: Tensor, bias: Tensor | null, relu: boolean): Tensor | null {
  if (!(x.dtype === 'float32' && weight.dtype === 'float32' && weight.ndim === 2 && x.ndim >= 1 &&
      (bias === null || (bias.dtype === 'float32' && bias.ndim === 1 && bias.shape[0] === weight.shape[0])))) return null;
  if (x.ndim === 2) return affine(x, weight, bias, relu);
  const rows = x.reshape([-1, x.shape[x.ndim - 1]]);
  return affine(rows, weight, bias, relu).reshape([...x.shape.slice(0, -1), weight.shape[0]]);
}

/**
 * y_k = x1ᵀ·A_k·x2 + b_k for x1 [..., in1], x2 [..., in2], A [out, in1, in2], b [out].
 * Computed as one GEMM x1·A' (A' = A permuted to [in1, out·in2]) followed by a product with x2
 * and a sum over in2.
 *
 * @example
 * F.bilinear(dl.randn([5, 2]), dl.randn([5, 3]), dl.randn([4, 2, 3])).shape; // [5, 4]
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const [out, in1, in2] = weight.shape;
  if (weight.ndim !== 3 || x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2 ||
      x1.shape.slice(0, -1).join() !== x2.shape.slice(0, -1).join()) {
    throw new Error(`bilinear: inputs ${formatShape(x1.shape)} and ${formatShape(x2.shape)} do not match weight ${formatShape(weight.shape)} ` +
      '(expected [..., in1], [..., in2] with the same leading dims and weight [out, in1, in2])');
  }
  const lead = x1.shape.slice(0, -1);
  const a = x1.reshape([-1, in1]);
  const b = x2.reshape([-1, in2]);
  const w = weight.permute([1, 0, 2]).reshape([in1, out * in2]);
  const t = a.matmul(w).reshape([-1, out, in2]);
  const y = t.mul(b.unsqueeze(1)).sum(2).reshape([...lead, out]);
  return bias === null ? y : y.add(bias);
}
