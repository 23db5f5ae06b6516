/**
 * Convolution layers and functions against PyTorch 1.13 (fixtures from
 * scripts/make_conv_fixtures.py), on every backend: outputs, gradients of the input and the
 * parameters, reprs, a PyTorch CNN's safetensors state dict, fusion with ReLU, and the errors
 * a user can cause.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';
import { T, type FixtureTensor } from './nn_fixtures.js';

const { nn } = dl;
const F = nn.functional;
const fixturePath = (name: string): string => fileURLToPath(new URL(`./fixtures/conv/${name}`, import.meta.url));

interface ModuleCase {
  name: string; module: string; args: [number, number, number | number[]]; options: Record<string, unknown>; repr: string;
  state: Record<string, FixtureTensor>; x: FixtureTensor; r: FixtureTensor; out: FixtureTensor; grads: Record<string, FixtureTensor>;
}
interface PadCase {
  name: string; pad: number[]; mode: dl.nn.F.PadMode; value: number;
  x: FixtureTensor; r: FixtureTensor; out: FixtureTensor; grads: { x: FixtureTensor };
}
const fixtures = JSON.parse(readFileSync(fixturePath('conv.json'), 'utf8')) as { modules: ModuleCase[]; pads: PadCase[] };

type ConvClass = new (i: number, o: number, k: number | number[], options: object) => dl.nn.Module;
const CLASSES: Record<string, ConvClass> = {
  Conv1d: nn.Conv1d, Conv2d: nn.Conv2d, Conv3d: nn.Conv3d,
  ConvTranspose1d: nn.ConvTranspose1d, ConvTranspose2d: nn.ConvTranspose2d, ConvTranspose3d: nn.ConvTranspose3d,
};
const stateOf = (s: Record<string, FixtureTensor>): Record<string, dl.Tensor> => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, T(v)]));

for (const backend of backends()) {
  describe(`convolution vs PyTorch on ${backend}`, () => {
    for (const c of fixtures.modules) {
      it(c.name, () => dl.withBackend(backend, () => dl.tidy(() => {
        const m = new CLASSES[c.module](...c.args, c.options);
        assert.equal(m.toString(), c.repr);
        m.loadStateDict(stateOf(c.state));
        const x = T(c.x, true);
        const out = m.forward(x) as dl.Tensor;
        assert.deepEqual(out.shape, c.out.s);
        assertClose(out, c.out.d, 1e-4, 1e-5, 'output');
        out.mul(T(c.r)).sum().backward();
        assertClose(x.grad!, c.grads.x.d, 1e-4, 1e-5, 'grad x');
        for (const [name, p] of m.namedParameters()) assertClose(p.grad!, c.grads[name].d, 1e-4, 1e-5, `grad ${name}`);
      })));
    }
    for (const c of fixtures.pads) {
      it(c.name, () => dl.withBackend(backend, () => dl.tidy(() => {
        const x = T(c.x, true);
        const out = F.pad(x, c.pad, c.mode, c.value);
        assert.deepEqual(out.shape, c.out.s);
        assertClose(out, c.out.d, 1e-6, 1e-6, 'output');
        out.mul(T(c.r)).sum().backward();
        assertClose(x.grad!, c.grads.x.d, 1e-5, 1e-6, 'grad x');
      })));
    }

    it('a PyTorch CNN state dict loads from safetensors unchanged and gives its output', () => dl.withBackend(backend, () => dl.tidy(() => {
      const expected = JSON.parse(readFileSync(fixturePath('cnn.json'), 'utf8')) as { x: FixtureTensor; out: FixtureTensor; keys: string[]; repr: string };
      const net = new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(),
        new nn.Conv2d(4, 8, 3, { stride: 2 }), new nn.ReLU(),
        new nn.Conv2d(8, 8, 3, { groups: 8, padding: 'same', paddingMode: 'reflect' }),
        new nn.Flatten(), new nn.Linear(72, 3));
      const state = dl.load(fixturePath('cnn.safetensors'));
      assert.deepEqual(Object.keys(net.stateDict()), expected.keys);
      net.loadStateDict(state);
      assert.equal(net.toString(), expected.repr);
      assertClose(net.forward(T(expected.x)) as dl.Tensor, expected.out.d, 1e-4, 1e-5, 'cnn output');
    })));

    it('Sequential runs Conv then ReLU as one fused op with the same values and gradients', () => dl.withBackend(backend, () => dl.tidy(() => {
      dl.manualSeed(3);
      const conv = new nn.Conv2d(3, 5, 3, { padding: 1, stride: 2 });
      const net = new nn.Sequential(conv, new nn.ReLU());
      const x = dl.randn([2, 3, 7, 6], { requiresGrad: true });
      const fused = net.forward(x) as dl.Tensor;
      assert.equal(fused.gradFn?.name, 'ConvolutionReluBackward');
      fused.square().sum().backward();
      const [gx, gw, gb] = [x.grad!, conv.weight.grad!, conv.bias!.grad!].map((g) => g.clone());
      x.grad = null; conv.zeroGrad();
      const plain = conv.forward(x).relu();
      assertClose(fused, plain, 1e-6, 1e-7, 'values');
      plain.square().sum().backward();
      assertClose(gx, x.grad!, 1e-5, 1e-6, 'grad x');
      assertClose(gw, conv.weight.grad!, 1e-5, 1e-6, 'grad weight');
      assertClose(gb, conv.bias!.grad!, 1e-5, 1e-6, 'grad bias');
    })));

    it('Sequential runs ReLU after max pooling (Conv, ReLU, MaxPool and ReLU, MaxPool): the same values and gradients, ties and padding included', () => dl.withBackend(backend, () => dl.tidy(() => {
      dl.manualSeed(4);
      const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
      const pool = new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
      const cases: [dl.nn.Sequential, (x: dl.Tensor) => dl.Tensor, dl.Tensor[]][] = [
        [new nn.Sequential(conv, new nn.ReLU(), pool), (x) => pool.forward(conv.forward(x).relu()), [conv.weight, conv.bias!]],
        [new nn.Sequential(new nn.ReLU(), new nn.MaxPool2d(2)), (x) => F.maxPool2d(x.relu(), 2) as dl.Tensor, []],
      ];
      for (const [net, plainOf, params] of cases) {
        // whole windows of negatives (ReLU gives ties of zeros) and of exact ties
        const x = dl.tensor(Array.from({ length: 2 * 2 * 9 * 7 }, (_, i) => (i % 5 === 0 ? -1 : i % 7 === 0 ? 2 : Math.sin(i) * (i % 3 === 0 ? -1 : 1))), { requiresGrad: true }).reshape([2, 2, 9, 7]);
        const leaf = x.detach().requiresGrad_();
        const fused = net.forward(leaf) as dl.Tensor;
        assert.equal(fused.gradFn?.name, 'ReluBackward', 'ReLU ran last, on the pooled values');
        const upstream = dl.randn(fused.shape);
        fused.mul(upstream).sum().backward();
        const grads = [leaf.grad!, ...params.map((p) => p.grad!)].map((g) => g.clone());
        leaf.grad = null; for (const p of params) p.grad = null;
        const plain = plainOf(leaf);
        assert.deepEqual(Array.from(fused.dataSync() as Float32Array), Array.from(plain.dataSync() as Float32Array), 'values');
        plain.mul(upstream).sum().backward();
        [leaf.grad!, ...params.map((p) => p.grad!)].forEach((g, i) => assertClose(grads[i], g, 1e-6, 1e-7, `grad ${i}`));
      }
    })));
  });
}

describe('convolution errors name the layer and the shapes', () => {
  it('wrong channel count or rank', () => {
    const conv = new nn.Conv2d(3, 32, 3);
    assert.throws(() => conv.forward(dl.zeros([4, 1, 28, 28])), { message: 'Conv2d(3, 32) expected input [N, 3, H, W], got [4, 1, 28, 28]' });
    assert.throws(() => conv.forward(dl.zeros([28, 28])), /Conv2d\(3, 32\) expected input \[N, 3, H, W\], got \[28, 28\]/);
    assert.throws(() => F.conv1d(dl.zeros([2, 4, 9]), dl.zeros([5, 2, 3])), /conv1d expected input \[N, 2, L\].*got \[2, 4, 9\]/);
  });
  it('kernel larger than the padded input', () => {
    assert.throws(() => new nn.Conv2d(1, 2, 5, { padding: 1 }).forward(dl.zeros([1, 1, 2, 8])),
      /Conv2d\(1, 2\): the kernel \(size 5, dilation 1: span 5\) is larger than the padded input in dim H \(2 \+ padding 1 \+ 1 = 4/);
    assert.throws(() => F.conv1d(dl.zeros([1, 1, 4]), dl.zeros([1, 1, 3]), null, { dilation: 2 }), /span 5\) is larger than the padded input in dim L/);
  });
  it('output size below 1 for a transposed convolution', () => {
    assert.throws(() => new nn.ConvTranspose2d(2, 2, 1, { padding: 1 }).forward(dl.zeros([1, 2, 1, 1])), /ConvTranspose2d\(2, 2\).*gives output size \[-1, -1\], below 1/);
  });
  it('groups that do not divide the channels', () => {
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), { message: 'Conv2d(3, 4): inChannels (3) must be divisible by groups (2)' });
    assert.throws(() => new nn.Conv1d(4, 3, 3, { groups: 2 }), /outChannels \(3\) must be divisible by groups \(2\)/);
    assert.throws(() => F.conv2d(dl.zeros([1, 4, 5, 5]), dl.zeros([3, 2, 3, 3]), null, { groups: 2 }), /groups \(2\) must be a positive integer dividing/);
  });
  it('bad options', () => {
    assert.throws(() => new nn.Conv2d(1, 2, 3, { padding: 1, strides: 2 } as never), /Conv2d\(1, 2\): unknown option 'strides'/);
    assert.throws(() => F.conv2d(dl.zeros([1, 1, 5, 5]), dl.zeros([1, 1, 3, 3]), null, { pad: 1 } as never), /conv2d: unknown option 'pad'/);
    assert.throws(() => new nn.Conv2d(1, 2, 3, { padding: 'same', stride: 2 }), /padding='same' is not supported for strided convolutions/);
    assert.throws(() => new nn.Conv2d(1, 2, [3, 3, 3]), /kernelSize must be an integer ≥ 1 or a list of 2/);
    assert.throws(() => new nn.Conv2d(1, 2, 3, { paddingMode: 'mirror' as never }), /Conv2d\(1, 2\): option 'paddingMode' must be one of 'zeros', 'reflect', 'replicate', 'circular', got the string "mirror"/);
    assert.throws(() => new nn.ConvTranspose2d(1, 2, 3, { paddingMode: 'reflect' as never }), /ConvTranspose2d\(1, 2\): option 'paddingMode' must be 'zeros' \(the only padding mode of transposed convolutions/);
    assert.throws(() => new nn.ConvTranspose1d(1, 2, 3, { stride: 2, outputPadding: 2 }).forward(dl.zeros([1, 1, 4])), /outputPadding \(2\) must be smaller/);
    assert.throws(() => F.pad(dl.zeros([1, 2, 3]), [3, 0], 'reflect'), /reflect padding \(3, 0\) of dim 2 of size 3 must be non-negative and at most 2/);
    assert.throws(() => F.conv2d(dl.zeros([1, 1, 5, 5], { dtype: 'int32' }), dl.zeros([1, 1, 3, 3])), /expected a float32 input, got int32/);
  });
});

describe('convolution layers', () => {
  it('initialise as PyTorch: weight and bias within ±1/√fanIn', () => {
    const conv = new nn.Conv2d(4, 6, 3, { groups: 2 });
    const bound = 1 / Math.sqrt(2 * 9);
    for (const p of [conv.weight, conv.bias!]) {
      assert.ok(p.abs().max().item() <= bound);
      assert.ok(p.abs().max().item() > bound / 2);
    }
    assert.deepEqual(conv.weight.shape, [6, 2, 3, 3]);
    assert.deepEqual(new nn.ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape, [4, 3, 3, 3]);
  });
  it('accept unbatched input', () => {
    const conv = new nn.Conv2d(2, 3, 3);
    const x = dl.randn([2, 5, 5]);
    assertClose(conv.forward(x), (conv.forward(x.unsqueeze(0)) as dl.Tensor).squeeze(0), 1e-6, 1e-7, 'unbatched');
  });
});
