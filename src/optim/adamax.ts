/** Adamax: Adam with the infinity norm in place of the second moment. */
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkBetas, checkNonNegative } from './validate.js';

export interface AdamaxOptions {
  /** Learning rate γ (default 2e-3). */
  lr: number;
  /** Coefficients (β1, β2) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Term ε (default 1e-8). */
  eps: number;
  /** L2 penalty λ (default 0). */
  weightDecay: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
}

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
  constructor(params: ParamsInput<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    const defaults: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options };
    checkNonNegative('Adamax', 'learning rate', defaults.lr);
    checkNonNegative('Adamax', 'epsilon value', defaults.eps);
    checkBetas('Adamax', defaults.betas);
    checkNonNegative('Adamax', 'weight_decay value', defaults.weightDecay);
    super(params, defaults);
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
