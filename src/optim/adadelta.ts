/** Adadelta: step sizes from running averages of squared gradients and squared updates. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const ADADELTA_OPTIONS = defineOptions('Adadelta', {
  /** Coefficient γ scaling the update (default 1.0). */
  lr: option.number({ default: 1.0, min: 0 }),
  /** Decay ρ of the running averages (default 0.9). */
  rho: option.number({ default: 0.9, min: 0, max: 1 }),
  /** Term ε (default 1e-6). */
  eps: option.number({ default: 1e-6, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Maximize the objective (default false). */
  maximize: option.boolean(false),
});

/** The options of Adadelta, every one set. */
export type AdadeltaOptions = ResolvedOptions<typeof ADADELTA_OPTIONS>;

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
  constructor(params: ParamsInput<AdadeltaOptions>, options: OptionsInput<typeof ADADELTA_OPTIONS> = {}) {
    super(params, ADADELTA_OPTIONS.parse(options));
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
