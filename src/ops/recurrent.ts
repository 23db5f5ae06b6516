/**
 * One recurrent layer in one direction as one autograd node, the way cuDNN runs it rather than
 * as a graph of per-step ops. Forward: the input projection of all T steps is one GEMM
 * (xg = x·W_ihᵀ + b_ih over [T·N, in]); each step is one recurrent GEMM (hg = h·W_hhᵀ + b_hh)
 * and one fused `recurrentCell` kernel (gates, state update, what backward needs). Backward
 * walks the steps in reverse with one fused `recurrentCellBackward` kernel and one GEMM per
 * step (h's gradient = dhPass + dhg·W_hh), and leaves the weight gradients to three GEMMs over
 * all steps at once (dW_hh = Σ_t dhg_tᵀ·h_{t−1} as [G·H, T·N]·[T·N, H]; dW_ih and dx likewise),
 * where 28 small ones per step cost more than twice as much. Saved memory is O(T): the
 * outputs, LSTM's cells, and four gate values per unit and step.
 */
import { RECURRENT_GATES, type RecurrentMode, type View } from '../backends/ops.js';
import { noGrad } from '../autograd/grad_mode.js';
import { emptyTensor, viewAs, viewOf } from '../core/dispatch.js';
import type { Tensor } from '../core/tensor.js';
import { apply, attachOutputs } from './apply.js';
import { filled } from './creation.js';
import { cat } from './join.js';
import { affine } from './linalg.js';

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
  /** x as [T·N, in] (a copy when x's steps are not contiguous). */
  readonly rows: Tensor;
  readonly h0: Tensor;
  readonly c0: Tensor | null;
  readonly w: RecurrentLayerWeights;
  readonly output: Tensor;
  readonly cells: Tensor | null;
  readonly saved: Tensor | null;
  readonly live: Tensor | null;
  readonly reverse: boolean;
}

/** A fresh float32 tensor on x's backend. */
const like = (x: Tensor, shape: readonly number[]): Tensor => emptyTensor(shape, 'float32', x.storage.backend);

/** out ← a·b (+ addend), float32 matrices, into an existing [rows, cols] tensor. */
function gemmInto(out: Tensor, inputs: readonly Tensor[], a: View, b: View, addend?: View): void {
  apply({ name: 'Addmm', kind: 'matmul', inputs, out: { into: out }, args(o) { return { a, b, out: viewOf(o), addend }; } });
}

/** Wᵀ as a [cols, rows] view of a [rows, cols] weight. */
const transposed = (w: Tensor): View => viewAs(w, [w.shape[1], w.shape[0]], [w.strides[1], w.strides[0]]);

/** A bias [k] repeated over `rows` rows, or undefined. */
const rowsOf = (bias: Tensor | null, rows: number): View | undefined =>
  bias === null ? undefined : viewAs(bias, [rows, bias.shape[0]], [0, bias.strides[0]]);

/** The view of tensor t at step t, or undefined. */
const stepOf = (t: Tensor | null, step: number): View | undefined => (t === null ? undefined : viewOf(t.select(0, step)));

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
  const trace = noGrad(() => runForward(mode, x, h0, c0, w, reverse, live));
  const last = reverse ? 0 : x.shape[0] - 1;
  const { output, cells } = trace;
  const hN = noGrad(() => output.select(0, last).clone());
  const cN = cells === null ? null : noGrad(() => cells.select(0, last).clone());
  const outs = cN === null ? [output, hN] : [output, hN, cN];
  const inputs = [x, h0, c0, w.weightIh, w.weightHh, w.biasIh, w.biasHh];
  const saved = [trace.rows, h0, c0, w.weightIh, w.weightHh, output, cells, trace.saved, live].filter((t): t is Tensor => t !== null);
  attachOutputs(outs, `${mode === 'lstm' ? 'LSTM' : mode === 'gru' ? 'GRU' : 'RNN'}Layer`, inputs, saved, (grads) => runBackward(trace, grads));
  return { output, hN, cN };
}

