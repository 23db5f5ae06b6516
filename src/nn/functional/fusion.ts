/**
 * Fusion of consecutive layers: the one place that decides which chains of functional calls
 * run as one kernel, or in a cheaper order with the same result. A layer describes what it
 * computes as a `FunctionalForm` (its functional call with its parameters); a container asks
 * `fusedChain(forms)` and, when the table has a chain starting there, runs it instead of the
 * layers. Values and gradients are those of the layers in order. Adding a fusion is a form and
 * a table entry.
 */
import type { Tensor } from '../../core/tensor.js';
import { relu } from './activation.js';
import { convolution, type ConvCaller, type ConvOptions } from './conv.js';
import { linearRelu } from './linear.js';

/** A layer's computation as a functional call (only the forms some fusion uses are listed). */
export type FunctionalForm =
  | { readonly op: 'linear'; readonly weight: Tensor; readonly bias: Tensor | null }
  | { readonly op: 'conv'; readonly caller: ConvCaller; readonly weight: Tensor; readonly bias: Tensor | null; readonly options: ConvOptions }
  | { readonly op: 'relu' }
  /** Max pooling returning values only, as its layer runs it. */
  | { readonly op: 'maxPool'; readonly pool: (x: Tensor) => Tensor };

type Op = FunctionalForm['op'];
type FormOf<O extends Op> = Extract<FunctionalForm, { op: O }>;
type FormsOf<O extends readonly Op[]> = { readonly [I in keyof O]: FormOf<O[I]> };

interface Chain {
  readonly ops: readonly Op[];
  readonly run: (x: Tensor, forms: readonly FunctionalForm[]) => Tensor;
}

/** A table entry: `run` sees the forms typed by `ops`. */
const chain = <const O extends readonly Op[]>(ops: O, run: (x: Tensor, forms: FormsOf<O>) => Tensor): Chain =>
  ({ ops, run: run as unknown as Chain['run'] });

/**
 * The chains, longest first (a layer joins the longest chain that starts with it).
 * ReLU before max pooling runs after it instead: max is monotone, so relu(maxPool(x)) equals
 * maxPool(relu(x)) value for value and routes each gradient through the same element (the
 * first maximum), while ReLU and its backward then touch a quarter of the elements (2×2 pools);
 * on the bench CNN (28×28 and 14×14 maps) ReLU's backward was 6 % of a step.
 */
const CHAINS: readonly Chain[] = [
  chain(['conv', 'relu', 'maxPool'], (x, [c, , p]) => relu(p.pool(convolution(c.caller, x, c.weight, c.bias, c.options, false)))),
  // relu(x·Wᵀ + b) as one GEMM with a ReLU epilogue (F.linearRelu)
  chain(['linear', 'relu'], (x, [fc]) => linearRelu(x, fc.weight, fc.bias)),
  // relu(conv(x, W) + b) with the ReLU applied by the conv kernel to its finished tiles
  chain(['conv', 'relu'], (x, [c]) => convolution(c.caller, x, c.weight, c.bias, c.options, true)),
  chain(['relu', 'maxPool'], (x, [, p]) => relu(p.pool(x))),
];

/**
 * The fused computation of the layers whose forms `formAt(0)`, `formAt(1)`, … describe (null:
 * a layer without a form, or past the end), with how many layers it covers; null when no chain
 * starts with the first.
 *
 * @example
 * const forms = [{ op: 'linear', weight: w, bias: b }, { op: 'relu' }] as const;
 * const fused = fusedChain((i) => forms[i] ?? null);
 * fused?.run(x); // relu(linear(x, w, b)) in one kernel; fused.length === 2
 */
export function fusedChain(formAt: (i: number) => FunctionalForm | null): { length: number; run: (x: Tensor) => Tensor } | null {
  const forms: (FunctionalForm | null)[] = [];
  const form = (i: number): FunctionalForm | null => {
    while (forms.length <= i) forms.push(formAt(forms.length));
    return forms[i];
  };
  if (form(0) === null) return null;
  for (const c of CHAINS) {
    if (c.ops.every((op, i) => form(i)?.op === op)) {
      const matched = forms.slice(0, c.ops.length) as FunctionalForm[];
      return { length: c.ops.length, run: (x) => c.run(x, matched) };
    }
  }
  return null;
}
