/** RMSprop: gradients scaled by a running root mean square, with optional momentum and centering. */
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkNonNegative } from './validate.js';

export interface RMSpropOptions {
  /** Learning rate γ (default 1e-2). */
  lr: number;
  /** Smoothing constant α (default 0.99). */
  alpha: number;
  /** Term ε (default 1e-8). */
  eps: number;
  /** L2 penalty λ (default 0). */
  weightDecay: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance (default false). */
  centered: boolean;
  /** Maximize the objective (default false). */
  maximize: boolean;
}

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
  constructor(params: ParamsInput<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = {
      lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options,
    };
    checkNonNegative('RMSprop', 'learning rate', defaults.lr);
    checkNonNegative('RMSprop', 'epsilon value', defaults.eps);
    checkNonNegative('RMSprop', 'momentum value', defaults.momentum);
    checkNonNegative('RMSprop', 'weight_decay value', defaults.weightDecay);
    checkNonNegative('RMSprop', 'alpha value', defaults.alpha);
    super(params, defaults);
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
