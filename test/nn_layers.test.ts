/**
 * Layer parity with PyTorch 1.13 (fixtures from scripts/make_nn_fixtures.py): each layer gets
 * torch's state dict through loadStateDict, runs the same inputs, and must match the output and
 * the gradients of (out·w).sum() for the inputs and every parameter, within 1e-5 relative
 * (atol 1e-6 for values near zero). BatchNorm also matches the running statistics after several
 * training steps and the eval-mode output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';
import { loadFixture, stateOf, T, type FixtureTensor } from './nn_fixtures.js';

const { nn } = dl;

interface LayerCase {
  name: string;
  train: boolean;
  steps: number;
  state: Record<string, FixtureTensor>;
  inputs: FixtureTensor[];
  output: FixtureTensor;
  w: FixtureTensor;
  inputGrads: FixtureTensor[];
  paramGrads: Record<string, FixtureTensor>;
  stateAfter: Record<string, FixtureTensor>;
  evalOutput?: FixtureTensor;
}

/** The same layers the fixture script builds, by case name. */
const FACTORY: Record<string, () => dl.nn.Module> = {
  linear: () => new nn.Linear(5, 3),
  linear_nobias: () => new nn.Linear(5, 3, false),
  linear_3d: () => new nn.Linear(5, 3),
  bilinear: () => new nn.Bilinear(3, 4, 2),
  identity: () => new nn.Identity(),
  flatten: () => new nn.Flatten(),
  unflatten: () => new nn.Unflatten(1, [3, 4]),
  layernorm: () => new nn.LayerNorm(6),
  layernorm_2d: () => new nn.LayerNorm([3, 4], 1e-3),
  layernorm_noaffine: () => new nn.LayerNorm(6, 1e-5, false),
  embedding: () => new nn.Embedding(10, 4),
  embedding_pad: () => new nn.Embedding(10, 4, { paddingIdx: 0 }),
  batchnorm_train: () => new nn.BatchNorm1d(4),
  batchnorm_train_3d: () => new nn.BatchNorm1d(3),
  batchnorm_cumulative: () => new nn.BatchNorm1d(4, { momentum: null }),
  batchnorm_noaffine_notrack: () => new nn.BatchNorm1d(4, { affine: false, trackRunningStats: false }),
  batchnorm_eval: () => new nn.BatchNorm1d(4),
  relu: () => new nn.ReLU(),
  relu6: () => new nn.ReLU6(),
  leaky_relu: () => new nn.LeakyReLU(0.1),
  prelu: () => new nn.PReLU(),
  prelu_channels: () => new nn.PReLU(7),
  elu: () => new nn.ELU(1.5),
  selu: () => new nn.SELU(),
  celu: () => new nn.CELU(2),
  gelu: () => new nn.GELU(),
  gelu_tanh: () => new nn.GELU('tanh'),
  silu: () => new nn.SiLU(),
  mish: () => new nn.Mish(),
  hardtanh: () => new nn.Hardtanh(-0.5, 1.5),
  hardswish: () => new nn.Hardswish(),
  sigmoid: () => new nn.Sigmoid(),
  tanh: () => new nn.Tanh(),
  softplus: () => new nn.Softplus(),
  softplus_beta: () => new nn.Softplus(2, 5),
  softsign: () => new nn.Softsign(),
  softmax: () => new nn.Softmax(1),
  log_softmax: () => new nn.LogSoftmax(0),
};

const cases = loadFixture<LayerCase[]>('layers.json');

for (const backend of backends()) {
  describe(`nn layers match PyTorch on ${backend}`, () => {
    it('the fixture covers every layer in the factory', () => {
      assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(FACTORY).sort());
    });

    for (const c of cases) {
      it(c.name, () => dl.withBackend(backend, () => {
        const layer = FACTORY[c.name]();
        const before = dl.memory().numTensors;
        dl.tidy(() => {
          layer.loadStateDict(stateOf(c.state));
          layer.train(c.train);
          const inputs = c.inputs.map((f) => T(f, f.t !== 'int64'));
          for (let s = 0; s < c.steps - 1; s++) dl.noGrad(() => layer.forward(...inputs));
          const out = layer.forward(...inputs) as dl.Tensor;
          assert.deepEqual(out.shape, c.output.s, 'output shape');
          assertClose(out, c.output.d, 1e-5, 1e-6, `${c.name} output`);
          out.mul(T(c.w)).sum().backward();
          const floatInputs = inputs.filter((x) => x.dtype === 'float32');
          c.inputGrads.forEach((g, i) => assertClose(floatInputs[i].grad!, g.d, 1e-5, 1e-6, `${c.name} input ${i} grad`));
          const params = Object.fromEntries(layer.namedParameters());
          assert.deepEqual(Object.keys(c.paramGrads).sort(), Object.keys(params).sort(), 'parameters with gradients');
          for (const [name, g] of Object.entries(c.paramGrads)) assertClose(params[name].grad!, g.d, 1e-5, 1e-6, `${c.name} ${name}.grad`);
          const after = layer.stateDict();
          assert.deepEqual(Object.keys(after), Object.keys(c.stateAfter), 'state dict keys');
          for (const [k, v] of Object.entries(c.stateAfter)) assertClose(after[k], v.d, 1e-5, 1e-6, `${c.name} state ${k}`);
          if (c.evalOutput) {
            layer.eval();
            assertClose(dl.noGrad(() => layer.forward(...inputs) as dl.Tensor), c.evalOutput.d, 1e-5, 1e-6, `${c.name} eval output`);
          }
          layer.zeroGrad();
        });
        assert.equal(dl.memory().numTensors, before, 'forward + backward inside tidy returns memory to the baseline');
        layer.dispose();
      }));
    }
  });
}

