/**
 * Recurrent networks with PyTorch's semantics (RNN with tanh or ReLU, LSTM, GRU): the checks,
 * layouts, layers, directions, dropout and packed-sequence lengths. Each layer and direction
 * runs as one fused op (ops/recurrent.ts: one kernel runs every step's projections and gates,
 * one runs the steps' gradients, and the weights' gradients are GEMMs over all steps), so
 * autograd sees one node per layer and direction rather than a dozen per step. The cells are
 * the same op over one step.
 */
import { needsGrad, record } from '../../autograd/record.js';
import type { Backend } from '../../backends/backend.js';
import { RECURRENT_GATES, type RecurrentMode } from '../../backends/ops.js';
import { defineOptions, describeValue, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import { defaultGenerator, Generator } from '../../core/generator.js';
import { keep } from '../../core/scope.js';
import { isTensor, type Tensor } from '../../core/tensor.js';
import { filled, tensor } from '../../ops/creation.js';
import { cat, stack } from '../../ops/join.js';
import { recurrentLayer, type RecurrentLayerWeights } from '../../ops/recurrent.js';
import { dropout } from './dropout.js';

/** The recurrence a layer runs (PyTorch's `mode`: RNN_TANH, RNN_RELU, LSTM, GRU). */
export type { RecurrentMode };

/**
 * The parameters of one layer and direction in PyTorch's layout: W_ih [G·H, in], W_hh [G·H, H],
 * b_ih and b_hh [G·H] (or null), with G gate blocks stacked in PyTorch's order (LSTM i, f, g, o;
 * GRU r, z, n; RNN one block).
 */
export type RecurrentWeights = RecurrentLayerWeights;

/** The state carried between steps: [h] for RNN and GRU, [h, c] for LSTM (each [N, H]). */
export type RecurrentState = readonly Tensor[];

/** The mode carries LSTM's cell state c beside h. */
const hasCell = (mode: RecurrentMode): boolean => mode === 'lstm';

/**
 * `count` disjoint views `view(x, k)` of x whose gradients are gathered into one tensor of x's
 * shape, handed to x by one node. Plain views give each piece's gradient as a zero-filled
 * tensor of x's full size, summed by the engine (one full-size tensor per layer and direction
 * of an initial state). The engine's nodes have one output each, so the pieces' nodes copy
 * their gradients into a buffer (the first one to run allocates it) and the gathering node,
 * which runs after all of them, hands it on. The pieces must not overlap (each copies into its
 * own region).
 */
function disjointViews(x: Tensor, count: number, view: (t: Tensor, k: number) => Tensor): Tensor[] {
  if (!needsGrad([x])) return Array.from({ length: count }, (_, k) => view(x, k));
  const backend = x.storage.backend;
  let buffer: Tensor | null = null;
  const gather = record(filled([], x.dtype, 0, backend), 'DisjointViewsGatherBackward', [x], [], () => {
    const whole = buffer ?? filled(x.shape, x.dtype, 0, backend);
    buffer = null; // a retained graph gathers afresh on the next backward
    return [whole];
  });
  const base = x.detach();
  return Array.from({ length: count }, (_, k) => record(view(base, k), 'DisjointViewBackward', [gather], [], (g) => {
    const first = buffer === null;
    if (first) buffer = keep(filled(x.shape, x.dtype, 0, backend));
    view(buffer!, k).copy_(g);
    // one gradient is enough to wake the gathering node once the last piece is done
    return [first ? filled([], x.dtype, 0, backend) : null];
  }, { view: true }));
}

/** How many gate blocks a mode's weights stack (RNN 1, GRU 3, LSTM 4). */
export function gateCount(mode: RecurrentMode): number {
  return RECURRENT_GATES[mode];
}

/**
 * One step of any cell type on x [N, in] (or an unbatched [in]) from `state` (each [N, H], or
 * [H] unbatched; null for zeros): the input projection, then the mode's step. What the cell
 * layers run; `who` names the caller in errors.
 *
 * @example
 * const cell = new nn.GRUCell(3, 4);
 * F.recurrentCell('gru', dl.randn([2, 3]), null, cell.cellWeights())[0].shape; // [2, 4]
 */
export function recurrentCell(mode: RecurrentMode, x: Tensor, state: RecurrentState | null, w: RecurrentWeights, who: string = `${mode}Cell`): Tensor[] {
  const [inputSize, hidden] = [w.weightIh.shape[1], w.weightHh.shape[1]];
  if (!(x.ndim === 1 || x.ndim === 2) || x.shape[x.ndim - 1] !== inputSize) {
    throw new Error(`${who} expected input [N, ${inputSize}] or an unbatched [${inputSize}], got ${formatShape(x.shape)}`);
  }
  if (x.dtype !== 'float32') throw new TypeError(`${who}: expected a float32 input, got ${x.dtype}`);
  checkWeights(who, mode, w, inputSize);
  const unbatched = x.ndim === 1;
  const batch = unbatched ? 1 : x.shape[0];
  const names = hasCell(mode) ? ['h', 'c'] : ['h'];
  if (state !== null && (!Array.isArray(state) || state.length !== names.length)) {
    throw new Error(`${who}: the state must be ${names.length === 2 ? 'a pair [h, c]' : 'one tensor h'}`);
  }
  const expected = unbatched ? [hidden] : [batch, hidden];
  const batched = (state ?? names.map(() => null)).map((s, i) => {
    if (s === null) return filled([batch, hidden], 'float32', 0, x.storage.backend);
    if (formatShape(s.shape) !== formatShape(expected)) throw new Error(`${who} expected ${names[i]} ${formatShape(expected)}, got ${formatShape(s.shape)}`);
    return unbatched ? s.unsqueeze(0) : s;
  });
  const xs = unbatched ? x.unsqueeze(0) : x;
  const step = recurrentLayer(mode, xs.unsqueeze(0), batched[0], batched[1] ?? null, w);
  const next = step.cN === null ? [step.hN] : [step.hN, step.cN];
  return unbatched ? next.map((s) => s.squeeze(0)) : next;
}

/**
 * One step of an Elman RNN cell with tanh: h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), for
 * x [N, in] and h [N, H] (torch's `rnn_tanh_cell`).
 *
 * @example
 * const w = { weightIh: dl.randn([4, 3]), weightHh: dl.randn([4, 4]), biasIh: null, biasHh: null };
 * F.rnnTanhCell(dl.randn([2, 3]), dl.zeros([2, 4]), w).shape; // [2, 4]
 */
export function rnnTanhCell(x: Tensor, h: Tensor, weights: RecurrentWeights): Tensor {
  return recurrentCell('rnnTanh', x, [h], weights, 'rnnTanhCell')[0];
}

/**
 * One step of an Elman RNN cell with ReLU (torch's `rnn_relu_cell`); see `rnnTanhCell`.
 *
 * @example
 * F.rnnReluCell(dl.randn([2, 3]), dl.zeros([2, 4]), w).min().item() >= 0; // true
 */
export function rnnReluCell(x: Tensor, h: Tensor, weights: RecurrentWeights): Tensor {
  return recurrentCell('rnnRelu', x, [h], weights, 'rnnReluCell')[0];
}

/**
 * One LSTM step (torch's `lstm_cell`) for x [N, in] and state [h, c] (each [N, H]); the weights
 * stack the gates i, f, g, o. Returns [h', c'].
 *
 * @example
 * const w = { weightIh: dl.randn([16, 3]), weightHh: dl.randn([16, 4]), biasIh: null, biasHh: null };
 * const [h, c] = F.lstmCell(dl.randn([2, 3]), [dl.zeros([2, 4]), dl.zeros([2, 4])], w);
 */
export function lstmCell(x: Tensor, state: readonly [Tensor, Tensor], weights: RecurrentWeights): [Tensor, Tensor] {
  const [h, c] = recurrentCell('lstm', x, state, weights, 'lstmCell');
  return [h, c];
}

/**
 * One GRU step (torch's `gru_cell`) for x [N, in] and h [N, H]; the weights stack r, z, n and
 * n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn)).
 *
 * @example
 * const w = { weightIh: dl.randn([12, 3]), weightHh: dl.randn([12, 4]), biasIh: null, biasHh: null };
 * F.gruCell(dl.randn([2, 3]), dl.zeros([2, 4]), w).shape; // [2, 4]
 */
export function gruCell(x: Tensor, h: Tensor, weights: RecurrentWeights): Tensor {
  return recurrentCell('gru', x, [h], weights, 'gruCell')[0];
}

/** The options the recurrent layers share with F.recurrent. */
export const SEQUENCE_FIELDS = {
  /** Input and output are [N, T, ·] instead of [T, N, ·] (default false; hN is [layers·D, N, H] either way). */
  batchFirst: option.boolean(false),
  /** Dropout probability on each layer's output except the last, in training only (default 0). */
  dropout: option.number({ default: 0, min: 0, max: 1 }),
};

const RECURRENT_OPTIONS = defineOptions('recurrent', {
  ...SEQUENCE_FIELDS,
  /** Training mode: dropout is active (default true). */
  training: option.boolean(true),
  /**
   * Each sequence's length (1 ≤ length ≤ T), for a padded batch: packed-sequence semantics, so
   * outputs past a sequence's end are zero, hN is each sequence's state at its last step, and
   * the reverse direction starts at that last step. The output keeps all T steps.
   */
  lengths: option.custom<readonly number[] | Tensor | null>('a list of lengths, a 1-D Tensor or null',
    (v): v is readonly number[] | Tensor | null => v === null || isTensor(v) || (Array.isArray(v) && v.every((n) => typeof n === 'number'))),
  /** Generator of the dropout masks (default: the one `dl.manualSeed` seeds). */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
  /** Who is asking, for error messages (a layer passes `LSTM(28, 128)`; default the mode). */
  who: option.string(),
});

export type RecurrentOptions = OptionsInput<typeof RECURRENT_OPTIONS>;

/** The caller's name: the `who` option (read before the others are checked, so their messages use it), else the mode. */
function callerOf(options: unknown, mode: RecurrentMode): string {
  const who = typeof options === 'object' && options !== null ? (options as { who?: unknown }).who : undefined;
  return typeof who === 'string' ? who : mode;
}

/** A recurrence's result: the last layer's output at every step and the final states. */
export interface RecurrentResult {
  /** [T, N, D·H] ([N, T, D·H] batchFirst, [T, D·H] unbatched), D = 2 if bidirectional. */
  output: Tensor;
  /** hN (and cN for LSTM), each [layers·D, N, H] ([layers·D, H] unbatched). */
  state: Tensor[];
}

/**
 * A multi-layer recurrent network over a sequence, as PyTorch's RNN/LSTM/GRU modules run it.
 * `weights[layer][direction]` (1 or 2 directions); `hx` is [h0] or LSTM's [h0, c0], each
 * [layers·D, N, H], or null for zeros. The input is [T, N, in] ([N, T, in] with batchFirst) or
 * an unbatched [T, in].
 *
 * @example
 * const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
 * F.recurrent('lstm', dl.randn([5, 2, 3]), null, lstm.layerWeights()).output.shape; // [5, 2, 4]
 */
export function recurrent(mode: RecurrentMode, input: Tensor, hx: RecurrentState | null,
  weights: readonly (readonly RecurrentWeights[])[], options: RecurrentOptions = {}): RecurrentResult {
  const who = callerOf(options, mode);
  const o = RECURRENT_OPTIONS.parse(options, who);
  const batchFirst = o.batchFirst;
  const geometry = sequenceGeometry(who, mode, input, weights, batchFirst);
  const unbatched = input.ndim === 2;
  const states = initialStates(who, mode, hx, geometry, unbatched);
  const lengths = checkLengths(who, o.lengths ?? null, geometry, unbatched);
  // full-length batches need no masks
  const masks = lengths === null || lengths.every((n) => n === geometry.steps) ? null : stepMasks(lengths, geometry.steps);
  const p = o.dropout;
  // time-major [T, N, in]: each step's projection is then a contiguous [N, G·H] slice
  let x = unbatched ? input.unsqueeze(1) : batchFirst ? input.transpose(0, 1) : input;
  const finals: Tensor[][] = hasCell(mode) ? [[], []] : [[]];
  weights.forEach((layer, l) => {
    const last = l === weights.length - 1;
    const outputs = layer.map((w, d) => {
      const index = l * layer.length + d;
      const run = recurrentLayer(mode, x, states[0][index], hasCell(mode) ? states[1][index] : null, w, { reverse: d === 1, live: masks });
      finals[0].push(run.hN);
      if (run.cN !== null) finals[1].push(run.cN);
      // past a sequence's end the layer holds its state; the output there is zero
      return masks === null ? run.output : run.output.where(masks.unsqueeze(2), 0);
    });
    x = outputs.length === 1 ? outputs[0] : cat(outputs, 2);
    if (!last && p > 0) x = dropout(x, p, o.training, o.generator ?? defaultGenerator);
  });
  const state = finals.map((s) => stack(s, 0));
  if (unbatched) return { output: x.squeeze(1), state: state.map((s) => s.squeeze(1)) };
  return { output: batchFirst ? x.transpose(0, 1) : x, state };
}

interface SequenceGeometry {
  steps: number;
  batch: number;
  hidden: number;
  /** Entries of hx and hN: layers × directions. */
  stateRows: number;
  backend: Backend;
}

/** Checks the input's rank, dtype and features and the weights' shapes; returns the sizes. */
function sequenceGeometry(who: string, mode: RecurrentMode, input: Tensor, weights: readonly (readonly RecurrentWeights[])[],
  batchFirst: boolean): SequenceGeometry {
  if (weights.length === 0 || weights.some((layer) => layer.length !== weights[0].length) || !(weights[0].length === 1 || weights[0].length === 2)) {
    throw new Error(`${who}: weights must list 1 or 2 directions for each of at least one layer`);
  }
  const directions = weights[0].length;
  const inputSize = weights[0][0].weightIh.shape[1];
  const hidden = weights[0][0].weightHh.shape[1];
  const layout = batchFirst ? `[N, T, ${inputSize}] (batchFirst)` : `[T, N, ${inputSize}]`;
  const features = input.shape[input.ndim - 1];
  if (input.ndim === 3 && features !== inputSize) throw new Error(`${who} expected input ${layout}, got ${formatShape(input.shape)}`);
  if (input.ndim === 2 && features !== inputSize) throw new Error(`${who} expected an unbatched input [T, ${inputSize}], got ${formatShape(input.shape)}`);
  if (input.ndim !== 2 && input.ndim !== 3) throw new Error(`${who} expected input ${layout} or an unbatched [T, ${inputSize}], got ${formatShape(input.shape)}`);
  if (input.dtype !== 'float32') throw new TypeError(`${who}: expected a float32 input, got ${input.dtype}`);
  const unbatched = input.ndim === 2;
  const steps = input.shape[unbatched || !batchFirst ? 0 : 1];
  const batch = unbatched ? 1 : input.shape[batchFirst ? 0 : 1];
  if (steps === 0 || batch === 0) throw new Error(`${who}: the input ${formatShape(input.shape)} has no ${steps === 0 ? 'time steps' : 'sequences'}`);
  weights.forEach((layer, l) => layer.forEach((w) => checkWeights(`${who} layer ${l}`, mode, w, l === 0 ? inputSize : directions * hidden, hidden)));
  return { steps, batch, hidden, stateRows: weights.length * directions, backend: input.storage.backend };
}

/** W_ih [G·H, in], W_hh [G·H, H], biases [G·H]: named in the error, PyTorch's parameter layout. */
function checkWeights(who: string, mode: RecurrentMode, w: RecurrentWeights, inputSize: number, hiddenSize = w.weightHh.shape[1]): void {
  const rows = RECURRENT_GATES[mode] * hiddenSize;
  const expect = (what: string, t: Tensor | null, shape: readonly number[]): void => {
    if (t !== null && formatShape(t.shape) !== formatShape(shape)) {
      throw new Error(`${who}: ${what} must be ${formatShape(shape)} (${RECURRENT_GATES[mode]} gate block${rows === hiddenSize ? '' : 's'} of ${hiddenSize}), got ${formatShape(t.shape)}`);
    }
  };
  expect('weightIh', w.weightIh, [rows, inputSize]);
  expect('weightHh', w.weightHh, [rows, hiddenSize]);
  expect('biasIh', w.biasIh, [rows]);
  expect('biasHh', w.biasHh, [rows]);
}

/** hx checked against [layers·D, N, H] (batched) or [layers·D, H], zeros when absent; per state, its [N, H] rows. */
function initialStates(who: string, mode: RecurrentMode, hx: RecurrentState | null, g: SequenceGeometry, unbatched: boolean): Tensor[][] {
  const names = hasCell(mode) ? ['h0', 'c0'] : ['hx'];
  const shape = unbatched ? [g.stateRows, g.hidden] : [g.stateRows, g.batch, g.hidden];
  if (hx === null) return names.map(() => Array.from({ length: g.stateRows }, () => filled([g.batch, g.hidden], 'float32', 0, g.backend)));
  if (!Array.isArray(hx) || hx.length !== names.length) {
    throw new Error(`${who}: the initial state must be ${names.length === 2 ? 'a pair [h0, c0]' : 'one tensor hx'}, got ${Array.isArray(hx) ? `${hx.length} tensors` : describeValue(hx)}`);
  }
  return hx.map((s, i) => {
    if (formatShape(s.shape) !== formatShape(shape)) {
      const dims = unbatched ? '(numLayers·numDirections, hiddenSize) for an unbatched input' : '(numLayers·numDirections, N, hiddenSize)';
      throw new Error(`${who} expected ${names[i]} ${formatShape(shape)} ${dims}, got ${formatShape(s.shape)}`);
    }
    // one view per layer and direction
    return disjointViews(unbatched ? s.unsqueeze(1) : s, g.stateRows, (t, k) => t.select(0, k));
  });
}

/** The lengths as numbers, each an integer in 1..T, one per sequence; null when absent. */
function checkLengths(who: string, lengths: readonly number[] | Tensor | null, g: SequenceGeometry, unbatched: boolean): number[] | null {
  if (lengths === null) return null;
  if (unbatched) throw new Error(`${who}: lengths needs a batched input (an unbatched input is one sequence of its own length)`);
  const values = Array.isArray(lengths) ? [...lengths] : Array.from((lengths as Tensor).dataSync() as ArrayLike<number | bigint>, Number);
  if (!Array.isArray(lengths) && (lengths as Tensor).ndim !== 1) throw new Error(`${who}: lengths must be 1-D, got shape ${formatShape((lengths as Tensor).shape)}`);
  if (values.length !== g.batch) throw new Error(`${who}: lengths has ${values.length} entries but the batch has ${g.batch} sequences`);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > g.steps) {
      throw new RangeError(`${who}: lengths[${i}] = ${v} is out of range: each length must be an integer in 1..${g.steps} (the input's time steps)`);
    }
  });
  return values;
}

/** [T, N] booleans: step t is inside sequence n. */
function stepMasks(lengths: readonly number[], steps: number): Tensor {
  const live = new Uint8Array(steps * lengths.length);
  for (let t = 0; t < steps; t++) lengths.forEach((len, n) => { live[t * lengths.length + n] = t < len ? 1 : 0; });
  return tensor(live, { shape: [steps, lengths.length], dtype: 'bool' });
}
