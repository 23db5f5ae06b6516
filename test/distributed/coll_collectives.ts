/**
 * Worker of test/distributed_mpi.test.ts, run by `mpirun -np N node --import tsx <this> <scenario> <outDir>`.
 * Each rank writes what it observed to <outDir>/rank<r>.json; the test checks it.
 * Scenarios: collectives (every collective, sub-groups, errors), dies (rank 1 exits before an
 * all-reduce), timeout-async / timeout-blocking (rank 1 never joins; timeoutMs 1500), local
 * (no launcher: initProcessGroup's error).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dl from '../../src/index.js';
import { BIG, BIG_PROBES, N, bigInput, floatInput, intInput, scatterBlock } from './coll_inputs.js';
import { errorOf } from './launch.js';

const [scenario, outDir] = process.argv.slice(2);
const D = dl.distributed;
const results: Record<string, unknown> = {};

function save(rank: number): void {
  writeFileSync(join(outDir, `rank${rank}.json`), JSON.stringify(results));
}

function values(t: dl.Tensor | Float32Array | Int32Array): number[] {
  return Array.from(t instanceof dl.Tensor ? (t.dataSync() as Float32Array) : t);
}


async function collectives(): Promise<void> {
  const world = await D.initProcessGroup({ backend: 'mpi' });
  const { rank, size } = world;
  results.rank = rank;
  results.size = size;
  results.getRank = D.getRank();
  results.getWorldSize = D.getWorldSize();
  results.isInitialized = D.isInitialized();
  const f = (): dl.Tensor => dl.tensor(floatInput(rank), { dtype: 'float32' });
  const i32 = (): dl.Tensor => dl.tensor(intInput(rank), { dtype: 'int32' });

  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    const t = f();
    world.allReduce(t, op);
    results[`float_${op}`] = values(t);
  }
  for (const op of ['sum', 'max', 'min'] as const) {
    const t = i32();
    D.allReduce(t, op);
    results[`int_${op}`] = values(t);
  }
  // shape [N] as [1, N]: any contiguous shape works
  const shaped = f().reshape([1, N]);
  world.allReduce(shaped);
  results.shaped_sum = values(shaped);

  const a = f();
  const work = world.allReduceAsync(a, 'sum');
  await work.wait();
  results.async_sum = values(a);
  results.async_completed = work.isCompleted();
  const b = f();
  const work2 = D.allReduce(b, 'max', { async: true });
  while (!work2.isCompleted()) await new Promise((r) => setTimeout(r, 1));
  await work2.wait();
  results.async_max_polled = values(b);

  const arr = new Float32Array(floatInput(rank));
  world.allReduce(arr, 'min');
  results.array_min = Array.from(arr);
  const ref = dl.withBackend('reference', () => f());
  world.allReduce(ref, 'sum');
  results.reference_backend = ref.backendName;
  results.reference_sum = values(ref);

  // a contiguous view at an offset: only its elements take part
  const twoRows = dl.tensor([floatInput(100), floatInput(rank)], { dtype: 'float32' });
  world.allReduce(twoRows.select(0, 1), 'sum');
  results.view_rows = twoRows.toArray();

  const bc = f();
  world.broadcast(bc, size - 1);
  results.broadcast_last = values(bc);
  const bc0 = i32();
  await world.broadcastAsync(bc0, 0).wait();
  results.broadcast_async_0 = values(bc0);

  const gathered = Array.from({ length: size }, () => dl.zeros([N]));
  D.allGather(gathered, f());
  results.all_gather = gathered.map(values);
  const gatheredInt = Array.from({ length: size }, () => new Int32Array(N));
  world.allGather(gatheredInt, i32());
  results.all_gather_int = gatheredInt.map((x) => Array.from(x));

  for (const op of ['sum', 'mean', 'max'] as const) {
    const out = dl.zeros([3]);
    const inputs = Array.from({ length: size }, (_, k) => dl.tensor(scatterBlock(rank, k), { dtype: 'float32' }));
    D.reduceScatter(out, inputs, op);
    results[`reduce_scatter_${op}`] = values(out);
  }

  world.barrier();
  D.barrier();
  results.barrier = true;

  const big = new Float32Array(BIG);
  for (let i = 0; i < BIG; i++) big[i] = bigInput(rank, i);
  const bigT = dl.tensor(big, { shape: [BIG] });
  world.allReduce(bigT, 'sum');
  const bigOut = bigT.dataSync() as Float32Array;
  let checksum = 0;
  for (let i = 0; i < BIG; i++) checksum += bigOut[i] * ((i % 13) + 1);
  results.big_checksum = checksum;
  results.big_probes = BIG_PROBES.map((i) => bigOut[i]);

  // autograd sees the in-place write (the storage version moves)
  const leaf = f();
  const before = leaf.storageVersion;
  world.allReduce(leaf);
  results.version_bumped = leaf.storageVersion > before;

  if (size >= 3) {
    const sub = world.newGroup([2, 0]);
    results.sub_rank = sub.rank;
    results.sub_size = sub.size;
    if (rank === 1) {
      results.sub_nonmember = errorOf(() => sub.allReduce(dl.zeros([1])));
    } else {
      const t = dl.tensor([rank + 1, 10 * rank], { dtype: 'float32' });
      D.allReduce(t, 'sum', { group: sub });
      results.sub_sum = values(t);
      const g = dl.zeros([1]);
      sub.broadcast(g.fill_(rank), 1); // sub-group rank 1 is world rank 2
      results.sub_broadcast = values(g);
      results.sub_getRank = D.getRank(sub);
    }
    sub.destroy();
    if (rank !== 0) {
      const pair = (world as dl.distributed.MpiProcessGroup).newGroup([1, 2], { membersOnly: true });
      const t = dl.tensor([rank * 10], { dtype: 'int32' });
      pair.allReduce(t, 'sum');
      results.members_only_sum = values(t);
      results.members_only_rank = pair.rank;
      pair.destroy();
    }
    world.barrier();
  }

  results.errors = {
    nonContiguous: errorOf(() => world.allReduce(dl.zeros([3, 4]).t())),
    int64: errorOf(() => world.allReduce(dl.zeros([2], { dtype: 'int64' }))),
    intMean: errorOf(() => world.allReduce(i32(), 'mean')),
    badOp: errorOf(() => world.allReduce(f(), 'prod' as dl.distributed.ReduceOp)),
    badSrc: errorOf(() => world.broadcast(f(), size)),
    gatherLength: errorOf(() => world.allGather([dl.zeros([N])], f())),
    gatherShape: errorOf(() => world.allGather(Array.from({ length: size }, () => dl.zeros([N + 1])), f())),
    disposed: errorOf(() => { const t = f(); t.dispose(); world.allReduce(t); }),
    notArray: errorOf(() => world.allReduce([1, 2] as unknown as Float32Array)),
    optionTypo: errorOf(() => D.allReduce(f(), 'sum', { grup: world } as unknown as dl.distributed.CollectiveOptions)),
    subgroupRank: errorOf(() => world.newGroup([0, size])),
    subgroupTwice: errorOf(() => world.newGroup([0, 0])),
  };
  results.reinit = await D.initProcessGroup({ backend: 'mpi' }).then(() => null, (e: Error) => e.message);
  results.initTypo = await D.initProcessGroup({ backend: 'mpi', timeout: 5 } as unknown as dl.distributed.InitProcessGroupOptions).then(() => null, (e: Error) => e.message);

  D.destroyProcessGroup();
  results.after_destroy = errorOf(() => D.allReduce(f()));
  const again = await D.initProcessGroup({ backend: 'mpi' });
  const t = f();
  again.allReduce(t, 'sum');
  results.reinit_sum = values(t);
  D.destroyProcessGroup();
  save(rank);
}

/** Rank 1 exits before the all-reduce that rank 0 blocks in. */
async function dies(): Promise<void> {
  const world = await D.initProcessGroup({ backend: 'mpi' });
  results.rank = world.rank;
  world.barrier();
  if (world.rank === 1) process.exit(3);
  save(world.rank); // rank 0 got this far
  const t = dl.ones([4]);
  world.allReduce(t);
  results.unexpected = 'allReduce returned although rank 1 died';
  save(world.rank);
}

