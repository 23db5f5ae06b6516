/** Attaching a gradient rule to the result of an op. */
import type { Tensor } from '../core/tensor.js';
import { isGradEnabled } from './grad_mode.js';
import { GradNode, type BackwardFn, type Edge } from './node.js';

/** True when an op on these inputs must record a node. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t !== null && t !== undefined && t.requiresGrad) return true;
  }
  return false;
}

/** What kind of op a node records. */
export interface RecordOptions {
  /** The output aliases its input's memory (a view op): in-place writes through it are refused. */
  readonly view?: boolean;
}

/**
 * Records `out = op(inputs)` for backpropagation when grad mode is on and some input requires
 * grad. `saved` are the tensors `backward` needs; they are kept alive (and version-checked)
 * until the backward pass frees them. Returns `out`. Ops call it through `ops/apply.ts`.
 */
export function record(out: Tensor, name: string, inputs: readonly (Tensor | null)[], saved: readonly Tensor[], backward: BackwardFn,
  options?: RecordOptions): Tensor {
  if (!needsGrad(inputs)) return out;
  const next: Edge[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t === null || !t.requiresGrad) next.push(null);
    else if (t.gradFn !== null) next.push({ node: t.gradFn, leaf: null });
    else next.push({ node: null, leaf: t });
  }
  out.setGradFn(new GradNode(name, next, saved, backward, out.shape, options?.view === true));
  return out;
}
