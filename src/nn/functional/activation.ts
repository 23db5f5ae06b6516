/**
 * Activation functions, composed from engine ops (their gradients follow from the ops').
 * Branches that are masked out by `where` are evaluated on clamped inputs so that their
 * (discarded) gradients stay finite.
 */
import { isGradEnabled, noGrad } from '../../autograd/grad_mode.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';

/** SELU's constants (Klambauer et al.), as in PyTorch. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** max(0, x). @example F.relu(dl.tensor([-1, 2])); // [0, 2] */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/**
 * clamp(x, minVal, maxVal); the gradient passes where minVal < x < maxVal (strictly, as PyTorch).
 *
 * @example
 * F.hardtanh(dl.tensor([-2, 0.5, 3])); // [-1, 0.5, 1]
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (maxVal < minVal) throw new RangeError(`hardtanh: minVal (${minVal}) cannot be greater than maxVal (${maxVal})`);
  const clamped = noGrad(() => x.clamp(minVal, maxVal));
  if (!x.requiresGrad || !isGradEnabled()) return clamped;
  return x.where(x.gt(minVal).logicalAnd(x.lt(maxVal)), clamped);
}

/** min(max(0, x), 6). @example F.relu6(dl.tensor([-1, 7])); // [0, 6] */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

/** x if x > 0 else slope·x. @example F.leakyRelu(dl.tensor([-1, 1]), 0.1); // [-0.1, 1] */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return x.where(x.gt(0), x.mul(negativeSlope));
}

/**
 * x if x > 0 else a·x with a learnt slope per channel (dim 1; dim 0 for 1-D input), or one shared.
 *
 * @example
 * F.prelu(dl.randn([2, 3]), dl.full([3], 0.25));
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  let w = weight;
  if (weight.numel() !== 1) {
    const channelDim = x.ndim >= 2 ? 1 : 0;
    if (x.ndim === 0 || x.shape[channelDim] !== weight.numel()) {
      throw new Error(`prelu: weight has ${weight.numel()} parameters but the input ${formatShape(x.shape)} has ${x.ndim === 0 ? 0 : x.shape[channelDim]} channels (dim ${channelDim})`);
    }
    w = weight.reshape(x.shape.map((_, i) => (i === channelDim ? weight.numel() : 1)));
  } else if (weight.ndim > 0) {
    w = weight.reshape([]);
  }
  return x.where(x.gt(0), x.mul(w));
}

/** x if x > 0 else α(eˣ−1). @example F.elu(dl.tensor([-1, 1])); */
export function elu(x: Tensor, alpha = 1): Tensor {
  return x.where(x.gt(0), x.clamp(null, 0).expm1().mul(alpha));
}

/** scale·elu(x, α) with SELU's fixed α and scale. @example F.selu(dl.randn([4])); */
export function selu(x: Tensor): Tensor {
  return elu(x, SELU_ALPHA).mul(SELU_SCALE);
}

/** max(0,x) + min(0, α(e^{x/α}−1)). @example F.celu(dl.randn([4]), 2); */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new RangeError('celu: ZeroDivisionError, alpha cannot be 0');
  return x.where(x.gt(0), x.clamp(null, 0).div(alpha).expm1().mul(alpha));
}

/** x·Φ(x) exactly, or with the tanh approximation. @example F.gelu(x, 'tanh'); */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return x.gelu(approximate);
}

/** x·σ(x). @example F.silu(dl.randn([4])); */
export function silu(x: Tensor): Tensor {
  return x.silu();
}

/** x·tanh(softplus(x)). @example F.mish(dl.randn([4])); */
export function mish(x: Tensor): Tensor {
  return x.mul(x.softplus().tanh());
}

/** x·relu6(x+3)/6. @example F.hardswish(dl.randn([4])); */
export function hardswish(x: Tensor): Tensor {
  return x.mul(hardtanh(x.add(3), 0, 6)).div(6);
}

/** 1/(1+e⁻ˣ). @example F.sigmoid(dl.zeros([2])); // [0.5, 0.5] */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** tanh(x). @example F.tanh(dl.zeros([2])); */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/**
 * (1/β)·log(1+e^{βx}), reverting to x where βx > threshold.
 *
 * @example
 * F.softplus(dl.tensor([0]), 2); // [log(2)/2]
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  if (beta === 1 && threshold === 20) return x.softplus();
  const xb = x.mul(beta);
  return x.where(xb.gt(threshold), xb.clamp(null, threshold).softplus().div(beta));
}

/** x/(1+|x|). @example F.softsign(dl.tensor([1])); // [0.5] */
export function softsign(x: Tensor): Tensor {
  return x.div(x.abs().add(1));
}

/** exp(x)/Σexp(x) along dim (stable kernel). @example F.softmax(logits, 1); */
export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}

/** x − logΣexp(x) along dim, computed directly (never log of softmax). @example F.logSoftmax(logits, 1); */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}
