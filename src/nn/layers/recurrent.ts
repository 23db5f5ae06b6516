/**
 * Recurrent layers as PyTorch's: RNN, LSTM and GRU (multi-layer, bidirectional, batchFirst,
 * dropout between layers) and the RNNCell, LSTMCell and GRUCell steps. Parameter names, shapes,
 * gate orders and init are PyTorch's, so a PyTorch state dict loads unchanged; the math is in
 * nn/functional/recurrent.ts.
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import {
  SEQUENCE_FIELDS, gateCount, recurrent, recurrentCell, type RecurrentMode, type RecurrentResult, type RecurrentWeights,
} from '../functional/recurrent.js';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { checkSize } from '../options.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';

const CELL_FIELDS = {
  /** Learn b_ih and b_hh (default true). */
  bias: option.boolean(true),
};

const NONLINEARITY_FIELD = {
  /** The activation of the Elman recurrence (default 'tanh'). */
  nonlinearity: option.choice(['tanh', 'relu'], 'tanh'),
};

/** The options of LSTM and GRU (RNN adds its nonlinearity), in PyTorch's order. */
const GATED_FIELDS = {
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers: option.number({ default: 1, integer: true, min: 1 }),
  ...CELL_FIELDS,
  ...SEQUENCE_FIELDS,
  /** Run a second direction from the end and concatenate the outputs (default false). */
  bidirectional: option.boolean(false),
};

const GATED_OPTIONS = defineOptions('LSTM', GATED_FIELDS);
const RNN_OPTIONS = defineOptions('RNN', { ...GATED_FIELDS, ...NONLINEARITY_FIELD });
const CELL_OPTIONS = defineOptions('LSTMCell', CELL_FIELDS);
const RNN_CELL_OPTIONS = defineOptions('RNNCell', { ...CELL_FIELDS, ...NONLINEARITY_FIELD });

export type RecurrentLayerOptions = OptionsInput<typeof GATED_OPTIONS>;
export type RNNOptions = OptionsInput<typeof RNN_OPTIONS>;
export type RecurrentCellOptions = OptionsInput<typeof CELL_OPTIONS>;
export type RNNCellOptions = OptionsInput<typeof RNN_CELL_OPTIONS>;

/** Each sequence's length in a padded batch: a list or a 1-D integer tensor. */
export type SequenceLengths = readonly number[] | Tensor;

const NONLINEARITIES = { tanh: 'rnnTanh', relu: 'rnnRelu' } as const satisfies Record<string, RecurrentMode>;

/** `LSTM(28, 128)`: how errors name a recurrent layer or cell. */
function layerName(kind: string, inputSize: number, hiddenSize: number): string {
  return `${kind}(${inputSize}, ${hiddenSize})`;
}

/** PyTorch's reset_parameters of every recurrent module: each parameter ~ U(−1/√H, 1/√H). */
function resetUniform(module: Module, hiddenSize: number): void {
  const bound = 1 / Math.sqrt(hiddenSize);
  for (const p of module.parameters()) uniform_(p, -bound, bound);
}

