/** RAdam: Adam with a rectified adaptive learning rate. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const RADAM_OPTIONS = defineOptions('RAdam', {
  /** Learning rate γ (default 1e-3). */
  lr: option.number({ default: 1e-3, min: 0 }),
  /** Coefficients (β1, β2) (default [0.9, 0.999]). */
  betas: option.numbers(2, { default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true }),
  /** Term ε (default 1e-8). */
  eps: option.number({ default: 1e-8, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
});

/** The options of RAdam, every one set. */
export type RAdamOptions = ResolvedOptions<typeof RADAM_OPTIONS>;

type RAdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor };

/**
 * RAdam, as `torch.optim.RAdam`. For each parameter θ with gradient g at step t:
 * ```
 * if λ ≠ 0: g ← g + λθ
 * m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
 * ρ∞ ← 2/(1 − β2) − 1;  ρt ← ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
 * m̂ ← m / (1 − β1ᵗ)
 * if ρt > 5: r ← √((ρt−4)(ρt−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρt));  θ ← θ − γ·m̂·(√(1 − β2ᵗ)/(√v + ε))·r
 * else:      θ ← θ − γ·m̂
 * ```
 * State: `step`, `exp_avg`, `exp_avg_sq`.
 *
 * @example
 * const opt = new dl.optim.RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsInput<RAdamOptions>, options: OptionsInput<typeof RADAM_OPTIONS> = {}) {
    super(params, RADAM_OPTIONS.parse(options));
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<RAdamState>(p, () => ({ step: 0, exp_avg: this.buffer(p), exp_avg_sq: this.buffer(p) }));
      s.step += 1;
      const bc1 = 1 - beta1 ** s.step;
      const bc2 = 1 - beta2 ** s.step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - 2 * s.step * beta2 ** s.step / bc2;
      const rectify = rhoT > 5;
      const rectification = rectify ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 1;
      fusedOptimizerStep(p, grad, [s.exp_avg, s.exp_avg_sq], {
        algo: 'radam',
        scalars: {
          beta1, beta2, eps, weightDecay, biasCorrection1: bc1, lr, biasCorrection2Sqrt: Math.sqrt(bc2), rectification, rectify,
        },
      });
    }
  }
}
