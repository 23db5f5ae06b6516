/**
 * Pooling, normalisation, channel dropout and resampling against PyTorch 1.13
 * (fixtures from scripts/make_pool_fixtures.py), on every backend, with contiguous and
 * channels-last inputs; modules' running statistics, state-dict keys and reprs; bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { runKernel, viewOf } from '../src/core/dispatch.js';
import { assertClose, backends } from './helpers.js';

const { nn } = dl;
const F = nn.F;

interface FixtureTensor { s: number[]; d: number[]; t?: 'int64'; g?: 1 }
interface FunctionalCase {
  name: string; fn: string; args: unknown[]; x: FixtureTensor; outs: FixtureTensor[]; w: FixtureTensor;
  grad: FixtureTensor; paramGrads: FixtureTensor[];
}
interface ModuleCase {
  name: string; ctor: string; args: unknown[]; repr: string; state0: Record<string, FixtureTensor>;
  inputs: FixtureTensor[]; out: FixtureTensor; w: FixtureTensor; grad: FixtureTensor;
  paramGrads: Record<string, FixtureTensor>; state: Record<string, FixtureTensor>; evalInput: FixtureTensor; evalOut: FixtureTensor;
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/pool/${name}`, import.meta.url)), 'utf8')) as T;
}
const functional = fixture<{ cases: FunctionalCase[] }>('functional.json');
const modules = fixture<{ modules: ModuleCase[]; reprs: Record<string, string> }>('modules.json');

const isTensor = (v: unknown): v is FixtureTensor => typeof v === 'object' && v !== null && 's' in v && 'd' in v;

function T(f: FixtureTensor, requiresGrad = false): dl.Tensor {
  if (f.t === 'int64') return dl.tensor(BigInt64Array.from(f.d.map((v) => BigInt(v))), { shape: f.s });
  return dl.tensor(Float32Array.from(f.d), { shape: f.s, requiresGrad });
}

/** The same values laid out channels-last (dim 1 innermost in memory): a non-contiguous view. */
function channelsLast(x: dl.Tensor): dl.Tensor {
  const n = x.ndim;
  const toLast = [0, ...Array.from({ length: n - 2 }, (_, i) => i + 2), 1];
  const back = [0, n - 1, ...Array.from({ length: n - 2 }, (_, i) => i + 1)];
  const y = x.detach().permute(toLast).contiguous().permute(back);
  return x.requiresGrad ? y.requiresGrad_(true) : y;
}

/** Decodes fixture arguments: tensors (marked ones require grad, collected in order), lists, option objects. */
function decode(v: unknown, params: dl.Tensor[]): unknown {
  if (isTensor(v)) {
    const t = T(v, v.g === 1);
    if (v.g === 1) params.push(t);
    return t;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, decode(e, params)]));
}

type Fn = (x: dl.Tensor, ...args: never[]) => dl.Tensor | dl.Tensor[];
const FNS: Record<string, Fn> = {
  maxPool1d: F.maxPool1d, maxPool2d: F.maxPool2d, maxPool3d: F.maxPool3d,
  avgPool1d: F.avgPool1d, avgPool2d: F.avgPool2d, avgPool3d: F.avgPool3d,
  adaptiveAvgPool1d: F.adaptiveAvgPool1d, adaptiveAvgPool2d: F.adaptiveAvgPool2d, adaptiveAvgPool3d: F.adaptiveAvgPool3d,
  adaptiveMaxPool1d: F.adaptiveMaxPool1d, adaptiveMaxPool2d: F.adaptiveMaxPool2d, adaptiveMaxPool3d: F.adaptiveMaxPool3d,
  batchNorm: F.batchNorm, groupNorm: F.groupNorm, instanceNorm: F.instanceNorm, interpolate: F.interpolate,
};

