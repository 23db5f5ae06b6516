/**
 * Tensor.registerPostAccumulateGradHook and the backward pass's queued callbacks, against
 * PyTorch's semantics (test/fixtures/distributed/hooks.json, scripts/make_distributed_fixtures.py:
 * torch's AccumulateGrad post hook, what PyTorch 2.1's register_post_accumulate_grad_hook wraps).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { queueBackwardCallback } from '../src/autograd/engine.js';

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/distributed/hooks.json', import.meta.url), 'utf8')) as { cases: Record<string, number[][]> };

/** Registers a hook recording w.grad at each call. */
function watch(w: dl.Tensor): { calls: number[][]; remove(): void } {
  const calls: number[][] = [];
  const handle = w.registerPostAccumulateGradHook((t) => calls.push(Array.from(t.grad!.dataSync() as Float32Array)));
  return { calls, remove: () => handle.remove() };
}

const close = (a: number[][], b: number[][]): void => {
  assert.equal(a.length, b.length, `calls: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= 1e-5 * Math.max(1, Math.abs(b[i][j])), `call ${i}[${j}]: ${v} vs ${b[i][j]}`)));
};

describe('registerPostAccumulateGradHook (PyTorch fixtures)', () => {
  it('fires once per backward, after every path of the pass is summed into .grad', () => {
    const w = dl.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const { calls } = watch(w);
    w.mul(2).sum().add(w.mul(w).sum()).backward();
    close(calls, FIXTURE.cases.used_twice);
  });

  it('sees .grad accumulated across backward passes (one call each)', () => {
    const w = dl.tensor([1, -1], { dtype: 'float32', requiresGrad: true });
    const { calls } = watch(w);
    w.mul(3).sum().backward();
    w.mul(w).sum().backward();
    close(calls, FIXTURE.cases.accumulates);
  });

  it('fires once through a chain with a path to the leaf at every step', () => {
    const w = dl.tensor([0.5, 1.5], { dtype: 'float32', requiresGrad: true });
    const { calls } = watch(w);
    let y = w;
    for (let i = 0; i < 5; i++) y = y.mul(1.5).add(w);
    y.sum().backward();
    close(calls, FIXTURE.cases.chain);
  });
});

describe('registerPostAccumulateGradHook (behaviour)', () => {
  it('fires on a leaf that is the root of backward', () => {
    const w = dl.tensor([2], { dtype: 'float32', requiresGrad: true });
    const { calls } = watch(w);
    w.backward(dl.tensor([5], { dtype: 'float32' }));
    assert.deepEqual(calls, [[5]]);
  });

  it('does not fire for a leaf outside the graph or reached only without a gradient', () => {
    const w = dl.tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const v = dl.tensor([3, 4], { dtype: 'float32', requiresGrad: true });
    const { calls } = watch(w);
    v.sum().backward();
    // w reaches the loss only through a comparison, which has no gradient
    v.mul(w.gt(1).float()).sum().backward();
    assert.deepEqual(calls, []);
    assert.equal(w.grad, null);
  });

  it('runs hooks in registration order; remove() stops one', () => {
    const w = dl.tensor([1], { dtype: 'float32', requiresGrad: true });
    const order: string[] = [];
    const a = w.registerPostAccumulateGradHook(() => order.push('a'));
    w.registerPostAccumulateGradHook(() => order.push('b'));
    w.mul(2).sum().backward();
    a.remove();
    a.remove(); // idempotent
    w.mul(2).sum().backward();
    assert.deepEqual(order, ['a', 'b', 'b']);
  });

  it('refuses non-leaves and tensors without requiresGrad, as PyTorch does', () => {
    assert.throws(() => dl.tensor([1], { dtype: 'float32' }).registerPostAccumulateGradHook(() => {}), /doesn't require gradient/);
    const w = dl.tensor([1], { dtype: 'float32', requiresGrad: true });
    assert.throws(() => w.mul(2).registerPostAccumulateGradHook(() => {}), /non-leaf/);
    assert.throws(() => w.registerPostAccumulateGradHook(42 as never), /expected a function/);
  });

  it('fires for each of many parameters in one pass, each after its own gradient is final', () => {
    const ws = Array.from({ length: 4 }, (_, i) => dl.tensor([i + 1], { dtype: 'float32', requiresGrad: true }));
    const seen = new Map<number, number>();
    ws.forEach((w, i) => w.registerPostAccumulateGradHook((t) => seen.set(i, t.grad!.item())));
    ws.reduce((acc: dl.Tensor, w) => acc.mul(w).add(w), dl.tensor([1], { dtype: 'float32' })).sum().backward();
    assert.equal(seen.size, 4);
    for (let i = 0; i < 4; i++) assert.equal(seen.get(i), ws[i].grad!.item());
  });
});

describe('queueBackwardCallback', () => {
  it('runs queued callbacks once after every hook of the pass, before backward returns', () => {
    const a = dl.tensor([1], { dtype: 'float32', requiresGrad: true });
    const b = dl.tensor([2], { dtype: 'float32', requiresGrad: true });
    const events: string[] = [];
    let queued = false;
    for (const [name, t] of [['a', a], ['b', b]] as const) {
      t.registerPostAccumulateGradHook(() => {
        events.push(name);
        if (!queued) { queued = true; queueBackwardCallback(() => events.push('done')); }
      });
    }
    a.mul(b).sum().backward();
    events.push('returned');
    assert.deepEqual(events.slice(2), ['done', 'returned']);
    assert.deepEqual([...events.slice(0, 2)].sort(), ['a', 'b']);
  });

  it('is an error outside a backward pass', () => {
    assert.throws(() => queueBackwardCallback(() => {}), /during the backward pass/);
  });

  it('an error thrown by a callback comes out of backward()', () => {
    const w = dl.tensor([1], { dtype: 'float32', requiresGrad: true });
    w.registerPostAccumulateGradHook(() => queueBackwardCallback(() => { throw new Error('from the callback'); }));
    assert.throws(() => w.mul(2).sum().backward(), /from the callback/);
    // the next pass starts clean
    assert.throws(() => queueBackwardCallback(() => {}), /during the backward pass/);
  });
});
