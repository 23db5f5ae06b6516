/**
 * Worker of test/distributed_ddp.test.ts, run by `mpirun -np 2 node --import tsx <this> <outDir>`
 * (or without mpirun, `<this> <outDir> local`: the same on a local group of one).
 * Each rank trains its share of the cases in test/distributed/ddp_cases.ts and writes what it
 * saw to <outDir>/rank<r>.json; the test compares that with one process on the whole batch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dl from '../../src/index.js';
import * as T from '../../src/train/index.js';
import {
  ACCUMULATE, BATCH, BN_CHANNELS, CASES, SAMPLER_SEED, accumulateCase, bnModelCase, branchyCase, gradsOf, mlpCase, runBatchNorm, train, trainBnModel,
} from './ddp_cases.js';
import { errorOf } from './launch.js';

const { nn } = dl;
const [outDir, backend = 'mpi'] = process.argv.slice(2);
const results: Record<string, unknown> = {};


async function main(): Promise<void> {
  const group = await dl.distributed.initProcessGroup({ backend: backend as 'mpi' | 'local', timeoutMs: 120_000 });
  const { rank, size } = group;
  results.rank = rank;
  results.size = size;

  // (a) equivalence: each rank trains on its share with batch BATCH
  for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) {
    const c = CASES[name]();
    const ddp = new nn.parallel.DistributedDataParallel(c.model, { processGroup: group, bucketCapMb: c.bucketCapMb });
    results[`${name}_buckets`] = ddp.bucketNames();
    ddp.dispose();
    results[name] = train(CASES[name](), group, BATCH);
  }

  // wrap time: rank 0's weights reach every rank
  dl.manualSeed(100 + rank);
  const lin = new nn.Linear(3, 2);
  const wrapped = new nn.parallel.DistributedDataParallel(lin, { processGroup: group });
  results.broadcast_weight = Array.from(lin.weight.dataSync() as Float32Array);
  results.state_keys = Object.keys(wrapped.stateDict());
  wrapped.dispose();

  // (b) SyncBatchNorm: each rank holds half of the batch of 8
  const half = 8 / size;
  results.syncbn = runBatchNorm(new nn.SyncBatchNorm(BN_CHANNELS, { processGroup: group }), rank * half, half);
  const bn = bnModelCase();
  const converted = nn.SyncBatchNorm.convertSyncBatchnorm(bn.model, group);
  results.converted_types = converted.children().map((m) => m.constructor.name);
  const ddpBn = new nn.parallel.DistributedDataParallel(converted, { processGroup: group });
  results.syncbn_ddp = trainBnModel(converted, ddpBn, bn.x, bn.y, (step) => [step * 2 * BATCH + rank * (2 * BATCH / size), 2 * BATCH / size]);

  // (c) noSync: ACCUMULATE - 1 micro-batches accumulate locally, the last one all-reduces the sum
  const acc = accumulateCase();
  const ddpAcc = new nn.parallel.DistributedDataParallel(acc.model, { processGroup: group });
  const lossFn = new nn.CrossEntropyLoss();
  const micro = (m: number): void => {
    const start = m * 2 * BATCH + rank * (2 * BATCH / size);
    const n = 2 * BATCH / size;
    dl.tidy(() => lossFn.forward(ddpAcc.forward(acc.x.narrow(0, start, n)) as dl.Tensor, acc.y.narrow(0, start, n)).backward());
  };
  for (let m = 0; m < ACCUMULATE - 1; m++) ddpAcc.noSync(() => micro(m));
  results.nosync_local = gradsOf(acc.model);
  micro(ACCUMULATE - 1);
  results.nosync_synced = gradsOf(acc.model);

  // (d) unused parameters
  const rows = (x: dl.Tensor): dl.Tensor => x.narrow(0, rank * (2 * BATCH / size), 2 * BATCH / size);
  const b1 = branchyCase();
  const strict = new nn.parallel.DistributedDataParallel(b1.model, { processGroup: group });
  results.unused_error = errorOf(() => strict.forward(rows(b1.x), true).square().sum().backward());
  strict.dispose();
  const b2 = branchyCase();
  const lenient = new nn.parallel.DistributedDataParallel(b2.model, { processGroup: group, findUnusedParameters: true });
  // `partial` takes part on rank 0 only: rank 1 contributes zeros to its average
  lenient.forward(rows(b2.x), rank === 0).square().sum().backward();
  results.unused_grads = gradsOf(b2.model);

  // (e) the Trainer over the group, with a checkpoint from rank 0
  const t = mlpCase();
  const ds = new dl.data.TensorDataset(t.x, t.y);
  const sampler = new dl.data.DistributedSampler(ds, { seed: SAMPLER_SEED });
  const trainer = new T.Trainer({
    epochs: 2, task: 'multiclass', handleSigint: false, processGroup: group,
    optimizer: (p) => new dl.optim.SGD(p, { lr: t.lr, momentum: 0.9 }),
    callbacks: rank === 0 ? [new T.ModelCheckpoint({ dir: join(outDir, 'checkpoints') })] : [],
  });
  const fit = await trainer.fit(t.model, new dl.data.DataLoader(ds, { batchSize: BATCH, sampler }), new dl.data.DataLoader(ds, { batchSize: 16 }));
  results.trainer_history = fit.history;
  results.trainer_params = Object.fromEntries(t.model.namedParameters().map(([n, p]) => [n, Array.from(p.dataSync() as Float32Array)]));

  writeFileSync(join(outDir, `rank${rank}.json`), JSON.stringify(results));
  dl.distributed.destroyProcessGroup();
}

await main();
