import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dl from '../src/index.js';
import { DataLoader, FunctionDataset, TensorDataset, imageSplitTensors, kFold, randomSplit, stratifiedSplit } from '../src/data/loader/index.js';

const rows = (n: number, f = 3): dl.Tensor => dl.tensor(Float32Array.from({ length: n * f }, (_, i) => i), { shape: [n, f] });

test('DataLoader over tensors: batches, dropLast, shuffle covers every row once per epoch', () => {
  const x = rows(10), y = dl.tensor(Int32Array.from({ length: 10 }, (_, i) => i));
  const plain = [...new DataLoader(new TensorDataset(x, y), { batchSize: 4 })] as dl.Tensor[][];
  assert.deepEqual(plain.map((b) => b[0].shape), [[4, 3], [4, 3], [2, 3]]);
  assert.deepEqual(Array.from(plain[2][1].dataSync() as Int32Array), [8, 9]);
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 5, dropLast: true });
  assert.equal(loader.length, 2);
  const e1 = [...loader].flatMap((b) => Array.from((b as dl.Tensor[])[1].dataSync() as Int32Array));
  const e2 = [...loader].flatMap((b) => Array.from((b as dl.Tensor[])[1].dataSync() as Int32Array));
  assert.equal(e1.length, 8); assert.equal(new Set(e1).size, 8);
  assert.notDeepEqual(e1, e2, 'a new order each epoch');
  const b = [...loader][0] as dl.Tensor[];
  const idx = Array.from(b[1].dataSync() as Int32Array);
  assert.deepEqual(Array.from(b[0].dataSync() as Float32Array), idx.flatMap((r) => [3 * r, 3 * r + 1, 3 * r + 2]), 'x rows follow y rows');
});

test('DataLoader over tensors uses one indexSelect per tensor per batch', () => {
  const x = rows(64);
  const proto = Object.getPrototypeOf(x) as { indexSelect: (...a: unknown[]) => unknown };
  const orig = proto.indexSelect;
  let calls = 0;
  proto.indexSelect = function (this: unknown, ...a: unknown[]) { calls++; return orig.apply(this, a); };
  try {
    const loader = new DataLoader(new TensorDataset(x, rows(64, 1)), { batchSize: 16, shuffle: true });
    let n = 0;
    for (const _ of loader) n++;
    assert.equal(n, 4);
    assert.equal(calls, 8);
  } finally { proto.indexSelect = orig; }
});

test('DataLoader state: exact resume mid-epoch and between epochs', () => {
  const x = rows(20);
  const order = (l: DataLoader<dl.Tensor[]>, k: number): number[] => {
    const out: number[] = [];
    let i = 0;
    for (const b of l) { out.push(...Array.from(((b as dl.Tensor[])[0].dataSync() as Float32Array).filter((_, j) => j % 3 === 0), (v) => v / 3)); if (++i === k) break; }
    return out;
  };
  const ref = new DataLoader(new TensorDataset(x), { batchSize: 5, shuffle: true, seed: 9 });
  order(ref, 4);
  const epoch2 = order(ref, 4), epoch3 = order(ref, 4);
  const a = new DataLoader(new TensorDataset(x), { batchSize: 5, shuffle: true, seed: 9 });
  order(a, 4);
  assert.deepEqual(order(a, 2), epoch2.slice(0, 10)); // stopped two batches into epoch 2
  const saved = JSON.parse(JSON.stringify(a.getState()));
  const b = new DataLoader(new TensorDataset(x), { batchSize: 5, shuffle: true, seed: 123 });
  b.setState(saved);
  assert.deepEqual(order(b, 4), epoch2.slice(10), 'resumes with the rest of epoch 2');
  assert.deepEqual(order(b, 4), epoch3);
  const c = new DataLoader(new TensorDataset(x), { batchSize: 5, shuffle: true });
  c.loadStateDict(b.stateDict());
  assert.deepEqual(order(c, 4), order(b, 4));
});

test('DataLoader: custom collate, default collate of host items, for await with prefetch', async () => {
  const ds = new FunctionDataset(7, (i) => [{ data: Float32Array.of(i, -i), shape: [1, 2] }, i % 3] as const);
  const l = new DataLoader(ds, { batchSize: 3 });
  const first = [...l][0] as dl.Tensor[];
  assert.deepEqual(first[0].shape, [3, 1, 2]);
  assert.equal(first[1].dtype, 'int64');
  const sums = new DataLoader(ds, { batchSize: 3, collate: (items) => items.reduce((s, it) => s + it[1], 0) });
  assert.deepEqual([...sums], [3, 3, 0]);
  const fetched: number[] = [];
  const slow = { length: 6, getItem: (i: number) => i, getItemAsync: async (i: number) => { fetched.push(i); await new Promise((r) => setTimeout(r, 2)); return i; } };
  const al = new DataLoader(slow, { batchSize: 2, collate: (it: number[]) => it });
  const seen: number[][] = [];
  for await (const b of al) { seen.push(b as number[]); if (seen.length === 1) assert.ok(fetched.includes(2), 'batch 2 requested before batch 1 is used'); }
  assert.deepEqual(seen, [[0, 1], [2, 3], [4, 5]]);
  const tl = new DataLoader(new TensorDataset(rows(5)), { batchSize: 2 });
  let n = 0;
  for await (const b of tl) n += (b as dl.Tensor[])[0].shape[0];
  assert.equal(n, 5);
});

