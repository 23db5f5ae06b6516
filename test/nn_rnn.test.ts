/**
 * Recurrent layers and cells against PyTorch 1.13 (fixtures from scripts/make_rnn_fixtures.py,
 * computed in float64 from float32 parameters and inputs), on every backend: outputs, hN/cN and
 * the gradients of a scalar loss with respect to the input, the initial state and every
 * parameter, after loading PyTorch's state dict by its own names; gradchecks of a tiny LSTM and
 * GRU; init, dropout between layers, and the errors a user can cause.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';
import { T, stateOf, type FixtureTensor } from './nn_fixtures.js';

const { nn } = dl;
const F = nn.functional;

interface Case {
  name: string; module: string; args: [number, number]; options: Record<string, unknown>; repr: string;
  state: Record<string, FixtureTensor>; x: FixtureTensor; hx: FixtureTensor[]; lengths?: number[] | null;
  r: FixtureTensor[]; results: FixtureTensor[]; grads: { x: FixtureTensor; hx: FixtureTensor[] } & Record<string, FixtureTensor>;
}
const fixtures = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/rnn/rnn.json', import.meta.url)), 'utf8')) as { layers: Case[]; cells: Case[] };

type Runner = (x: dl.Tensor, hx: dl.Tensor[], lengths: number[] | null) => dl.Tensor[];
/** Builds the case's module and how to run it, returning [output, hN(, cN)] or the cell's results. */
function moduleOf(c: Case): { m: dl.nn.Module; run: Runner } {
  const [i, h] = c.args;
  const state = (hx: dl.Tensor[]): dl.Tensor | null => hx[0] ?? null;
  const pair = (hx: dl.Tensor[]): [dl.Tensor, dl.Tensor] | null => (hx.length === 2 ? [hx[0], hx[1]] : null);
  switch (c.module) {
    case 'RNN': case 'GRU': {
      const m = c.module === 'RNN' ? new nn.RNN(i, h, c.options) : new nn.GRU(i, h, c.options);
      return { m, run: (x, hx, lengths) => m.forward(x, state(hx), lengths) };
    }
    case 'LSTM': {
      const m = new nn.LSTM(i, h, c.options);
      return { m, run: (x, hx, lengths) => { const [out, [hN, cN]] = m.forward(x, pair(hx), lengths); return [out, hN, cN]; } };
    }
    case 'RNNCell': case 'GRUCell': {
      const m = c.module === 'RNNCell' ? new nn.RNNCell(i, h, c.options) : new nn.GRUCell(i, h, c.options);
      return { m, run: (x, hx) => [m.forward(x, state(hx))] };
    }
    case 'LSTMCell': {
      const m = new nn.LSTMCell(i, h, c.options);
      return { m, run: (x, hx) => m.forward(x, pair(hx)) };
    }
    default: throw new Error(`unknown module ${c.module}`);
  }
}

function checkCase(c: Case): void {
  const { m, run } = moduleOf(c);
  assert.equal(m.toString(), c.repr);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), 'PyTorch parameter names and order');
  m.loadStateDict(stateOf(c.state));
  // without gradients the kernels keep no step operands (GRU reads x and h in place): the same results
  const inferred = dl.noGrad(() => run(T(c.x), c.hx.map((h) => T(h)), c.lengths ?? null));
  inferred.forEach((r, k) => assertClose(r, c.results[k].d, 1e-4, 1e-5, `result ${k} without gradients`));
  const x = T(c.x, true);
  const hx = c.hx.map((h) => T(h, true));
  const results = run(x, hx, c.lengths ?? null);
  assert.equal(results.length, c.results.length);
  results.forEach((r, k) => {
    assert.deepEqual(r.shape, c.results[k].s, `result ${k} shape`);
    assertClose(r, c.results[k].d, 1e-4, 1e-5, `result ${k}`);
  });
  results.map((r, k) => r.mul(T(c.r[k])).sum()).reduce((a, b) => a.add(b)).backward();
  assertClose(x.grad!, c.grads.x.d, 1e-4, 1e-5, 'grad x');
  hx.forEach((h, k) => assertClose(h.grad!, c.grads.hx[k].d, 1e-4, 1e-5, `grad hx[${k}]`));
  for (const [name, p] of m.namedParameters()) assertClose(p.grad!, c.grads[name].d, 1e-4, 1e-5, `grad ${name}`);
}

