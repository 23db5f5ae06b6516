/**
 * PyTorch's positional argument forms of the reductions and the TypeErrors for wrong argument
 * types (issue 14). Expected values: PyTorch 1.13 on x = [[1, 2, 4], [3, 5, 9]], e.g.
 * `x.var(1, False, True)`, `x.std(1, True)`, `x.logsumexp(1, True)`, `x.prod(1, True)`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';

const x = (): dl.Tensor => dl.tensor([[1, 2, 4], [3, 5, 9]], { dtype: 'float32' });

describe('reductions take keepdim positionally, as PyTorch does', () => {
  it('sum, mean, prod, amax, amin, logsumexp, any, all: (dim, keepdim)', () => {
    assert.deepEqual(x().sum(1, true).shape, [2, 1]);
    assert.deepEqual(x().sum(1, false).shape, [2]);
    assertClose(x().mean(0, true), [2, 3.5, 6.5]);
    assert.deepEqual(x().mean(0, true).shape, [1, 3]);
    assertClose(x().prod(1, true), [8, 135]);
    assert.deepEqual(x().amax([0, 1], true).shape, [1, 1]);
    assert.deepEqual(x().amin(1, true).shape, [2, 1]);
    assertClose(x().logsumexp(1, true), [4.169846057891846, 9.020581245422363]);
    assert.deepEqual(x().gt(2).any(1, true).shape, [2, 1]);
    assert.deepEqual(x().gt(2).all(0, true).shape, [1, 3]);
  });

  it('max, min, argmax, argmin: (dim, keepdim)', () => {
    const { values, indices } = x().max(1, true);
    assertClose(values, [4, 9]);
    assert.deepEqual(values.shape, [2, 1]);
    assert.deepEqual(indices.toArray(), [[2], [2]]);
    assert.deepEqual(x().min(0, true).values.shape, [1, 3]);
    assert.deepEqual(x().argmax(1, true).shape, [2, 1]);
    assert.deepEqual(x().argmin(1, true).shape, [2, 1]);
  });

  it('var and std: PyTorch\'s (dim, unbiased, keepdim)', () => {
    const v = x().var(1, false, true);
    assertClose(v, [1.5555555820465088, 6.222222328186035]);
    assert.deepEqual(v.shape, [2, 1]);
    assertClose(x().std(1, true), [1.5275251865386963, 3.0550503730773926]);
    assertClose(x().var(1, { unbiased: false, keepdim: true }), v);
  });

  it('the options object still works and is checked', () => {
    assert.deepEqual(x().sum(1, { keepdim: true }).shape, [2, 1]);
    assert.throws(() => x().sum(1, { keepdims: true } as never), /sum: unknown option 'keepdims' \(did you mean 'keepdim'\?; known: keepdim\)/);
    assert.throws(() => x().mean(1, 'yes' as never), (e: Error) => e instanceof TypeError && /mean: keepdim must be a boolean or \{ keepdim \}, got the string "yes"/.test(e.message));
    assert.throws(() => x().sum(1, { keepdim: 1 } as never), /sum: keepdim must be a boolean, got a number/);
    assert.throws(() => x().var(1, { correction: -1 }), /var: correction must be a non-negative integer/);
    assert.throws(() => x().std(1, { keepdim: true }, true), /std: keepdim given twice/);
  });
});

describe('wrong argument types are TypeErrors naming the op and the argument', () => {
  it('binary operands', () => {
    assert.throws(() => dl.ones([2]).add('a' as never), (e: Error) => e instanceof TypeError && e.message === 'add: other must be a tensor or a number, got the string "a"');
    assert.throws(() => dl.ones([2]).mul(null as never), /mul: other must be a tensor or a number, got null/);
    assert.throws(() => dl.ones([2]).sub([1, 2] as never), /sub: other must be a tensor or a number, got an array/);
  });

  it('dims', () => {
    assert.throws(() => x().sum('1' as never), (e: Error) => e instanceof TypeError && /sum: dim must be an integer or a list of integers, got the string "1"/.test(e.message));
    assert.throws(() => x().argmax('0' as never), (e: Error) => e instanceof TypeError && /argmax: dim must be an integer, got the string "0"/.test(e.message));
    assert.throws(() => x().sum(5), RangeError);
  });
});

describe('creation options are checked by their declaration', () => {
  it('unknown keys (did-you-mean), wrong types, named by the function', () => {
    assert.throws(() => dl.tensor([1, 2], { dtyp: 'int32' } as never), /tensor: unknown option 'dtyp' \(did you mean 'dtype'\?; known: dtype, requiresGrad, shape\)/);
    assert.throws(() => dl.zeros([2], { dtype: 'float64' as never }), /zeros: option 'dtype' must be a dtype \(float32, int32, int64, bool\), got the string "float64"/);
    assert.throws(() => dl.randn([2], { requiresGrad: 1 as never }), (e: Error) => e instanceof TypeError && /randn: option 'requiresGrad' must be a boolean, got 1$/.test(e.message));
    assert.throws(() => dl.rand([2], { generator: {} as never }), /rand: option 'generator' must be a Generator, got an object/);
    assert.throws(() => dl.arange(0, 3, 1, { requires_grad: true } as never), /arange: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?/);
    assert.equal(dl.ones([2], { requiresGrad: true }).requiresGrad, true);
    assert.equal(dl.tensor([1, 2, 3, 4], { shape: [2, 2], dtype: 'int32' }).dtype, 'int32');
  });
});