test('splits: randomSplit sizes, stratified proportions, k-fold covers each row once', () => {
  const ds = new FunctionDataset(10, (i) => i);
  const [a, b] = randomSplit(ds, [0.7, 0.3], new dl.Generator(1));
  assert.deepEqual([a.length, b.length], [7, 3]);
  assert.deepEqual([...a.indices, ...b.indices].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 'a' : 'b'));
  const [tr, va] = stratifiedSplit(labels, [0.75, 0.25], new dl.Generator(2));
  assert.equal(Array.from(va).filter((i) => labels[i] === 'b').length, 5);
  assert.equal(tr.length + va.length, 100);
  const folds = kFold(10, 3, { generator: new dl.Generator(3) });
  assert.deepEqual(folds.map((f) => f.val.length), [4, 3, 3]);
  assert.deepEqual(folds.flatMap((f) => Array.from(f.val)).sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const sf = kFold(100, 4, { labels });
  for (const f of sf) assert.equal(Array.from(f.val).filter((i) => labels[i] === 'b').length, 5);
  assert.throws(() => kFold(3, 4), /k must be an integer in 2\.\.3/);
  assert.throws(() => stratifiedSplit([1, NaN], [0.5, 0.5]), /row 1 is missing/);
});

test('MNIST split tensors', () => {
  const t = imageSplitTensors({ images: new Uint8Array([0, 255, 51, 102]), shape: [1, 2, 2], labels: new Uint8Array([7]) });
  assert.deepEqual(t.x.shape, [1, 1, 2, 2]);
  assert.equal(t.y.dtype, 'int64');
});

test('DataLoader drives the Trainer (batches as [x, y], length, state) without leaking tensors', async () => {
  dl.manualSeed(0);
  const x = dl.randn([96, 4]);
  const y = x.sum(1).gt(0).long();
  const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 1 });
  const model = new dl.nn.Sequential(new dl.nn.Linear(4, 8), new dl.nn.ReLU(), new dl.nn.Linear(8, 2));
  const before = dl.memory().numTensors;
  const trainer = new dl.Trainer({ epochs: 2, task: 'multiclass' });
  const result = await trainer.fit(model, loader, new DataLoader(new TensorDataset(x, y), { batchSize: 32 }));
  assert.equal(result.history.length, 2);
  const grown = dl.memory().numTensors - before;
  await new dl.Trainer({ epochs: 3, task: 'multiclass' }).fit(model, loader);
  // a second fit adds only its own optimizer state, never per-batch tensors (18 batches here)
  assert.ok(dl.memory().numTensors - before - grown <= grown, `tensors alive: ${grown} after the first fit, ${dl.memory().numTensors - before} after the second`);
});

test('for await keeps exactly `prefetch` batches requested ahead', async () => {
  for (const prefetch of [0, 1, 2]) {
    const requested: number[] = [];
    const ds = { length: 10, getItem: (i: number) => i, getItemAsync: async (i: number) => { requested.push(i); return i; } };
    const l = new DataLoader(ds, { batchSize: 1, prefetch, collate: (it: number[]) => it[0] });
    for await (const b of l) assert.equal(Math.max(...requested), Math.min(9, (b as number) + prefetch), `prefetch ${prefetch} at batch ${b}`);
  }
});

test('a dataset that reads batches hears of the next `prefetch` batches, each once and in order, before each is taken', () => {
  const calls: string[] = [];
  const ds = {
    length: 7,
    getItem: (i: number) => i,
    getItems: (idx: Int32Array) => { calls.push(`get ${[...idx]}`); return [...idx]; },
    willNeed: (idx: Int32Array) => { calls.push(`need ${[...idx]}`); },
  };
  const loader = new DataLoader(ds, { batchSize: 3, prefetch: 1, collate: (items: number[]) => items });
  assert.deepEqual([...loader], [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(calls, ['need 0,1,2', 'need 3,4,5', 'get 0,1,2', 'need 6', 'get 3,4,5', 'get 6']);
  calls.length = 0;
  const it = loader[Symbol.iterator]();
  it.next();
  const state = loader.getState(); // one batch served: a resumed loader announces from the second
  const resumed = new DataLoader(ds, { batchSize: 3, prefetch: 0, collate: (items: number[]) => items });
  resumed.setState(state);
  calls.length = 0;
  assert.deepEqual([...resumed], [[3, 4, 5], [6]]);
  assert.deepEqual(calls, ['need 3,4,5', 'get 3,4,5', 'need 6', 'get 6']);
});

test('DataLoader options are checked: misspelt keys, sizes, types', () => {
  const ds = new TensorDataset(dl.zeros([4, 2]));
  assert.throws(() => new DataLoader(ds, { batchsize: 2 } as never), /DataLoader: unknown option 'batchsize' \(did you mean 'batchSize'\?/);
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /DataLoader: option 'batchSize' must be an integer ≥ 1, got 0/);
  assert.throws(() => new DataLoader(ds, { shuffle: 'yes' as never }), /DataLoader: option 'shuffle' must be a boolean/);
  assert.throws(() => new DataLoader(ds, { collate: 3 as never }), /DataLoader: option 'collate' must be a function/);
  assert.equal(new DataLoader(ds, { batchSize: 3 }).length, 2);
});
