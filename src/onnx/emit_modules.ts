/**
 * Modules that export as ONNX's own ops instead of their traced kernels: RNN, LSTM and GRU
 * become ONNX's RNN, LSTM and GRU nodes, one per layer (both directions in one node), and their
 * cells (RNNCell, LSTMCell, GRUCell) the same node over a sequence of one step. Their
 * weights are re-laid into ONNX's form — gates reordered (LSTM: PyTorch's i, f, g, o to ONNX's
 * i, o, f, c; GRU: r, z, n to z, r, h, with linear_before_reset = 1, which is PyTorch's GRU),
 * directions stacked, the two biases joined — as initializers named after the module
 * (`lstm.W_l0`). One table, keyed by class, with the layer's own `forward` required (a subclass
 * or a replaced forward is traced op by op).
 */
import type { Tensor } from '../core/tensor.js';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, type RNNBase, type RNNCellBase } from '../nn/layers/recurrent.js';
import type { Module } from '../nn/module.js';
import type { RecurrentWeights } from '../nn/functional/recurrent.js';
import { int, ints, str, strs, type Dim, type GraphBuilder, type Value } from './graph.js';
import { untraced, type SelfEmitter, type Tracer } from './trace.js';

interface RecurrentSpec {
  readonly op: 'RNN' | 'LSTM' | 'GRU';
  /** ONNX's gate order as indices into PyTorch's gate blocks. */
  readonly gateOrder: readonly number[];
  readonly attrs: (m: RNNBase | RNNCellBase, directions: number) => Record<string, ReturnType<typeof int> | ReturnType<typeof strs>>;
  /** How many state tensors the module takes and returns (h, or h and c). */
  readonly states: number;
}

const LSTM_SPEC: RecurrentSpec = { op: 'LSTM', gateOrder: [0, 3, 1, 2], states: 2, attrs: () => ({}) };
const GRU_SPEC: RecurrentSpec = { op: 'GRU', gateOrder: [1, 0, 2], states: 1, attrs: () => ({ linear_before_reset: int(1) }) };
const RNN_SPEC: RecurrentSpec = {
  op: 'RNN', gateOrder: [0], states: 1,
  attrs: (m, directions) => ({ activations: strs(new Array<string>(directions).fill((m as RNN | RNNCell).nonlinearity === 'relu' ? 'Relu' : 'Tanh')) }),
};

const SPECS: readonly (readonly [new (...a: never[]) => RNNBase, RecurrentSpec])[] = [[LSTM, LSTM_SPEC], [GRU, GRU_SPEC], [RNN, RNN_SPEC]];
const CELL_SPECS: readonly (readonly [new (...a: never[]) => RNNCellBase, RecurrentSpec])[] = [[LSTMCell, LSTM_SPEC], [GRUCell, GRU_SPEC], [RNNCell, RNN_SPEC]];

const floatData = (t: Tensor): Float32Array => Float32Array.from(untraced(() => t.contiguous().dataSync()) as Float32Array);

/** PyTorch's gate blocks of `w` ([G·H, cols] or [G·H]) in ONNX's order. */
function reorderGates(w: Float32Array, hidden: number, cols: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  const block = hidden * cols;
  order.forEach((src, dst) => out.set(w.subarray(src * block, (src + 1) * block), dst * block));
  return out;
}

