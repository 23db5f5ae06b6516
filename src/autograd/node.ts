/**
 * A node of the backward graph: one per differentiable op application.
 *
 * It holds edges to where its input gradients go (another node, or a leaf tensor's `.grad`),
 * the tensors its gradient rule needs (saved as aliases, with the storage version at save time),
 * and the rule itself as a closure: given the output's gradient, return one gradient per input.
 */
import type { Tensor } from '../core/tensor.js';
import { formatShape } from '../base/shape.js';

/**
 * Where the gradient of one input flows: into the node that produced the input, or into a
 * leaf's `.grad` (exactly one of the two is set; one object shape for both keeps the engine's
 * property accesses monomorphic). null for an input that needs no gradient.
 */
export type Edge = { readonly node: GradNode; readonly leaf: null } | { readonly node: null; readonly leaf: Tensor } | null;

/** The gradient rule: output gradient and unpacked saved tensors in, one gradient per input out. */
export type BackwardFn = (grad: Tensor, saved: readonly Tensor[]) => readonly (Tensor | null)[];

interface Saved {
  readonly alias: Tensor;
  readonly version: number;
}

export class GradNode {
  private saved: Saved[] | null;
  private readonly savedCount: number;

  constructor(
    /** The op's name, used in error messages (`MulBackward`). */
    readonly name: string,
    readonly next: readonly Edge[],
    saved: readonly Tensor[],
    readonly backward: BackwardFn,
    /** Shape and dtype of the forward output, for checking incoming gradients. */
    readonly outputShape: readonly number[],
    /** The output is a view of its input's memory (in-place ops consult this). */
    readonly isView = false,
  ) {
    const kept: Saved[] = [];
    for (let i = 0; i < saved.length; i++) kept.push({ alias: saved[i].aliasForAutograd(), version: saved[i].storageVersion });
    this.saved = kept;
    this.savedCount = saved.length;
  }

  /** The saved tensors, after checking no in-place op changed them since the forward pass. */
  unpackSaved(): Tensor[] {
    if (this.saved === null) {
      if (this.savedCount === 0) return [];
      throw new Error(`${this.name}: trying to backward through the graph a second time (or directly access saved tensors ` +
        'after they have already been freed). Saved intermediate values of the graph are freed when you call .backward(). ' +
        'Specify retainGraph: true if you need to backward through the graph a second time.');
    }
    return this.saved.map(({ alias, version }, i) => {
      if (alias.storageVersion !== version) {
        throw new Error(`one of the variables needed for gradient computation has been modified by an inplace operation: ` +
          `[${alias.dtype} ${formatShape(alias.shape)}], which is input ${i} of ${this.name}, is at version ` +
          `${alias.storageVersion}; expected version ${version} instead.`);
      }
      return alias;
    });
  }

  /** Free the saved tensors (after a backward pass without retainGraph). */
  release(): void {
    if (this.saved === null) return;
    for (const s of this.saved) s.alias.dispose();
    this.saved = null;
  }
}
