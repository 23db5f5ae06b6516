/**
 * The backward pass: reverse-mode accumulation over the recorded graph.
 *
 * The walk is iterative (an explicit stack for the topological count, a ready-list for the
 * sweep), so a chain of 100,000 ops backpropagates without touching the call stack's depth.
 * Each node runs once, after every node that feeds it a gradient has run; gradients arriving
 * at the same node or leaf are summed.
 *
 * Leaves with post-accumulate-grad hooks (`Tensor.registerPostAccumulateGradHook`) get their
 * hooks called once their last gradient edge of the pass has been processed; callbacks queued
 * with {@link queueBackwardCallback} run when the sweep is done, before `backward` returns.
 * Without hooks, the cost is one field read per leaf edge.
 */
import { tidy, type Tensor } from '../core/tensor.js';
import { formatShape, shapesEqual } from '../base/shape.js';
import { setGradEnabled } from './grad_mode.js';
import type { GradNode } from './node.js';

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be backpropagated again. */
  retainGraph?: boolean;
}

/** Leaves with hooks: edges of the pass still to be processed, and whether a gradient arrived. */
type HookedLeaves = Map<Tensor, { left: number; got: boolean }>;

/**
 * Count, for each node reachable from `root`, how many edges lead into it (and into each leaf
 * that has post-accumulate-grad hooks; `hooked` is null when none does).
 */
function countDependencies(root: GradNode): { deps: Map<GradNode, number>; hooked: HookedLeaves | null } {
  const deps = new Map<GradNode, number>([[root, 0]]);
  let hooked: HookedLeaves | null = null;
  const stack: GradNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const edge of node.next) {
      if (edge === null) continue;
      if (edge.node === null) {
        if (edge.leaf.postAccumulateGradHooks === null) continue;
        hooked ??= new Map();
        const h = hooked.get(edge.leaf);
        if (h === undefined) hooked.set(edge.leaf, { left: 1, got: false });
        else h.left++;
        continue;
      }
      const seen = deps.get(edge.node);
      if (seen === undefined) {
        deps.set(edge.node, 1);
        stack.push(edge.node);
      } else {
        deps.set(edge.node, seen + 1);
      }
    }
  }
  return { deps, hooked };
}

/** One leaf edge of the pass processed (`got`: it carried a gradient); the hooks run after the last one. */
function leafEdgeDone(hooked: HookedLeaves | null, leaf: Tensor, got: boolean): void {
  const h = hooked?.get(leaf);
  if (h === undefined) return;
  h.got ||= got;
  if (--h.left === 0 && h.got) runLeafHooks(leaf);
}

function runLeafHooks(leaf: Tensor): void {
  const hooks = leaf.postAccumulateGradHooks;
  if (hooks === null) return;
  for (const hook of [...hooks]) hook(leaf); // a hook may remove itself
}

/** Callbacks queued during the backward pass in progress (null outside one). */
let queuedCallbacks: (() => void)[] | null = null;

/**
 * Runs `callback` when the backward pass in progress has finished its sweep, before `backward`
 * returns (PyTorch's `Variable._execution_engine.queue_callback`): DistributedDataParallel waits
 * for its gradient all-reduces there. Only callable during a backward pass (from a hook).
 *
 * @example
 * w.registerPostAccumulateGradHook(() => queueBackwardCallback(() => console.log('backward done')));
 */
export function queueBackwardCallback(callback: () => void): void {
  if (queuedCallbacks === null) throw new Error('queueBackwardCallback: can only be called during the backward pass');
  queuedCallbacks.push(callback);
}

/** Runs the queued callbacks in order (a callback may queue more). */
function runQueuedCallbacks(queue: (() => void)[]): void {
  for (let i = 0; i < queue.length; i++) queue[i]();
}

function addInto(acc: Map<GradNode, Tensor>, node: GradNode, grad: Tensor): void {
  const prev = acc.get(node);
  if (prev === undefined) {
    acc.set(node, grad);
  } else {
    acc.set(node, prev.add(grad));
    prev.dispose();
    grad.dispose();
  }
}

/**
 * A rule may return its incoming gradient, or one tensor for several inputs (add returns
 * [g, g]). Give every returned gradient its own wrapper so each consumer can dispose its own.
 */
function uniqueOwners(grads: readonly (Tensor | null)[], incoming: Tensor): (Tensor | null)[] {
  const owned: (Tensor | null)[] = [];
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i] ?? null;
    // rules return a handful of gradients: a linear scan beats building a Set per node
    let shared = g === incoming;
    for (let j = 0; j < i && !shared; j++) shared = grads[j] === g;
    owned.push(g === null ? null : shared ? g.aliasForAutograd() : g);
  }
  return owned;
}

