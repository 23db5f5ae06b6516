/**
 * Data-parallel training under a real Open MPI: `mpirun -np 2` runs test/distributed/ddp_worker.ts,
 * each rank trains its half of every case in test/distributed/ddp_cases.ts, and the results are
 * compared here with one process training the same model on the whole batch (2 ranks × batch b =
 * 1 process × batch 2b): per-step losses, final parameters, SyncBatchNorm against BatchNorm2d on
 * the concatenated batch, noSync accumulation, unused parameters, the Trainer's reduced epoch
 * loss. The size-1 local group runs in this process. Without mpirun the MPI tests are skipped
 * locally and fail under CI (CI=true).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import * as T from '../src/train/index.js';
import { LocalGroup, type CollectiveData, type ProcessGroup, type Work } from '../src/distributed/index.js';
import {
  ACCUMULATE, BATCH, CASES, SAMPLER_SEED, accumulateCase, bnModelCase, branchyCase, gradsOf, mlpCase, runBatchNorm, train, trainBnModel,
  type BnTrace, type Trace,
} from './distributed/ddp_cases.js';
import { MPIRUN, UNDER_CI, childEnv } from './distributed/launch.js';

const { nn } = dl;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = 'test/distributed/ddp_worker.ts';

type Rank = Record<string, any>;

/** Float agreement: reduction order differs between 2 ranks and 1 process. */
function close(got: number[], want: number[], what: string, tol = 2e-5): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

