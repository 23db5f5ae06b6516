/** Adam and AdamW: adaptive moment estimation, with coupled or decoupled weight decay. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const ADAM_FIELDS = {
  /** Learning rate γ (default 1e-3). */
  lr: option.number({ default: 1e-3, min: 0 }),
  /** Coefficients (β1, β2) of the running averages of the gradient and its square (default [0.9, 0.999]). */
  betas: option.numbers(2, { default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true }),
  /** Term ε added to the denominator (default 1e-8). */
  eps: option.number({ default: 1e-8, min: 0 }),
  /** Weight decay λ (Adam: L2 penalty, default 0; AdamW: decoupled, default 1e-2). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Use the AMSGrad variant (default false). */
  amsgrad: option.boolean(false),
  /** Maximize the objective instead of minimizing (default false). */
  maximize: option.boolean(false),
};
const ADAM_OPTIONS = defineOptions('Adam', ADAM_FIELDS);
const ADAMW_OPTIONS = defineOptions('AdamW', { ...ADAM_FIELDS, weightDecay: option.number({ default: 1e-2, min: 0 }) });

/** The options of Adam and AdamW, every one set. */
export type AdamOptions = ResolvedOptions<typeof ADAM_OPTIONS>;

type AdamState = { step: number; exp_avg: Tensor; exp_avg_sq: Tensor; max_exp_avg_sq?: Tensor };

/** Shared update of Adam and AdamW; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<AdamState>(p, () => ({
        step: 0, exp_avg: this.buffer(p), exp_avg_sq: this.buffer(p),
        ...(amsgrad ? { max_exp_avg_sq: this.buffer(p) } : {}),
      }));
      s.step += 1;
      const stepSize = lr / (1 - beta1 ** s.step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
      const buffers = [s.exp_avg, s.exp_avg_sq];
      if (amsgrad) {
        if (s.max_exp_avg_sq === undefined) throw new Error(`${this.constructor.name}: amsgrad was turned on after the first step; state has no max_exp_avg_sq`);
        buffers.push(s.max_exp_avg_sq);
      }
      const coupledDecay = this.decoupled ? 0 : weightDecay;
      const paramDecay = this.decoupled ? 1 - lr * weightDecay : 1;
      fusedOptimizerStep(p, grad, buffers, {
        algo: 'adam',
        scalars: { beta1, beta2, eps, weightDecay: coupledDecay, maximize, stepSize, biasCorrection2Sqrt: bc2Sqrt, paramDecay },
      });
    }
  }
}

/**
 * Adam, as `torch.optim.Adam`. For each parameter θ with gradient g at step t:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * if amsgrad: v̂ ← max(v̂, v), else v̂ ← v
 * θ ← θ − (γ / (1 − β1ᵗ)) · m / (√v̂ / √(1 − β2ᵗ) + ε)
 * ```
 * State: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (v̂, with amsgrad).
 *
 * @example
 * const opt = new dl.optim.Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); lossFn.forward(model.forward(x), y).backward(); opt.step();
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamOptions>, options: OptionsInput<typeof ADAM_OPTIONS> = {}) {
    super(params, ADAM_OPTIONS.parse(options));
  }
}

/**
 * AdamW, as `torch.optim.AdamW`: Adam with decoupled weight decay. At each step, before the
 * Adam update (which then uses g without the L2 term): `θ ← θ · (1 − γλ)`.
 * Default weight decay λ = 1e-2. State as Adam's.
 *
 * @example
 * const opt = new dl.optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<AdamOptions>, options: OptionsInput<typeof ADAMW_OPTIONS> = {}) {
    super(params, ADAMW_OPTIONS.parse(options));
  }
}
