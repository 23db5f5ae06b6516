/**
 * The options of the conv, pooling, normalisation, upsample and recurrent layers and of their
 * functional forms, each declared once with `defineOptions`: a misspelt key is an error that
 * suggests the right one, a value of the wrong type a TypeError and an out-of-range number a
 * RangeError, both naming the class or function and the key; valid options build the modules they
 * built before the declarations (reprs, parameter, buffer and output shapes recorded from the
 * hand-written checks they replace).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import type { Tensor } from '../src/index.js';

const { nn } = dl;
const F = nn.functional;

type Options = Record<string, unknown>;

interface OptionCase {
  /** How messages name the owner: `Conv2d(4, 6)`, `conv2d`. */
  owner: string;
  /** Builds the layer, or calls the function, with `options`. */
  make: (options: Options) => unknown;
  /** A misspelt key and the key it should suggest. */
  typo: [string, string];
  /** A key and a value of the wrong type for it. */
  wrongType: [string, unknown];
  /** A key and a number out of its range; absent where no option is a number. */
  outOfRange?: [string, unknown];
}

const layer = (owner: string, make: (options: Options) => unknown, rest: Omit<OptionCase, 'owner' | 'make'>): OptionCase => ({ owner, make, ...rest });

const LAYER_CASES: OptionCase[] = [
  layer('Conv1d(4, 6)', (o) => new nn.Conv1d(4, 6, 3, o as never), { typo: ['strides', 'stride'], wrongType: ['bias', 'yes'], outOfRange: ['dilation', 0] }),
  layer('Conv2d(3, 8)', (o) => new nn.Conv2d(3, 8, 3, o as never), { typo: ['paddingMod', 'paddingMode'], wrongType: ['padding', 'full'], outOfRange: ['stride', [1, 0]] }),
  layer('Conv3d(2, 4)', (o) => new nn.Conv3d(2, 4, 3, o as never), { typo: ['dilations', 'dilation'], wrongType: ['groups', '1'], outOfRange: ['groups', 0] }),
  layer('ConvTranspose1d(4, 2)', (o) => new nn.ConvTranspose1d(4, 2, 3, o as never), { typo: ['outputPaddin', 'outputPadding'], wrongType: ['paddingMode', 'reflect'], outOfRange: ['outputPadding', -1] }),
  layer('ConvTranspose2d(4, 2)', (o) => new nn.ConvTranspose2d(4, 2, 3, o as never), { typo: ['group', 'groups'], wrongType: ['stride', '2'], outOfRange: ['padding', [1, 2, 3]] }),
  layer('ConvTranspose3d(2, 4)', (o) => new nn.ConvTranspose3d(2, 4, 2, o as never), { typo: ['biass', 'bias'], wrongType: ['bias', 1], outOfRange: ['stride', 1.5] }),
  layer('MaxPool1d', (o) => new nn.MaxPool1d(3, o as never), { typo: ['dilaton', 'dilation'], wrongType: ['returnIndices', 1], outOfRange: ['dilation', 0] }),
  layer('MaxPool2d', (o) => new nn.MaxPool2d(3, o as never), { typo: ['ceil_mode', 'ceilMode'], wrongType: ['ceilMode', 'true'], outOfRange: ['padding', -1] }),
  layer('MaxPool3d', (o) => new nn.MaxPool3d(2, o as never), { typo: ['strides', 'stride'], wrongType: ['stride', 'kernel'], outOfRange: ['stride', [2, 2]] }),
  layer('AvgPool1d', (o) => new nn.AvgPool1d(3, o as never), { typo: ['countIncludePadding', 'countIncludePad'], wrongType: ['countIncludePad', 'no'], outOfRange: ['stride', 0] }),
  layer('AvgPool2d', (o) => new nn.AvgPool2d(2, o as never), { typo: ['divisor_override', 'divisorOverride'], wrongType: ['divisorOverride', '3'], outOfRange: ['divisorOverride', 0] }),
  layer('AvgPool3d', (o) => new nn.AvgPool3d(2, o as never), { typo: ['ceilmode', 'ceilMode'], wrongType: ['padding', null], outOfRange: ['padding', [0, 0, -1]] }),
  layer('AdaptiveMaxPool2d', (o) => new nn.AdaptiveMaxPool2d(2, o as never), { typo: ['returnIndex', 'returnIndices'], wrongType: ['returnIndices', 1] }),
  layer('BatchNorm1d', (o) => new nn.BatchNorm1d(4, o as never), { typo: ['momentun', 'momentum'], wrongType: ['affine', 1], outOfRange: ['momentum', 1.5] }),
  layer('BatchNorm2d', (o) => new nn.BatchNorm2d(3, o as never), { typo: ['trackRunningStat', 'trackRunningStats'], wrongType: ['momentum', '0.1'], outOfRange: ['eps', 0] }),
  layer('BatchNorm3d', (o) => new nn.BatchNorm3d(2, o as never), { typo: ['epss', 'eps'], wrongType: ['eps', '1e-5'], outOfRange: ['eps', -1e-5] }),
  layer('InstanceNorm1d', (o) => new nn.InstanceNorm1d(3, o as never), { typo: ['afine', 'affine'], wrongType: ['trackRunningStats', 'yes'], outOfRange: ['momentum', -0.1] }),
  layer('InstanceNorm2d', (o) => new nn.InstanceNorm2d(3, o as never), { typo: ['momentom', 'momentum'], wrongType: ['affine', null], outOfRange: ['eps', 0] }),
  layer('InstanceNorm3d', (o) => new nn.InstanceNorm3d(3, o as never), { typo: ['trackRunningStat', 'trackRunningStats'], wrongType: ['eps', true], outOfRange: ['momentum', 2] }),
  layer('GroupNorm', (o) => new nn.GroupNorm(2, 4, o as never), { typo: ['affin', 'affine'], wrongType: ['eps', '1e-5'], outOfRange: ['eps', 0] }),
  layer('Upsample', (o) => new nn.Upsample({ scaleFactor: 2, ...o } as never), { typo: ['alignCorner', 'alignCorners'], wrongType: ['mode', 'cubic'], outOfRange: ['scaleFactor', -2] }),
  layer('RNN(3, 4)', (o) => new nn.RNN(3, 4, o as never), { typo: ['numLayer', 'numLayers'], wrongType: ['nonlinearity', 'gelu'], outOfRange: ['numLayers', 0] }),
  layer('LSTM(3, 4)', (o) => new nn.LSTM(3, 4, o as never), { typo: ['batch_first', 'batchFirst'], wrongType: ['bidirectional', 'yes'], outOfRange: ['dropout', 1.5] }),
  layer('GRU(3, 4)', (o) => new nn.GRU(3, 4, o as never), { typo: ['bidirectinal', 'bidirectional'], wrongType: ['dropout', '0.1'], outOfRange: ['numLayers', 1.5] }),
  layer('RNNCell(3, 4)', (o) => new nn.RNNCell(3, 4, o as never), { typo: ['nonlinearty', 'nonlinearity'], wrongType: ['nonlinearity', 'sigmoid'] }),
  layer('LSTMCell(3, 4)', (o) => new nn.LSTMCell(3, 4, o as never), { typo: ['bais', 'bias'], wrongType: ['bias', 1] }),
  layer('GRUCell(3, 4)', (o) => new nn.GRUCell(3, 4, o as never), { typo: ['biases', 'bias'], wrongType: ['bias', 'false'] }),
];