function closeRecord(got: Record<string, number[] | null>, want: Record<string, number[] | null>, what: string, tol?: number): void {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${what}: keys`);
  for (const k of Object.keys(want)) {
    if (want[k] === null) assert.equal(got[k], null, `${what}.${k}`);
    else close(got[k]!, want[k], `${what}.${k}`, tol);
  }
}

const mean2 = (a: number[], b: number[]): number[] => a.map((v, i) => (v + b[i]) / 2);

if (MPIRUN === undefined) {
  if (UNDER_CI) {
    test('DistributedDataParallel (MPI): mpirun is installed', () => assert.fail('mpirun not found on PATH: install openmpi-bin (CI must run the MPI tests)'));
  } else {
    test('DistributedDataParallel (MPI): 2 ranks under mpirun', { skip: 'mpirun not found (install openmpi-bin)' }, () => {});
  }
} else {
  describe('DistributedDataParallel on 2 ranks under mpirun = 1 process on the whole batch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-ddp-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let ranks: Rank[] | null = null;
    /** The worker's run, once for all the tests below (3 minutes at most: a hang fails). */
    const run = (): Rank[] => {
      if (ranks !== null) return ranks;
      const r = spawnSync(MPIRUN!, ['-np', '2', '--oversubscribe', process.execPath, '--import', 'tsx', WORKER, dir], {
        cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 180_000,
      });
      const output = `${r.stdout}${r.stderr}`;
      assert.equal(r.error, undefined, String(r.error));
      assert.equal(r.status, 0, output);
      ranks = [0, 1].map((k) => JSON.parse(readFileSync(join(dir, `rank${k}.json`), 'utf8')) as Rank);
      assert.deepEqual(ranks.map((k) => [k.rank, k.size]), [[0, 2], [1, 2]]);
      return ranks;
    };

    for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) {
      test(`${name}: per-step losses (mean of the ranks') and final parameters equal 1 process × batch ${2 * BATCH}`, () => {
        const [r0, r1] = run();
        const ref = train(CASES[name](), null, 2 * BATCH);
        const a = r0[name] as Trace, b = r1[name] as Trace;
        assert.equal(ref.losses.length, a.losses.length);
        assert.ok(ref.losses.length >= 8, 'several steps over two epochs');
        close(mean2(a.losses, b.losses), ref.losses, `${name} losses`);
        assert.notDeepEqual(a.losses, b.losses, 'the ranks saw different rows');
        closeRecord(a.params, ref.params, `${name} rank 0 params`);
        assert.deepEqual(b.params, a.params, 'the replicas stay bitwise equal');
      });
    }

    test('buckets in reverse parameter order; a small cap gives one bucket per parameter', () => {
      const [r0] = run();
      assert.deepEqual(r0.mlp_buckets, [['2.bias', '2.weight', '0.bias', '0.weight']]);
      assert.deepEqual(r0.cnn_buckets, [['6.bias'], ['6.weight'], ['3.bias'], ['3.weight'], ['0.bias'], ['0.weight']]);
    });

    test('wrapping broadcasts rank 0\'s parameters; state dict keys carry PyTorch\'s module. prefix', () => {
      const [r0, r1] = run();
      assert.deepEqual(r1.broadcast_weight, r0.broadcast_weight);
      dl.manualSeed(100);
      assert.deepEqual(r0.broadcast_weight, Array.from(new nn.Linear(3, 2).weight.dataSync() as Float32Array));
      assert.deepEqual(r0.state_keys, ['module.weight', 'module.bias']);
    });

    test('SyncBatchNorm on 2 ranks = BatchNorm2d on the concatenated batch: output, input and weight gradients, running stats', () => {
      const [r0, r1] = run();
      const ref = runBatchNorm(new nn.BatchNorm2d(3), 0, 8);
      const a = r0.syncbn as BnTrace, b = r1.syncbn as BnTrace;
      close([...a.y, ...b.y], ref.y, 'output');
      close([...a.xGrad, ...b.xGrad], ref.xGrad, 'input gradient');
      // each rank's weight gradient is its rows' share; DDP sums (averages) them
      close(a.weightGrad.map((v, i) => v + b.weightGrad[i]), ref.weightGrad, 'weight gradient');
      close(a.biasGrad.map((v, i) => v + b.biasGrad[i]), ref.biasGrad, 'bias gradient');
      for (const t of [a, b]) {
        close(t.runningMean, ref.runningMean, 'running mean');
        close(t.runningVar, ref.runningVar, 'running var (unbiased over the global count)');
        assert.equal(t.numBatchesTracked, 2);
      }
      close([...a.evalY, ...b.evalY], ref.evalY, 'eval output (running statistics)');
    });

    test('convertSyncBatchnorm + DDP trains a CNN with batch norm as 1 process does on the whole batch', () => {
      const [r0, r1] = run();
      assert.deepEqual(r0.converted_types, ['Conv2d', 'SyncBatchNorm', 'ReLU', 'Flatten', 'Linear']);
      const c = bnModelCase();
      const ref = trainBnModel(c.model, c.model, c.x, c.y, (step) => [step * 2 * BATCH, 2 * BATCH]);
      close(mean2(r0.syncbn_ddp.losses, r1.syncbn_ddp.losses), ref.losses, 'losses');
      closeRecord(r0.syncbn_ddp.params, ref.params, 'params');
      closeRecord(r0.syncbn_ddp.buffers, ref.buffers, 'buffers');
      assert.deepEqual(r1.syncbn_ddp.params, r0.syncbn_ddp.params);
    });

    test(`noSync: ${ACCUMULATE - 1} local steps, then a synced one, give the 1-process accumulated gradient`, () => {
      const [r0, r1] = run();
      const lossFn = new nn.CrossEntropyLoss();
      const accumulate = (micro: number[], rows: (m: number) => [number, number]): Record<string, number[] | null> => {
        const c = accumulateCase();
        for (const m of micro) {
          const [start, n] = rows(m);
          dl.tidy(() => lossFn.forward(c.model.forward(c.x.narrow(0, start, n)) as dl.Tensor, c.y.narrow(0, start, n)).backward());
        }
        return gradsOf(c.model);
      };
      const steps = Array.from({ length: ACCUMULATE }, (_, m) => m);
      closeRecord(r0.nosync_synced, accumulate(steps, (m) => [m * 2 * BATCH, 2 * BATCH]), 'synced rank 0');
      closeRecord(r1.nosync_synced, r0.nosync_synced, 'synced rank 1');
      // before the synced step each rank held its own rows' sum only
      for (const [k, r] of [r0, r1].entries()) {
        closeRecord(r.nosync_local, accumulate(steps.slice(0, -1), (m) => [m * 2 * BATCH + k * BATCH, BATCH]), `local rank ${k}`);
      }
    });

    test('an unused parameter: an error naming it without findUnusedParameters; with it, zero contributions to the average', () => {
      const [r0, r1] = run();
      for (const [k, r] of [r0, r1].entries()) {
        assert.equal(r.unused_error?.name, 'Error');
        assert.match(r.unused_error.message, new RegExp(`no gradient in this backward pass on rank ${k}: unused\\.weight, unused\\.bias\\. .*findUnusedParameters: true`));
      }
      const grads = (k: number, usePartial: boolean): Record<string, number[] | null> => {
        const c = branchyCase();
        c.model.forward(c.x.narrow(0, k * BATCH, BATCH), usePartial).square().sum().backward();
        return gradsOf(c.model);
      };
      const g0 = grads(0, true), g1 = grads(1, false);
      const want = {
        'first.weight': mean2(g0['first.weight']!, g1['first.weight']!), 'first.bias': mean2(g0['first.bias']!, g1['first.bias']!),
        'unused.weight': null, 'unused.bias': null,
        'partial.weight': g0['partial.weight']!.map((v) => v / 2), 'partial.bias': g0['partial.bias']!.map((v) => v / 2),
      };
      closeRecord(r0.unused_grads, want, 'rank 0');
      closeRecord(r1.unused_grads, want, 'rank 1 (no gradient of its own for partial)');
    });

    test('Trainer with processGroup: per-epoch loss and accuracy over both ranks\' rows = the 1-process values; resuming on 1 process is an error', async () => {
      const [r0, r1] = run();
      const t = mlpCase();
      const ds = new dl.data.TensorDataset(t.x, t.y);
      const sampler = new dl.data.DistributedSampler(ds, { numReplicas: 1, rank: 0, seed: SAMPLER_SEED });
      const trainer = new T.Trainer({ epochs: 2, task: 'multiclass', handleSigint: false, optimizer: (p) => new dl.optim.SGD(p, { lr: t.lr, momentum: 0.9 }) });
      const ref = await trainer.fit(t.model, new dl.data.DataLoader(ds, { batchSize: 2 * BATCH, sampler }), new dl.data.DataLoader(ds, { batchSize: 16 }));
      for (const r of [r0, r1]) {
        const h = r.trainer_history as Record<string, number>[];
        assert.equal(h.length, 2);
        for (const key of ['train_loss', 'train_accuracy', 'val_loss', 'val_accuracy']) {
          close(h.map((e) => e[key]), ref.history.map((e) => e[key] as number), key);
        }
        closeRecord(r.trainer_params, Object.fromEntries(t.model.namedParameters().map(([n, p]) => [n, Array.from(p.dataSync() as Float32Array)])), 'params');
      }
      const last = join(dir, 'checkpoints', 'last.safetensors');
      assert.equal(T.readCheckpoint(last).meta.worldSize, 2);
      const again = new T.Trainer({ epochs: 3, task: 'multiclass', handleSigint: false });
      await assert.rejects(again.fit(mlpCase().model, new dl.data.DataLoader(ds, { batchSize: 8 }), null, { resume: last }),
        (e: Error) => e instanceof T.WorldSizeMismatchError && /written by a run on 2 process\(es\) but this run has 1: resume with the same number \(--nproc 2\)/.test(e.message));
    });
  });
}

