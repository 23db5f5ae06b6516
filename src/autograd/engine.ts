/**
 * The backward pass: reverse-mode accumulation over the recorded graph.
 *
 * The walk is iterative (an explicit stack for the topological count, a ready-list for the
 * sweep), so a chain of 100,000 ops backpropagates without touching the call stack's depth.
 * Each node runs once, after every node that feeds it a gradient has run; gradients arriving
 * at the same node or leaf are summed.
 */
import { tidy, type Tensor } from '../core/tensor.js';
import { formatShape, shapesEqual } from '../base/shape.js';
import { setGradEnabled } from './grad_mode.js';
import type { GradNode } from './node.js';

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be backpropagated again. */
  retainGraph?: boolean;
}

/** Count, for each node reachable from `root`, how many edges lead into it. */
function countDependencies(root: GradNode): Map<GradNode, number> {
  const deps = new Map<GradNode, number>([[root, 0]]);
  const stack: GradNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const edge of node.next) {
      if (edge === null || edge.node === null) continue;
      const seen = deps.get(edge.node);
      if (seen === undefined) {
        deps.set(edge.node, 1);
        stack.push(edge.node);
      } else {
        deps.set(edge.node, seen + 1);
      }
    }
  }
  return deps;
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
  try {
    const owned = takeGradient ? gradient : gradient.clone();
    if (root.gradFn === null) {
      accumulateLeaf(root, owned);
      return;
    }
    const deps = countDependencies(root.gradFn);
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
          continue;
        }
        if (g !== null) addInto(pending, edge.node, g);
        const left = deps.get(edge.node)! - 1;
        deps.set(edge.node, left);
        if (left === 0) {
          if (pending.has(edge.node)) ready.push(edge.node);
          else skipBranch(edge.node, deps, ready, pending, retain);
        }
      }
    }
  } finally {
    setGradEnabled(prevMode);
  }
}

/**
 * A node that received no gradient at all (every path into it was non-differentiable) still has
 * to release its dependants; walk on without computing anything.
 */
function skipBranch(start: GradNode, deps: Map<GradNode, number>, ready: GradNode[], pending: Map<GradNode, Tensor>, retain: boolean): void {
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!retain) node.release();
    for (const edge of node.next) {
      if (edge === null || edge.node === null) continue;
      const left = deps.get(edge.node)! - 1;
      deps.set(edge.node, left);
      if (left === 0) {
        if (pending.has(edge.node)) ready.push(edge.node);
        else stack.push(edge.node);
      }
    }
  }
}
