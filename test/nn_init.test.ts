/**
 * nn.init and default initialisation, tested statistically against the formulas (sample mean,
 * std and bounds within ~5 standard errors), and Dropout/AlphaDropout statistics against
 * theory and PyTorch's own sample statistics (fixture dropout.json; the RNGs differ, so masks
 * cannot match exactly).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { loadFixture } from './nn_fixtures.js';

const { nn } = dl;
const { init } = nn;

function stats(t: dl.Tensor): { mean: number; std: number; min: number; max: number; n: number } {
  const d = t.dataSync() as Float32Array;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / d.length;
  let q = 0;
  for (const v of d) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / (d.length - 1)), min, max, n: d.length };
}

/** Sample mean and std agree with the expected ones within 5 standard errors. */
function assertMoments(t: dl.Tensor, mean: number, std: number, what: string): void {
  const s = stats(t);
  const se = std / Math.sqrt(s.n);
  assert.ok(Math.abs(s.mean - mean) < 5 * se + 1e-7, `${what}: mean ${s.mean} vs ${mean}`);
  assert.ok(Math.abs(s.std - std) < 5 * std / Math.sqrt(2 * s.n) + 1e-7, `${what}: std ${s.std} vs ${std}`);
}

function assertUniform(t: dl.Tensor, lo: number, hi: number, what: string): void {
  const s = stats(t);
  assert.ok(s.min >= lo && s.max <= hi, `${what}: range [${s.min}, ${s.max}] outside [${lo}, ${hi}]`);
  assert.ok(s.min < lo + (hi - lo) * 0.01 && s.max > hi - (hi - lo) * 0.01, `${what}: samples do not reach the bounds`);
  assertMoments(t, (lo + hi) / 2, (hi - lo) / Math.sqrt(12), what);
}

describe('nn.init', () => {
  it('calculateGain and fans follow PyTorch', () => {
    assert.equal(init.calculateGain('linear'), 1);
    assert.equal(init.calculateGain('sigmoid'), 1);
    assert.equal(init.calculateGain('tanh'), 5 / 3);
    assert.equal(init.calculateGain('relu'), Math.SQRT2);
    assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
    assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
    assert.equal(init.calculateGain('selu'), 0.75);
    dl.tidy(() => {
      assert.deepEqual(init.calculateFanInAndFanOut(dl.empty([16, 8, 3, 3])), { fanIn: 72, fanOut: 144 });
      assert.throws(() => init.calculateFanInAndFanOut(dl.empty([5])), /fewer than 2 dimensions/);
    });
  });

  it('uniform, normal, constant, zeros, ones, eye', () => dl.tidy(() => {
    dl.manualSeed(1);
    assertUniform(init.uniform_(dl.empty([50000]), -2, 3), -2, 3, 'uniform_');
    assertMoments(init.normal_(dl.empty([50000]), 1.5, 0.5), 1.5, 0.5, 'normal_');
    assert.deepEqual(init.constant_(dl.empty([3]), 0.5).toArray(), [0.5, 0.5, 0.5]);
    assert.deepEqual(init.zeros_(dl.ones([2])).toArray(), [0, 0]);
    assert.deepEqual(init.ones_(dl.zeros([2])).toArray(), [1, 1]);
    assert.deepEqual(init.eye_(dl.empty([2, 3])).toArray(), [[1, 0, 0], [0, 1, 0]]);
    const p = new nn.Parameter(dl.empty([4]));
    init.ones_(p); // parameters are filled without autograd complaining
    assert.equal(p.sum().item(), 4);
  }));

  it('xavier and kaiming use the right bounds and stds', () => dl.tidy(() => {
    dl.manualSeed(2);
    const [out, inp] = [300, 200];
    const xa = Math.sqrt(3) * 2 * Math.sqrt(2 / (out + inp));
    assertUniform(init.xavierUniform_(dl.empty([out, inp]), 2), -xa, xa, 'xavierUniform_');
    assertMoments(init.xavierNormal_(dl.empty([out, inp])), 0, Math.sqrt(2 / (out + inp)), 'xavierNormal_');
    const kb = Math.sqrt(3) * Math.SQRT2 / Math.sqrt(inp);
    assertUniform(init.kaimingUniform_(dl.empty([out, inp])), -kb, kb, 'kaimingUniform_ fanIn');
    assertMoments(init.kaimingNormal_(dl.empty([out, inp]), { mode: 'fanOut', nonlinearity: 'relu' }), 0, Math.SQRT2 / Math.sqrt(out), 'kaimingNormal_ fanOut');
    assertMoments(init.kaimingNormal_(dl.empty([out, inp]), { a: 0.2, nonlinearity: 'leaky_relu' }), 0,
      Math.sqrt(2 / 1.04) / Math.sqrt(inp), 'kaimingNormal_ leaky');
  }));

  it('truncNormal_ stays in [a, b] with the truncated normal moments', () => dl.tidy(() => {
    dl.manualSeed(3);
    const t = init.truncNormal_(dl.empty([60000]));
    const s = stats(t);
    assert.ok(s.min >= -2 && s.max <= 2);
    // N(0,1) truncated to [-2, 2]: variance 1 - 2·2φ(2)/(Φ(2)-Φ(-2))
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    assertMoments(t, 0, Math.sqrt(1 - (4 * phi2) / 0.9544997361036416), 'truncNormal_');
    const u = stats(init.truncNormal_(dl.empty([20000]), 1, 0.5, 0.8, 5));
    assert.ok(u.min >= 0.8 && u.max <= 5 && u.mean > 1, 'one-sided truncation');
  }));

  it('orthogonal_ gives orthonormal rows or columns, scaled by gain', () => dl.tidy(() => {
    dl.manualSeed(4);
    for (const [r, c] of [[5, 5], [3, 7], [7, 3]]) {
      const w = init.orthogonal_(dl.empty([r, c]), 2);
      const gram = r <= c ? w.matmul(w.t()) : w.t().matmul(w);
      const n = Math.min(r, c);
      const expected = dl.eye(n).mul(4).dataSync() as Float32Array;
      (gram.dataSync() as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `${r}x${c} gram[${i}] = ${v}`));
    }
  }));

  it('default initialisation of layers matches PyTorch in distribution', () => dl.tidy(() => {
    dl.manualSeed(5);
    const fc = new nn.Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    assertUniform(fc.weight, -bound, bound, 'Linear.weight');
    const b = stats(fc.bias!);
    assert.ok(b.min >= -bound && b.max <= bound);
    const emb = new nn.Embedding(500, 64, { paddingIdx: 3 });
    assertMoments(emb.weight, 0, 1, 'Embedding.weight');
    const bil = new nn.Bilinear(25, 30, 40);
    assertUniform(bil.weight, -1 / 5, 1 / 5, 'Bilinear.weight');
    const bn = new nn.BatchNorm1d(5);
    assert.deepEqual([bn.weight!.toArray(), bn.bias!.toArray(), bn.runningVar!.toArray()], [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]);
    const ln = new nn.LayerNorm([2, 2]);
    assert.deepEqual([ln.weight!.toArray(), ln.bias!.toArray()], [[[1, 1], [1, 1]], [[0, 0], [0, 0]]]);
    assert.deepEqual(new nn.PReLU(2).weight.toArray(), [0.25, 0.25]);
    for (const m of [fc, emb, bil, bn, ln]) m.dispose();
  }));
});

