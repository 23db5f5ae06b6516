/** Adamax: Adam with the infinity norm in place of the second moment. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const ADAMAX_OPTIONS = defineOptions('Adamax', {
  /** Learning rate γ (default 2e-3). */
  lr: option.number({ default: 2e-3, min: 0 }),
  /** Coefficients (β1, β2) (default [0.9, 0.999]). */
  betas: option.numbers(2, { default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true }),
  /** Term ε (default 1e-8). */
  eps: option.number({ default: 1e-8, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Maximize the objective (default false). */
  maximize: option.boolean(false),
});

/** The options of Adamax, every one set. */
export type AdamaxOptions = ResolvedOptions<typeof ADAMAX_OPTIONS>;

type AdamaxState = { step: number; exp_avg: Tensor; exp_inf: Tensor };

/**
 * Adamax, as `torch.optim.Adamax`. For each parameter θ with gradient g at step t:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * m ← β1·m + (1 − β1)·g
 * u ← max(β2·u, |g| + ε)
 * θ ← θ − (γ / (1 − β1ᵗ)) · m / u
 * ```
 * State: `step`, `exp_avg` (m), `exp_inf` (u).
 *
 * @example
 * const opt = new dl.optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsInput<AdamaxOptions>, options: OptionsInput<typeof ADAMAX_OPTIONS> = {}) {
    super(params, ADAMAX_OPTIONS.parse(options));
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdamaxState>(p, () => ({ step: 0, exp_avg: this.buffer(p), exp_inf: this.buffer(p) }));
      s.step += 1;
      const stepSize = lr / (1 - beta1 ** s.step);
      fusedOptimizerStep(p, grad, [s.exp_avg, s.exp_inf],
        { algo: 'adamax', scalars: { beta1, beta2, eps, weightDecay, maximize, stepSize } });
    }
  }
}