function accumulateLeaf(leaf: Tensor, grad: Tensor): void {
  if (!shapesEqual(grad.shape, leaf.shape)) {
    throw new Error(`backward: gradient of shape ${formatShape(grad.shape)} does not match leaf of shape ${formatShape(leaf.shape)}`);
  }
  const existing = leaf.grad;
  if (existing === null) {
    // .grad is accumulated into in place later, so it must own its memory alone
    if (grad.isContiguous() && grad.offset === 0 && grad.storage.refCount === 1) {
      leaf.adoptGrad(grad);
    } else {
      leaf.adoptGrad(grad.clone());
      grad.dispose();
    }
  } else {
    existing.addInPlaceUnchecked(grad);
    grad.dispose();
  }
}

/**
 * Backpropagates `gradient` (d loss / d root) through the graph that produced `root`,
 * accumulating into `.grad` of every leaf that requires grad. The caller keeps `gradient`,
 * unless `takeGradient` hands it over (a gradient made just for this call, saving a copy).
 */
export function runBackward(root: Tensor, gradient: Tensor, options: BackwardOptions = {}, takeGradient = false): void {
  const retain = options.retainGraph === true;
  const prevMode = setGradEnabled(false);
  const outerQueue = queuedCallbacks;
  const queue: (() => void)[] = [];
  queuedCallbacks = queue;
  try {
    sweep(root, gradient, retain, takeGradient);
    runQueuedCallbacks(queue);
  } finally {
    queuedCallbacks = outerQueue;
    setGradEnabled(prevMode);
  }
}

/** The sweep of {@link runBackward}: every reachable node once, in dependency order. */
function sweep(root: Tensor, gradient: Tensor, retain: boolean, takeGradient: boolean): void {
  const owned = takeGradient ? gradient : gradient.clone();
  if (root.gradFn === null) {
    accumulateLeaf(root, owned);
    runLeafHooks(root);
    return;
  }
  const { deps, hooked } = countDependencies(root.gradFn);
  const pending = new Map<GradNode, Tensor>([[root.gradFn, owned]]);
  const ready: GradNode[] = [root.gradFn];
  while (ready.length > 0) {
    const node = ready.pop()!;
    const grad = pending.get(node)!;
    pending.delete(node);
    if (!shapesEqual(grad.shape, node.outputShape)) {
      throw new Error(`${node.name}: received a gradient of shape ${formatShape(grad.shape)} for an output of shape ${formatShape(node.outputShape)}`);
    }
    const saved = node.unpackSaved();
    // Temporaries of the rule are freed as soon as it returns; its results are ours to dispose.
    const inputGrads = uniqueOwners(tidy(() => node.backward(grad, saved)), grad);
    grad.dispose();
    if (!retain) node.release();
    for (let i = 0; i < node.next.length; i++) {
      const edge = node.next[i];
      const g = inputGrads[i] ?? null;
      if (edge === null) {
        // a gradient for an input that needs none (a constant operand): drop it now
        g?.dispose();
        continue;
      }
      if (edge.node === null) {
        if (g !== null) accumulateLeaf(edge.leaf, g);
        if (hooked !== null) leafEdgeDone(hooked, edge.leaf, g !== null);
        continue;
      }
      if (g !== null) addInto(pending, edge.node, g);
      const left = deps.get(edge.node)! - 1;
      deps.set(edge.node, left);
      if (left === 0) {
        if (pending.has(edge.node)) ready.push(edge.node);
        else skipBranch(edge.node, deps, ready, pending, retain, hooked);
      }
    }
  }
}

/**
 * A node that received no gradient at all (every path into it was non-differentiable) still has
 * to release its dependants; walk on without computing anything.
 */
function skipBranch(start: GradNode, deps: Map<GradNode, number>, ready: GradNode[], pending: Map<GradNode, Tensor>, retain: boolean,
  hooked: HookedLeaves | null): void {
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!retain) node.release();
    for (const edge of node.next) {
      if (edge === null) continue;
      if (edge.node === null) {
        if (hooked !== null) leafEdgeDone(hooked, edge.leaf, false);
        continue;
      }
      const left = deps.get(edge.node)! - 1;
      deps.set(edge.node, left);
      if (left === 0) {
        if (pending.has(edge.node)) ready.push(edge.node);
        else stack.push(edge.node);
      }
    }
  }
}
