/**
 * Loss parity with PyTorch 1.13 (fixtures from scripts/make_nn_fixtures.py): every loss with
 * each reduction and option, values and input gradients of (out·w).sum(), within 1e-5
 * relative (atol 1e-6). Also: bad inputs give errors naming the loss and the shapes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';
import { loadFixture, T, type FixtureTensor } from './nn_fixtures.js';

const { nn } = dl;

interface LossCase {
  name: string;
  opts: Record<string, unknown>;
  inputs: FixtureTensor[];
  others: FixtureTensor[];
  output: FixtureTensor;
  w: FixtureTensor;
  inputGrads: FixtureTensor[];
}

type Opts = Record<string, any>;
const tensorOpt = (o: Opts, key: string): dl.Tensor | undefined => (o[key] === undefined ? undefined : T(o[key] as FixtureTensor));

/** The loss module for a case, by name prefix, with the fixture's options. */
function makeLoss(name: string, o: Opts): dl.nn.Module {
  const reduction = o.reduction;
  const prefix = name.split('_')[0];
  switch (prefix) {
    case 'ce': return new nn.CrossEntropyLoss({ reduction, weight: tensorOpt(o, 'weight'), labelSmoothing: o.labelSmoothing, ignoreIndex: o.ignoreIndex });
    case 'nll': return new nn.NLLLoss({ reduction, weight: tensorOpt(o, 'weight'), ignoreIndex: o.ignoreIndex });
    case 'bce': return new nn.BCELoss({ reduction, weight: tensorOpt(o, 'weight') });
    case 'bcelogits': return new nn.BCEWithLogitsLoss({ reduction, weight: tensorOpt(o, 'weight'), posWeight: tensorOpt(o, 'posWeight') });
    case 'mse': return new nn.MSELoss({ reduction });
    case 'l1': return new nn.L1Loss({ reduction });
    case 'smoothl1': return new nn.SmoothL1Loss({ reduction, beta: o.beta });
    case 'huber': return new nn.HuberLoss({ reduction, delta: o.delta });
    case 'kl': return new nn.KLDivLoss({ reduction, logTarget: o.logTarget });
    case 'cosine': return new nn.CosineEmbeddingLoss({ reduction, margin: o.margin });
    case 'ranking': return new nn.MarginRankingLoss({ reduction, margin: o.margin });
    default: throw new Error(`no loss for case ${name}`);
  }
}

const cases = loadFixture<LossCase[]>('losses.json');

for (const backend of backends()) {
  describe(`nn losses match PyTorch on ${backend}`, () => {
    for (const c of cases) {
      it(c.name, () => dl.withBackend(backend, () => {
        const before = dl.memory().numTensors;
        dl.tidy(() => {
          const loss = makeLoss(c.name, c.opts);
          const inputs = c.inputs.map((f) => T(f, true));
          const out = loss.forward(...inputs, ...c.others.map((f) => T(f))) as dl.Tensor;
          assert.deepEqual(out.shape, c.output.s, `${c.name} output shape`);
          assertClose(out, c.output.d, 1e-5, 1e-6, `${c.name} value`);
          out.mul(T(c.w)).sum().backward();
          c.inputGrads.forEach((g, i) => assertClose(inputs[i].grad!, g.d, 1e-5, 1e-6, `${c.name} grad of input ${i}`));
          loss.dispose();
        });
        assert.equal(dl.memory().numTensors, before, 'no tensors leak');
      }));
    }
  });
}

describe('nn losses: errors and edge cases', () => {
  it('CrossEntropyLoss names the loss and the shapes on bad targets', () => dl.tidy(() => {
    const ce = new nn.CrossEntropyLoss();
    const logits = dl.randn([4, 3]);
    assert.throws(() => ce.forward(logits, dl.tensor([0, 1, 2])), /CrossEntropyLoss: expected target of shape \[4\] for input of shape \[4, 3\], got \[3\]/);
    assert.throws(() => ce.forward(logits, dl.tensor([0, 1, 3, 1])), /CrossEntropyLoss: target 3 is out of bounds for 3 classes/);
    assert.throws(() => ce.forward(logits, dl.tensor([0, 1, -1, 1])), /target -1 is out of bounds/);
    assert.throws(() => ce.forward(logits, dl.tensor([0.5, 1, 2, 1])), /CrossEntropyLoss: class-probability target must have the input's shape \[4, 3\], got \[4\]/);
    assert.throws(() => ce.forward(logits, dl.tensor([0, 1, 2, 1], { dtype: 'bool' })), /CrossEntropyLoss: expected target of class indices with dtype int64, got bool/);
    assert.throws(() => new nn.CrossEntropyLoss({ weight: dl.ones([4]) }).forward(logits, dl.tensor([0, 1, 2, 1])), /weight tensor should be defined either for all 3 classes/);
  }));

  it('elementwise losses require equal shapes and float inputs', () => dl.tidy(() => {
    assert.throws(() => new nn.MSELoss().forward(dl.zeros([3]), dl.zeros([3, 1])), /MSELoss: target size \[3, 1\] must be the same as input size \[3\]/);
    assert.throws(() => new nn.BCELoss().forward(dl.zeros([2]), dl.tensor([0, 1])), /BCELoss: expected target of dtype float32, got int64/);
    assert.throws(() => new nn.L1Loss({ reduction: 'avg' as 'mean' }), /L1Loss: option 'reduction' must be one of 'none', 'mean', 'sum', got the string "avg"/);
    assert.throws(() => nn.functional.l1Loss(dl.zeros([2]), dl.zeros([2]), { reduction: 'avg' as 'mean' }), /L1Loss: "avg" is not a valid value for reduction/);
    // options are checked where they are given: a misspelt key is an error naming the loss
    assert.throws(() => new nn.CrossEntropyLoss({ labelSmothing: 0.1 } as never), /CrossEntropyLoss: unknown option 'labelSmothing' \(did you mean 'labelSmoothing'\?/);
    assert.throws(() => new nn.CrossEntropyLoss({ labelSmoothing: 1.5 }), /CrossEntropyLoss: option 'labelSmoothing' must be a number in \[0, 1\], got 1.5/);
    assert.throws(() => new nn.BCEWithLogitsLoss({ posWeight: [2, 1] as never }), /BCEWithLogitsLoss: option 'posWeight' must be a Tensor or null, got \[2, 1\]/);
    assert.throws(() => new nn.KLDivLoss({ reduction: 'batch' as never }), /KLDivLoss: option 'reduction' must be one of 'none', 'mean', 'sum', 'batchmean'/);
  }));

  it('cross-entropy is stable for huge logits and all-ignored batches give NaN like PyTorch', () => dl.tidy(() => {
    const big = dl.tensor([[1000, -1000, 0], [-500, 500, 499]]).float();
    const loss = nn.F.crossEntropy(big, dl.tensor([0, 2])).item();
    assertClose([loss], [(0 + (1 + Math.log1p(Math.exp(-1)) + 0)) / 2], 1e-5, 1e-5, 'stable CE');
    assert.ok(Number.isNaN(nn.F.crossEntropy(dl.randn([2, 3]), dl.tensor([-100, -100])).item()));
    const bce = nn.F.binaryCrossEntropy(dl.tensor([0, 1]).float(), dl.tensor([1, 0]).float(), { reduction: 'none' });
    assert.deepEqual(bce.toArray(), [100, 100], 'log clamped at -100');
    assert.ok(Number.isFinite(nn.F.binaryCrossEntropyWithLogits(dl.tensor([200, -200]).float(), dl.tensor([0, 1]).float()).item()));
  }));
});
