/**
 * DistributedSampler: the index layout against PyTorch's torch.utils.data.DistributedSampler
 * (test/fixtures/distributed/sampler.json, scripts/make_distributed_fixtures.py, shuffle=False:
 * padding by repeating the first indices, drop_last, more replicas than items), and the shuffled
 * layout's properties (torch's RNG is not ours, so the permutation itself cannot be compared):
 * every rank draws the same permutation, the ranks cover the dataset, setEpoch changes it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { DataLoader, DistributedSampler, TensorDataset } from '../src/data/loader/index.js';

interface Case { n: number; numReplicas: number; dropLast: boolean; length: number; ranks: number[][] }
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/distributed/sampler.json', import.meta.url), 'utf8')) as { cases: Case[] };

const sized = (n: number): { length: number } => ({ length: n });
const ranksOf = (n: number, numReplicas: number, options: { shuffle?: boolean; seed?: number; dropLast?: boolean; epoch?: number } = {}): number[][] =>
  Array.from({ length: numReplicas }, (_, rank) => {
    const { epoch, ...rest } = options;
    const s = new DistributedSampler(sized(n), { numReplicas, rank, ...rest });
    if (epoch !== undefined) s.setEpoch(epoch);
    return Array.from(s.indices());
  });

/** The epoch's order all ranks drew together: rank r's k-th index sits at k·numReplicas + r. */
const interleave = (ranks: number[][]): number[] => ranks[0].flatMap((_, k) => ranks.map((r) => r[k]));

describe('DistributedSampler layout (PyTorch fixture, shuffle=false)', () => {
  for (const c of FIXTURE.cases) {
    it(`n=${c.n}, numReplicas=${c.numReplicas}, dropLast=${c.dropLast}`, () => {
      const got = ranksOf(c.n, c.numReplicas, { shuffle: false, dropLast: c.dropLast });
      assert.deepEqual(got, c.ranks);
      for (let rank = 0; rank < c.numReplicas; rank++) {
        const s = new DistributedSampler(sized(c.n), { numReplicas: c.numReplicas, rank, shuffle: false, dropLast: c.dropLast });
        assert.equal(s.length, c.length);
        assert.equal(s.numSamples, c.length);
        assert.equal(s.totalSize, c.length * c.numReplicas);
        assert.deepEqual([...s], c.ranks[rank], 'iterating gives indices()');
      }
    });
  }
  it('the fixture has the padding, dropLast and numReplicas > n cases', () => {
    assert.ok(FIXTURE.cases.some((c) => !c.dropLast && c.n % c.numReplicas !== 0));
    assert.ok(FIXTURE.cases.some((c) => c.dropLast && c.n % c.numReplicas !== 0));
    assert.ok(FIXTURE.cases.some((c) => c.numReplicas > c.n && !c.dropLast));
    assert.ok(FIXTURE.cases.some((c) => c.numReplicas > c.n && c.dropLast && c.length === 0));
  });
});