if (MPIRUN !== undefined) {
  describe('dlflow train --nproc 2 (real mpirun)', () => {
    const withCli = async () => import('./cli_helpers.js'); // builds dist/ when stale: only for these tests

    test('one run directory, written and printed by rank 0, whose model evaluates; resume needs the same world size', async () => {
      const { dlflow, scratch } = await withCli();
      const cwd = scratch('dlflow-ddp-cli-');
      const r = dlflow(cwd, 'train', '--data', 'datasets/penguins.csv', '--target', 'species', '--epochs', '2', '--nproc', '2', '--log', 'plain');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stdout.match(new RegExp(`^data-parallel: 2 processes \\(Open MPI\\) × ${Math.max(1, Math.floor(availableParallelism() / 2))} thread\\(s\\), batchSize 64 per process$`, 'gm'))?.length, 1, r.stdout);
      assert.equal(r.stdout.match(/^run: /gm)?.length, 1, 'only rank 0 prints');
      assert.equal(r.stdout.match(/^saved runs\//gm)?.length, 1);
      const runs = readdirSync(join(cwd, 'runs'));
      assert.equal(runs.length, 1, `one run directory: ${runs.join(', ')}`);
      const run = join('runs', runs[0]);
      const info = JSON.parse(readFileSync(join(cwd, run, 'model.json'), 'utf8')) as { status: string; epochsCompleted: number };
      assert.deepEqual([info.status, info.epochsCompleted], ['complete', 2]);
      assert.equal(T.readCheckpoint(join(cwd, run, 'checkpoints', 'last.safetensors')).meta.worldSize, 2);
      assert.equal(readFileSync(join(cwd, run, 'metrics.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('"train_loss"')).length, 2, 'one logger line per epoch');
      const saved = JSON.parse(readFileSync(join(cwd, run, 'evaluation.json'), 'utf8')) as { metrics: Record<string, number> };
      const ev = dlflow(cwd, 'evaluate', run, '--json');
      assert.equal(ev.code, 0, ev.stderr);
      const evaluated = JSON.parse(ev.stdout) as Record<string, number>;
      for (const k of ['accuracy', 'f1_macro', 'log_loss']) assert.equal(evaluated[k], saved.metrics[k], `evaluate recreates the run's test ${k}`);
      const single = dlflow(cwd, 'train', '--resume', run, '--epochs', '3');
      assert.equal(single.code, 2, single.stderr);
      assert.match(single.stderr, /checkpoint was written by a run on 2 process\(es\) but this run has 1: resume with the same number \(--nproc 2\)/);
      const resumed = dlflow(cwd, 'train', '--resume', run, '--epochs', '3', '--nproc', '2');
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.equal((JSON.parse(readFileSync(join(cwd, run, 'model.json'), 'utf8')) as { epochsCompleted: number }).epochsCompleted, 3);
      assert.deepEqual(readdirSync(join(cwd, 'runs')), runs);
      rmSync(cwd, { recursive: true, force: true });
    });

    test('ranks started with different configs: rank 0 names the one that differs', async () => {
      const { BIN, scratch } = await withCli();
      const cwd = scratch('dlflow-ddp-cli-');
      const rank = (epochs: string): string[] => ['-np', '1', process.execPath, BIN, 'train', '--data', 'datasets/penguins.csv', '--target', 'species', '--epochs', epochs];
      const r = spawnSync(MPIRUN!, ['--oversubscribe', ...rank('2'), ':', ...rank('3')], { cwd, env: childEnv(), encoding: 'utf8', timeout: 180_000 });
      assert.notEqual(r.status, 0);
      assert.equal(r.stderr.match(/dlflow train: data-parallel ranks disagree: rank 1 has a different resolved config/g)?.length, 1, r.stderr);
      assert.equal(existsSync(join(cwd, 'runs')) ? readdirSync(join(cwd, 'runs')).length : 0, 0, 'no run directory');
      rmSync(cwd, { recursive: true, force: true });
    });
  });
}

test('dlflow train --nproc without mpirun on PATH names the package; a bad --nproc, or --distributed without a launcher, is a usage error', async () => {
  const { BIN, scratch } = await import('./cli_helpers.js');
  const cwd = scratch('dlflow-ddp-cli-');
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'train', ...args], { cwd, env: { ...childEnv(), PATH: join(cwd, 'no-bin') }, encoding: 'utf8' });
  const missing = run('--nproc', '2');
  assert.equal(missing.status, 2, missing.stderr);
  assert.match(missing.stderr, /--nproc 2 starts the processes with Open MPI's mpirun, which is not on PATH: install Open MPI \(Debian\/Ubuntu: apt install openmpi-bin\)/);
  const bad = run('--nproc', 'two');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--nproc must be a positive integer \(processes on this machine\), got "two"/);
  const alone = run('--distributed', '--epochs', '1');
  assert.equal(alone.status, 2, alone.stderr);
  assert.match(alone.stderr, /--distributed: no launcher started this process and no --nproc was given; run it as mpirun -np N dlflow train/);
  rmSync(cwd, { recursive: true, force: true });
});

describe('DistributedDataParallel in one process (local group of size 1)', () => {
  test('trains exactly as the bare model does', () => {
    for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) {
      assert.deepEqual(train(CASES[name](), new LocalGroup(), BATCH), train(CASES[name](), null, BATCH), name);
    }
  });

  test('overlap: each bucket is all-reduced as soon as its gradients are final, while backward is still running', () => {
    const mlp = (): dl.nn.Module => { dl.manualSeed(5); return new nn.Sequential(new nn.Linear(6, 8), new nn.Tanh(), new nn.Linear(8, 8), new nn.Tanh(), new nn.Linear(8, 3)); };
    const x = dl.randn([10, 6]);
    const twin = new TwinGroup();
    const model = mlp();
    const first = model.namedParameters()[0][1];
    const ddp = new nn.parallel.DistributedDataParallel(model, { processGroup: twin, bucketCapMb: 1e-9 });
    twin.onAllReduce = () => twin.launches.push(first.grad === null ? 'before first layer' : 'after');
    ddp.forward(x).square().mean().backward();
    // one bucket per parameter, in reverse order: all but the first layer's two start before backward reaches it
    assert.deepEqual(twin.launches, [...Array(4).fill('before first layer'), 'after', 'after']);
    const ref = mlp();
    ref.forward(x).square().mean().backward();
    closeRecord(gradsOf(model), gradsOf(ref), 'grads (the mean over two equal ranks)', 1e-6);
  });

  test('SyncBatchNorm on a group of one is BatchNorm2d', () => {
    assert.deepEqual(runBatchNorm(new nn.SyncBatchNorm(3, { processGroup: new LocalGroup() }), 0, 8), runBatchNorm(new nn.BatchNorm2d(3), 0, 8));
  });

  test('noSync leaves the gradients local and the next backward reduces them; dispose keeps the module usable', () => {
    const c = accumulateCase();
    const ddp = new nn.parallel.DistributedDataParallel(c.model, { processGroup: new LocalGroup() });
    const out = ddp.noSync(() => ddp.forward(c.x).sum());
    out.backward();
    ddp.forward(c.x).sum().backward();
    const ref = accumulateCase();
    ref.model.forward(ref.x).sum().backward();
    ref.model.forward(ref.x).sum().backward();
    closeRecord(gradsOf(c.model), gradsOf(ref.model), 'grads', 1e-6);
    ddp.dispose();
    assert.equal(c.model.forward(c.x).shape[0], c.x.shape[0]);
  });

  test('bad use is an error: no default group, option typos, a non-module', async () => {
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2)), /default process group has not been initialized; call dl\.distributed\.initProcessGroup\(\) first or pass \{ processGroup \}/);
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2), { processGroup: new LocalGroup(), bucketCap: 1 } as never), /unknown option 'bucketCap' \(did you mean 'bucketCapMb'/);
    assert.throws(() => new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2), { processGroup: {} as never }), /processGroup/);
    assert.throws(() => new nn.parallel.DistributedDataParallel({} as never, { processGroup: new LocalGroup() }), /expected a Module to wrap/);
    assert.throws(() => new nn.SyncBatchNorm(3), /default process group has not been initialized/);
    await dl.distributed.initProcessGroup({ backend: 'local' });
    try {
      const ddp = new nn.parallel.DistributedDataParallel(new nn.Linear(2, 2));
      assert.equal(ddp.processGroup.size, 1);
    } finally {
      dl.distributed.destroyProcessGroup();
    }
  });

  test('the Trainer over a local group trains as without one', async () => {
    const fit = async (group: LocalGroup | undefined): Promise<T.FitResult> => {
      const t = mlpCase();
      const ds = new dl.data.TensorDataset(t.x, t.y);
      const trainer = new T.Trainer({ epochs: 2, task: 'multiclass', handleSigint: false, processGroup: group, optimizer: (p) => new dl.optim.SGD(p, { lr: t.lr }) });
      return trainer.fit(t.model, new dl.data.DataLoader(ds, { batchSize: 8, sampler: new dl.data.DistributedSampler(ds, { numReplicas: 1, rank: 0 }) }));
    };
    const [a, b] = [await fit(new LocalGroup()), await fit(undefined)];
    assert.deepEqual(a.history.map((h) => [h.train_loss, h.train_accuracy]), b.history.map((h) => [h.train_loss, h.train_accuracy]));
  });
});

/**
 * A group of two whose other rank always holds the same values as this one (a twin replica): a
 * sum doubles, everything else leaves the data as it is. Records when all-reduces are launched.
 */
class TwinGroup implements ProcessGroup {
  readonly rank = 0;
  readonly size = 2;
  readonly backend = 'local' as const;
  readonly launches: string[] = [];
  onAllReduce: () => void = () => {};
  private readonly done: Work = { wait: () => Promise.resolve(), isCompleted: () => true };
  allReduce(t: CollectiveData, op = 'sum'): void {
    if (op === 'sum') dl.noGrad(() => (t as dl.Tensor).mul_(2));
  }
  allReduceAsync(t: CollectiveData, op = 'sum'): Work {
    this.onAllReduce();
    this.allReduce(t, op as 'sum');
    return this.done;
  }
  broadcast(): void {}
  broadcastAsync(): Work { return this.done; }
  allGather(out: CollectiveData[], t: CollectiveData): void {
    for (const o of out) dl.noGrad(() => (o as dl.Tensor).copy_(t as dl.Tensor));
  }
  reduceScatter(): void { throw new Error('not used'); }
  barrier(): void {}
  newGroup(): ProcessGroup { throw new Error('not used'); }
  destroy(): void {}
}
