/**
 * The one way an op runs: every front-end op that launches a kernel goes through `apply` (or
 * `applyMulti` for several outputs), every view op through `applyView`. The sequence is always
 *
 *   inputs checked alive → backend they share → outputs allocated → kernel arguments described
 *   as views → kernel run (dispatch.ts: the backend, or the host fallback) → gradient recorded
 *
 * so an op definition only states what differs: the kernel kind, the output shapes and dtypes,
 * the arguments, and — when it is differentiable — what its backward reads and computes.
 *
 * The per-call callbacks (`args`, `gradient`, `backward`) are written as methods, not as arrow
 * properties: under tsx (tests, benches, the CLI from source) esbuild's keepNames wraps every
 * arrow property in a `defineProperty` call each time the object is built, which tripled the
 * cost of a small op (bench/dispatch.ts: 1.2 µs → 3.5 µs for an add of two [4] tensors).
 *
 * @example
 * // y = exp(x) as the elementwise module defines it
 * apply({
 *   name: 'Exp', kind: 'unary', inputs: [x], out: { shape: x.shape, dtype: 'float32' },
 *   args(out) { return { op: 'exp', x: viewOf(x), out: viewOf(out) }; },
 *   gradient: (out) => ({ saved: [out], backward: (g, [y]) => [g.mul(y)] }),
 * });
 */
import type { Backend } from '../backends/backend.js';
import type { OpArgs, OpKind } from '../backends/ops.js';
import { getBackend } from '../backends/select.js';
import type { DType } from '../base/dtype.js';
import type { Shape } from '../base/shape.js';
import { needsGrad, record } from '../autograd/record.js';
import type { BackwardFn } from '../autograd/node.js';
import { emptyTensor, runKernel } from '../core/dispatch.js';
import { keep } from '../core/scope.js';
import { Tensor } from '../core/tensor.js';
import { filled } from './creation.js';

/** An output to allocate. */
export interface OutputSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** How an op application differentiates: the tensors its rule reads, and the rule. */
export interface Gradient {
  /** Kept alive and version-checked until backward (in-place changes to them are errors). */
  readonly saved: readonly Tensor[];
  /** One gradient per input of the call, in order; null where an input gets none. */
  readonly backward: BackwardFn;
}

interface CallBase<K extends OpKind> {
  /** The op's name in errors and in its gradient node (`${name}Backward`). */
  readonly name: string;
  readonly kind: K;
  /** The tensors the op reads: they fix the backend and are the gradient's edges (null: none). */
  readonly inputs: readonly (Tensor | null)[];
  /** The backend, for ops without tensor inputs (fills); otherwise the inputs' common one. */
  readonly backend?: Backend;
}

/** One kernel launch producing one output. */
export interface OpCall<K extends OpKind> extends CallBase<K> {
  /** The output: a fresh tensor of this shape and dtype, or an existing tensor to write into. */
  readonly out: OutputSpec | { readonly into: Tensor };
  /** The kernel's arguments, given the output. */
  readonly args: (out: Tensor) => OpArgs[K];
  /** The gradient rule, asked for only when autograd records this call; absent: not differentiable. */
  readonly gradient?: ((out: Tensor) => Gradient) | null;
}

/** One kernel launch producing several outputs; the gradient attaches to the first. */
export interface MultiOpCall<K extends OpKind> extends CallBase<K> {
  readonly outs: readonly OutputSpec[];
  readonly args: (outs: readonly Tensor[]) => OpArgs[K];
  readonly gradient?: ((outs: readonly Tensor[]) => Gradient) | null;
}

/**
 * @internal What an exporter sees of each op while it traces a model (src/onnx/trace.ts): every
 * kernel launch with its arguments, every view. Null, and so one comparison per op, otherwise.
 */
export interface OpObserver {
  /** A kernel ran, writing `outs`; `into`: into an existing tensor rather than a fresh output. */
  kernel<K extends OpKind>(name: string, kind: K, args: OpArgs[K], inputs: readonly (Tensor | null)[], outs: readonly Tensor[], into: boolean): void;
  /** `out` is a view of `x` made by the view op `name`. */
  view(name: string, x: Tensor, out: Tensor): void;
}

let observer: OpObserver | null = null;

/** @internal Installs (or, with null, removes) the op observer; returns the previous one. */
export function setOpObserver(next: OpObserver | null): OpObserver | null {
  const previous = observer;
  observer = next;
  return previous;
}

