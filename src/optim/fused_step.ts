/**
 * The one place optimizers touch parameter memory: the `optimizerStep` kernel, a fused update
 * of a parameter and its state buffers in a single pass over memory (native on the cpu
 * backend, `backends/reference/optimizer_step.ts` elsewhere).
 */
import type { OpArgs, OptimizerAlgo, OptimizerScalars, View } from '../backends/ops.js';
import { viewOf } from '../core/dispatch.js';
import { formatShape, shapesEqual } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import { apply } from '../ops/apply.js';

function checkOperand(t: Tensor, what: string, param: Tensor, algo: OptimizerAlgo): void {
  t.assertAlive();
  if (t.dtype !== 'float32') throw new TypeError(`${algo}: ${what} must be float32, got ${t.dtype}`);
  if (!shapesEqual(t.shape, param.shape)) {
    throw new Error(`${algo}: ${what} has shape ${formatShape(t.shape)} but the parameter has shape ${formatShape(param.shape)}`);
  }
  if (t.storage.backend !== param.storage.backend) {
    throw new Error(`${algo}: ${what} is on the ${t.storage.backend.name} backend but the parameter on ${param.storage.backend.name}`);
  }
}

/**
 * @internal An update rule and its per-step scalars, as `OPTIMIZER_SCALAR_FIELDS` names them.
 */
export type OptimizerUpdate = { [A in OptimizerAlgo]: { algo: A; scalars: OptimizerScalars<A> } }[OptimizerAlgo];

/**
 * @internal Update `param` (and `state`) in place from `grad` with one fused pass.
 * `param` and `state` must be contiguous float32 tensors of one shape; `grad` may be strided.
 * `state` holds the buffers `OPTIMIZER_SCALAR_FIELDS` lists for the algorithm.
 *
 * @example
 * fusedOptimizerStep(p, p.grad, [], { algo: 'sgd', scalars: { lr: 0.1, weightDecay: 0, momentum: 0,
 *   dampening: 0, nesterov: false, maximize: false, firstStep: false } });
 */
export function fusedOptimizerStep(param: Tensor, grad: Tensor, state: readonly Tensor[], update: OptimizerUpdate): void {
  const { algo } = update;
  checkOperand(param, 'the parameter', param, algo);
  checkOperand(grad, 'the gradient', param, algo);
  const stateViews: View[] = [];
  for (let i = 0; i < state.length; i++) {
    checkOperand(state[i], `state buffer ${i}`, param, algo);
    stateViews.push(viewOf(state[i]));
  }
  if (!param.isContiguous() || !state.every((s) => s.isContiguous())) {
    throw new Error(`${algo}: parameters and optimizer state must be contiguous`);
  }
  const g = grad.isContiguous() ? grad : grad.contiguous();
  try {
    apply({
      name: 'OptimizerStep', kind: 'optimizerStep', inputs: [param, g, ...state], out: { into: param },
      args(): OpArgs['optimizerStep'] { return { ...update, param: viewOf(param), grad: viewOf(g), state: stateViews }; },
    });
    param.storage.version++;
    for (const s of state) s.storage.version++;
  } finally {
    if (g !== grad) g.dispose();
  }
}