describe('DistributedSampler shuffle', () => {
  it('every rank takes its share of one permutation: the ranks together cover the dataset, padded with its first indices', () => {
    for (const [n, R] of [[10, 2], [11, 2], [13, 5], [3, 4], [100, 8]]) {
      const ranks = ranksOf(n, R, { seed: 7 });
      const order = interleave(ranks);
      const perm = order.slice(0, n);
      assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `n=${n}, R=${R}: a permutation`);
      assert.deepEqual(order.slice(n), Array.from({ length: order.length - n }, (_, i) => perm[i % n]), `n=${n}, R=${R}: padding`);
      assert.notDeepEqual(perm, Array.from({ length: n }, (_, i) => i), `n=${n}: shuffled`);
    }
  });

  it('the permutation depends on seed + epoch only: the same on every rank and every call, new with setEpoch', () => {
    const e0 = interleave(ranksOf(40, 4, { seed: 3 }));
    assert.deepEqual(interleave(ranksOf(40, 4, { seed: 3, epoch: 0 })), e0, 'epoch 0 is the default');
    const e1 = interleave(ranksOf(40, 4, { seed: 3, epoch: 1 }));
    assert.notDeepEqual(e1, e0, 'setEpoch(1) changes the order');
    assert.deepEqual([...e1].sort((a, b) => a - b), [...e0].sort((a, b) => a - b));
    assert.deepEqual(interleave(ranksOf(40, 4, { seed: 4, epoch: 0 })), e1, 'seed + epoch, as PyTorch seeds its generator');
    assert.notDeepEqual(interleave(ranksOf(40, 4, { seed: 9 })), e0, 'another seed, another order');
    const s = new DistributedSampler(sized(40), { numReplicas: 4, rank: 2, seed: 3 });
    assert.deepEqual(Array.from(s.indices()), Array.from(s.indices()), 'indices() is repeatable within an epoch');
    s.setEpoch(1);
    assert.deepEqual(Array.from(s.indices()), ranksOf(40, 4, { seed: 3, epoch: 1 })[2]);
  });

  it('dropLast with shuffle cuts the permutation so that no index repeats', () => {
    const order = interleave(ranksOf(11, 3, { seed: 1, dropLast: true }));
    assert.equal(order.length, 9);
    assert.equal(new Set(order).size, 9);
  });
});

describe('DistributedSampler in a DataLoader', () => {
  it('the loader reads the sampler\'s indices, in batches; length counts this rank\'s share', () => {
    const x = dl.tensor(Float32Array.from({ length: 11 }, (_, i) => i), { shape: [11, 1] });
    const sampler = new DistributedSampler(sized(11), { numReplicas: 2, rank: 1, seed: 5 });
    sampler.setEpoch(2);
    const loader = new DataLoader(new TensorDataset(x), { batchSize: 4, sampler });
    assert.equal(loader.length, 2);
    const seen = [...loader].map((b) => Array.from(((b as dl.Tensor[])[0]).dataSync() as Float32Array));
    assert.deepEqual(seen.map((b) => b.length), [4, 2]);
    assert.deepEqual(seen.flat(), Array.from(sampler.indices()));
  });

  it('sampler and shuffle together are an error', () => {
    const sampler = new DistributedSampler(sized(4), { numReplicas: 2, rank: 0 });
    assert.throws(() => new DataLoader(new TensorDataset(dl.zeros([4, 1])), { batchSize: 2, sampler, shuffle: true }), /sampler option is mutually exclusive with shuffle/);
  });
});

describe('DistributedSampler bad options', () => {
  it('are errors naming the option', () => {
    const ds = sized(10);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 2 }), /invalid rank 2, rank should be in the interval \[0, 1\]/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 0, rank: 0 }), /numReplicas/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: -1 }), /rank/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 1.5, rank: 0 }), /numReplicas/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 0, seed: -1 }), /seed/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 0, shufle: false } as never), /unknown option 'shufle' \(did you mean 'shuffle'/);
    assert.throws(() => new DistributedSampler({ length: -1 }, { numReplicas: 2, rank: 0 }), /the dataset must have a length/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 0 }).setEpoch(-1), /setEpoch: expected a non-negative integer, got -1/);
    assert.throws(() => new DistributedSampler(ds, { numReplicas: 2, rank: 0 }).setEpoch(0.5), /setEpoch/);
  });

  it('without numReplicas and rank it needs a process group, then takes its world', async () => {
    assert.throws(() => new DistributedSampler(sized(10)), /give numReplicas and rank, or call dl\.distributed\.initProcessGroup\(\) first/);
    await dl.distributed.initProcessGroup({ backend: 'local' });
    try {
      const s = new DistributedSampler(sized(10), { shuffle: false });
      assert.deepEqual([s.numReplicas, s.rank, s.length], [1, 0, 10]);
      assert.deepEqual(Array.from(s.indices()), Array.from({ length: 10 }, (_, i) => i));
    } finally {
      dl.distributed.destroyProcessGroup();
    }
  });
});
