/** RMSprop: gradients scaled by a running root mean square, with optional momentum and centering. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';

const RMSPROP_OPTIONS = defineOptions('RMSprop', {
  /** Learning rate γ (default 1e-2). */
  lr: option.number({ default: 1e-2, min: 0 }),
  /** Smoothing constant α (default 0.99). */
  alpha: option.number({ default: 0.99, min: 0 }),
  /** Term ε (default 1e-8). */
  eps: option.number({ default: 1e-8, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Momentum factor μ (default 0). */
  momentum: option.number({ default: 0, min: 0 }),
  /** Normalize by an estimate of the gradient's variance (default false). */
  centered: option.boolean(false),
  /** Maximize the objective (default false). */
  maximize: option.boolean(false),
});

/** The options of RMSprop, every one set. */
export type RMSpropOptions = ResolvedOptions<typeof RMSPROP_OPTIONS>;

type RMSpropState = { step: number; square_avg: Tensor; momentum_buffer?: Tensor; grad_avg?: Tensor };

/**
 * RMSprop, as `torch.optim.RMSprop`. For each parameter θ with gradient g:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * v ← αv + (1 − α)g²
 * if centered: ḡ ← αḡ + (1 − α)g;  d ← √(v − ḡ²) + ε   else d ← √v + ε
 * if μ > 0:   b ← μb + g/d;  θ ← θ − γb
 * else:       θ ← θ − γ·g/d
 * ```
 * State: `step`, `square_avg` (v), `momentum_buffer` (b, when μ > 0), `grad_avg` (ḡ, when centered).
 *
 * @example
 * const opt = new dl.optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, options: OptionsInput<typeof RMSPROP_OPTIONS> = {}) {
    super(params, RMSPROP_OPTIONS.parse(options));
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const s = this.stateOf<RMSpropState>(p, () => ({
        step: 0, square_avg: this.buffer(p),
        ...(momentum > 0 ? { momentum_buffer: this.buffer(p) } : {}),
        ...(centered ? { grad_avg: this.buffer(p) } : {}),
      }));
      s.step += 1;
      const buffers = [s.square_avg];
      if (momentum > 0) buffers.push(s.momentum_buffer ?? this.missing('momentum_buffer'));
      if (centered) buffers.push(s.grad_avg ?? this.missing('grad_avg'));
      fusedOptimizerStep(p, grad, buffers,
        { algo: 'rmsprop', scalars: { lr, alpha, eps, weightDecay, momentum, centered, maximize } });
    }
  }

  private missing(key: string): never {
    throw new Error(`RMSprop: the state has no ${key}; momentum or centered was turned on after the first step`);
  }
}
