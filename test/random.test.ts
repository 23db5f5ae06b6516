/** The counter-based random kernel: Philox known answers, backend agreement, distributions, state. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { philoxBlock } from '../src/backends/reference/random.js';
import { assertClose, backends } from './helpers.js';

const hex = (block: Uint32Array): string[] => Array.from(block, (w) => w.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  it('matches the known-answer vectors of Random123 (Salmon et al.)', () => {
    const out = new Uint32Array(4);
    philoxBlock(0, 0, 0, 0, out);
    assert.deepEqual(hex(out), ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    philoxBlock(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out, 0xffffffff, 0xffffffff);
    assert.deepEqual(hex(out), ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philoxBlock(0x243f6a88, 0x85a308d3, 0xa4093822, 0x299f31d0, out, 0x13198a2e, 0x03707344);
    assert.deepEqual(hex(out), ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });
});

describe('random fills', () => {
  const fill = (backend: dl.BackendName, kind: 'rand' | 'randn', n: number, seed: number): Float32Array =>
    dl.withBackend(backend, () => {
      const gen = new dl.Generator(seed);
      return (kind === 'rand' ? dl.rand([n], { generator: gen }) : dl.randn([n], { generator: gen })).dataSync() as Float32Array;
    });

  it('every backend produces the same stream for the same seed', () => {
    for (const kind of ['rand', 'randn'] as const) {
      const expected = fill('reference', kind, 100_003, 11);
      for (const b of backends()) assertClose(fill(b, kind, 100_003, 11), expected, 1e-6, 1e-6, `${b} ${kind}`);
    }
  });

  for (const backend of backends()) {
    it(`${backend}: uniform and normal moments, bernoulli rate, disjoint draws`, () => dl.withBackend(backend, () => {
      const u = fill(backend, 'rand', 200_000, 3);
      const mean = u.reduce((s, v) => s + v, 0) / u.length;
      assert.ok(u.every((v) => v >= 0 && v < 1));
      assert.ok(Math.abs(mean - 0.5) < 0.005, `uniform mean ${mean}`);
      const z = dl.tensor(fill(backend, 'randn', 200_000, 4));
      assert.ok(Math.abs(z.mean().item()) < 0.01);
      assert.ok(Math.abs(z.std().item() - 1) < 0.01);
      dl.manualSeed(5);
      const mask = dl.nn.functional.dropout(dl.ones([100_000]), 0.3);
      const kept = mask.gt(0).float().mean().item();
      assert.ok(Math.abs(kept - 0.7) < 0.01, `kept fraction ${kept}`);
      assertClose([mask.max().item()], [1 / 0.7], 1e-6);
      dl.manualSeed(5);
      const a = dl.rand([8]).toArray();
      const b = dl.rand([8]).toArray();
      assert.notDeepEqual(a, b, 'consecutive fills draw fresh numbers');
    }));
  }

  it('saving and restoring the generator state replays the stream', () => {
    const gen = new dl.Generator(9);
    dl.rand([5], { generator: gen });
    const state = gen.getState();
    const first = dl.randn([7], { generator: gen }).toArray();
    gen.setState(JSON.parse(JSON.stringify(state)));
    assert.deepEqual(dl.randn([7], { generator: gen }).toArray(), first);
  });
});