describe('nn layer behaviour', () => {
  it('Embedding: padding row starts at zero and gets no gradient', () => dl.tidy(() => {
    dl.manualSeed(0);
    const emb = new nn.Embedding(6, 3, { paddingIdx: 2 });
    assert.deepEqual(emb.weight.select(0, 2).toArray(), [0, 0, 0]);
    emb.forward(dl.tensor([2, 1, 2, 5])).sum().backward();
    assert.deepEqual((emb.weight.grad!.toArray() as number[][]).map((r) => r[0]), [0, 1, 0, 0, 0, 1]);
    assert.throws(() => emb.forward(dl.tensor([6])), /embedding: index 6 is out of range for a weight with 6 rows/);
    assert.throws(() => emb.forward(dl.tensor([1.5])), /embedding: expected indices of dtype int64 or int32, got float32/);
    emb.dispose();
  }));

  it('Embedding maxNorm renormalises the looked-up rows in place', () => dl.tidy(() => {
    const emb = nn.Embedding.fromPretrained(dl.tensor([[3, 4], [0.3, 0.4], [6, 8]]), { maxNorm: 1 });
    emb.forward(dl.tensor([0, 1]));
    assertClose(emb.weight, [0.6, 0.8, 0.3, 0.4, 6, 8], 1e-5, 1e-6, 'renormed');
    assert.equal(emb.weight.requiresGrad, false, 'fromPretrained freezes by default');
    emb.dispose();
  }));

  it('Dropout is the identity in eval mode and zero/scaled in training', () => dl.tidy(() => {
    const drop = new nn.Dropout(0.25);
    const x = dl.ones([1000]);
    const y = drop.forward(x).dataSync() as Float32Array;
    assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
    assert.equal(drop.eval().forward(x), x);
    assert.throws(() => new nn.Dropout(1.5), /dropout probability has to be between 0 and 1/);
  }));

  it('layer arguments are checked: sizes, PyTorch keywords as options, misspelt keys', () => {
    // PyTorch's bias=False as an options object must not be silently truthy
    assert.equal(new nn.Linear(3, 4, { bias: false }).bias, null);
    assert.equal(new nn.Linear(3, 4, false).bias, null);
    assert.throws(() => new nn.Linear(3, 4, { bais: false } as never), /Linear: unknown option 'bais' \(did you mean 'bias'\?/);
    assert.throws(() => new nn.Linear(3.5, 4), /Linear: inFeatures must be a positive integer, got 3.5/);
    assert.throws(() => new nn.Linear(3, '4' as never), (e: Error) => e instanceof TypeError && /Linear: outFeatures must be a positive integer, got the string "4"/.test(e.message));
    assert.throws(() => new nn.Dropout2d(0.2, { inplase: true } as never), /Dropout2d: unknown option 'inplase' \(did you mean 'inplace'\?/);
    assert.throws(() => new nn.Embedding(10, 3, { paddingIndex: 0 } as never), /Embedding: unknown option 'paddingIndex' \(did you mean 'paddingIdx'\?/);
    const ln = new nn.LayerNorm(4, { eps: 1e-6, elementwiseAffine: false });
    assert.equal(ln.eps, 1e-6);
    assert.equal(ln.weight, null);
    assert.throws(() => new nn.LayerNorm(4, { epsilon: 1e-6 } as never), /LayerNorm: unknown option 'epsilon'/);
    assert.equal(String(new nn.Bilinear(2, 3, 4, { bias: false })).includes('bias=False'), true);
  });

  it('Sequential: indexing, append, slice, named construction', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    assert.equal(seq.length, 2);
    assert.ok(seq.at(0) instanceof nn.Linear);
    assert.ok(seq[1] instanceof nn.ReLU);
    assert.ok(seq.at(-1) instanceof nn.ReLU);
    seq.append(new nn.Linear(3, 1));
    assert.deepEqual(seq.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.weight', '2.bias']);
    assert.equal(seq.slice(1).length, 2);
    const named = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.Tanh() });
    assert.deepEqual(Object.keys(named.stateDict({ keepVars: true })), ['fc.weight', 'fc.bias']);
    assert.deepEqual(dl.tidy(() => named.forward(dl.zeros([4, 2])).shape), [4, 2]);
    const relu = new nn.ReLU();
    assert.equal(new nn.Sequential(relu, relu).length, 2, 'a repeated module runs twice');
    seq.dispose();
    named.dispose();
  });

  it('Sequential fuses Linear + ReLU: same outputs and gradients as the modules one by one; subclasses and traced modules are not fused', () => {
    for (const backend of backends()) {
      dl.withBackend(backend, () => dl.tidy(() => {
        dl.manualSeed(3);
        const seq = new nn.Sequential(new nn.Linear(5, 7), new nn.ReLU(), new nn.Linear(7, 4), new nn.ReLU(), new nn.Linear(4, 2));
        const x = dl.randn([6, 5]);
        const w = dl.randn([6, 2]);
        seq.forward(x).mul(w).sum().backward();
        const fusedGrads = seq.parameters().map((p) => Array.from(p.grad!.dataSync() as Float32Array));
        const fusedOut = Array.from(seq.forward(x).dataSync() as Float32Array);
        seq.zeroGrad();
        // the same modules called one by one (no fusion)
        let out = x;
        for (const m of seq) out = m.forward(out);
        assert.deepEqual(Array.from(out.dataSync() as Float32Array), fusedOut, `${backend}: outputs`);
        out.mul(w).sum().backward();
        seq.parameters().forEach((p, i) => assertClose(p.grad!, fusedGrads[i], 1e-6, 1e-7, `${backend}: grad of parameter ${i}`));
        const grad = seq.forward(x).gradFn;
        assert.equal(grad?.name, 'AddmmBackward', 'the last Linear is not followed by a ReLU');
        assert.equal(seq.at(0).forward(x).gradFn?.name, 'AddmmBackward');
        assert.equal(nn.F.linearRelu(x, (seq.at(0) as dl.nn.Linear).weight).gradFn?.name, 'AddmmReluBackward');
        // a ReLU subclass keeps its own forward
        class Doubling extends nn.ReLU {
          override forward(t: dl.Tensor): dl.Tensor { return t.mul(2); }
        }
        const lin = new nn.Linear(5, 3);
        const custom = new nn.Sequential(lin, new Doubling());
        assert.deepEqual(Array.from(custom.forward(x).dataSync() as Float32Array), Array.from(lin.forward(x).mul(2).dataSync() as Float32Array));
        // summary traces every layer, the fused pair included
        assert.deepEqual(seq.summary([1, 5]).rows.map((r) => r.type), ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']);
        seq.dispose();
        custom.dispose();
      }));
    }
  });

  it('ModuleList insert/pop renumber; ModuleDict keys', () => {
    const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 2)]);
    list.insert(0, new nn.Linear(1, 3));
    assert.deepEqual(list.namedParameters().map(([n, p]) => `${n}:${p.shape[0]}`), ['0.weight:3', '0.bias:3', '1.weight:1', '1.bias:1', '2.weight:2', '2.bias:2']);
    list.pop(0);
    assert.deepEqual(list.namedParameters().map(([n, p]) => `${n}:${p.shape[0]}`), ['0.weight:1', '0.bias:1', '1.weight:2', '1.bias:2']);
    assert.equal(list[1], list.at(1));
    assert.throws(() => list.forward(), /missing the required "forward" function/);
    const dict = new nn.ModuleDict({ a: new nn.Linear(2, 2), b: new nn.ReLU() });
    assert.deepEqual(dict.keys(), ['a', 'b']);
    assert.ok(dict.get('b') instanceof nn.ReLU);
    assert.deepEqual(dict.namedParameters().map(([n]) => n), ['a.weight', 'a.bias']);
    list.dispose();
    dict.dispose();
  });

  it('BatchNorm1d checks its input and rejects batch statistics from one value', () => dl.tidy(() => {
    const bn = new nn.BatchNorm1d(3);
    assert.throws(() => bn.forward(dl.zeros([2, 3, 4, 5])), /expected 2D or 3D input \(got 4D input/);
    assert.throws(() => bn.forward(dl.zeros([2, 4])), /expected input \[N, 3\] or \[N, C, L\], got \[2, 4\] \(4 channels in dim 1\)/);
    assert.throws(() => bn.forward(dl.zeros([1, 3])), /more than 1 value per channel/);
    bn.dispose();
  }));
});
