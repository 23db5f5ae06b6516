/** Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay. */
import type { Tensor } from '../core/tensor.js';
import { fusedOptimizerStep } from './fused_step.js';
import { Optimizer, REQUIRED, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkNonNegative } from './validate.js';

export interface SGDOptions {
  /** Learning rate γ (required, in the options or in every group). */
  lr: number;
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Dampening τ for momentum (default 0). */
  dampening: number;
  /** L2 penalty λ (default 0). */
  weightDecay: number;
  /** Use Nesterov momentum (default false). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing (default false). */
  maximize: boolean;
}

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
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = {
      lr: REQUIRED, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options,
    };
    if (!Number.isNaN(defaults.lr)) checkNonNegative('SGD', 'learning rate', defaults.lr);
    checkNonNegative('SGD', 'momentum value', defaults.momentum);
    checkNonNegative('SGD', 'weight_decay value', defaults.weightDecay);
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
