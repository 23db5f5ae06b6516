/**
 * nn.Module API against PyTorch 1.13 (fixture module.json): state-dict keys, parameter/buffer/
 * module names and order, print(model) text, loading torch's weights, strict loading errors,
 * summary numbers; plus train/eval, zeroGrad, apply, field reassignment and memory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';
import { loadFixture, stateOf, T, type FixtureTensor } from './nn_fixtures.js';

const { nn } = dl;

interface ModuleFixture {
  stateKeys: string[];
  parameterNames: string[];
  bufferNames: string[];
  moduleNames: string[];
  repr: string;
  state: Record<string, FixtureTensor>;
  input: FixtureTensor;
  evalOutput: FixtureTensor;
  totalParams: number;
  mlpRepr: string;
  mlpParams: number[];
  mlpTotal: number;
  reprs: Record<string, string>;
}

/** The architecture of the fixture script's Net, field for field. */
class Net extends nn.Module {
  layers = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(8, 3));
  bn = new nn.BatchNorm1d(8);
  emb = new nn.Embedding(10, 4, { paddingIdx: 0 });
  act = new nn.GELU('tanh');
  ln = new nn.LayerNorm(8);
  heads = new nn.ModuleList([new nn.Linear(3, 2), new nn.Linear(3, 1, false)]);

  override forward(x: dl.Tensor): dl.Tensor {
    let h = this.layers.at(0).forward(x);
    h = this.ln.forward(this.act.forward(this.bn.forward(h)));
    h = this.layers.at(3).forward(this.layers.at(2).forward(this.layers.at(1).forward(h)));
    return this.heads.at(0).forward(h);
  }
}

const mlp = (): dl.nn.Sequential => new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));

const fx = loadFixture<ModuleFixture>('module.json');