/** What RNN, LSTM and GRU share: options, the parameters per layer and direction, init, repr. */
export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** `LSTM(28, 128)`: how errors name this layer. */
  protected readonly who: string;
  /** Parameter names per layer and direction: [weight_ih, weight_hh, bias_ih | null, bias_hh | null]. */
  readonly #names: (readonly (string | null)[])[][];

  /** `settings` are the layer's options, checked by the subclass (whose schema names the keys). */
  protected constructor(kind: string, protected readonly mode: RecurrentMode, readonly inputSize: number, readonly hiddenSize: number,
    settings: ResolvedOptions<typeof GATED_OPTIONS>) {
    super();
    this.who = layerName(kind, inputSize, hiddenSize);
    checkSize(this.who, 'inputSize', inputSize);
    checkSize(this.who, 'hiddenSize', hiddenSize);
    this.numLayers = settings.numLayers;
    this.bias = settings.bias;
    this.batchFirst = settings.batchFirst;
    this.bidirectional = settings.bidirectional;
    this.dropout = settings.dropout;
    const rows = gateCount(mode) * hiddenSize;
    const directions = this.bidirectional ? 2 : 1;
    this.#names = Array.from({ length: this.numLayers }, (_, l) => Array.from({ length: directions }, (_, d) => {
      const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
      const layerInput = l === 0 ? inputSize : hiddenSize * directions;
      const shapes: [string, number[]][] = [[`weight_ih${suffix}`, [rows, layerInput]], [`weight_hh${suffix}`, [rows, hiddenSize]]];
      if (this.bias) shapes.push([`bias_ih${suffix}`, [rows]], [`bias_hh${suffix}`, [rows]]);
      for (const [name, shape] of shapes) this.registerParameter(name, Parameter.empty(shape));
      return [shapes[0][0], shapes[1][0], shapes[2]?.[0] ?? null, shapes[3]?.[0] ?? null];
    }));
    this.resetParameters();
  }

  /** PyTorch's init: every weight and bias ~ U(−1/√hiddenSize, 1/√hiddenSize). */
  resetParameters(): void {
    resetUniform(this, this.hiddenSize);
  }

  /**
   * The parameters as `layerWeights()[layer][direction]` (what `F.recurrent` takes).
   *
   * @example
   * new nn.GRU(3, 4, { bidirectional: true }).layerWeights()[0][1].weightIh.shape; // [12, 3]
   */
  layerWeights(): RecurrentWeights[][] {
    const get = (name: string | null): Tensor | null => (name === null ? null : this.getParameter(name));
    return this.#names.map((layer) => layer.map(([ih, hh, bih, bhh]) => ({ weightIh: get(ih)!, weightHh: get(hh)!, biasIh: get(bih), biasHh: get(bhh) })));
  }

  protected run(x: Tensor, hx: readonly Tensor[] | null, lengths: SequenceLengths | null): RecurrentResult {
    return recurrent(this.mode, x, hx, this.layerWeights(), {
      batchFirst: this.batchFirst, dropout: this.dropout, training: this.training, lengths, who: this.who,
    });
  }

  /** PyTorch's extra_repr: the sizes, then only the settings that differ from the defaults. */
  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (!this.bias) parts.push('bias=False');
    if (this.batchFirst) parts.push('batch_first=True');
    if (this.dropout !== 0) parts.push(`dropout=${pyFloat(this.dropout)}`);
    if (this.bidirectional) parts.push('bidirectional=True');
    return parts.join(', ');
  }
}

/**
 * Elman RNN, h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) with act tanh or ReLU, stacked
 * and optionally bidirectional, as PyTorch's nn.RNN. `forward(x, hx?, lengths?)` returns
 * [output, hN]: output [T, N, D·H] ([N, T, D·H] batchFirst; [T, D·H] for an unbatched [T, in]),
 * hN [layers·D, N, H]. `lengths` gives packed-sequence semantics to a padded batch.
 *
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(dl.randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const o = RNN_OPTIONS.parse(options, layerName('RNN', inputSize, hiddenSize));
    super('RNN', NONLINEARITIES[o.nonlinearity], inputSize, hiddenSize, o);
    this.nonlinearity = o.nonlinearity;
  }

  override forward(x: Tensor, hx: Tensor | null = null, lengths: SequenceLengths | null = null): [Tensor, Tensor] {
    const { output, state } = this.run(x, hx === null ? null : [hx], lengths);
    return [output, state[0]];
  }
}

/**
 * Long short-term memory, as PyTorch's nn.LSTM (gates i, f, g, o stacked in that order in the
 * weights). `forward(x, [h0, c0]?, lengths?)` returns [output, [hN, cN]] with RNN's shapes.
 *
 * @example
 * const lstm = new nn.LSTM(28, 128, { numLayers: 2, batchFirst: true, bidirectional: true, dropout: 0.1 });
 * const [output, [hN, cN]] = lstm.forward(dl.randn([4, 28, 28])); // [4, 28, 256], [4, 4, 128] each
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('LSTM', 'lstm', inputSize, hiddenSize, GATED_OPTIONS.parse(options, layerName('LSTM', inputSize, hiddenSize)));
  }

  override forward(x: Tensor, hx: readonly [Tensor, Tensor] | null = null, lengths: SequenceLengths | null = null): [Tensor, [Tensor, Tensor]] {
    const { output, state } = this.run(x, hx, lengths);
    return [output, [state[0], state[1]]];
  }
}

/**
 * Gated recurrent unit, as PyTorch's nn.GRU (gates r, z, n; n = tanh(W_in·x + b_in +
 * r⊙(W_hn·h + b_hn))). `forward(x, h0?, lengths?)` returns [output, hN] with RNN's shapes.
 *
 * @example
 * const gru = new nn.GRU(8, 16, { batchFirst: true });
 * const [output, hN] = gru.forward(dl.randn([4, 30, 8]), null, [30, 12, 7, 30]);
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('GRU', 'gru', inputSize, hiddenSize, GATED_OPTIONS.parse(options, layerName('GRU', inputSize, hiddenSize)));
  }

  override forward(x: Tensor, hx: Tensor | null = null, lengths: SequenceLengths | null = null): [Tensor, Tensor] {
    const { output, state } = this.run(x, hx === null ? null : [hx], lengths);
    return [output, state[0]];
  }
}

/** What the cells share: weight_ih, weight_hh, bias_ih, bias_hh (PyTorch's names and order), init, repr. */
export abstract class RNNCellBase extends Module {
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  protected readonly who: string;