interface DropoutStats { p: number; mean: number; zeros?: number; max?: number; std?: number }

describe('Dropout statistics match PyTorch', () => {
  const torchStats = loadFixture<Record<string, DropoutStats>>('dropout.json');
  for (const [name, ref] of Object.entries(torchStats)) {
    it(name, () => dl.tidy(() => {
      dl.manualSeed(6);
      const n = 200000;
      const p = ref.p;
      if (name.startsWith('dropout')) {
        const y = nn.F.dropout(dl.ones([n]), p, true);
        const d = y.dataSync() as Float32Array;
        const zeros = d.filter((v) => v === 0).length / n;
        const se = Math.sqrt(p * (1 - p) / n);
        assert.ok(Math.abs(zeros - p) < 5 * se, `zero fraction ${zeros} vs p ${p}`);
        assert.ok(Math.abs(zeros - ref.zeros!) < 7 * se, `zero fraction ${zeros} vs torch ${ref.zeros}`);
        assert.ok(Math.abs(stats(y).max - ref.max!) < 1e-6, 'survivors scaled by 1/(1-p) like torch');
        const meanSe = Math.sqrt(p / (1 - p) / n);
        assert.ok(Math.abs(stats(y).mean - 1) < 5 * meanSe, 'mean preserved');
        assert.ok(Math.abs(stats(y).mean - ref.mean) < 7 * meanSe, 'mean close to torch');
      } else {
        const y = nn.F.alphaDropout(dl.randn([n]), p, true);
        const s = stats(y);
        assert.ok(Math.abs(s.mean) < 0.02 && Math.abs(s.mean - ref.mean) < 0.02, `alpha dropout mean ${s.mean} (torch ${ref.mean})`);
        assert.ok(Math.abs(s.std - 1) < 0.02 && Math.abs(s.std - ref.std!) < 0.02, `alpha dropout std ${s.std} (torch ${ref.std})`);
      }
    }));
  }
});
