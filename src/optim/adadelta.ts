/** Adadelta: step sizes from running averages of squared gradients and squared updates. */
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkNonNegative } from './validate.js';

export interface AdadeltaOptions {
  /** Coefficient γ scaling the update (default 1.0). */
  lr: number;
  /** Decay ρ of the running averages (default 0.9). */
  rho: number;
  /** Term ε (default 1e-6). */
  eps: number;
  /** L2 penalty λ (default 0). */
  weightDecay: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
}

type AdadeltaState = { step: number; square_avg: Tensor; acc_delta: Tensor };

/**
 * Adadelta, as `torch.optim.Adadelta`. For each parameter θ with gradient g:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * v ← ρv + (1 − ρ)g²
 * Δ ← √(u + ε) / √(v + ε) · g
 * u ← ρu + (1 − ρ)Δ²
 * θ ← θ − γΔ
 * ```
 * State: `step`, `square_avg` (v), `acc_delta` (u).
 *
 * @example
 * const opt = new dl.optim.Adadelta(model.parameters(), { rho: 0.9 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsInput<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    const defaults: AdadeltaOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options };
    checkNonNegative('Adadelta', 'learning rate', defaults.lr);
    if (!(defaults.rho >= 0 && defaults.rho <= 1)) throw new RangeError(`Adadelta: Invalid rho value: ${defaults.rho}`);
    checkNonNegative('Adadelta', 'epsilon value', defaults.eps);
    checkNonNegative('Adadelta', 'weight_decay value', defaults.weightDecay);
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdadeltaState>(p, () => ({ step: 0, square_avg: this.buffer(p), acc_delta: this.buffer(p) }));
      s.step += 1;
      fusedOptimizerStep(p, grad, [s.square_avg, s.acc_delta],
        { algo: 'adadelta', scalars: { lr, rho, eps, weightDecay, maximize } });
    }
  }
}
