/**
 * Fusion of consecutive layers: the one place that decides which chains of functional calls
 * run as one kernel. A layer describes what it computes as a `FunctionalForm` (its functional
 * call with its parameters); a container asks `fusedPair(first, next)` and, when the table
 * has the pair, runs the fused call instead of the two. Values and gradients are those of the
 * two calls in order. Adding a fusion (conv + bias + ReLU, say) is a form and a table entry.
 */
import type { Tensor } from '../../core/tensor.js';
import { convolution, type ConvCaller, type ConvOptions } from './conv.js';
import { linearRelu } from './linear.js';

/** A layer's computation as a functional call (only the forms some fusion uses are listed). */
export type FunctionalForm =
  | { readonly op: 'linear'; readonly weight: Tensor; readonly bias: Tensor | null }
  | { readonly op: 'conv'; readonly caller: ConvCaller; readonly weight: Tensor; readonly bias: Tensor | null; readonly options: ConvOptions }
  | { readonly op: 'relu' };

type Op = FunctionalForm['op'];
type FormOf<O extends Op> = Extract<FunctionalForm, { op: O }>;
type Fused<A extends Op, B extends Op> = (x: Tensor, first: FormOf<A>, next: FormOf<B>) => Tensor;

/** first op → next op → the fused computation. */
const FUSIONS: { readonly [A in Op]?: { readonly [B in Op]?: Fused<A, B> } } = {
  // relu(x·Wᵀ + b) as one GEMM with a ReLU epilogue (F.linearRelu)
  linear: { relu: (x, fc) => linearRelu(x, fc.weight, fc.bias) },
  // relu(conv(x, W) + b) with the ReLU applied by the conv kernel to its finished tiles
  conv: { relu: (x, c) => convolution(c.caller, x, c.weight, c.bias, c.options, true) },
};

/**
 * The fused computation of `first` followed by `next`, or null when the pair has no fused
 * kernel.
 *
 * @example
 * const run = fusedPair({ op: 'linear', weight: w, bias: b }, { op: 'relu' });
 * run?.(x); // relu(linear(x, w, b)) in one kernel
 */
export function fusedPair(first: FunctionalForm, next: FunctionalForm): ((x: Tensor) => Tensor) | null {
  const rule = FUSIONS[first.op]?.[next.op] as Fused<Op, Op> | undefined;
  return rule === undefined ? null : (x) => rule(x, first, next);
}