for (const backend of backends()) {
  describe(`recurrent layers vs PyTorch on ${backend}`, () => {
    for (const c of fixtures.layers) it(c.name, () => dl.withBackend(backend, () => dl.tidy(() => checkCase(c))));
  });
  describe(`recurrent cells vs PyTorch on ${backend}`, () => {
    for (const c of fixtures.cells) it(c.name, () => dl.withBackend(backend, () => dl.tidy(() => checkCase(c))));
  });
}

describe('recurrent gradchecks', () => {
  const lengths = [3, 1];
  it('a tiny bidirectional 2-layer LSTM with lengths and an initial state', () => dl.tidy(() => {
    dl.manualSeed(11);
    const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true, batchFirst: true });
    const x = dl.randn([2, 3, 2], { requiresGrad: true });
    const h0 = dl.randn([4, 2, 2], { requiresGrad: true });
    const c0 = dl.randn([4, 2, 2], { requiresGrad: true });
    const fn = (): dl.Tensor[] => { const [out, [hN, cN]] = lstm.forward(x, [h0, c0], lengths); return [out, hN, cN]; };
    assert.ok(dl.autograd.gradcheck(fn, [x, h0, c0, ...lstm.parameters()]));
    // only the final states: their gradients reach the layer without one for the output
    const states = (): dl.Tensor[] => { const [, [hN, cN]] = lstm.forward(x, [h0, c0]); return [hN, cN]; };
    assert.ok(dl.autograd.gradcheck(states, [x, h0, c0, ...lstm.parameters()]));
  }));
  it('a tiny bidirectional GRU with lengths, and a GRU cell', () => dl.tidy(() => {
    dl.manualSeed(12);
    const gru = new nn.GRU(2, 3, { bidirectional: true });
    const x = dl.randn([3, 2, 2], { requiresGrad: true });
    const h0 = dl.randn([2, 2, 3], { requiresGrad: true });
    assert.ok(dl.autograd.gradcheck(() => { const [out, hN] = gru.forward(x, h0, lengths); return [out, hN]; }, [x, h0, ...gru.parameters()]));
    const cell = new nn.GRUCell(2, 3);
    const h = dl.randn([2, 3], { requiresGrad: true });
    assert.ok(dl.autograd.gradcheck(() => cell.forward(x.select(0, 0).detach(), h), [h, ...cell.parameters()]));
  }));
});

