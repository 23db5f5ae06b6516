/**
 * The one place optimizers touch parameter memory: a fused update of a parameter and its state
 * buffers in a single pass (see `backends/reference/optimizer_step.ts` for the algorithms).
 */
import type { HostMemoryBackend } from '../backends/backend.js';
import { optimizerStepHost, type FloatRun, type OptimizerAlgo } from '../backends/reference/optimizer_step.js';
import { formatShape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';

function isHostMemory(backend: object): backend is HostMemoryBackend {
  return typeof (backend as Partial<HostMemoryBackend>).hostArray === 'function';
}

function checkOperand(t: Tensor, what: string, shape: readonly number[], algo: OptimizerAlgo): void {
  t.assertAlive();
  if (t.dtype !== 'float32') throw new TypeError(`${algo}: ${what} must be float32, got ${t.dtype}`);
  if (t.shape.join() !== shape.join()) {
    throw new Error(`${algo}: ${what} has shape ${formatShape(t.shape)} but the parameter has shape ${formatShape(shape)}`);
  }
}

/**
 * @internal Update `param` (and `state`) in place from `grad` with one fused pass.
 * `param` and `state` must be contiguous float32 tensors of one shape; `grad` may be strided.
 */
export function fusedOptimizerStep(algo: OptimizerAlgo, param: Tensor, grad: Tensor, state: readonly Tensor[], scalars: readonly number[]): void {
  checkOperand(param, 'the parameter', param.shape, algo);
  checkOperand(grad, 'the gradient', param.shape, algo);
  state.forEach((s, i) => checkOperand(s, `state buffer ${i}`, param.shape, algo));
  for (const t of [param, ...state]) {
    if (!t.isContiguous()) throw new Error(`${algo}: parameters and optimizer state must be contiguous`);
  }
  const g = grad.isContiguous() ? grad : grad.contiguous();
  try {
    const backend = param.storage.backend;
    const n = param.numel();
    const operands = [param, g, ...state];
    let runs: FloatRun[];
    if (isHostMemory(backend)) {
      runs = operands.map((t) => ({ data: backend.hostArray(t.storage.handle, 'float32') as Float32Array, offset: t.offset }));
    } else {
      runs = operands.map((t) => ({ data: backend.read(t.storage.handle, 'float32', t.offset, n) as Float32Array, offset: 0 }));
    }
    optimizerStepHost({ algo, n, param: runs[0], grad: runs[1], state: runs.slice(2), scalars });
    if (!isHostMemory(backend)) {
      [param, ...state].forEach((t, i) => backend.write(t.storage.handle, runs[i === 0 ? 0 : i + 1].data, t.offset));
    }
    param.storage.version++;
    for (const s of state) s.storage.version++;
  } finally {
    if (g !== grad) g.dispose();
  }
}
