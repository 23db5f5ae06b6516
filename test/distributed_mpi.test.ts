/**
 * dl.distributed over a real Open MPI: `mpirun -np N` runs test/distributed/coll_collectives.ts,
 * each rank writes what it saw, and the results are checked here against values computed
 * independently (closed forms over the ranks' inputs, in plain JavaScript numbers).
 * Without mpirun the suite is skipped locally and fails under CI (CI=true).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIG, BIG_PROBES, bigInput, floatInput, intInput, scatterBlock } from './distributed/coll_inputs.js';
import { MPIRUN, UNDER_CI, childEnv } from './distributed/launch.js';
import { readLaunchEnvironment } from '../src/distributed/environment.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = 'test/distributed/coll_collectives.ts';

interface Run { status: number | null; output: string; ranks: Record<string, unknown>[] }


function collect(dir: string, status: number | null, output: string): Run {
  const files = readdirSync(dir).filter((f) => /^rank\d+\.json$/.test(f)).sort();
  const ranks: Record<string, unknown>[] = [];
  for (const f of files) ranks[Number(f.slice(4, -5))] = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>;
  rmSync(dir, { recursive: true, force: true });
  return { status, output, ranks };
}

/** Runs the worker's scenario on `np` ranks under mpirun (3 minutes at most: a hang fails the test). */
function mpirun(np: number, scenario: string): Run {
  const dir = mkdtempSync(join(tmpdir(), 'dlflow-mpi-'));
  const r = spawnSync(MPIRUN!, ['-np', String(np), '--oversubscribe', process.execPath, '--import', 'tsx', WORKER, scenario, dir], {
    cwd: ROOT, env: childEnv(), encoding: 'utf8', timeout: 180_000,
  });
  assert.equal(r.error, undefined, `mpirun ${scenario}: ${String(r.error)}`);
  assert.equal(r.signal, null, `mpirun ${scenario} was killed (${r.signal}); output:\n${r.stdout}${r.stderr}`);
  return collect(dir, r.status, r.stdout + r.stderr);
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
/** Elementwise reduction over ranks of per-rank vectors. */
function over(size: number, input: (r: number) => number[], f: (xs: number[]) => number): number[] {
  const rows = Array.from({ length: size }, (_, r) => input(r));
  return rows[0].map((_, i) => f(rows.map((row) => row[i])));
}

if (MPIRUN === undefined) {
  if (UNDER_CI) {
    test('distributed (MPI): mpirun is installed', () => assert.fail('mpirun not found on PATH: install openmpi-bin (CI must run the MPI tests)'));
  } else {
    test('distributed (MPI): collectives under mpirun', { skip: 'mpirun not found (install openmpi-bin)' }, () => {});
  }
} else {
  /** The per-rank results of the collectives scenario on `size` ranks against closed forms. */
  const checkCollectives = (run: Run, size: number): void => {
    assert.equal(run.status, 0, run.output);
    assert.equal(run.ranks.length, size, run.output);
    const fsum = over(size, floatInput, sum);
    const isum = over(size, intInput, sum);
    for (let rank = 0; rank < size; rank++) {
      const got = run.ranks[rank];
      const at = `rank ${rank}`;
      assert.deepEqual([got.rank, got.size, got.getRank, got.getWorldSize, got.isInitialized], [rank, size, rank, size, true], at);
      assert.deepEqual(got.float_sum, fsum, at);
      assert.deepEqual(got.float_mean, fsum.map((s) => Math.fround(s / size)), at);
      assert.deepEqual(got.float_max, over(size, floatInput, (xs) => Math.max(...xs)), at);
      assert.deepEqual(got.float_min, over(size, floatInput, (xs) => Math.min(...xs)), at);
      assert.deepEqual(got.int_sum, isum, at);
      assert.deepEqual(got.int_max, over(size, intInput, (xs) => Math.max(...xs)), at);
      assert.deepEqual(got.int_min, over(size, intInput, (xs) => Math.min(...xs)), at);
      assert.deepEqual(got.shaped_sum, fsum, at);
      assert.deepEqual(got.async_sum, fsum, at);
      assert.equal(got.async_completed, true, at);
      assert.deepEqual(got.async_max_polled, over(size, floatInput, (xs) => Math.max(...xs)), at);
      assert.deepEqual(got.array_min, over(size, floatInput, (xs) => Math.min(...xs)), at);
      assert.equal(got.reference_backend, 'reference', at);
      assert.deepEqual(got.reference_sum, fsum, at);
      assert.deepEqual(got.view_rows, [floatInput(100), fsum], `${at}: only the view's row is reduced`);
      assert.deepEqual(got.broadcast_last, floatInput(size - 1), at);
      assert.deepEqual(got.broadcast_async_0, intInput(0), at);
      assert.deepEqual(got.all_gather, Array.from({ length: size }, (_, k) => floatInput(k)), at);
      assert.deepEqual(got.all_gather_int, Array.from({ length: size }, (_, k) => intInput(k)), at);
      const blocks = (r2: number): number[] => scatterBlock(r2, rank);
      assert.deepEqual(got.reduce_scatter_sum, over(size, blocks, sum), at);
      assert.deepEqual(got.reduce_scatter_mean, over(size, blocks, (xs) => Math.fround(sum(xs) / size)), at);
      assert.deepEqual(got.reduce_scatter_max, over(size, blocks, (xs) => Math.max(...xs)), at);
      assert.equal(got.barrier, true, at);
      let checksum = 0;
      const bigSum = (i: number): number => sum(Array.from({ length: size }, (_, r) => bigInput(r, i)));
      for (let i = 0; i < BIG; i++) checksum += bigSum(i) * ((i % 13) + 1);
      assert.equal(got.big_checksum, checksum, `${at}: 4 MiB all-reduce`);
      assert.deepEqual(got.big_probes, BIG_PROBES.map(bigSum), at);
      assert.equal(got.version_bumped, true, at);
      assert.deepEqual(got.reinit_sum, fsum, `${at}: after destroyProcessGroup + initProcessGroup`);
    }
  };

  test('distributed (MPI): every collective on 3 ranks matches closed forms; sub-groups', () => {
    const run = mpirun(3, 'collectives');
    checkCollectives(run, 3);
    // newGroup([2, 0]) on every rank: ranks sorted, rank 1 not a member
    const [r0, r1, r2] = run.ranks;
    assert.deepEqual([r0.sub_rank, r1.sub_rank, r2.sub_rank], [0, -1, 1]);
    assert.deepEqual([r0.sub_size, r1.sub_size, r2.sub_size], [2, 2, 2]);
    assert.deepEqual(r0.sub_sum, [1 + 3, 0 + 20]);
    assert.deepEqual(r2.sub_sum, [1 + 3, 0 + 20]);
    assert.deepEqual(r0.sub_broadcast, [2]); // from group rank 1 = world rank 2
    assert.deepEqual(r2.sub_broadcast, [2]);
    assert.deepEqual([r0.sub_getRank, r2.sub_getRank], [0, 1]);
    assert.deepEqual(r1.sub_nonmember, { name: 'DistributedError', message: 'allReduce: this process is not a member of the group of world ranks [0, 2]' });
    // newGroup([1, 2], { membersOnly: true }) called by ranks 1 and 2 only
    assert.equal(r0.members_only_sum, undefined);
    assert.deepEqual([r1.members_only_sum, r2.members_only_sum], [[30], [30]]);
    assert.deepEqual([r1.members_only_rank, r2.members_only_rank], [0, 1]);
  });

  test('distributed (MPI): every collective on 2 ranks; bad input is an error naming the collective, dtype, shape or key', () => {
    const run = mpirun(2, 'collectives');
    checkCollectives(run, 2);
    const e = run.ranks[0].errors as Record<string, { name: string; message: string } | null>;
    const expect = (key: string, name: string, pattern: RegExp): void => {
      assert.ok(e[key] !== null, `${key}: no error`);
      assert.equal(e[key].name, name, `${key}: ${e[key].message}`);
      assert.match(e[key].message, pattern, key);
    };
    expect('nonContiguous', 'Error', /allReduce: .*contiguous.*shape \[4, 3\] and strides \[1, 4\]/);
    expect('int64', 'TypeError', /allReduce: .*float32 or int32.*dtype int64 and shape \[2\]/);
    expect('intMean', 'TypeError', /allReduce: op 'mean' needs float32/);
    expect('badOp', 'RangeError', /allReduce: op must be one of 'sum', 'mean', 'max', 'min', got "prod"/);
    expect('badSrc', 'RangeError', /broadcast: source rank 2 is outside the group of 2/);
    expect('gatherLength', 'RangeError', /allGather: out must hold one tensor per rank \(2\), got 1/);
    expect('gatherShape', 'RangeError', /allGather: out\[0\] is a float32 tensor of shape \[8\], expected a float32 tensor of shape \[7\]/);
    expect('disposed', 'Error', /allReduce: the tensor was disposed/);
    expect('notArray', 'TypeError', /allReduce: expected a Tensor, Float32Array or Int32Array, got an array/);
    expect('optionTypo', 'Error', /allReduce: unknown option 'grup' \(did you mean 'group'/);
    expect('subgroupRank', 'RangeError', /newGroup: rank 2 is outside this group of 2/);
    expect('subgroupTwice', 'RangeError', /newGroup: ranks \[0, 0\] list a rank twice/);
    assert.match(run.ranks[0].reinit as string, /already initialised/);
    assert.match(run.ranks[0].initTypo as string, /initProcessGroup: unknown option 'timeout' \(did you mean 'timeoutMs'/);
    assert.match((run.ranks[0].after_destroy as { message: string }).message, /not initialised \(call initProcessGroup first\)/);
  });

  test('distributed (MPI): a rank that dies ends the job (mpirun aborts the blocked ranks)', () => {
    const run = mpirun(2, 'dies');
    assert.equal(run.status, 3, run.output);
    assert.deepEqual(run.ranks[0], { rank: 0 }, 'rank 0 never returned from the all-reduce');
    assert.match(run.output, /exited with non-zero status/);
  });

  for (const mode of ['async', 'blocking'] as const) {
    test(`distributed (MPI): a collective a peer never joins times out (${mode}), naming it and the rank`, () => {
      const run = mpirun(2, `timeout-${mode}`);
      assert.equal(run.status, 1, run.output);
      const got = run.ranks[0] as { timeout: { name: string; message: string }; after: { message: string } };
      assert.equal(got.timeout.name, 'DistributedTimeoutError');
      assert.match(got.timeout.message, /^allReduce timed out on rank 0 of 2 after 1500 ms/);
      assert.match(got.after.message, /^barrier: .*unusable now/);
      assert.match(run.output, /exited with non-zero status/, 'mpirun ended rank 1');
    });
  }
}

test('distributed: without a launcher, backend mpi says how to start the job; backend local is a world of one', () => {
  for (const [extra, pattern] of [
    [{}, /no launcher environment .*mpirun -np N/],
    [{ RANK: '0', WORLD_SIZE: '2' }, /RANK=0\/WORLD_SIZE=2 come from torchrun/],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-mpi-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', WORKER, 'local', dir], { cwd: ROOT, env: { ...childEnv(), ...extra }, encoding: 'utf8', timeout: 120_000 });
    const run = collect(dir, r.status, r.stdout + r.stderr);
    assert.equal(run.status, 0, run.output);
    const got = run.ranks[0] as { mpi: { name: string; message: string }; local: unknown };
    assert.equal(got.mpi.name, 'DistributedError');
    assert.match(got.mpi.message, pattern);
    assert.deepEqual(got.local, { rank: 0, size: 1, backend: 'local', sum: [1, 2] });
  }
});

test('distributed: the launch environment is read from Open MPI, PMI, PMIx or torchrun variables', () => {
  assert.deepEqual(readLaunchEnvironment({ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '4', OMPI_COMM_WORLD_LOCAL_RANK: '1', OMPI_COMM_WORLD_LOCAL_SIZE: '2', RANK: '9' }),
    { launcher: 'openmpi', rank: 1, worldSize: 4, localRank: 1, localSize: 2 });
  assert.deepEqual(readLaunchEnvironment({ PMI_RANK: '3', PMI_SIZE: '8', SLURM_LOCALID: '1' }), { launcher: 'pmi', rank: 3, worldSize: 8, localRank: 1, localSize: null });
  assert.deepEqual(readLaunchEnvironment({ PMI_RANK: '3', PMI_SIZE: '8', MPI_LOCALRANKID: '0', MPI_LOCALNRANKS: '4' }), { launcher: 'pmi', rank: 3, worldSize: 8, localRank: 0, localSize: 4 });
  assert.deepEqual(readLaunchEnvironment({ PMIX_RANK: '2' }), { launcher: 'pmix', rank: 2, worldSize: null, localRank: 0, localSize: null });
  assert.deepEqual(readLaunchEnvironment({ RANK: '1', WORLD_SIZE: '2', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2' }), { launcher: 'torchrun', rank: 1, worldSize: 2, localRank: 1, localSize: 2 });
  assert.deepEqual(readLaunchEnvironment({ RANK: '1' }), { launcher: null, rank: 0, worldSize: 1, localRank: 0, localSize: 1 });
  assert.throws(() => readLaunchEnvironment({ OMPI_COMM_WORLD_RANK: 'x' }), /OMPI_COMM_WORLD_RANK="x" is not an integer/);
});
