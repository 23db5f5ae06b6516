/** Adagrad: per-coordinate learning rates from the accumulated squared gradients. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const ADAGRAD_OPTIONS = defineOptions('Adagrad', {
  /** Learning rate γ (default 1e-2). */
  lr: option.number({ default: 1e-2, min: 0 }),
  /** Learning-rate decay η (default 0). */
  lrDecay: option.number({ default: 0, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Initial value of the accumulator (default 0). */
  initialAccumulatorValue: option.number({ default: 0, min: 0 }),
  /** Term ε (default 1e-10). */
  eps: option.number({ default: 1e-10, min: 0 }),
  /** Maximize the objective (default false). */
  maximize: option.boolean(false),
});

/** The options of Adagrad, every one set. */
export type AdagradOptions = ResolvedOptions<typeof ADAGRAD_OPTIONS>;

type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad, as `torch.optim.Adagrad`. For each parameter θ with gradient g at step t:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * γ̃ ← γ / (1 + (t − 1)η)
 * s ← s + g²
 * θ ← θ − γ̃ · g / (√s + ε)
 * ```
 * State (created at construction, like torch): `step`, `sum` (s, starts at initialAccumulatorValue).
 *
 * @example
 * const opt = new dl.optim.Adagrad(model.parameters(), { lr: 1e-2, lrDecay: 1e-4 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, options: OptionsInput<typeof ADAGRAD_OPTIONS> = {}) {
    super(params, ADAGRAD_OPTIONS.parse(options));
  }

  override addParamGroup(group: Parameters<Optimizer<AdagradOptions>['addParamGroup']>[0]): void {
    super.addParamGroup(group);
    this.initGroup(this.paramGroups[this.paramGroups.length - 1]);
  }

  private initGroup(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      this.stateOf<AdagradState>(p, () => ({ step: 0, sum: this.buffer(p, group.initialAccumulatorValue) }));
    }
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdagradState>(p, () => ({ step: 0, sum: this.buffer(p, group.initialAccumulatorValue) }));
      s.step += 1;
      const decayedLr = lr / (1 + (s.step - 1) * lrDecay);
      fusedOptimizerStep(p, grad, [s.sum], { algo: 'adagrad', scalars: { decayedLr, weightDecay, eps, maximize } });
    }
  }
}