function checkCase(c: FunctionalCase, layout: 'contiguous' | 'channels-last'): void {
  dl.tidy(() => {
    const params: dl.Tensor[] = [];
    const args = c.args.map((a) => decode(a, params));
    const x0 = T(c.x, true);
    const x = layout === 'channels-last' && x0.ndim >= 3 ? channelsLast(x0) : x0;
    const res = (FNS[c.fn] as (x: dl.Tensor, ...a: unknown[]) => dl.Tensor | dl.Tensor[])(x, ...args);
    const outs = Array.isArray(res) ? res : [res];
    const norm = /Norm|norm/.test(c.fn);
    const [rtol, atol] = norm ? [1e-4, 1e-5] : [1e-5, 1e-6];
    assert.equal(outs.length, c.outs.length, 'number of outputs');
    outs.forEach((o, k) => {
      assert.deepEqual(o.shape, c.outs[k].s, `output ${k} shape`);
      if (c.outs[k].t === 'int64') assert.equal(o.dtype, 'int64');
      assertClose(o, c.outs[k].d, rtol, atol, `output ${k}`);
    });
    outs[0].mul(T(c.w)).sum().backward();
    assertClose(x.grad!, c.grad.d, rtol, atol, 'input grad');
    params.forEach((p, k) => assertClose(p.grad!, c.paramGrads[k].d, rtol, atol, `param ${k} grad`));
  });
}

describe('pooling, normalisation and interpolation match PyTorch', () => {
  for (const backend of backends()) {
    for (const layout of ['contiguous', 'channels-last'] as const) {
      for (const c of functional.cases) {
        it(`${backend}, ${layout}: ${c.name}`, () => dl.withBackend(backend, () => checkCase(c, layout)));
      }
    }
  }
});

type Ctor = new (...args: never[]) => dl.nn.Module;
const CTORS: Record<string, Ctor> = {
  BatchNorm2d: nn.BatchNorm2d, BatchNorm3d: nn.BatchNorm3d, GroupNorm: nn.GroupNorm,
  InstanceNorm1d: nn.InstanceNorm1d, InstanceNorm2d: nn.InstanceNorm2d, InstanceNorm3d: nn.InstanceNorm3d,
};

describe('normalisation modules train and evaluate as PyTorch', () => {
  for (const backend of backends()) {
    for (const c of modules.modules) {
      it(`${backend}: ${c.name}`, () => dl.withBackend(backend, () => dl.tidy(() => {
        const m = new (CTORS[c.ctor] as new (...a: unknown[]) => dl.nn.Module)(...c.args);
        assert.equal(m.toString(), c.repr);
        m.loadStateDict(Object.fromEntries(Object.entries(c.state0).map(([k, v]) => [k, T(v)])));
        m.train();
        for (const x of c.inputs.slice(0, -1)) dl.noGrad(() => m.forward(T(x)));
        const x = T(c.inputs[c.inputs.length - 1], true);
        const out = m.forward(x);
        assertClose(out, c.out.d, 1e-4, 1e-5, 'train output');
        out.mul(T(c.w)).sum().backward();
        assertClose(x.grad!, c.grad.d, 1e-4, 1e-5, 'input grad');
        const named = Object.fromEntries(m.namedParameters());
        for (const [k, g] of Object.entries(c.paramGrads)) assertClose(named[k].grad!, g.d, 1e-4, 1e-5, `${k} grad`);
        const state = m.stateDict();
        assert.deepEqual(Object.keys(state).sort(), Object.keys(c.state).sort(), 'state-dict keys');
        for (const [k, v] of Object.entries(c.state)) assertClose(state[k], v.d, 1e-4, 1e-5, k);
        m.eval();
        assertClose(m.forward(T(c.evalInput)), c.evalOut.d, 1e-4, 1e-5, 'eval output');
      })));
    }
  }
});

describe('layer reprs match print(module)', () => {
  const layers: Record<string, () => dl.nn.Module> = {
    'MaxPool2d(2)': () => new nn.MaxPool2d(2),
    'MaxPool1d(3, stride 2, padding 1, dilation 2, ceil)': () => new nn.MaxPool1d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true }),
    'MaxPool3d([2, 3, 2])': () => new nn.MaxPool3d([2, 3, 2]),
    'AvgPool2d(3, stride 2, padding 1)': () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }),
    'AvgPool1d(2)': () => new nn.AvgPool1d(2),
    'AvgPool3d([2, 2, 1])': () => new nn.AvgPool3d([2, 2, 1]),
    'AdaptiveAvgPool2d(1)': () => new nn.AdaptiveAvgPool2d(1),
    'AdaptiveAvgPool2d([5, null])': () => new nn.AdaptiveAvgPool2d([5, null]),
    'AdaptiveMaxPool1d(4)': () => new nn.AdaptiveMaxPool1d(4),
    'AdaptiveMaxPool3d([2, 2, 2])': () => new nn.AdaptiveMaxPool3d([2, 2, 2]),
    'BatchNorm2d(8)': () => new nn.BatchNorm2d(8),
    'BatchNorm3d(8, momentum null)': () => new nn.BatchNorm3d(8, { momentum: null }),
    'GroupNorm(2, 8)': () => new nn.GroupNorm(2, 8),
    'InstanceNorm2d(8)': () => new nn.InstanceNorm2d(8),
    'Dropout2d(0.3)': () => new nn.Dropout2d(0.3),
    'Dropout1d()': () => new nn.Dropout1d(),
    'Dropout3d(0.1)': () => new nn.Dropout3d(0.1),
    'Upsample(scale 2)': () => new nn.Upsample({ scaleFactor: 2 }),
    'Upsample(size [4, 5], bilinear, alignCorners)': () => new nn.Upsample({ size: [4, 5], mode: 'bilinear', alignCorners: true }),
    'Flatten()': () => new nn.Flatten(),
  };
  for (const [name, make] of Object.entries(layers)) {
    it(name, () => assert.equal(make().toString(), modules.reprs[name]));
  }
});

