import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';

for (const backend of backends()) {
  describe(`tensors on ${backend}`, () => {
    const on = <T>(fn: () => T): T => dl.withBackend(backend, fn);

    it('infers dtypes from data like PyTorch', () => on(() => {
      assert.equal(dl.tensor([1, 2]).dtype, 'int64');
      assert.equal(dl.tensor([1, 2.5]).dtype, 'float32');
      assert.equal(dl.tensor([true, false]).dtype, 'bool');
      assert.equal(dl.tensor(new Float32Array(3)).dtype, 'float32');
      assert.equal(dl.tensor(new Int32Array(3)).dtype, 'int32');
      assert.equal(dl.tensor([[1, 2], [3, 4]], { dtype: 'float32' }).dtype, 'float32');
      assert.deepEqual(dl.tensor(5).shape, []);
      assert.equal(dl.tensor(5.5).item(), 5.5);
    }));

    it('creates ranges, fills and identity', () => on(() => {
      assert.deepEqual(dl.arange(5).toArray(), [0, 1, 2, 3, 4]);
      assert.deepEqual(dl.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
      assert.deepEqual(dl.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
      assert.deepEqual(dl.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
      assert.deepEqual(dl.full([2], 7, { dtype: 'int32' }).toArray(), [7, 7]);
      assert.deepEqual(dl.zerosLike(dl.ones([2, 2])).toArray(), [[0, 0], [0, 0]]);
      assert.deepEqual(dl.onesLike(dl.arange(3)).dtype, 'int64');
    }));

    it('draws reproducible random numbers from the seeded generator', () => on(() => {
      dl.manualSeed(42);
      const a = dl.randn([100]).dataSync();
      dl.manualSeed(42);
      const b = dl.randn([100]).dataSync();
      assert.deepEqual(a, b);
      const u = dl.rand([10000]).dataSync() as Float32Array;
      const mean = u.reduce((s, v) => s + v, 0) / u.length;
      assert.ok(Math.abs(mean - 0.5) < 0.02, `uniform mean ${mean}`);
      assert.ok(u.every((v) => v >= 0 && v < 1));
      const n = dl.randn([20000]);
      assert.ok(Math.abs(n.mean().item()) < 0.03);
      assert.ok(Math.abs(n.std().item() - 1) < 0.03);
      const r = dl.randint(3, 7, [1000]).dataSync() as BigInt64Array;
      assert.ok(r.every((v) => v >= 3n && v < 7n));
      assert.deepEqual([...dl.randperm(6).dataSync() as BigInt64Array].map(Number).sort(), [0, 1, 2, 3, 4, 5]);
      const gen = new dl.Generator(5);
      const state = gen.getState();
      const x1 = dl.rand([4], { generator: gen }).toArray();
      gen.setState(state);
      assert.deepEqual(dl.rand([4], { generator: gen }).toArray(), x1);
    }));

    it('views share memory: reshape, transpose, slicing, expand', () => on(() => {
      const x = dl.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
      const t = x.t();
      assert.equal(t.isContiguous(), false);
      assert.deepEqual(t.shape, [4, 3]);
      assert.deepEqual(t.select(0, 1).toArray(), [1, 5, 9]);
      assert.deepEqual(x.slice(1, 0, 4, 2).toArray(), [[0, 2], [4, 6], [8, 10]]);
      assert.deepEqual(x.index(-1, [1, undefined]).toArray(), [9, 10, 11]);
      assert.deepEqual(x.narrow(0, 1, 1).squeeze(0).toArray(), [4, 5, 6, 7]);
      assert.deepEqual(dl.tensor([1, 2]).unsqueeze(1).expand([2, 3]).toArray(), [[1, 1, 1], [2, 2, 2]]);
      dl.noGrad(() => x.select(0, 0).fill_(-1));
      assert.deepEqual(x.select(0, 0).toArray(), [-1, -1, -1, -1], 'writes through a view reach the base');
      assert.throws(() => t.view([12]), /view: size \[12\] is not compatible.*use reshape/);
      assert.deepEqual((t.reshape([12]).toArray() as number[]).slice(0, 3), [-1, 4, 8]);
      assert.deepEqual(x.flatten().shape, [12]);
      assert.deepEqual(x.unflatten(1, [2, -1]).shape, [3, 2, 2]);
      assert.deepEqual(x.permute(1, 0).shape, [4, 3]);
    }));

    it('prints like PyTorch', () => on(() => {
      assert.equal(dl.tensor([[1, 2], [3, 4.5]]).toString(), 'tensor([[1.0000, 2.0000],\n        [3.0000, 4.5000]])');
      assert.equal(dl.tensor([1, 2, 3], { dtype: 'float32' }).toString(), 'tensor([1., 2., 3.])');
      assert.equal(dl.tensor([1, 2, 3]).toString(), 'tensor([1, 2, 3])');
      assert.equal(dl.tensor([1, 2], { dtype: 'int32' }).toString(), 'tensor([1, 2], dtype=torch.int32)');
      assert.equal(dl.tensor([true, false]).toString(), 'tensor([ True, False])');
      assert.equal(dl.tensor(3.5).toString(), 'tensor(3.5000)');
      assert.equal(dl.tensor([1e-5, 1]).toString(), 'tensor([1.0000e-05, 1.0000e+00])');
      assert.equal(dl.tensor([1.5], { requiresGrad: true }).toString(), 'tensor([1.5000], requires_grad=True)');
      assert.equal(dl.tensor([1.5], { requiresGrad: true }).mul(2).toString(), 'tensor([3.], grad_fn=<MulBackward0>)');
      assert.equal(dl.arange(2000).toString(), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])');
      // strings printed by PyTorch 1.13 for the same tensors
      assert.equal(dl.arange(2000, undefined, 1, { dtype: 'float32' }).reshape([40, 50]).toString(),
        'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n         4.9000e+01],\n        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n         9.9000e+01],\n        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n         1.4900e+02],\n        ...,\n        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n         1.8990e+03],\n        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n         1.9490e+03],\n        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n         1.9990e+03]])');
      assert.equal(dl.tensor([0.5, 1.5, 2.5, -0.5]).round().toString(), 'tensor([0., 2., 2., -0.])');
      assert.equal(dl.zeros([0, 3]).toString(), 'tensor([], size=(0, 3))');
    }));

    it('promotes dtypes like PyTorch', () => on(() => {
      const i = dl.tensor([1, 2, 3]);
      assert.equal(i.add(1).dtype, 'int64');
      assert.equal(i.add(0.5).dtype, 'float32');
      assert.equal(i.div(2).dtype, 'float32');
      assert.deepEqual(i.div(2).toArray(), [0.5, 1, 1.5]);
      assert.equal(i.gt(1).dtype, 'bool');
      assert.equal(i.sum().dtype, 'int64');
      assert.equal(dl.tensor([true, true]).sum().item(), 2);
      assert.equal(i.float().exp().dtype, 'float32');
      assert.equal(i.exp().dtype, 'float32');
      assert.deepEqual(dl.tensor([-1.7, 2.9]).long().toArray(), [-1, 2]);
    }));

    it('computes basic math exactly where it should', () => on(() => {
      const x = dl.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
      assert.deepEqual(x.sum(1).toArray(), [6, 15]);
      assert.deepEqual(x.mean(0).toArray(), [2.5, 3.5, 4.5]);
      assert.deepEqual(x.matmul(x.t()).toArray(), [[14, 32], [32, 77]]);
      assert.deepEqual(x.max(1).indices.toArray(), [2, 2]);
      assert.deepEqual(x.argmin().toArray(), 0);
      assertClose(x.softmax(1).sum(1), [1, 1], 1e-6);
      assertClose(dl.tensor([1e4, -1e4, 0]).logsumexp(0), [1e4], 1e-6);
      assert.deepEqual(dl.tensor([3, 1, 2]).sort().values.toArray(), [1, 2, 3]);
      assert.deepEqual(dl.tensor([3, 1, 2]).topk(2).indices.toArray(), [0, 2]);
      assert.deepEqual(dl.oneHot(dl.tensor([0, 2]), 3).toArray(), [[1, 0, 0], [0, 0, 1]]);
      assert.deepEqual(dl.cat([dl.ones([1, 2]), dl.zeros([2, 2])]).shape, [3, 2]);
      assert.deepEqual(dl.stack([dl.ones([2]), dl.zeros([2])], 1).toArray(), [[1, 0], [1, 0]]);
      assert.deepEqual(dl.arange(5).split(2).map((p) => p.toArray()), [[0, 1], [2, 3], [4]]);
      assert.deepEqual(dl.tensor([Number.NaN, 1, Number.POSITIVE_INFINITY]).isnan().toArray(), [true, false, false]);
      assert.deepEqual(dl.tensor([0.5, 1.5, 2.5, -0.5]).round().toArray(), [0, 2, 2, -0]);
    }));

    it('in-place ops bump the version and check shape and dtype', () => on(() => {
      const x = dl.zeros([2, 3]);
      const v0 = x.storageVersion;
      x.add_(dl.ones([3]));
      assert.equal(x.storageVersion, v0 + 1);
      assert.deepEqual(x.toArray(), [[1, 1, 1], [1, 1, 1]]);
      assert.throws(() => dl.zeros([3]).add_(dl.ones([2, 3])), /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/);
      assert.throws(() => dl.tensor([1, 2]).add_(0.5), /result type float32 can't be cast to the desired output type int64/);
      const y = dl.empty([4]).uniform_(2, 3);
      assert.ok((y.dataSync() as Float32Array).every((v) => v >= 2 && v < 3));
      assert.deepEqual(dl.ones([2]).copy_(dl.tensor([5, 6])).toArray(), [5, 6]);
    }));

    it('gives clear errors naming the op and shapes', () => on(() => {
      assert.throws(() => dl.ones([2, 3]).add(dl.ones([4])), /add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
      assert.throws(() => dl.ones([2, 3]).matmul(dl.ones([4, 5])), /matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied \(2x3 and 4x5\)/);
      assert.throws(() => dl.ones([2, 3]).sum(2), /sum: dimension 2 is out of range for a tensor of 2 dimensions/);
      assert.throws(() => dl.ones([3]).gather(0, dl.tensor([5])), /index 5 is out of bounds for dimension 0 with size 3/);
      assert.throws(() => dl.ones([3]).indexSelect(0, dl.tensor([-1])), /out of bounds/);
      assert.throws(() => dl.ones([3]).gather(0, dl.ones([1])), /gather: expected an int64 or int32 index tensor, got float32/);
      assert.throws(() => dl.tensor([1, 2]).mean(), /mean: input dtype must be floating point, got int64/);
      assert.throws(() => dl.tensor([1, 2]).requiresGrad_(), /only float32 tensors can require gradients/);
      assert.throws(() => dl.ones([2, 3]).reshape([4]), /reshape: shape \[4\] is invalid for input of size 6/);
      assert.throws(() => dl.ones([2]).item(), /item: a tensor with 2 elements/);
      assert.throws(() => dl.tensor([[1, 2], [3]]), /ragged nested array at \[1\]/);
      assert.throws(() => dl.ones([2]).select(0, 2), /select: index 2 is out of bounds for dimension 0 with size 2/);
      assert.throws(() => dl.ones([0]).max(), /cannot reduce/);
      assert.throws(() => dl.setBackend('gpu' as never), /unknown backend "gpu"/);
    }));
  });
}