function layerInitializers(g: GraphBuilder, path: string, layer: number, dirs: readonly RecurrentWeights[], spec: RecurrentSpec, hidden: number): [Value, Value, Value] {
  const gates = spec.gateOrder.length;
  const rows = gates * hidden;
  const inCols = dirs[0].weightIh.shape[1];
  const W = new Float32Array(dirs.length * rows * inCols);
  const R = new Float32Array(dirs.length * rows * hidden);
  const B = new Float32Array(dirs.length * 2 * rows);
  dirs.forEach((w, d) => {
    W.set(reorderGates(floatData(w.weightIh), hidden, inCols, spec.gateOrder), d * rows * inCols);
    R.set(reorderGates(floatData(w.weightHh), hidden, hidden, spec.gateOrder), d * rows * hidden);
    if (w.biasIh !== null) B.set(reorderGates(floatData(w.biasIh), hidden, 1, spec.gateOrder), d * 2 * rows);
    if (w.biasHh !== null) B.set(reorderGates(floatData(w.biasHh), hidden, 1, spec.gateOrder), d * 2 * rows + rows);
  });
  const prefix = path === '' ? '' : `${path}.`;
  return [
    g.initializer(`${prefix}W_l${layer}`, 'float32', [dirs.length, rows, inCols], W),
    g.initializer(`${prefix}R_l${layer}`, 'float32', [dirs.length, rows, hidden], R),
    g.initializer(`${prefix}B_l${layer}`, 'float32', [dirs.length, 2 * rows], B),
  ];
}

/** Emits the layers of `m` on x [T, N, in] (sequence first); returns the output and the final states. */
function emitLayers(g: GraphBuilder, path: string, m: RNNBase, spec: RecurrentSpec, x: Value, states: readonly Value[]): { y: Value; finals: Value[][] } {
  const D = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  const [T, N] = x.shape;
  const weights = untraced(() => m.layerWeights());
  let seq = x;
  const finals: Value[][] = Array.from({ length: spec.states }, () => []);
  weights.forEach((dirs, l) => {
    const [W, R, B] = layerInitializers(g, path, l, dirs, spec, H);
    const initial = states.map((s) => g.op('Slice', [s, g.constant('int64', [1], [l * D], 'starts'), g.constant('int64', [1], [(l + 1) * D], 'ends'),
      g.constant('int64', [1], [0], 'axes')], { dtype: 'float32', shape: [D, N, H] }));
    const stateSpecs = Array.from({ length: spec.states }, () => ({ dtype: 'float32' as const, shape: [D, N, H] }));
    const inputs: (Value | null)[] = [seq, W, R, B, null, initial[0] ?? null];
    if (spec.op === 'LSTM') inputs.push(initial[1] ?? null);
    const [Y, ...last] = g.node(spec.op, inputs, [{ dtype: 'float32', shape: [T, D, N, H] }, ...stateSpecs], {
      hidden_size: int(H), direction: str(D === 2 ? 'bidirectional' : 'forward'), ...spec.attrs(m, D),
    });
    last.forEach((v, i) => finals[i].push(v));
    const moved = g.op('Transpose', [Y], { dtype: 'float32', shape: [T, N, D, H] }, { perm: ints([0, 2, 1, 3]) });
    seq = g.op('Reshape', [moved, g.constant('int64', [3], [0, 0, -1], 'shape')], { dtype: 'float32', shape: [T, N, D * H] });
  });
  return { y: seq, finals };
}

function recurrentEmitter(spec: RecurrentSpec): SelfEmitter {
  return (tracer: Tracer, path: string, module: Module, args: unknown[], run: () => unknown) => {
    const m = module as RNNBase;
    const [x, hx, lengths] = args as [Tensor, Tensor | readonly Tensor[] | null | undefined, unknown];
    if (lengths !== undefined && lengths !== null) tracer.fail(`${spec.op} with sequence lengths`, 'packed sequences are not exported; pad them and export without lengths');
    if (x.ndim !== 3) tracer.fail(`${spec.op} on input of shape [${x.shape.join(', ')}]`, 'only batched input [T, N, in] (or [N, T, in] batchFirst) is exported');
    const out = run() as [Tensor, Tensor | [Tensor, Tensor]];
    const initial: Tensor[] = hx === null || hx === undefined ? [] : Array.isArray(hx) ? [...hx] : [hx as Tensor];
    const outState = Array.isArray(out[1]) ? out[1] : [out[1]];
    tracer.module(path, [x, ...initial], [out[0], ...outState], (ins, shapes: Dim[][]) => {
      const g = tracer.g!;
      const [xv, ...states] = ins;
      const swap = (v: Value, shape: readonly Dim[]): Value => g.op('Transpose', [v], { dtype: 'float32', shape }, { perm: ints([1, 0, 2]) });
      const seqFirst = m.batchFirst ? swap(xv, [xv.shape[1], xv.shape[0], xv.shape[2]]) : xv;
      const { y, finals } = emitLayers(g, path, m, spec, seqFirst, states);
      const output = m.batchFirst ? swap(y, shapes[0]) : y;
      const joined = finals.map((list, i) => (list.length === 1 ? list[0] : g.op('Concat', list, { dtype: 'float32', shape: shapes[1 + i] }, { axis: int(0) })));
      return [output, ...joined];
    });
    return out;
  };
}