describe('pooling layers', () => {
  it('MaxPool2d returns indices that MaxUnpool-style scatter back to the maxima', () => {
    const x = dl.randn([2, 3, 6, 6]);
    const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
    const gathered = x.reshape([2, 3, 36]).gather(2, idx.reshape([2, 3, 9]));
    assertClose(gathered, y.reshape([2, 3, 9]));
    const pair = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
    assert.ok(Array.isArray(pair));
  });

  it('Sequential CNN head: pool, adaptive pool, flatten', () => {
    const net = new nn.Sequential(new nn.MaxPool2d(2), new nn.AdaptiveAvgPool2d(1), new nn.Flatten());
    assert.deepEqual(net.forward(dl.randn([4, 5, 9, 9])).shape, [4, 5]);
  });

  it('max pooling\'s backward kernel scatters indices that lie outside their 2×2 windows', () => {
    // the native 2×2 rows write each window's four gradients densely; an index elsewhere in the
    // plane (not one the forward writes) must still reach its element, as in the scatter
    const window = { type: 'sliding', kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], countIncludePad: false, divisorOverride: 0 } as const;
    const idx = Array.from({ length: 2 * 3 * 19 }, (_, i) => ((i * 7919) % (6 * 39)));
    const scatter = (): number[] => dl.tidy(() => {
      const g = dl.tensor(Float32Array.from(idx, (_, i) => i + 1), { shape: [1, 2, 3, 19] });
      const ix = dl.tensor(BigInt64Array.from(idx, BigInt), { shape: [1, 2, 3, 19] });
      const dx = dl.zeros([1, 2, 6, 39]);
      runKernel(dx.storage.backend, 'poolBackward', { op: 'max', grad: viewOf(g), window, out: viewOf(dx), indices: viewOf(ix) });
      return Array.from(dx.dataSync() as Float32Array);
    });
    const expected = dl.withBackend('reference', scatter);
    for (const backend of backends()) assertClose(dl.withBackend(backend, scatter), expected, 0, 0, backend);
  });

  it('Upsample forwards to interpolate', () => {
    const x = dl.randn([1, 2, 3, 4]);
    assertClose(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x), F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }));
  });
});

describe('channel dropout', () => {
  for (const [k, make, shape] of [[1, () => new nn.Dropout1d(0.4), [50, 40, 6]], [2, () => new nn.Dropout2d(0.4), [50, 40, 3, 2]], [3, () => new nn.Dropout3d(0.4), [50, 40, 2, 2, 2]]] as const) {
    it(`Dropout${k}d zeroes whole channels with probability p and scales the rest`, () => {
      const layer = make();
      const y = layer.forward(dl.ones([...shape]));
      const rows = y.reshape([shape[0] * shape[1], -1]);
      const first = rows.select(1, 0);
      assertClose(rows, first.unsqueeze(1).expand(rows.shape).contiguous(), 0, 0, 'constant per channel');
      const values = new Set(Array.from(first.dataSync() as Float32Array));
      assert.deepEqual([...values].sort(), [0, Math.fround(1 / 0.6)].sort());
      const dropped = Array.from(first.dataSync() as Float32Array).filter((v) => v === 0).length / first.numel();
      assert.ok(Math.abs(dropped - 0.4) < 0.05, `dropped fraction ${dropped}`);
      layer.eval();
      const x = dl.randn([...shape]);
      assert.equal(layer.forward(x), x);
    });
  }

  it('is seeded by the generator', () => {
    const a = F.dropout2d(dl.ones([4, 8, 2, 2]), 0.5, true, new dl.Generator(3));
    const b = F.dropout2d(dl.ones([4, 8, 2, 2]), 0.5, true, new dl.Generator(3));
    assertClose(a, b, 0, 0);
  });

  it('accepts unbatched input and rejects other ranks', () => {
    assert.deepEqual(F.dropout2d(dl.ones([3, 4, 4])).shape, [3, 4, 4]);
    assert.throws(() => F.dropout2d(dl.ones([3, 4])), /dropout2d: expected a 3D \(unbatched\) or 4D input with 2 spatial dims, got \[3, 4\]/);
  });
});