describe('nn.Module matches PyTorch', () => {
  it('state dict keys, parameter, buffer and module names in PyTorch order', () => {
    const net = new Net();
    const sd = net.stateDict({ keepVars: true });
    assert.deepEqual(Object.keys(sd), fx.stateKeys);
    assert.equal(sd['bn.num_batches_tracked'].dtype, 'int64');
    assert.deepEqual(net.namedParameters().map(([n]) => n), fx.parameterNames);
    assert.deepEqual(net.namedBuffers().map(([n]) => n), fx.bufferNames);
    assert.deepEqual(net.namedModules().map(([n]) => n), fx.moduleNames);
    assert.equal(net.parameters().reduce((n, p) => n + p.numel(), 0), fx.totalParams);
    net.dispose();
  });

  it('toString is print(model)', () => {
    const net = new Net();
    assert.equal(net.toString(), fx.repr);
    const m = mlp();
    assert.equal(String(m), fx.mlpRepr);
    const reprs: Record<string, () => dl.nn.Module> = {
      bn_none: () => new nn.BatchNorm1d(3, { momentum: null, affine: false }),
      emb: () => new nn.Embedding(5, 2, { paddingIdx: -1, maxNorm: 1 }),
      flatten: () => new nn.Flatten(), unflatten: () => new nn.Unflatten(1, [2, 3]),
      lrelu: () => new nn.LeakyReLU(), elu: () => new nn.ELU(), hardtanh: () => new nn.Hardtanh(),
      softplus: () => new nn.Softplus(), prelu: () => new nn.PReLU(3), relu6: () => new nn.ReLU6(),
      bilinear: () => new nn.Bilinear(2, 3, 4), softmax: () => new nn.Softmax(-1),
      ln: () => new nn.LayerNorm([3, 4]), ce: () => new nn.CrossEntropyLoss(), dropout: () => new nn.Dropout(),
      moduledict: () => new nn.ModuleDict({ a: new nn.ReLU(), b: new nn.Tanh() }),
    };
    assert.deepEqual(Object.keys(reprs).sort(), Object.keys(fx.reprs).sort());
    for (const [k, make] of Object.entries(reprs)) {
      const mod = make();
      assert.equal(mod.toString(), fx.reprs[k], k);
      mod.dispose();
    }
    net.dispose();
    m.dispose();
  });

  it("loads torch's state dict and reproduces its eval output", () => {
    const net = new Net();
    dl.tidy(() => {
      net.loadStateDict(stateOf(fx.state));
      net.eval();
      assertClose(dl.noGrad(() => net.forward(T(fx.input))), fx.evalOutput.d, 1e-5, 1e-6, 'eval output');
      const back = net.stateDict();
      for (const [k, v] of Object.entries(fx.state)) assertClose(back[k], v.d.map(Math.fround), 0, 0, k);
    });
    net.dispose();
  });

  it('strict loadStateDict reports missing, unexpected keys and size mismatches in one error', () => dl.tidy(() => {
    const net = new Net();
    const sd = stateOf(fx.state);
    delete sd['ln.bias'];
    delete sd['bn.running_var'];
    sd['extra.weight'] = dl.zeros([1]);
    sd['layers.0.weight'] = dl.zeros([8, 5]);
    const before = net.getParameter('layers.3.weight')!.dataSync();
    assert.throws(() => net.loadStateDict(sd), (err: Error) => {
      assert.equal(err.message, [
        'Error(s) in loading state_dict for Net:',
        '\tUnexpected key(s) in state_dict: "extra.weight". ',
        '\tMissing key(s) in state_dict: "bn.running_var", "ln.bias". ',
        '\tsize mismatch for layers.0.weight: copying a param with shape torch.Size([8, 5]) from checkpoint, ' +
          'the shape in current model is torch.Size([8, 4]).',
      ].join('\n'));
      return true;
    });
    assert.deepEqual(net.getParameter('layers.3.weight')!.dataSync(), before, 'nothing copied on error');
    assert.throws(() => net.loadStateDict(sd, { strict: false }), /size mismatch for layers.0.weight/);
    sd['layers.0.weight'] = dl.zeros([8, 4]);
    const res = net.loadStateDict(sd, { strict: false });
    assert.deepEqual(res, { missingKeys: ['bn.running_var', 'ln.bias'], unexpectedKeys: ['extra.weight'] });
    assert.equal(net.layers.at(0).stateDict().weight.abs().sum().item(), 0);
    net.dispose();
  }));

  it('summary: per-layer output shapes and parameter counts, totals and size in bytes', () => {
    const m = mlp();
    const s = m.summary([2, 784]);
    assert.equal(s.totalParams, fx.mlpTotal);
    assert.equal(s.trainableParams, fx.mlpTotal);
    assert.equal(s.sizeBytes, fx.mlpTotal * 4);
    assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.outputShape]), [
      ['0', 'Linear', [2, 256]], ['1', 'ReLU', [2, 256]], ['2', 'Linear', [2, 128]], ['3', 'ReLU', [2, 128]], ['4', 'Linear', [2, 10]],
    ]);
    const linearCounts = s.rows.filter((r) => r.type === 'Linear').map((r) => r.params);
    assert.deepEqual(linearCounts, [0, 2, 4].map((i) => fx.mlpParams[i] + fx.mlpParams[i + 1]));
    m.at(0).requiresGrad_(false);
    const frozen = m.summary([1, 784]);
    assert.equal(frozen.trainableParams, fx.mlpTotal - fx.mlpParams[0] - fx.mlpParams[1]);
    assert.match(frozen.toString(), /Total params: 235,146\nTrainable params: 34,186\nNon-trainable params: 200,960/);
    assert.equal(typeof (m.at(0) as unknown as Record<string, unknown>).forward, 'function');
    assert.ok(!Object.prototype.hasOwnProperty.call(m.at(0), 'forward'), 'forward unpatched after summary');
    const net = new Net();
    net.train();
    const ns = net.summary([3, 4]);
    assert.equal(net.training, true, 'training mode restored');
    assert.equal(net.bn.numBatchesTracked!.item(), 0, 'summary does not touch running stats');
    assert.equal(ns.bufferBytes, (8 + 8) * 4 + 8);
    m.dispose();
    net.dispose();
  });
});