const x1 = dl.zeros([1, 2, 8]), x2 = dl.zeros([1, 2, 8, 8]), x3 = dl.zeros([1, 2, 4, 4, 4]);
const weights = new nn.GRU(3, 4).layerWeights();
const FUNCTION_CASES: OptionCase[] = [
  layer('conv1d', (o) => F.conv1d(x1, dl.zeros([3, 2, 3]), null, o as never), { typo: ['paddng', 'padding'], wrongType: ['padding', 'full'], outOfRange: ['dilation', 0] }),
  layer('conv2d', (o) => F.conv2d(x2, dl.zeros([3, 2, 3, 3]), null, o as never), { typo: ['strid', 'stride'], wrongType: ['groups', true], outOfRange: ['stride', [1, 2, 3]] }),
  layer('conv3d', (o) => F.conv3d(x3, dl.zeros([3, 2, 1, 1, 1]), null, o as never), { typo: ['dilatation', 'dilation'], wrongType: ['stride', null], outOfRange: ['padding', -1] }),
  layer('convTranspose1d', (o) => F.convTranspose1d(x1, dl.zeros([2, 3, 3]), null, o as never), { typo: ['outputpadding', 'outputPadding'], wrongType: ['padding', 'same'], outOfRange: ['outputPadding', 0.5] }),
  layer('convTranspose2d', (o) => F.convTranspose2d(x2, dl.zeros([2, 3, 3, 3]), null, o as never), { typo: ['groupz', 'groups'], wrongType: ['dilation', '1'], outOfRange: ['groups', -1] }),
  layer('convTranspose3d', (o) => F.convTranspose3d(x3, dl.zeros([2, 3, 1, 1, 1]), null, o as never), { typo: ['stides', 'stride'], wrongType: ['stride', {}], outOfRange: ['stride', 0] }),
  layer('maxPool1d', (o) => F.maxPool1d(x1, 2, o as never), { typo: ['ceilMod', 'ceilMode'], wrongType: ['ceilMode', 0], outOfRange: ['stride', -1] }),
  layer('maxPool2d', (o) => F.maxPool2d(x2, 2, o as never), { typo: ['returnIndice', 'returnIndices'], wrongType: ['returnIndices', 'yes'], outOfRange: ['dilation', [1, 0]] }),
  layer('maxPool3d', (o) => F.maxPool3d(x3, 2, o as never), { typo: ['paddng', 'padding'], wrongType: ['padding', '0'], outOfRange: ['padding', 0.5] }),
  layer('avgPool1d', (o) => F.avgPool1d(x1, 2, o as never), { typo: ['countIncludePads', 'countIncludePad'], wrongType: ['countIncludePad', 1], outOfRange: ['divisorOverride', 1.5] }),
  layer('avgPool2d', (o) => F.avgPool2d(x2, 2, o as never), { typo: ['divisorOveride', 'divisorOverride'], wrongType: ['divisorOverride', 'two'], outOfRange: ['stride', [2, 0]] }),
  layer('avgPool3d', (o) => F.avgPool3d(x3, 2, o as never), { typo: ['strde', 'stride'], wrongType: ['ceilMode', null], outOfRange: ['padding', -1] }),
  layer('adaptiveMaxPool1d', (o) => F.adaptiveMaxPool1d(x1, 2, o as never), { typo: ['returnindices', 'returnIndices'], wrongType: ['returnIndices', 0] }),
  layer('adaptiveMaxPool2d', (o) => F.adaptiveMaxPool2d(x2, 2, o as never), { typo: ['returnIndexes', 'returnIndices'], wrongType: ['returnIndices', 'no'] }),
  layer('batchNorm', (o) => F.batchNorm(x2, null, null, o as never), { typo: ['moment', 'momentum'], wrongType: ['weight', [1, 2]], outOfRange: ['eps', -1] }),
  layer('instanceNorm', (o) => F.instanceNorm(x2, o as never), { typo: ['useInputStat', 'useInputStats'], wrongType: ['runningMean', 3], outOfRange: ['momentum', 2] }),
  layer('interpolate', (o) => F.interpolate(x2, { size: 4, ...o } as never), { typo: ['aligncorner', 'alignCorners'], wrongType: ['size', '4'], outOfRange: ['size', 0] }),
  layer('gru', (o) => F.recurrent('gru', dl.zeros([5, 2, 3]), null, weights, o as never), { typo: ['batchfirst', 'batchFirst'], wrongType: ['lengths', 'all'], outOfRange: ['dropout', -0.1] }),
];

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected an error');
}

