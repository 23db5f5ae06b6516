/**
 * The Trainer as a library: exact resume (model, optimizer, scheduler, dropout RNG and data
 * order restored), the NaN/Inf stop with its checkpoint, early stopping with restore-best,
 * callbacks' order and Trainer.evaluate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import * as T from '../src/train/index.js';

const { nn } = dl;

function setup(dir: string, epochs: number) {
  dl.manualSeed(0);
  const x = dl.randn([120, 5]);
  const y = x.narrow(1, 0, 2).sum(1).gt(0).long();
  const loader = new dl.data.DataLoader(new dl.data.TensorDataset(x, y), { batchSize: 16, shuffle: true, seed: 7 });
  const model = new nn.Sequential(new nn.Linear(5, 12), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(12, 2));
  const checkpoint = new T.ModelCheckpoint({ dir });
  const trainer = new T.Trainer({
    epochs, task: 'multiclass', handleSigint: false,
    optimizer: (p) => new dl.optim.Adam(p, { lr: 0.01 }),
    scheduler: (o) => new dl.optim.lrScheduler.StepLR(o, { stepSize: 1, gamma: 0.8 }),
    callbacks: [checkpoint, new T.EarlyStopping({ patience: 50 })],
  });
  return { loader, model, trainer, checkpoint };
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'dlflow-train-'));

describe('Trainer', () => {
  test('resume reproduces an uninterrupted run exactly', async () => {
    const a = setup(tmp(), 5);
    const full = await a.trainer.fit(a.model, a.loader, a.loader);
    const dir = tmp();
    const b = setup(dir, 2);
    await b.trainer.fit(b.model, b.loader, b.loader);
    const c = setup(dir, 5);
    dl.manualSeed(999); // a different global stream: the checkpoint must restore it
    const resumed = await c.trainer.fit(c.model, c.loader, c.loader, { resume: join(dir, 'last.safetensors') });
    assert.equal(resumed.history.length, 5);
    for (const key of ['train_loss', 'val_loss', 'lr', 'val_accuracy']) {
      assert.deepEqual(resumed.history.map((h) => h[key]), full.history.map((h) => h[key]), key);
    }
    const wa = a.model.stateDict();
    const wc = c.model.stateDict();
    for (const k of Object.keys(wa)) assert.deepEqual(Array.from(wc[k].dataSync() as Float32Array), Array.from(wa[k].dataSync() as Float32Array), k);
  });

  test('a NaN loss stops with the epoch, the batch and the last good checkpoint', async () => {
    const dir = tmp();
    dl.manualSeed(0);
    const x = dl.randn([64, 3]);
    const y = dl.zeros([64], { dtype: 'int64' });
    let epoch = 0;
    const loader = {
      *[Symbol.iterator]() {
        epoch++;
        for (let b = 0; b < 4; b++) {
          const xb = x.narrow(0, b * 16, 16);
          yield [epoch === 2 && b === 2 ? xb.mul(Number.NaN) : xb, y.narrow(0, b * 16, 16)];
        }
      },
    };
    const model = new nn.Linear(3, 2);
    const trainer = new T.Trainer({ epochs: 3, handleSigint: false, callbacks: [new T.ModelCheckpoint({ dir })] });
    await assert.rejects(trainer.fit(model, loader), (e: unknown) => {
      assert.ok(e instanceof T.NonFiniteLossError);
      assert.equal(e.epoch, 2);
      assert.equal(e.batch, 3);
      assert.match(e.message, /loss became NaN at epoch 2, batch 3; last good checkpoint: .*last\.safetensors \(epoch 1\)/);
      return true;
    });
    assert.equal(T.readCheckpoint(join(dir, 'last.safetensors')).meta.epoch, 1);
    for (const p of model.parameters()) assert.ok((p.dataSync() as Float32Array).every(Number.isFinite), 'the bad step was not applied');
  });

  test('early stopping stops after patience and restores the best weights', async () => {
    dl.manualSeed(1);
    const x = dl.randn([32, 2]);
    const y = dl.randn([32, 1]);
    const loader = new dl.data.DataLoader(new dl.data.TensorDataset(x, y), { batchSize: 32 });
    const model = new nn.Linear(2, 1);
    const es = new T.EarlyStopping({ patience: 2 });
    let best: number[] = [];
    const spy: T.Callback = { onEpochEnd: (ctx, logs) => { if (logs.epoch === es.bestEpoch) best = Array.from(ctx.model.stateDict().weight.dataSync() as Float32Array); } };
    // lr grows each epoch so the loss first falls, then diverges upward.
    const trainer = new T.Trainer({
      epochs: 40, loss: new nn.MSELoss(), handleSigint: false, callbacks: [es, spy],
      optimizer: (p) => new dl.optim.SGD(p, { lr: 0.05 }),
      scheduler: (o) => new dl.optim.lrScheduler.ExponentialLR(o, { gamma: 2 }),
    });
    const r = await trainer.fit(model, loader, loader);
    assert.equal(r.status, 'early_stopped');
    assert.equal(r.epochs, es.bestEpoch + 2);
    assert.deepEqual(Array.from(model.stateDict().weight.dataSync() as Float32Array), best);
  });

  test('evaluate returns the loss and scikit-learn-named metrics', () => {
    dl.manualSeed(2);
    const x = dl.randn([40, 3]);
    const y = x.sum(1).gt(0).long();
    const model = new nn.Linear(3, 2);
    const r = new T.Trainer({ epochs: 1, task: 'binary' }).evaluate(model, new dl.data.DataLoader(new dl.data.TensorDataset(x, y), { batchSize: 7 }));
    assert.equal(r.rows, 40);
    assert.ok(Number.isFinite(r.loss));
    for (const k of ['accuracy', 'f1', 'roc_auc', 'log_loss']) assert.equal(typeof r.metrics[k], 'number', k);
    assert.ok(Math.abs(r.metrics.log_loss - r.loss) < 1e-5);
  });

  test('live tensors stay flat across epochs (steps, validation, early stopping and checkpoints in tidy)', async () => {
    dl.manualSeed(3);
    const x = dl.randn([300, 6]);
    const y = x.sum(1).gt(0).long();
    const loader = new dl.data.DataLoader(new dl.data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
    const model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(16, 2));
    const counts: number[] = [];
    const spy: T.Callback = { onEpochEnd: () => { counts.push(dl.memory().numTensors); } };
    await new T.Trainer({ epochs: 6, task: 'binary', handleSigint: false, callbacks: [new T.EarlyStopping({ patience: 100 }), new T.ModelCheckpoint({ dir: tmp() }), spy] })
      .fit(model, loader, loader);
    assert.deepEqual(counts.slice(2), new Array(counts.length - 2).fill(counts[1]), `tensors per epoch: ${counts.join(' ')}`);
  });

  test('device: auto is the CPU and says so; cuda is refused', () => {
    assert.match(T.resolveDevice('auto').note, /auto -> cpu/);
    assert.throws(() => new T.Trainer({ epochs: 1, device: 'cuda:0' }), /no CUDA backend/);
  });
});
