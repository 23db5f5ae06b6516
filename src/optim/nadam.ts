/** NAdam: Adam with Nesterov momentum and a momentum-decay schedule. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const NADAM_OPTIONS = defineOptions('NAdam', {
  /** Learning rate γ (default 2e-3). */
  lr: option.number({ default: 2e-3, min: 0 }),
  /** Coefficients (β1, β2) (default [0.9, 0.999]). */
  betas: option.numbers(2, { default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true }),
  /** Term ε (default 1e-8). */
  eps: option.number({ default: 1e-8, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Momentum decay ψ (default 4e-3). */
  momentumDecay: option.number({ default: 4e-3, min: 0 }),
});

/** The options of NAdam, every one set. */
export type NAdamOptions = ResolvedOptions<typeof NADAM_OPTIONS>;

type NAdamState = { step: number; mu_product: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * NAdam, as `torch.optim.NAdam`. For each parameter θ with gradient g at step t:
 * ```
 * if λ ≠ 0: g ← g + λθ
 * μt ← β1(1 − ½·0.96^(tψ)),  μt+1 ← β1(1 − ½·0.96^((t+1)ψ))
 * Πt ← Πt−1 · μt   (mu_product, kept in float32 like torch)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * d ← √(v / (1 − β2ᵗ)) + ε
 * θ ← θ − γ(1 − μt)/(1 − Πt) · g/d − γ·μt+1/(1 − Πt·μt·μt+1) · m/d
 * ```
 * (The last denominator multiplies by μt twice, exactly as PyTorch 1.13 does.)
 * State: `step`, `mu_product`, `exp_avg`, `exp_avg_sq`.
 *
 * @example
 * const opt = new dl.optim.NAdam(model.parameters(), { lr: 2e-3, momentumDecay: 4e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsInput<NAdamOptions>, options: OptionsInput<typeof NADAM_OPTIONS> = {}) {
    super(params, NADAM_OPTIONS.parse(options));
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, momentumDecay } = group;
    const f = Math.fround;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<NAdamState>(p, () => ({ step: 0, mu_product: 1, exp_avg: this.buffer(p), exp_avg_sq: this.buffer(p) }));
      s.step += 1;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (s.step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((s.step + 1) * momentumDecay));
      // torch keeps mu_product as a float32 tensor: each product rounds to float32
      s.mu_product = f(s.mu_product * f(mu));
      // torch 1.13 multiplies by μt a second time here (mu_product * mu * mu_next); kept for parity
      const muProductNext = f(f(s.mu_product * f(mu)) * f(muNext));
      const gradCoef = -lr * (1 - mu) / (1 - s.mu_product);
      const expAvgCoef = -lr * muNext / (1 - muProductNext);
      fusedOptimizerStep(p, grad, [s.exp_avg, s.exp_avg_sq], {
        algo: 'nadam',
        scalars: { beta1, beta2, eps, weightDecay, biasCorrection2: 1 - beta2 ** s.step, gradCoef, expAvgCoef },
      });
    }
  }
}