function checkCase(c: OptionCase): void {
  it(`${c.owner}: a misspelt key suggests '${c.typo[1]}'`, () => {
    const e = thrown(() => c.make({ [c.typo[0]]: 1 }));
    assert.ok(e.message.startsWith(`${c.owner}: unknown option '${c.typo[0]}' (did you mean '${c.typo[1]}'?`), e.message);
  });
  it(`${c.owner}: a wrong type for '${c.wrongType[0]}' is a TypeError naming it`, () => {
    const e = thrown(() => c.make({ [c.wrongType[0]]: c.wrongType[1] }));
    assert.ok(e instanceof TypeError, `${e.name}: ${e.message}`);
    assert.match(e.message, new RegExp(`^${escape(c.owner)}: option '${c.wrongType[0]}' must be .+, got `));
  });
  const range = c.outOfRange;
  if (range === undefined) return;
  it(`${c.owner}: '${range[0]}' out of range is a RangeError naming it and what is expected`, () => {
    const e = thrown(() => c.make({ [range[0]]: range[1] }));
    assert.ok(e instanceof RangeError, `${e.name}: ${e.message}`);
    assert.match(e.message, new RegExp(`^${escape(c.owner)}: option '${range[0]}' must be (a number|an integer).+, got `));
  });
}

function escape(s: string): string {
  return s.replace(/[()[\]]/g, '\\$&');
}