describe('recurrent layers', () => {
  it('initialise as PyTorch: every parameter within ±1/√hiddenSize, redrawn by resetParameters', () => {
    for (const m of [new nn.LSTM(5, 16, { numLayers: 2, bidirectional: true }), new nn.GRUCell(5, 16), new nn.RNN(5, 16)]) {
      const first = m.parameters().map((p) => p.clone());
      for (const p of m.parameters()) {
        assert.ok(p.abs().max().item() <= 0.25, 'within 1/√16');
        assert.ok(p.abs().max().item() > 0.2, 'spread over the range');
      }
      (m as dl.nn.RNNBase | dl.nn.RNNCellBase).resetParameters();
      m.parameters().forEach((p, i) => assert.notDeepEqual(p.toArray(), first[i].toArray()));
    }
    assert.deepEqual(new nn.LSTM(3, 4, { bias: false }).namedParameters().map(([n, p]) => [n, p.shape]), [['weight_ih_l0', [16, 3]], ['weight_hh_l0', [16, 4]]]);
  });

  it('dropout acts between layers in training only, reproducibly from dl.manualSeed', () => dl.tidy(() => {
    dl.manualSeed(5);
    const gru = new nn.GRU(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = dl.randn([6, 2, 3]);
    const evalOut = gru.eval().forward(x)[0];
    gru.train();
    dl.manualSeed(9);
    const a = gru.forward(x)[0];
    dl.manualSeed(9);
    const b = gru.forward(x)[0];
    assertClose(a, b, 0, 0, 'same seed, same masks');
    assert.ok(a.sub(evalOut).abs().max().item() > 1e-3, 'training differs from eval');
    // p = 1 zeroes layer 0's output: layer 1 then sees zeros, as a lone layer with its weights does
    const dropAll = new nn.GRU(3, 4, { numLayers: 2, dropout: 1 });
    const alone = new nn.GRU(4, 4);
    alone.loadStateDict(Object.fromEntries(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'].map((n) => [`${n}_l0`, dropAll.getParameter(`${n}_l1`)!])));
    const [out, hN] = dropAll.forward(x);
    const [expected, expectedH] = alone.forward(dl.zeros([6, 2, 4]));
    assertClose(out, expected, 1e-6, 1e-7, 'output');
    assertClose(hN.select(0, 1), expectedH.select(0, 0), 1e-6, 1e-7, 'hN of layer 1');
  }));

  it('lengths: outputs past each end are zero, hN is the state at the last step, and full lengths change nothing', () => dl.tidy(() => {
    dl.manualSeed(6);
    const lstm = new nn.LSTM(3, 4, { batchFirst: true });
    const x = dl.randn([2, 5, 3]);
    const [out, [hN]] = lstm.forward(x, null, dl.tensor([5, 2]));
    assert.equal(out.select(0, 1).narrow(0, 2, 3).abs().max().item(), 0);
    const [short, [shortH]] = lstm.forward(x.narrow(0, 1, 1).narrow(1, 0, 2));
    assertClose(hN.select(1, 1), shortH.select(1, 0), 1e-6, 1e-7, 'hN of the short sequence');
    assertClose(out.select(0, 1).narrow(0, 0, 2), short.select(0, 0), 1e-6, 1e-7, 'its outputs');
    assertClose(lstm.forward(x, null, [5, 5])[0], lstm.forward(x)[0], 0, 0, 'full lengths');
  }));

  it('a retained graph backpropagates twice (the gathered step gradients start afresh)', () => dl.tidy(() => {
    dl.manualSeed(8);
    const lstm = new nn.LSTM(3, 4, { bidirectional: true });
    const x = dl.randn([5, 2, 3], { requiresGrad: true });
    const loss = lstm.forward(x, null, [5, 3])[0].square().sum();
    loss.backward(undefined, { retainGraph: true });
    const [gx, gw] = [x.grad!.clone(), lstm.getParameter('weight_ih_l0_reverse')!.grad!.clone()];
    loss.backward();
    assertClose(x.grad!, gx.mul(2), 1e-6, 1e-7, 'grad x');
    assertClose(lstm.getParameter('weight_ih_l0_reverse')!.grad!, gw.mul(2), 1e-6, 1e-7, 'grad weight');
  }));

  it('functional forms take the layers\' weights', () => dl.tidy(() => {
    dl.manualSeed(7);
    const rnn = new nn.RNN(3, 4, { numLayers: 2, nonlinearity: 'relu' });
    const x = dl.randn([4, 2, 3]);
    const { output, state } = F.recurrent('rnnRelu', x, null, rnn.layerWeights());
    const [out, hN] = rnn.forward(x);
    assertClose(output, out, 0, 0, 'output');
    assertClose(state[0], hN, 0, 0, 'hN');
    const cell = new nn.LSTMCell(3, 4);
    const [h, c] = F.lstmCell(x.select(0, 0), [dl.zeros([2, 4]), dl.zeros([2, 4])], cell.cellWeights());
    const [h2, c2] = cell.forward(x.select(0, 0));
    assertClose(h, h2, 0, 0, 'h');
    assertClose(c, c2, 0, 0, 'c');
  }));
});

describe('recurrent errors name the layer and the shapes', () => {
  const lstm = new nn.LSTM(28, 128, { batchFirst: true });
  it('wrong input rank or feature size', () => {
    assert.throws(() => lstm.forward(dl.zeros([4, 10, 27])), { message: 'LSTM(28, 128) expected input [N, T, 28] (batchFirst), got [4, 10, 27]' });
    assert.throws(() => new nn.GRU(3, 4).forward(dl.zeros([5, 2, 4])), { message: 'GRU(3, 4) expected input [T, N, 3], got [5, 2, 4]' });
    assert.throws(() => lstm.forward(dl.zeros([10, 27])), { message: 'LSTM(28, 128) expected an unbatched input [T, 28], got [10, 27]' });
    assert.throws(() => lstm.forward(dl.zeros([2, 4, 10, 28])), /LSTM\(28, 128\) expected input \[N, T, 28\] \(batchFirst\) or an unbatched \[T, 28\], got \[2, 4, 10, 28\]/);
    assert.throws(() => lstm.forward(dl.zeros([4, 0, 28])), /LSTM\(28, 128\): the input \[4, 0, 28\] has no time steps/);
    assert.throws(() => new nn.GRUCell(3, 4).forward(dl.zeros([2, 5])), { message: 'GRUCell(3, 4) expected input [N, 3] or an unbatched [3], got [2, 5]' });
    assert.throws(() => new nn.RNN(3, 4).forward(dl.zeros([5, 2, 3], { dtype: 'int32' })), /RNN\(3, 4\): expected a float32 input, got int32/);
  });
  it('wrong hx shape', () => {
    const deep = new nn.LSTM(3, 8, { numLayers: 2, bidirectional: true });
    const x = dl.zeros([5, 2, 3]);
    assert.throws(() => deep.forward(x, [dl.zeros([2, 2, 8]), dl.zeros([4, 2, 8])]),
      { message: 'LSTM(3, 8) expected h0 [4, 2, 8] (numLayers·numDirections, N, hiddenSize), got [2, 2, 8]' });
    assert.throws(() => deep.forward(x, [dl.zeros([4, 2, 8]), dl.zeros([4, 3, 8])]), /expected c0 \[4, 2, 8\].*got \[4, 3, 8\]/);
    assert.throws(() => deep.forward(dl.zeros([5, 3]), [dl.zeros([4, 1, 8]), dl.zeros([4, 1, 8])]), /expected h0 \[4, 8\] \(numLayers·numDirections, hiddenSize\) for an unbatched input/);
    assert.throws(() => new nn.GRU(3, 4).forward(x, dl.zeros([1, 2, 5])), { message: 'GRU(3, 4) expected hx [1, 2, 4] (numLayers·numDirections, N, hiddenSize), got [1, 2, 5]' });
    assert.throws(() => new nn.LSTMCell(3, 4).forward(dl.zeros([2, 3]), [dl.zeros([2, 4]), dl.zeros([3, 4])]), { message: 'LSTMCell(3, 4) expected c [2, 4], got [3, 4]' });
  });
  it('lengths out of range or miscounted', () => {
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    const x = dl.zeros([3, 10, 3]);
    assert.throws(() => gru.forward(x, null, [10, 12, 3]),
      { message: 'GRU(3, 4): lengths[1] = 12 is out of range: each length must be an integer in 1..10 (the input\'s time steps)' });
    assert.throws(() => gru.forward(x, null, [10, 0, 3]), /lengths\[1\] = 0 is out of range/);
    assert.throws(() => gru.forward(x, null, [10, 2.5, 3]), /lengths\[1\] = 2.5 is out of range/);
    assert.throws(() => gru.forward(x, null, [10, 3]), { message: 'GRU(3, 4): lengths has 2 entries but the batch has 3 sequences' });
    assert.throws(() => gru.forward(dl.zeros([10, 3]), null, [10]), /lengths needs a batched input/);
  });
  it('bad options and sizes', () => {
    assert.throws(() => new nn.LSTM(3, 4, { numLayer: 2 } as never), /LSTM\(3, 4\): unknown option 'numLayer' .*known: numLayers, bias, batchFirst, dropout, bidirectional\)/);
    assert.throws(() => new nn.LSTM(3, 4, { nonlinearity: 'relu' } as never), /LSTM\(3, 4\): unknown option 'nonlinearity'/);
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: 'gelu' as never }), { message: 'RNN(3, 4): option \'nonlinearity\' must be one of \'tanh\', \'relu\', got the string "gelu"' });
    assert.throws(() => new nn.GRU(3, 0), { message: 'GRU(3, 0): hiddenSize must be a positive integer, got 0' });
    assert.throws(() => new nn.GRU(3, 4, { numLayers: 1.5 }), /GRU\(3, 4\): option 'numLayers' must be an integer ≥ 1, got 1.5/);
    assert.throws(() => new nn.RNN(3, 4, { dropout: 1.5 }), /RNN\(3, 4\): option 'dropout' must be a number in \[0, 1\], got 1.5/);
    assert.throws(() => new nn.GRUCell(3, 4, { nonlinearity: 'tanh' } as never), /GRUCell\(3, 4\): unknown option 'nonlinearity' .*known: bias\)/);
    assert.throws(() => F.recurrent('gru', dl.zeros([2, 1, 3]), null, new nn.GRU(3, 4).layerWeights(), { batch_first: true } as never), /gru: unknown option 'batch_first'/);
    assert.throws(() => new nn.LSTM(3, 4).forward(dl.zeros([2, 1, 3]), dl.zeros([1, 1, 4]) as never), /LSTM\(3, 4\): the initial state must be a pair \[h0, c0\], got a Tensor/);
    assert.throws(() => F.gruCell(dl.zeros([2, 3]), dl.zeros([2, 4]), { weightIh: dl.zeros([12, 3]), weightHh: dl.zeros([8, 4]), biasIh: null, biasHh: null }),
      /gruCell: weightHh must be \[12, 4\] \(3 gate blocks of 4\), got \[8, 4\]/);
  });
});
