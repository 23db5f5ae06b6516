/** Optimizer mechanics: param groups, lazy state, zeroGrad, stateDict round trip, closures, clipping. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';

function quadratic(w: dl.Tensor): dl.Tensor {
  return w.sub(dl.tensor([1, -2, 3, 0.5])).square().sum();
}

function train(opt: dl.optim.Optimizer<any>, w: dl.Tensor, steps: number): void {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    dl.tidy(() => quadratic(w).backward());
    opt.step();
  }
}

describe('optimizer mechanics', () => {
  test('state is created lazily with PyTorch key names; zeroGrad disposes grads', () => {
    const w = dl.zeros([4], { requiresGrad: true });
    const opt = new dl.optim.Adam([w], { lr: 0.1, amsgrad: true });
    assert.equal(opt.state.size, 0);
    train(opt, w, 1);
    assert.deepEqual(Object.keys(opt.state.get(w)!).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    const g = w.grad!;
    opt.zeroGrad();
    assert.equal(w.grad, null);
    assert.ok(g.isDisposed);
  });

  test('stateDict has PyTorch structure and a round trip resumes identically', () => {
    for (const make of [
      (p: dl.Tensor[]) => new dl.optim.Adam(p, { lr: 0.05, weightDecay: 0.01 }),
      (p: dl.Tensor[]) => new dl.optim.SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }),
      (p: dl.Tensor[]) => new dl.optim.NAdam(p, { lr: 0.05 }),
      (p: dl.Tensor[]) => new dl.optim.RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5 }),
      (p: dl.Tensor[]) => new dl.optim.Adagrad(p, { lr: 0.1, lrDecay: 0.01 }),
    ]) {
      const a = dl.zeros([4], { requiresGrad: true });
      const optA = make([a]);
      train(optA, a, 5);
      const b = a.detach().clone().requiresGrad_();
      const optB = make([b]);
      optB.loadStateDict(optA.stateDict());
      const sd = optB.stateDict();
      assert.deepEqual(sd.param_groups[0].params, [0]);
      assert.ok('weight_decay' in sd.param_groups[0], 'snake_case option names');
      train(optA, a, 5);
      train(optB, b, 5);
      assert.deepEqual(Array.from(b.dataSync() as Float32Array), Array.from(a.dataSync() as Float32Array), optA.constructor.name);
    }
  });

  test('param groups: defaults fill missing options; errors like PyTorch', () => {
    const w = dl.zeros([2], { requiresGrad: true });
    const b = dl.zeros([2], { requiresGrad: true });
    const opt = new dl.optim.SGD([{ params: [w] }, { params: [b], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    assert.equal(opt.paramGroups[0].lr, 0.1);
    assert.equal(opt.paramGroups[0].momentum, 0);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    assert.throws(() => opt.addParamGroup({ params: [w] }), /more than one parameter group/);
    assert.throws(() => new dl.optim.SGD([w]), /required optimization parameter lr/);
    assert.throws(() => new dl.optim.SGD([], { lr: 1 }), /empty parameter list/);
    assert.throws(() => new dl.optim.SGD([w.mul(2)], { lr: 1 }), /non-leaf/);
    assert.throws(() => new dl.optim.Adam([w], { betas: [1, 0.9] }), /Adam: option 'betas' must be a list of 2 numbers, each a number in \[0, 1\), got \[1, 0.9\]/);
    assert.throws(() => new dl.optim.SGD([w], { lr: 1, nesterov: true }), /Nesterov/);
    // options are checked by their one declaration: unknown keys (did-you-mean), ranges, types
    assert.throws(() => new dl.optim.Adam([w], { betas1: 0.9 } as never), /Adam: unknown option 'betas1' \(did you mean 'betas'\?; known: lr, betas, eps, weightDecay, amsgrad, maximize\)/);
    assert.throws(() => new dl.optim.AdamW([w], { lr: -1 }), (e: Error) => e instanceof RangeError && e.message === "AdamW: option 'lr' must be a number ≥ 0, got -1");
    assert.throws(() => new dl.optim.RMSprop([w], { centered: 'yes' as never }), (e: Error) => e instanceof TypeError && /RMSprop: option 'centered' must be a boolean, got the string "yes"/.test(e.message));
    assert.throws(() => new dl.optim.Adadelta([w], { rho: 1.5 }), /Adadelta: option 'rho' must be a number in \[0, 1\], got 1.5/);
    assert.throws(() => new dl.optim.SGD([w], 0.1 as never), /SGD: options must be an object, got a number/);
    const ld = new dl.optim.SGD([w], { lr: 1 });
    assert.throws(() => ld.loadStateDict({ state: {}, param_groups: [] }), /different number of parameter groups/);
  });

  test('step(closure) evaluates the loss with grad enabled and returns it', () => {
    const w = dl.zeros([4], { requiresGrad: true });
    const opt = new dl.optim.SGD([w], { lr: 0.1 });
    const loss = dl.noGrad(() => opt.step(() => {
      opt.zeroGrad();
      const l = quadratic(w);
      l.backward();
      return l.item();
    }));
    assert.equal(loss, 1 + 4 + 9 + 0.25);
    assertClose(w, [0.2, -0.4, 0.6, 0.1], 1e-6, 1e-7, 'one SGD step');
  });

  test('parameters without grads are skipped; strided grads are accepted', () => {
    const w = dl.ones([2, 3], { requiresGrad: true });
    const frozen = dl.ones([2], { requiresGrad: true });
    const opt = new dl.optim.SGD([w, frozen], { lr: 1 });
    w.grad = dl.tensor([[1, 2], [3, 4], [5, 6]]).float().t();
    opt.step();
    assertClose(w, [0, -2, -4, -1, -3, -5], 0, 0, 'strided grad');
    assertClose(frozen, [1, 1], 0, 0, 'no grad, no change');
  });

  test('clipGradNorm_ and clipGradValue_ follow torch.nn.utils', () => {
    const a = dl.zeros([3], { requiresGrad: true });
    const b = dl.zeros([2], { requiresGrad: true });
    a.grad = dl.tensor([3, 0, 4]).float();
    b.grad = dl.tensor([12, 0]).float();
    const total = dl.optim.clipGradNorm_([a, b], 6.5);
    assertClose(total, [13], 1e-6, 0, 'total 2-norm');
    const coef = 6.5 / (13 + 1e-6);
    assertClose(a.grad, [3 * coef, 0, 4 * coef], 1e-6, 1e-7, 'clipped a');
    assertClose(b.grad, [12 * coef, 0], 1e-6, 1e-7, 'clipped b');
    const inf = dl.optim.clipGradNorm_([a, b], 100, Infinity);
    assertClose(inf, [12 * coef], 1e-6, 0, 'inf norm, no clipping needed');
    assertClose(b.grad, [12 * coef, 0], 1e-6, 1e-7, 'coefficient clamped to 1');
    b.grad = dl.tensor([NaN, 1]).float();
    assert.throws(() => dl.optim.clipGradNorm_([a, b], 1, 2, true), /non-finite/);
    a.grad = dl.tensor([-3, 0.2, 4]).float();
    dl.optim.clipGradValue_([a], 1);
    assertClose(a.grad, [-1, 0.2, 1], 1e-7, 0, 'clamped');
  });
});