/** Runs one kernel on a fresh (or given) output and records its gradient. */
export function apply<K extends OpKind>(call: OpCall<K>): Tensor {
  const backend = backendOf(call);
  const out = 'into' in call.out ? call.out.into : emptyTensor(call.out.shape, call.out.dtype, backend);
  const args = call.args(out);
  runKernel(backend, call.kind, args);
  if (observer !== null) observer.kernel(call.name, call.kind, args, call.inputs, [out], 'into' in call.out);
  if (call.gradient && needsGrad(call.inputs)) attach(out, call.name, call.inputs, call.gradient(out));
  return out;
}

/** Runs one kernel with several fresh outputs (sort: values and indices). */
export function applyMulti<K extends OpKind>(call: MultiOpCall<K>): Tensor[] {
  const backend = backendOf(call);
  const outs = call.outs.map((o) => emptyTensor(o.shape, o.dtype, backend));
  const args = call.args(outs);
  runKernel(backend, call.kind, args);
  if (observer !== null) observer.kernel(call.name, call.kind, args, call.inputs, outs, false);
  if (call.gradient && needsGrad(call.inputs)) attach(outs[0], call.name, call.inputs, call.gradient(outs));
  return outs;
}

/** Where a view starts in its storage and how it walks it. */
export interface Geometry {
  shape: number[];
  strides: number[];
  offset: number;
}

/**
 * A view op: a tensor sharing x's storage with another geometry, no kernel. Its gradient node is
 * marked as a view's, which in-place ops consult (a write through a view is refused).
 */
export function applyView(x: Tensor, name: string, geo: Geometry, backward: (g: Tensor) => Tensor): Tensor {
  x.assertAlive();
  const out = new Tensor(x.storage, geo.shape, geo.strides, geo.offset, x.dtype);
  if (observer !== null) observer.view(name, x, out);
  if (needsGrad([x])) record(out, `${name}Backward`, [x], [], (g) => [backward(g)], { view: true });
  return out;
}

/**
 * Records a rule for a result computed by other means (an op composed of kernels whose
 * intermediate steps must not be recorded one by one, such as a fused layer). Prefer `apply`.
 */
export function attach(out: Tensor, name: string, inputs: readonly (Tensor | null)[], gradient: Gradient): Tensor {
  return record(out, `${name}Backward`, inputs, gradient.saved, gradient.backward);
}

/**
 * Records one rule for an op with several differentiable outputs (a recurrent layer's output
 * sequence and final states). The engine's nodes have one output each, so `outs[0]` carries the
 * rule and each other output gets a node that hands its gradient over: the rule receives every
 * output's gradient, null for the others where none arrived. `outs[0]`'s may be a stride-0 zero
 * when only the others received one (their node must wake the rule's), so the rule reads it
 * through its strides. Outputs must not share memory with each other.
 */
export function attachOutputs(outs: readonly Tensor[], name: string, inputs: readonly (Tensor | null)[], saved: readonly Tensor[],
  backward: (grads: readonly (Tensor | null)[], saved: readonly Tensor[]) => (Tensor | null)[]): void {
  if (!needsGrad(inputs)) return;
  const handed: (Tensor | null)[] = outs.map(() => null);
  let woken = false;
  record(outs[0], `${name}Backward`, inputs, saved, (g, s) => {
    const grads = [g, ...handed.slice(1)];
    try {
      return backward(grads, s);
    } finally {
      for (const t of handed) t?.dispose();
      handed.fill(null); // a retained graph collects afresh on the next backward
      woken = false;
    }
  });
  const primary = outs[0];
  for (let i = 1; i < outs.length; i++) {
    record(outs[i], `${name}OutputBackward`, [primary], [], (g) => {
      handed[i] = keep(g.clone()); // the engine frees g when this returns
      if (woken) return [null];
      woken = true;
      return [filled([], primary.dtype, 0, primary.storage.backend).expand(primary.shape)];
    });
  }
}

function backendOf(call: CallBase<OpKind>): Backend {
  const inputs = call.inputs;
  let backend: Backend | undefined = call.backend;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (t === null) continue;
    t.assertAlive();
    const b = t.storage.backend;
    if (backend === undefined) backend = b;
    else if (b !== backend) {
      throw new Error(`${call.name}: expected all tensors to be on the same backend, found ${backend.name} and ${b.name}`);
    }
  }
  return backend ?? getBackend();
}