describe('layer options are declared once: typos, types and ranges', () => LAYER_CASES.forEach(checkCase));
describe('functional options are declared once: typos, types and ranges', () => FUNCTION_CASES.forEach(checkCase));

describe('messages say what was expected', () => {
  it('sizes give the spatial rank, the bound and the value', () => {
    assert.throws(() => new nn.Conv2d(1, 2, 3, { stride: [1, 0] }),
      { name: 'RangeError', message: "Conv2d(1, 2): option 'stride' must be an integer ≥ 1 or a list of 2 integers ≥ 1, got [1, 0]" });
    assert.throws(() => new nn.Conv2d(1, 2, 3, { padding: 'full' as never }),
      { name: 'TypeError', message: "Conv2d(1, 2): option 'padding' must be an integer ≥ 0 or a list of 2 integers ≥ 0, or one of 'same', 'valid', got the string \"full\"" });
    assert.throws(() => new nn.MaxPool2d([2, 2, 2]), { name: 'RangeError', message: 'MaxPool2d: kernelSize must be an integer ≥ 1 or a list of 2 integers ≥ 1, got [2, 2, 2]' });
  });
  it('momentum may be null where PyTorch allows it', () => {
    assert.throws(() => new nn.BatchNorm2d(3, { momentum: 1.5 }),
      { name: 'RangeError', message: "BatchNorm2d: option 'momentum' must be a number in [0, 1] or null (a cumulative average), got 1.5" });
    assert.throws(() => F.batchNorm(x2, null, null, { momentum: null as never }), { name: 'TypeError', message: "batchNorm: option 'momentum' must be a number in [0, 1], got null" });
  });
  it('rules between options and shapes keep their own messages', () => {
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), { message: 'Conv2d(3, 4): inChannels (3) must be divisible by groups (2)' });
    assert.throws(() => new nn.Upsample({ size: 4, scaleFactor: 2 }), { message: 'Upsample: give exactly one of size and scaleFactor' });
    assert.throws(() => new nn.Upsample({ size: 4, alignCorners: true }), /Upsample: alignCorners can only be set with the interpolating modes/);
    assert.throws(() => new nn.Conv1d(0, 2, 3), { name: 'RangeError', message: 'Conv1d(0, 2): inChannels must be a positive integer, got 0' });
  });
  it('options must be an object', () => {
    assert.throws(() => new nn.GroupNorm(2, 4, 1e-5 as never), { name: 'TypeError', message: 'GroupNorm: options must be an object, got a number' });
  });
});

