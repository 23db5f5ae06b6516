import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { backends } from './helpers.js';

for (const backend of backends()) {
  describe(`memory on ${backend}`, () => {
    const on = <T>(fn: () => T): T => dl.withBackend(backend, fn);

    it('tidy disposes temporaries and keeps the returned tensors', () => on(() => {
      const before = dl.memory().numTensors;
      const x = dl.ones([4]);
      const y = dl.tidy(() => x.add(1).mul(3).exp());
      assert.equal(dl.memory().numTensors, before + 2);
      const { a, list } = dl.tidy(() => ({ a: x.add(1), list: [x.mul(2), x.sub(1)], n: 3 }));
      assert.equal(dl.memory().numTensors, before + 5);
      for (const t of [x, y, a, ...list]) t.dispose();
      assert.equal(dl.memory().numTensors, before);
    }));

    it('dispose frees the buffer when the last view goes', () => on(() => {
      const base = dl.memory();
      const x = dl.zeros([1000]);
      const v = x.reshape([10, 100]);
      assert.equal(dl.memory().numBuffers, base.numBuffers + 1);
      x.dispose();
      assert.equal(dl.memory().numBuffers, base.numBuffers + 1, 'a view still uses the buffer');
      assert.equal(dl.tidy(() => v.sum().item()), 0);
      v.dispose();
      assert.equal(dl.memory().numBuffers, base.numBuffers);
      assert.equal(dl.memory().numBytes, base.numBytes);
    }));

    it('using a disposed tensor is an error naming its shape', () => on(() => {
      const x = dl.ones([2, 3]);
      x.dispose();
      assert.throws(() => x.add(1), /tensor of shape \[2, 3\] \(float32\) was used after dispose\(\)/);
      assert.throws(() => x.toArray(), /used after dispose/);
    }));

    it('a tidy that throws still frees its tensors', () => on(() => {
      const before = dl.memory().numTensors;
      assert.throws(() => dl.tidy(() => {
        dl.ones([3]).add(1);
        throw new Error('boom');
      }), /boom/);
      assert.equal(dl.memory().numTensors, before);
    }));

    it('10,000 forward/backward steps of a small MLP return to the baseline', () => on(() => {
      dl.manualSeed(1);
      const w1 = dl.randn([8, 16]).mul(0.3).detach().requiresGrad_();
      const w2 = dl.randn([16, 2]).mul(0.3).detach().requiresGrad_();
      const x = dl.randn([32, 8]);
      const y = dl.randint(0, 2, [32]);
      const baseline = dl.memory();
      const steps = backend === 'reference' ? 2000 : 10_000;
      let first = 0;
      let last = 0;
      for (let step = 0; step < steps; step++) {
        const loss = dl.tidy(() => {
          const logits = x.matmul(w1).relu().matmul(w2);
          const l = logits.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg();
          l.backward();
          dl.noGrad(() => {
            for (const w of [w1, w2]) {
              w.sub_(w.grad!.mul(0.1));
              w.grad = null;
            }
          });
          return l.item();
        });
        if (step === 0) first = loss;
        last = loss;
      }
      assert.ok(last < first, `loss should fall: ${first} -> ${last}`);
      const after = dl.memory();
      assert.equal(after.numTensors, baseline.numTensors, 'live tensors back to baseline');
      assert.equal(after.numBuffers, baseline.numBuffers, 'live buffers back to baseline');
      assert.equal(after.numBytes, baseline.numBytes, 'live bytes back to baseline');
    }));
  });
}

describe('garbage collection safety net', () => {
  it('frees the buffers of tensors that were never disposed once they are collected', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve)); // let finalizers run
      }
    };
    await collect();
    const before = dl.memory();
    (() => {
      for (let i = 0; i < 200; i++) dl.ones([256]).mul(2).add(1); // never disposed
    })();
    assert.ok(dl.memory().numBuffers >= before.numBuffers + 200, 'the forgotten tensors are live before collection');
    // A collection may leave the newest object for a later cycle (it can still sit in a register or a
    // handle scope), and finalizers run as separate tasks: collect until the counts settle, within a bound.
    let after = dl.memory();
    for (let round = 0; round < 40 && after.numBuffers !== before.numBuffers; round++) {
      await collect();
      await new Promise((resolve) => setTimeout(resolve, 5));
      after = dl.memory();
    }
    assert.equal(after.numBuffers, before.numBuffers, 'buffers reclaimed by the finalizer');
    assert.equal(after.numBytes, before.numBytes);
    assert.equal(after.numTensors, before.numTensors);
  });
});

describe('backward frees gradients of constant operands', () => {
  it('leaves no tensor behind for inputs that do not require grad', () => {
    const p = dl.ones([3], { requiresGrad: true });
    const t = dl.ones([3]);
    dl.tidy(() => t.add(p).sum().backward()); // warm up: p.grad now exists
    const before = dl.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      dl.tidy(() => t.add(p).sum().backward());
      dl.tidy(() => p.sub(t).mul(t).sum().backward());
    }
    assert.equal(dl.memory().numTensors, before);
  });
});