/**
 * A cell as the layer's node over one step: x [N, in] becomes [1, N, in], the state [N, H]
 * becomes [1, N, H] (absent: zeros, as the cell), and the node's final states are the results.
 */
function cellEmitter(spec: RecurrentSpec): SelfEmitter {
  return (tracer: Tracer, path: string, module: Module, args: unknown[], run: () => unknown) => {
    const m = module as RNNCellBase;
    const [x, hx] = args as [Tensor, Tensor | readonly Tensor[] | null | undefined];
    if (x.ndim !== 2) tracer.fail(`${spec.op} cell on input of shape [${x.shape.join(', ')}]`, 'only batched input [N, in] is exported');
    const out = run() as Tensor | [Tensor, Tensor];
    const initial: Tensor[] = hx === null || hx === undefined ? [] : Array.isArray(hx) ? [...hx] : [hx as Tensor];
    const results = Array.isArray(out) ? out : [out];
    tracer.module(path, [x, ...initial], results, (ins, shapes: Dim[][]) => {
      const g = tracer.g!;
      const [xv, ...states] = ins;
      const H = m.hiddenSize;
      const reshape = (v: Value, dims: readonly number[], shape: readonly Dim[]): Value =>
        g.op('Reshape', [v, g.constant('int64', [dims.length], dims, 'shape')], { dtype: 'float32', shape });
      const N = xv.shape[0];
      const [W, R, B] = layerInitializers(g, path, 0, [untraced(() => m.cellWeights())], spec, H);
      const inputs: (Value | null)[] = [reshape(xv, [1, -1, m.inputSize], [1, N, m.inputSize]), W, R, B, null,
        states[0] === undefined ? null : reshape(states[0], [1, -1, H], [1, N, H])];
      if (spec.op === 'LSTM') inputs.push(states[1] === undefined ? null : reshape(states[1], [1, -1, H], [1, N, H]));
      const stateSpecs = Array.from({ length: spec.states }, () => ({ dtype: 'float32' as const, shape: [1, N, H] }));
      const [, ...last] = g.node(spec.op, inputs, [{ dtype: 'float32', shape: [1, 1, N, H] }, ...stateSpecs], {
        hidden_size: int(H), direction: str('forward'), ...spec.attrs(m, 1),
      });
      return last.map((v, i) => reshape(v, [-1, H], shapes[i]));
    });
    return out;
  };
}

const EMITTERS = new Map<unknown, { cls: { prototype: Module }; emit: SelfEmitter }>([
  ...SPECS.map(([cls, spec]) => [cls, { cls, emit: recurrentEmitter(spec) }] as const),
  ...CELL_SPECS.map(([cls, spec]) => [cls, { cls, emit: cellEmitter(spec) }] as const),
]);

/** The self-emitter of `m`, when its class is in the table and its forward is the class's own. */
export function selfEmitterOf(m: Module): SelfEmitter | null {
  const entry = EMITTERS.get(m.constructor);
  if (entry === undefined || m.forward !== entry.cls.prototype.forward) return null;
  return entry.emit;
}