interface BuildCase {
  build: () => dl.nn.Module;
  input: number[];
  repr: string;
  parameters: Record<string, number[]>;
  buffers?: Record<string, number[]>;
  /** The forward's result: a shape, or the shapes of a list of results. */
  output: unknown;
}

const TRACKED = (c: number): Record<string, number[]> => ({ running_mean: [c], running_var: [c], num_batches_tracked: [] });

const BUILDS: BuildCase[] = [
  { build: () => new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 1, groups: 2, bias: false, paddingMode: 'reflect' }), input: [2, 4, 9],
    repr: 'Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), groups=2, bias=False, padding_mode=reflect)', parameters: { weight: [6, 2, 3] }, output: [2, 6, 5] },
  { build: () => new nn.Conv2d(3, 8, 3, { padding: 'same', dilation: 2 }), input: [1, 3, 7, 7],
    repr: 'Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2))', parameters: { weight: [8, 3, 3, 3], bias: [8] }, output: [1, 8, 7, 7] },
  { build: () => new nn.Conv3d(2, 4, [1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }), input: [1, 2, 3, 9, 9],
    repr: 'Conv3d(2, 4, kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))', parameters: { weight: [4, 2, 1, 3, 3], bias: [4] }, output: [1, 4, 3, 5, 5] },
  { build: () => new nn.ConvTranspose1d(4, 2, 3, { stride: 2 }), input: [1, 4, 10],
    repr: 'ConvTranspose1d(4, 2, kernel_size=(3,), stride=(2,))', parameters: { weight: [4, 2, 3], bias: [2] }, output: [1, 2, 21] },
  { build: () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1, bias: false }), input: [1, 4, 5, 5],
    repr: 'ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1), bias=False)', parameters: { weight: [4, 2, 3, 3] }, output: [1, 2, 10, 10] },
  { build: () => new nn.ConvTranspose3d(2, 4, 2, { stride: 2, groups: 2, paddingMode: 'zeros' }), input: [1, 2, 2, 3, 4],
    repr: 'ConvTranspose3d(2, 4, kernel_size=(2, 2, 2), stride=(2, 2, 2), groups=2)', parameters: { weight: [2, 2, 2, 2, 2], bias: [4] }, output: [1, 4, 4, 6, 8] },
  { build: () => new nn.MaxPool1d(3, { stride: 2, padding: 1, dilation: 2 }), input: [1, 2, 11],
    repr: 'MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=False)', parameters: {}, output: [1, 2, 5] },
  { build: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }), input: [1, 2, 8, 8],
    repr: 'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)', parameters: {}, output: [[1, 2, 5, 5], [1, 2, 5, 5]] },
  { build: () => new nn.MaxPool3d([1, 2, 2], { stride: null }), input: [1, 2, 3, 4, 6],
    repr: 'MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2), padding=0, dilation=1, ceil_mode=False)', parameters: {}, output: [1, 2, 3, 2, 3] },
  { build: () => new nn.AvgPool1d(3, { stride: 1, padding: 1, countIncludePad: false }), input: [1, 2, 7],
    repr: 'AvgPool1d(kernel_size=(3,), stride=(1,), padding=(1,))', parameters: {}, output: [1, 2, 7] },
  { build: () => new nn.AvgPool2d(2, { ceilMode: true, divisorOverride: 3 }), input: [1, 2, 5, 5],
    repr: 'AvgPool2d(kernel_size=2, stride=2, padding=0)', parameters: {}, output: [1, 2, 3, 3] },
  { build: () => new nn.AvgPool3d(2, { stride: [1, 2, 2] }), input: [1, 1, 3, 4, 4],
    repr: 'AvgPool3d(kernel_size=2, stride=(1, 2, 2), padding=0)', parameters: {}, output: [1, 1, 2, 2, 2] },
  { build: () => new nn.AdaptiveMaxPool2d([2, 3], { returnIndices: true }), input: [1, 2, 7, 8],
    repr: 'AdaptiveMaxPool2d(output_size=(2, 3))', parameters: {}, output: [[1, 2, 2, 3], [1, 2, 2, 3]] },
  { build: () => new nn.BatchNorm1d(4, { eps: 1e-3, momentum: null, affine: false }), input: [3, 4],
    repr: 'BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=True)', parameters: {}, buffers: TRACKED(4), output: [3, 4] },
  { build: () => new nn.BatchNorm2d(3, { momentum: 0.2, trackRunningStats: false }), input: [2, 3, 4, 4],
    repr: 'BatchNorm2d(3, eps=1e-05, momentum=0.2, affine=True, track_running_stats=False)', parameters: { weight: [3], bias: [3] }, output: [2, 3, 4, 4] },
  { build: () => new nn.BatchNorm3d(2), input: [2, 2, 2, 2, 2],
    repr: 'BatchNorm3d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)', parameters: { weight: [2], bias: [2] }, buffers: TRACKED(2), output: [2, 2, 2, 2, 2] },
  { build: () => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }), input: [2, 3, 4, 4],
    repr: 'InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)', parameters: { weight: [3], bias: [3] }, buffers: TRACKED(3), output: [2, 3, 4, 4] },
  { build: () => new nn.InstanceNorm1d(3), input: [2, 3, 5],
    repr: 'InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)', parameters: {}, output: [2, 3, 5] },
  { build: () => new nn.GroupNorm(2, 4, { eps: 1e-3, affine: false }), input: [2, 4, 3],
    repr: 'GroupNorm(2, 4, eps=0.001, affine=False)', parameters: {}, output: [2, 4, 3] },
  { build: () => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }), input: [1, 1, 3, 3],
    repr: 'Upsample(scale_factor=2.0, mode=bilinear)', parameters: {}, output: [1, 1, 6, 6] },
  { build: () => new nn.Upsample({ size: [5, 7] }), input: [1, 1, 3, 3], repr: 'Upsample(size=(5, 7), mode=nearest)', parameters: {}, output: [1, 1, 5, 7] },
  { build: () => new nn.RNN(3, 4, { numLayers: 2, nonlinearity: 'relu', bidirectional: true, batchFirst: true, dropout: 0.5, bias: false }), input: [2, 5, 3],
    repr: 'RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)',
    parameters: {
      weight_ih_l0: [4, 3], weight_hh_l0: [4, 4], weight_ih_l0_reverse: [4, 3], weight_hh_l0_reverse: [4, 4],
      weight_ih_l1: [4, 8], weight_hh_l1: [4, 4], weight_ih_l1_reverse: [4, 8], weight_hh_l1_reverse: [4, 4],
    },
    output: [[2, 5, 8], [4, 2, 4]] },
  { build: () => new nn.LSTM(3, 4, { numLayers: 2 }), input: [5, 2, 3], repr: 'LSTM(3, 4, num_layers=2)',
    parameters: {
      weight_ih_l0: [16, 3], weight_hh_l0: [16, 4], bias_ih_l0: [16], bias_hh_l0: [16],
      weight_ih_l1: [16, 4], weight_hh_l1: [16, 4], bias_ih_l1: [16], bias_hh_l1: [16],
    },
    output: [[5, 2, 4], [[2, 2, 4], [2, 2, 4]]] },
  { build: () => new nn.GRU(3, 4, { batchFirst: true, bidirectional: true }), input: [2, 5, 3], repr: 'GRU(3, 4, batch_first=True, bidirectional=True)',
    parameters: {
      weight_ih_l0: [12, 3], weight_hh_l0: [12, 4], bias_ih_l0: [12], bias_hh_l0: [12],
      weight_ih_l0_reverse: [12, 3], weight_hh_l0_reverse: [12, 4], bias_ih_l0_reverse: [12], bias_hh_l0_reverse: [12],
    },
    output: [[2, 5, 8], [2, 2, 4]] },
  { build: () => new nn.RNNCell(3, 4, { nonlinearity: 'relu', bias: false }), input: [2, 3],
    repr: 'RNNCell(3, 4, bias=False, nonlinearity=relu)', parameters: { weight_ih: [4, 3], weight_hh: [4, 4] }, output: [2, 4] },
  { build: () => new nn.LSTMCell(3, 4), input: [2, 3], repr: 'LSTMCell(3, 4)',
    parameters: { weight_ih: [16, 3], weight_hh: [16, 4], bias_ih: [16], bias_hh: [16] }, output: [[2, 4], [2, 4]] },
  { build: () => new nn.GRUCell(3, 4, { bias: false }), input: [2, 3], repr: 'GRUCell(3, 4, bias=False)', parameters: { weight_ih: [12, 3], weight_hh: [12, 4] }, output: [2, 4] },
];

