/** Adagrad: per-coordinate learning rates from the accumulated squared gradients. */
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkNonNegative } from './validate.js';

export interface AdagradOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Learning-rate decay η (default 0). */
  lrDecay: number;
  /** L2 penalty λ (default 0). */
  weightDecay: number;
  /** Initial value of the accumulator (default 0). */
  initialAccumulatorValue: number;
  /** Term ε (default 1e-10). */
  eps: number;
  /** Maximize the objective (default false). */
  maximize: boolean;
}

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
  constructor(params: ParamsInput<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = {
      lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options,
    };
    checkNonNegative('Adagrad', 'learning rate', defaults.lr);
    checkNonNegative('Adagrad', 'lr_decay value', defaults.lrDecay);
    checkNonNegative('Adagrad', 'weight_decay value', defaults.weightDecay);
    checkNonNegative('Adagrad', 'initial_accumulator_value value', defaults.initialAccumulatorValue);
    checkNonNegative('Adagrad', 'epsilon value', defaults.eps);
    super(params, defaults);
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
