/** Gradient clipping, as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`. */
import { noGrad } from '../autograd/grad_mode.js';
import { isTensor, tidy, type Tensor } from '../core/tensor.js';
import { full } from '../ops/creation.js';
import { stack } from '../ops/join.js';

function gradsOf(params: Tensor | Iterable<Tensor>): Tensor[] {
  const list = isTensor(params) ? [params] : [...params];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** The p-norm of all elements of `t` (p = Infinity: the largest magnitude). */
function norm(t: Tensor, p: number): Tensor {
  if (p === Infinity) return t.abs().amax();
  if (p === -Infinity) return t.abs().amin();
  if (p === 2) return t.square().sum().sqrt();
  if (p === 1) return t.abs().sum();
  if (p === 0) return t.ne(0).float().sum();
  return t.abs().pow(p).sum().pow(1 / p);
}

/**
 * Scale the gradients of `params` in place so that their total norm (the `normType`-norm of
 * the vector of per-gradient norms) is at most `maxNorm`: each gradient is multiplied by
 * `min(1, maxNorm / (total + 1e-6))`. Returns the total norm before clipping (a scalar tensor).
 *
 * @example
 * loss.backward();
 * dl.optim.clipGradNorm_(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm_(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, errorIfNonfinite = false): Tensor {
  const grads = gradsOf(params);
  if (grads.length === 0) return full([], 0);
  return noGrad(() => tidy(() => {
    const total = norm(stack(grads.map((g) => norm(g, normType))), normType);
    if (errorIfNonfinite) {
      const value = total.item();
      if (!Number.isFinite(value)) {
        throw new Error(`clipGradNorm_: the total norm of order ${normType} for gradients from \`parameters\` is non-finite (${value}), ` +
          'so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite=false');
      }
    }
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(coef);
    return total;
  }));
}

/**
 * Clamp every gradient element of `params` into [-clipValue, clipValue], in place.
 *
 * @example
 * dl.optim.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const g of gradsOf(params)) g.clamp_(-clipValue, clipValue);
  });
}