function runForward(mode: RecurrentMode, x: Tensor, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights, reverse: boolean,
  live: Tensor | null): Trace {
  const [T, N, inputSize] = x.shape;
  const H = w.weightHh.shape[1];
  const GH = RECURRENT_GATES[mode] * H;
  const rows = x.reshape([T * N, inputSize]);
  const xg = affine(rows, w.weightIh, w.biasIh).reshape([T, N, GH]);
  const output = like(x, [T, N, H]);
  const cells = mode === 'lstm' ? like(x, [T, N, H]) : null;
  const saved = mode === 'lstm' || mode === 'gru' ? like(x, [T, N, 4 * H]) : null;
  const hg = like(x, [N, GH]);
  const hT = transposed(w.weightHh), bias = rowsOf(w.biasHh, N);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t - 1;
    const h = k === 0 ? h0 : output.select(0, prev);
    const c = cells === null ? null : k === 0 ? c0! : cells.select(0, prev);
    gemmInto(hg, [h, w.weightHh], viewOf(h), hT, bias);
    const hOut = output.select(0, t);
    apply({
      name: 'RecurrentCell', kind: 'recurrentCell', inputs: [hg, h], out: { into: hOut },
      args(o) { return { mode, xg: viewOf(xg.select(0, t)), hg: viewOf(hg), h: viewOf(h), c: c === null ? undefined : viewOf(c),
        live: stepOf(live, t), hOut: viewOf(o), cOut: stepOf(cells, t), saved: stepOf(saved, t) }; },
    });
  }
  return { mode, x, rows, h0, c0, w, output, cells, saved, live, reverse };
}

/** A gradient with unit stride along its last dim, as the row kernels read it (a broadcast one is materialised). */
const rowsReadable = (g: Tensor | null): Tensor | null => (g === null || g.strides[g.ndim - 1] === 1 ? g : g.contiguous());

function runBackward(trace: Trace, grads: readonly (Tensor | null)[]): (Tensor | null)[] {
  const { mode, x, h0, c0, w, output, cells, saved, live, reverse } = trace;
  const [T, N, inputSize] = x.shape;
  const H = w.weightHh.shape[1];
  const GH = RECURRENT_GATES[mode] * H;
  const dY = rowsReadable(grads[0]);
  const dxg = like(x, [T, N, GH]);
  const dhg = mode === 'gru' ? like(x, [T, N, GH]) : dxg;
  const dhPass = like(x, [N, H]);
  let dh = grads[1] ?? filled([N, H], 'float32', 0, x.storage.backend);
  let dc = cells === null ? null : grads[2] ?? filled([N, H], 'float32', 0, x.storage.backend);
  for (let k = T - 1; k >= 0; k--) {
    const t = reverse ? T - 1 - k : k;
    const prev = reverse ? t + 1 : t - 1;
    const h = k === 0 ? h0 : output.select(0, prev);
    const c = cells === null ? null : k === 0 ? c0! : cells.select(0, prev);
    const dcPrev = dc === null ? null : like(x, [N, H]);
    const [dhIn, dcIn] = [dh, dc];
    apply({
      name: 'RecurrentCellGrad', kind: 'recurrentCellBackward', inputs: [dhIn, h], out: { into: dhPass },
      args(o) { return {
        mode, dh: viewOf(dhIn), dy: stepOf(dY, t), dc: dcIn === null ? undefined : viewOf(dcIn), h: viewOf(h), c: c === null ? undefined : viewOf(c),
        hOut: viewOf(output.select(0, t)), cOut: stepOf(cells, t), saved: stepOf(saved, t), live: stepOf(live, t),
        dxg: viewOf(dxg.select(0, t)), dhg: mode === 'gru' ? viewOf(dhg.select(0, t)) : undefined, dhPass: viewOf(o),
        dcPrev: dcPrev === null ? undefined : viewOf(dcPrev),
      }; },
    });
    dh = like(x, [N, H]);
    gemmInto(dh, [dhg, w.weightHh, dhPass], viewOf(dhg.select(0, t)), viewOf(w.weightHh), viewOf(dhPass));
    dc = dcPrev;
  }
  return [
    x.requiresGrad ? dxg.reshape([T * N, GH]).matmul(w.weightIh).reshape([T, N, inputSize]) : null,
    h0.requiresGrad ? dh : null,
    c0 !== null && c0.requiresGrad ? dc : null,
    w.weightIh.requiresGrad ? dxg.reshape([T * N, GH]).t().matmul(trace.rows) : null,
    w.weightHh.requiresGrad ? dhg.reshape([T * N, GH]).t().matmul(previousStates(trace).reshape([T * N, H])) : null,
    w.biasIh !== null && w.biasIh.requiresGrad ? dxg.reshape([T * N, GH]).sum(0) : null,
    w.biasHh !== null && w.biasHh.requiresGrad ? dhg.reshape([T * N, GH]).sum(0) : null,
  ];
}

/** [T, N, H]: the state each step started from (h0 first in processing order). */
function previousStates({ output, h0, reverse }: Trace): Tensor {
  const T = output.shape[0];
  if (T === 1) return h0.unsqueeze(0);
  return reverse ? cat([output.narrow(0, 1, T - 1), h0.unsqueeze(0)], 0) : cat([h0.unsqueeze(0), output.narrow(0, 0, T - 1)], 0);
}
