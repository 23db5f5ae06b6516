/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, REQUIRED, type ParamGroup, type ParamsInput } from './optimizer.js';

const SGD_OPTIONS = defineOptions('SGD', {
  /** Learning rate γ (required, in the options or in every group). */
  lr: option.number({ default: REQUIRED, min: 0 }),
  /** Momentum factor μ (default 0). */
  momentum: option.number({ default: 0, min: 0 }),
  /** Dampening τ for momentum (default 0). */
  dampening: option.number({ default: 0, min: 0 }),
  /** L2 penalty λ (default 0). */
  weightDecay: option.number({ default: 0, min: 0 }),
  /** Use Nesterov momentum (default false). */
  nesterov: option.boolean(false),
  /** Maximize the objective instead of minimizing (default false). */
  maximize: option.boolean(false),
});

/** The options of SGD, every one set. */
export type SGDOptions = ResolvedOptions<typeof SGD_OPTIONS>;

/**
 * SGD, as `torch.optim.SGD`. For each parameter θ with gradient g at step t:
 * ```
 * if maximize: g ← −g
 * if λ ≠ 0:   g ← g + λθ
 * if μ ≠ 0:   b ← g (t = 1), else b ← μb + (1 − τ)g
 *             g ← g + μb if nesterov, else g ← b
 * θ ← θ − γg
 * ```
 * State: `momentum_buffer` (when μ ≠ 0).
 *
 * @example
 * const opt = new dl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * opt.zeroGrad(); lossFn.forward(model.forward(x), y).backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: OptionsInput<typeof SGD_OPTIONS> = {}) {
    const defaults = SGD_OPTIONS.parse(options);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw new Error('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
    super(params, defaults);
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      const state = this.state.get(p) ?? {};
      this.state.set(p, state);
      let buffers: Tensor[] = [];
      let firstStep = false;
      if (momentum !== 0) {
        let buf = state.momentum_buffer as Tensor | undefined;
        if (buf === undefined) {
          buf = this.buffer(p);
          state.momentum_buffer = buf;
          firstStep = true;
        }
        buffers = [buf];
      }
      fusedOptimizerStep(p, grad, buffers,
        { algo: 'sgd', scalars: { lr, weightDecay, momentum, dampening, nesterov, maximize, firstStep } });
    }
  }
}