  /** `settings` are the cell's options, checked by the subclass (whose schema names the keys). */
  protected constructor(kind: string, protected readonly mode: RecurrentMode, readonly inputSize: number, readonly hiddenSize: number,
    settings: ResolvedOptions<typeof CELL_OPTIONS>) {
    super();
    this.who = layerName(kind, inputSize, hiddenSize);
    checkSize(this.who, 'inputSize', inputSize);
    checkSize(this.who, 'hiddenSize', hiddenSize);
    const rows = gateCount(mode) * hiddenSize;
    const bias = settings.bias;
    this.weight_ih = Parameter.empty([rows, inputSize]);
    this.weight_hh = Parameter.empty([rows, hiddenSize]);
    this.bias_ih = bias ? Parameter.empty([rows]) : null;
    this.bias_hh = bias ? Parameter.empty([rows]) : null;
    this.resetParameters();
  }

  /** PyTorch's init: every weight and bias ~ U(−1/√hiddenSize, 1/√hiddenSize). */
  resetParameters(): void {
    resetUniform(this, this.hiddenSize);
  }

  /** The parameters as `F.recurrentCell` takes them. */
  cellWeights(): RecurrentWeights {
    return { weightIh: this.weight_ih, weightHh: this.weight_hh, biasIh: this.bias_ih, biasHh: this.bias_hh };
  }

  protected step(x: Tensor, state: readonly Tensor[] | null): Tensor[] {
    return recurrentCell(this.mode, x, state, this.cellWeights(), this.who);
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih === null ? ', bias=False' : ''}`;
  }
}

/**
 * One Elman RNN step, h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), as PyTorch's nn.RNNCell, for
 * x [N, in] (or [in]) and h [N, H] (zeros when omitted).
 *
 * @example
 * const cell = new nn.RNNCell(10, 20);
 * let h = dl.zeros([3, 20]);
 * for (const x of dl.randn([6, 3, 10]).unbind(0)) h = cell.forward(x, h);
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    const o = RNN_CELL_OPTIONS.parse(options, layerName('RNNCell', inputSize, hiddenSize));
    super('RNNCell', NONLINEARITIES[o.nonlinearity], inputSize, hiddenSize, o);
    this.nonlinearity = o.nonlinearity;
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    return this.step(x, h === null ? null : [h])[0];
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`}`;
  }
}

/**
 * One LSTM step, as PyTorch's nn.LSTMCell: `forward(x, [h, c]?)` returns [h', c'].
 *
 * @example
 * const cell = new nn.LSTMCell(10, 20);
 * const [h, c] = cell.forward(dl.randn([3, 10]));
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super('LSTMCell', 'lstm', inputSize, hiddenSize, CELL_OPTIONS.parse(options, layerName('LSTMCell', inputSize, hiddenSize)));
  }

  override forward(x: Tensor, hx: readonly [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.step(x, hx);
    return [h, c];
  }
}

/**
 * One GRU step, as PyTorch's nn.GRUCell: `forward(x, h?)` returns h'.
 *
 * @example
 * new nn.GRUCell(10, 20).forward(dl.randn([3, 10])).shape; // [3, 20]
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentCellOptions = {}) {
    super('GRUCell', 'gru', inputSize, hiddenSize, CELL_OPTIONS.parse(options, layerName('GRUCell', inputSize, hiddenSize)));
  }

  override forward(x: Tensor, h: Tensor | null = null): Tensor {
    return this.step(x, h === null ? null : [h])[0];
  }
}