/** The shape of a tensor, or the shapes of a (nested) list of tensors. */
function shapesOf(v: Tensor | readonly unknown[]): unknown {
  return Array.isArray(v) ? v.map((e) => shapesOf(e as Tensor)) : [...(v as Tensor).shape];
}

const shapes = (entries: [string, Tensor][]): Record<string, number[]> => Object.fromEntries(entries.map(([name, t]) => [name, [...t.shape]]));

describe('valid options build the modules they did before', () => {
  for (const c of BUILDS) {
    it(c.repr, () => {
      const m = c.build();
      assert.equal(m.toString(), c.repr);
      assert.deepEqual(shapes(m.namedParameters()), c.parameters);
      assert.deepEqual(shapes(m.namedBuffers()), c.buffers ?? {});
      assert.deepEqual(shapesOf(m.forward(dl.randn(c.input))), c.output);
    });
  }
});

describe('functional forms with valid options', () => {
  it('give the shapes PyTorch gives', () => {
    assert.deepEqual(F.conv2d(x2, dl.zeros([3, 2, 3, 3]), null, { stride: [2, 1], padding: 1, dilation: 1, groups: 1 }).shape, [1, 3, 4, 8]);
    assert.deepEqual(F.convTranspose1d(x1, dl.zeros([2, 3, 3]), null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [1, 3, 16]);
    assert.deepEqual(F.maxPool2d(x2, 3, { stride: null, padding: 1, ceilMode: true }).shape, [1, 2, 3, 3]);
    assert.deepEqual(F.maxPool1d(x1, 2, { stride: [] }).shape, [1, 2, 4]);
    assert.deepEqual(F.avgPool3d(x3, 2, { divisorOverride: null }).shape, [1, 2, 2, 2, 2]);
    assert.deepEqual(F.adaptiveMaxPool2d(x2, [2, null], { returnIndices: true }).map((t) => t.shape), [[1, 2, 2, 8], [1, 2, 2, 8]]);
    assert.deepEqual(F.instanceNorm(x2, { runningMean: null, useInputStats: true }).shape, [1, 2, 8, 8]);
    assert.deepEqual(F.interpolate(x2, { scaleFactor: [0.5, 2], mode: 'bilinear', alignCorners: false }).shape, [1, 2, 4, 16]);
    assert.deepEqual(F.recurrent('gru', dl.zeros([2, 5, 3]), null, weights, { batchFirst: true, lengths: [5, 3], training: false }).output.shape, [2, 5, 4]);
  });
});
