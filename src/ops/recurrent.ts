/**
 * One recurrent layer in one direction as one autograd node, the way cuDNN runs it rather than
 * as a graph of per-step ops. Forward is one `recurrentSequence` kernel: per step the input's
 * projection x_t·W_ihᵀ + b_ih, the state's h·W_hhᵀ + b_hh and the fused gates (the native kernel
 * gives each thread its own block of sequences for all steps, so steps need no barrier, and
 * keeps a step's projections in cache instead of storing x's for all steps). Backward is one
 * `recurrentSequenceBackward` kernel (the steps in reverse: fused gate gradients, then h's
 * gradient = dhPass + dhg·W_hh; the biases' gradients summed on the way), and the weights'
 * gradients are GEMMs over all steps at once (dW_hh = Σ_t dhg_tᵀ·h_{t−1} as one product over
 * the T·N rows of the step operands [x_t | h_{t−1}] the forward kept; dW_ih likewise) rather
 * than 2T small ones. Saved memory is O(T): the outputs, LSTM's cells, four or five values per
 * unit and step, and the step operands when a gradient is wanted.
 */
import { RECURRENT_GATES, type RecurrentMode, type View } from '../backends/ops.js';
import { noGrad } from '../autograd/grad_mode.js';
import { emptyTensor, viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { needsGrad } from '../autograd/record.js';
import { apply, attachOutputs } from './apply.js';

/** A layer's parameters in PyTorch's layout: W_ih [G·H, in], W_hh [G·H, H], biases [G·H] or null. */
export interface RecurrentLayerWeights {
  weightIh: Tensor;
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

/** The carried state at every step and the final state. */
export interface RecurrentLayerResult {
  /** [T, N, H]: the state after each step, in time order (held, not zeroed, past a padded sequence's end). */
  output: Tensor;
  /** [N, H]: the state after the last step processed (time 0 when reversed). */
  hN: Tensor;
  /** LSTM's final cell [N, H]; null for the others. */
  cN: Tensor | null;
}

/** What the steps wrote in forward, read again in backward. */
interface Trace {
  readonly mode: RecurrentMode;
  readonly x: Tensor;
  readonly h0: Tensor;
  readonly c0: Tensor | null;
  readonly w: RecurrentLayerWeights;
  readonly output: Tensor;
  readonly cells: Tensor | null;
  readonly saved: Tensor | null;
  /** [T, N, in + H]: each step's operands [x_t | h] (the weights' gradients are products over them). */
  readonly stepInputs: Tensor | null;
  readonly live: Tensor | null;
  readonly reverse: boolean;
}

/** Values per unit that a step keeps for backward (see the contract): LSTM's tanh(c') among them, so backward need not recompute it. */
const SAVED_BLOCKS = { lstm: 5, gru: 4 } as const;

/** A fresh float32 tensor on x's backend. */
const like = (x: Tensor, shape: readonly number[]): Tensor => emptyTensor(shape, 'float32', x.storage.backend);

/**
 * Runs one layer in one direction over time-major x [T, N, in] (any strides) from h0 (and LSTM's
 * c0), each [N, H]. `live` (bool [T, N], optional) marks the steps inside each padded sequence:
 * outside, the state is held. Differentiable in x, h0, c0 and the weights.
 *
 * @example
 * const w = { weightIh: dl.randn([16, 3]), weightHh: dl.randn([16, 4]), biasIh: null, biasHh: null };
 * recurrentLayer('lstm', dl.randn([5, 2, 3]), dl.zeros([2, 4]), dl.zeros([2, 4]), w).output.shape; // [5, 2, 4]
 */
export function recurrentLayer(mode: RecurrentMode, x: Tensor, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights,
  options: { reverse?: boolean; live?: Tensor | null } = {}): RecurrentLayerResult {
  const reverse = options.reverse ?? false;
  const live = options.live ?? null;
  const inputs = [x, h0, c0, w.weightIh, w.weightHh, w.biasIh, w.biasHh];
  const differentiable = needsGrad(inputs);
  const trace = noGrad(() => runForward(mode, x, h0, c0, w, reverse, live, differentiable));
  const last = reverse ? 0 : x.shape[0] - 1;
  const { output, cells } = trace;
  const hN = noGrad(() => output.select(0, last).clone());
  const cN = cells === null ? null : noGrad(() => cells.select(0, last).clone());
  const outs = cN === null ? [output, hN] : [output, hN, cN];
  const saved = [x, h0, c0, w.weightIh, w.weightHh, output, cells, trace.saved, trace.stepInputs, live].filter((t): t is Tensor => t !== null);
  attachOutputs(outs, `${mode === 'lstm' ? 'LSTM' : mode === 'gru' ? 'GRU' : 'RNN'}Layer`, inputs, saved, (grads) => runBackward(trace, grads));
  return { output, hN, cN };
}

function runForward(mode: RecurrentMode, x: Tensor, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights, reverse: boolean,
  live: Tensor | null, differentiable: boolean): Trace {
  const [T, N, inputSize] = x.shape;
  const H = w.weightHh.shape[1];
  // LSTM and the RNNs add b_hh where b_ih goes (only GRU's n gate keeps it apart): one bias
  const folded = mode !== 'gru' && w.biasHh !== null;
  const biasIh = folded ? (w.biasIh === null ? w.biasHh : w.biasIh.add(w.biasHh!)) : w.biasIh;
  // the kernel reads x's rows in place: only their last dim must be unit-stride
  const input = x.strides[2] === 1 ? x : x.contiguous();
  const cells = mode === 'lstm' ? like(x, [T, N, H]) : null;
  const saved = mode === 'lstm' || mode === 'gru' ? like(x, [T, N, SAVED_BLOCKS[mode] * H]) : null;
  const stepInputs = differentiable ? like(x, [T, N, inputSize + H]) : null;
  const output = apply({
    name: 'RecurrentSequence', kind: 'recurrentSequence', inputs: [input, w.weightIh, w.weightHh, biasIh, h0, c0],
    out: { shape: [T, N, H], dtype: 'float32' },
    args(o) { return {
      mode, reverse, x: viewOf(input), weightIh: viewOf(w.weightIh), biasIh: optional(biasIh), weightHh: viewOf(w.weightHh),
      biasHh: folded ? undefined : optional(w.biasHh), h0: viewOf(h0), c0: optional(c0), live: optional(live), output: viewOf(o),
      cells: optional(cells), saved: optional(saved), stepInputs: optional(stepInputs),
    }; },
  });
  return { mode, x, h0, c0, w, output, cells, saved, stepInputs, live, reverse };
}

/** A gradient with unit stride along its last dim, as the row kernels read it (a broadcast one is materialised). */
const rowsReadable = (g: Tensor | null): Tensor | null => (g === null || g.strides[g.ndim - 1] === 1 ? g : g.contiguous());

function runBackward(trace: Trace, grads: readonly (Tensor | null)[]): (Tensor | null)[] {
  const { mode, x, h0, c0, w, output, cells, saved, live, reverse } = trace;
  const [T, N, inputSize] = x.shape;
  const H = w.weightHh.shape[1];
  const GH = RECURRENT_GATES[mode] * H;
  const [dOutput, dhN, dcN] = [rowsReadable(grads[0]), rowsReadable(grads[1] ?? null), rowsReadable(grads[2] ?? null)];
  const dhg = mode === 'gru' ? like(x, [T, N, GH]) : null;
  const dh0 = like(x, [N, H]);
  const dc0 = mode === 'lstm' ? like(x, [N, H]) : null;
  const needs = (t: Tensor | null): t is Tensor => t !== null && t.requiresGrad;
  // LSTM's and the RNNs' two biases get the same gradient, summed once
  const dbIh = needs(w.biasIh) || (dhg === null && needs(w.biasHh)) ? like(x, [GH]) : null;
  const dbHh = dhg !== null && needs(w.biasHh) ? like(x, [GH]) : null;
  const dxg = apply({
    name: 'RecurrentSequenceGrad', kind: 'recurrentSequenceBackward', inputs: [output, w.weightHh, h0],
    out: { shape: [T, N, GH], dtype: 'float32' },
    args(o) { return {
      mode, reverse, dOutput: optional(dOutput), dhN: optional(dhN), dcN: optional(dcN), weightHh: viewOf(w.weightHh), h0: viewOf(h0),
      c0: optional(c0), live: optional(live), output: viewOf(output), cells: optional(cells), saved: optional(saved), dxg: viewOf(o),
      dhg: optional(dhg), dh0: viewOf(dh0), dc0: optional(dc0), dbIh: optional(dbIh), dbHh: optional(dbHh),
    }; },
  });
  const gx = dxg.reshape([T * N, GH]);
  const gh = dhg === null ? gx : dhg.reshape([T * N, GH]);
  return [
    x.requiresGrad ? gx.matmul(w.weightIh).reshape([T, N, inputSize]) : null,
    h0.requiresGrad ? dh0 : null,
    needs(c0) ? dc0 : null,
    ...weightGrads(trace, gx, gh),
    needs(w.biasIh) ? dbIh : null,
    needs(w.biasHh) ? (dhg === null ? (needs(w.biasIh) ? dbIh!.clone() : dbIh) : dbHh) : null,
  ];
}

/** The view of an optional tensor. */
const optional = (t: Tensor | null): View | undefined => (t === null ? undefined : viewOf(t));

/**
 * dW_ih = dxgᵀ·x and dW_hh = dhgᵀ·h_prev over all T·N rows, from the forward's step operands
 * [x_t | h_prev] (read in place, no gathering of x and of the shifted states). They are formed
 * transposed, [in + H, G·H] = [x | h_prev]ᵀ·dxg, so that the GEMM's columns are the G·H gate
 * units (whole 48-wide register panels; the other way round, in + H = 156 columns leave half
 * the panels narrow). Where the two gradients are the same matrix (LSTM, the RNNs) one GEMM
 * reads it once for both weights.
 */
function weightGrads(trace: Trace, gx: Tensor, gh: Tensor): [Tensor | null, Tensor | null] {
  const { w } = trace;
  const [ih, hh] = [w.weightIh.requiresGrad, w.weightHh.requiresGrad];
  if (!ih && !hh) return [null, null];
  const [T, N, inputSize] = trace.x.shape;
  const H = w.weightHh.shape[1];
  const operands = trace.stepInputs!.reshape([T * N, inputSize + H]);
  const transposedGrad = (start: number, length: number, g: Tensor): Tensor => operands.narrow(1, start, length).t().matmul(g).t().contiguous();
  if (ih && hh && gx === gh) {
    const both = operands.t().matmul(gx).t();
    return [both.narrow(1, 0, inputSize).contiguous(), both.narrow(1, inputSize, H).contiguous()];
  }
  return [ih ? transposedGrad(0, inputSize, gx) : null, hh ? transposedGrad(inputSize, H, gh) : null];
}
