/**
 * Gradient checking by central finite differences (like `torch.autograd.gradcheck`).
 *
 * The outputs are reduced to one scalar by a fixed random projection s = Σ v·y (in double
 * precision on the host), so one backward pass gives the analytic gradient of every input;
 * each input element is then nudged by ±eps and s re-evaluated. Tensors compute in float32,
 * hence the default eps and tolerances are those that float32 supports, not float64's.
 */
import { Generator } from '../core/generator.js';
import { formatShape } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from './creation.js';
import { noGrad } from '../autograd/grad_mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw with a description of the worst mismatch (default), or just return false. */
  raiseException?: boolean;
  /** Seed of the projection vector. */
  seed?: number;
}

function asList(out: Tensor | readonly Tensor[]): readonly Tensor[] {
  return Array.isArray(out) ? out : [out as Tensor];
}

function project(outputs: readonly Tensor[], weights: Float64Array[]): number {
  let s = 0;
  outputs.forEach((y, k) => {
    if (y.dtype !== 'float32') return; // indices and masks carry no gradient
    const data = y.dataSync() as Float32Array;
    for (let i = 0; i < data.length; i++) s += weights[k][i] * data[i];
  });
  return s;
}

/**
 * Compare the gradients autograd computes for `fn` at `inputs` with finite differences.
 * Inputs that require grad are checked; returns true when all agree.
 *
 * @example
 * const x = dl.randn([3, 4], { requiresGrad: true });
 * dl.autograd.gradcheck((t) => t.tanh().sum(1), [x]); // true
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor | readonly Tensor[], inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-3;
  const atol = options.atol ?? 1e-3;
  const rtol = options.rtol ?? 1e-2;
  const gen = new Generator(options.seed ?? 1234);
  const checked = inputs.filter((t) => t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: none of the inputs requires grad');
  for (const t of checked) {
    if (!t.isLeaf) throw new Error('gradcheck: inputs must be leaf tensors');
    t.grad = null;
  }
  const outputs = asList(fn(...inputs));
  const weights = outputs.map((y) => Float64Array.from({ length: y.numel() }, () => gen.nextDouble() * 2 - 1));
  // analytic: backward of Σ v·y
  let total: Tensor | null = null;
  outputs.forEach((y, k) => {
    if (!y.requiresGrad) return;
    const v = tensor(new Float32Array(weights[k]), { shape: y.shape });
    const term = y.mul(v).sum();
    total = total === null ? term : total.add(term);
  });
  if (total === null) throw new Error('gradcheck: no output requires grad');
  (total as Tensor).backward();
  let worst = { error: 0, input: -1, index: -1, analytic: 0, numeric: 0 };
  checked.forEach((t, inputIndex) => {
    const analytic = t.grad === null ? new Float32Array(t.numel()) : (t.grad.dataSync() as Float32Array);
    const base = t.dataSync() as Float32Array;
    for (let i = 0; i < base.length; i++) {
      const at = (delta: number): number => noGrad(() => {
        const probe = Float32Array.from(base);
        probe[i] = base[i] + delta;
        t.storage.backend.write(t.storage.handle, probe, t.offset);
        const outs = asList(fn(...inputs));
        return project(outs, weights);
      });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      t.storage.backend.write(t.storage.handle, base, t.offset);
      const error = Math.abs(numeric - analytic[i]) - (atol + rtol * Math.abs(numeric));
      if (error > worst.error) worst = { error, input: inputIndex, index: i, analytic: analytic[i], numeric };
    }
  });
  if (worst.input < 0) return true;
  if (options.raiseException === false) return false;
  const shape = formatShape(checked[worst.input].shape);
  throw new Error(`gradcheck: Jacobian mismatch for input ${worst.input} (shape ${shape}) at flat index ${worst.index}: ` +
    `analytic ${worst.analytic}, numerical ${worst.numeric} (eps ${eps}, atol ${atol}, rtol ${rtol})`);
}