/** Rank 1 stays alive but never joins rank 0's collective. */
async function timeout(blocking: boolean): Promise<void> {
  const world = await D.initProcessGroup({ backend: 'mpi', timeoutMs: 1500 });
  results.rank = world.rank;
  world.barrier();
  if (world.rank === 1) {
    save(1);
    await new Promise((r) => setTimeout(r, 60_000)); // mpirun ends it once rank 0 is gone
    return;
  }
  const t = dl.ones([4]);
  try {
    if (blocking) world.allReduce(t);
    else await world.allReduceAsync(t).wait();
    results.timeout = null;
  } catch (e) {
    results.timeout = { name: (e as Error).name, message: (e as Error).message };
  }
  results.after = errorOf(() => world.barrier());
  save(0);
  process.exitCode = 1;
}

async function local(): Promise<void> {
  results.mpi = await D.initProcessGroup({ backend: 'mpi' }).then(() => null, (e: Error) => ({ name: e.name, message: e.message }));
  const g = await D.initProcessGroup({ backend: 'local' });
  const t = dl.tensor([1, 2], { dtype: 'float32' });
  g.allReduce(t, 'sum');
  results.local = { rank: g.rank, size: g.size, backend: g.backend, sum: values(t) };
  D.destroyProcessGroup();
  save(0);
}

const SCENARIOS: Record<string, () => Promise<void>> = {
  collectives, dies, local,
  'timeout-async': () => timeout(false),
  'timeout-blocking': () => timeout(true),
};
const run = SCENARIOS[scenario];
if (run === undefined) throw new Error(`unknown scenario ${scenario}; known: ${Object.keys(SCENARIOS).join(', ')}`);
await run();