describe('bad input names the layer and the shapes', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['wrong rank', () => new nn.MaxPool2d(2).forward(dl.zeros([2, 3, 4, 4, 4])), /MaxPool2d\(kernel_size=2.*expected a 3D \[C, H, W\] or 4D \[N, C, H, W\] input, got \[2, 3, 4, 4, 4\]/],
    ['kernel larger than the padded input', () => F.maxPool2d(dl.zeros([1, 1, 3, 3]), 5), /maxPool2d: the window \(kernel \[5, 5\], dilation \[1, 1\]\) is larger than the padded input \[3, 3\] \(input \[1, 1, 3, 3\], padding \[0, 0\]\): the output size \[0, 0\] is below 1/],
    ['padding above half the kernel', () => F.avgPool1d(dl.zeros([1, 1, 8]), 2, { padding: 2 }), /avgPool1d: padding should be at most half of kernel size/],
    ['adaptive output size 0', () => new nn.AdaptiveAvgPool2d([0, 2]).forward(dl.zeros([1, 1, 4, 4])), /AdaptiveAvgPool2d\(output_size=\(0, 2\)\): output size must be a positive integer, got \[0, 2\] for input \[1, 1, 4, 4\]/],
    ['unknown option', () => new nn.MaxPool2d(2, { strides: 2 } as never), /MaxPool2d: unknown option 'strides'/],
    ['negative stride', () => F.maxPool1d(dl.zeros([1, 1, 8]), 2, { stride: -1 }), /maxPool1d: option 'stride' must be an integer ≥ 1 or a list of 1 integer ≥ 1, or null \(the kernel size\), got -1/],
    ['BatchNorm2d channel count', () => new nn.BatchNorm2d(3).forward(dl.zeros([2, 1, 28, 28])), /BatchNorm2d\(3\): expected input \[N, 3, H, W\], got \[2, 1, 28, 28\]/],
    ['BatchNorm2d rank', () => new nn.BatchNorm2d(3).forward(dl.zeros([2, 3])), /BatchNorm2d\(3\): expected 4D input \(got 2D input of shape \[2, 3\]\); expected \[N, 3, H, W\]/],
    ['GroupNorm groups', () => new nn.GroupNorm(4, 6), /GroupNorm: numChannels 6 must be divisible by numGroups 4/],
    ['GroupNorm channels', () => new nn.GroupNorm(2, 6).forward(dl.zeros([2, 4, 3])), /GroupNorm\(2, 6\): expected input \[N, 6, \.\.\.\], got \[2, 4, 3\]/],
    ['InstanceNorm2d rank', () => new nn.InstanceNorm2d(3).forward(dl.zeros([3, 5])), /InstanceNorm2d\(3\): expected 3D \(unbatched\) or 4D input \[N, 3, H, W\], got \[3, 5\]/],
    ['interpolate mode and rank', () => F.interpolate(dl.zeros([1, 1, 4]), { size: 8, mode: 'bilinear' }), /interpolate: mode 'bilinear' needs a 4D input, got \[1, 1, 4\]/],
    ['interpolate both sizes', () => F.interpolate(dl.zeros([1, 1, 4]), { size: 8, scaleFactor: 2 }), /give exactly one of size and scaleFactor/],
    ['interpolate output below 1', () => F.interpolate(dl.zeros([1, 1, 4]), { scaleFactor: 0.1 }), /interpolate: the output size \[0\] for input \[1, 1, 4\] must be positive integers/],
    ['alignCorners with nearest', () => F.interpolate(dl.zeros([1, 1, 4]), { size: 8, alignCorners: true }), /alignCorners can only be set with the interpolating modes/],
    ['Upsample unknown option', () => new nn.Upsample({ scale: 2 } as never), /Upsample: unknown option 'scale'/],
  ];
  for (const [name, fn, message] of cases) it(name, () => assert.throws(fn, message));
});