describe('nn.Module behaviour', () => {
  it('train/eval reach every descendant; zeroGrad clears; apply visits children first', () => {
    const net = new Net();
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    dl.tidy(() => net.forward(dl.randn([3, 4])).sum().backward());
    assert.ok(net.parameters().some((p) => p.grad !== null));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === null));
    const order: string[] = [];
    net.heads.apply((m) => order.push(m.constructor.name));
    assert.deepEqual(order, ['Linear', 'Linear', 'ModuleList']);
    net.requiresGrad_(false);
    assert.ok(net.parameters().every((p) => !p.requiresGrad));
    assert.equal(net.to('cpu'), net);
    assert.equal(net.to({ dtype: 'float32', device: 'cpu' }), net);
    assert.throws(() => net.to('int64'), /only accepts floating point dtypes/);
    net.dispose();
  });

  it('fields: reassignment, null parameters, shared parameters once, explicit registration', () => {
    class M extends nn.Module {
      a = new nn.Linear(2, 2);
      b: dl.nn.Linear | null = new nn.Linear(2, 2);
      scale = new nn.Parameter(dl.ones([1]));
      plain = [new nn.Linear(2, 2)];
      constructor() {
        super();
        this.registerBuffer('stat', dl.zeros([2]));
        this.registerBuffer('tmp', dl.zeros([1]), false);
        this.registerParameter('extra', new nn.Parameter(dl.zeros([3])));
      }
    }
    const m = new M();
    assert.deepEqual(m.namedParameters().map(([n]) => n), ['scale', 'extra', 'a.weight', 'a.bias', 'b.weight', 'b.bias']);
    assert.deepEqual(Object.keys(m.stateDict({ keepVars: true })), ['scale', 'extra', 'stat', 'a.weight', 'a.bias', 'b.weight', 'b.bias']);
    m.b = null;
    assert.deepEqual(m.namedChildren().map(([n]) => n), ['a']);
    m.a = new nn.Linear(2, 5);
    assert.deepEqual(m.getParameter('a.weight')!.shape, [5, 2]);
    (m as unknown as { c: dl.nn.Linear }).c = m.a;
    assert.equal(m.parameters().length, 4, 'a shared module counts once');
    assert.ok(m.getSubmodule('c') === m.a);
    assert.throws(() => m.registerBuffer('scale', dl.zeros([1])), /attribute "scale" already exists as a parameter/);
    assert.throws(() => m.registerParameter('x.y', null), /can't contain "."/);
    assert.match(String(m.scale), /^Parameter containing:\ntensor\(\[1\.\], requires_grad=True\)$/);
    m.dispose();
  });

  it('a training step inside tidy returns memory to the baseline; running stats update in place', () => {
    dl.manualSeed(0);
    const net = new Net();
    const lossFn = new nn.CrossEntropyLoss();
    const x = dl.randn([16, 4]);
    const y = dl.randint(0, 2, [16]);
    const runningMean = net.bn.runningMean!;
    const baseline = dl.memory();
    for (let step = 0; step < 5; step++) {
      dl.tidy(() => {
        net.zeroGrad();
        const loss = lossFn.forward(net.forward(x), y);
        loss.backward();
        dl.noGrad(() => {
          for (const p of net.parameters()) if (p.grad) p.sub_(p.grad.mul(0.1));
        });
      });
    }
    net.zeroGrad();
    assert.equal(dl.memory().numTensors, baseline.numTensors);
    assert.equal(dl.memory().numBytes, baseline.numBytes);
    assert.equal(net.bn.runningMean, runningMean, 'same buffer tensor');
    assert.equal(net.bn.numBatchesTracked!.item(), 5);
    assert.notEqual(runningMean.abs().sum().item(), 0);
    net.dispose();
    x.dispose();
    y.dispose();
  });
});
