/**
 * All-reduce bandwidth, 2 ranks on this machine: dlflow's `allReduce` (float32 sum, in place,
 * 1–64 MiB) next to Open MPI's own MPI_Allreduce on the same sizes, from a small C program
 * (bench/reference/allreduce.c) compiled with mpicc in this run and timed the same way (a
 * barrier, then the best of 5 loops). Prints milliseconds per call, algorithm bandwidth
 * (bytes / time; with 2 ranks the bus bandwidth is the same), the ratio and the CPU.
 * Run: `npm run bench -- allreduce` (needs openmpi-bin and libopenmpi-dev for mpicc).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { printTable } from './timing.js';

const SIZES_MIB = [1, 2, 4, 8, 16, 32, 64];
const ROUNDS = 5;
const iterations = (mib: number): number => (mib <= 4 ? 20 : mib <= 16 ? 8 : 4);
const MPI_ENV = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

interface Row { mib: number; seconds: number }

/** Under mpirun: rank 0 prints one JSON line per size. */
async function worker(): Promise<void> {
  dl.setNumThreads(1); // 2 ranks × 1 thread on the machine, as data-parallel training runs them
  const world = await dl.distributed.initProcessGroup({ backend: 'mpi' });
  for (const mib of SIZES_MIB) {
    const n = (mib * 1024 * 1024) / 4;
    const t = dl.tensor(Float32Array.from({ length: n }, (_, i) => i % 7), { shape: [n] });
    for (let w = 0; w < 3; w++) world.allReduce(t);
    let best = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      world.barrier();
      const start = process.hrtime.bigint();
      for (let k = 0; k < iterations(mib); k++) world.allReduce(t);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / iterations(mib));
    }
    if (world.rank === 0) console.log(JSON.stringify({ mib, seconds: best }));
    t.dispose();
  }
  dl.distributed.destroyProcessGroup();
}

function parseRows(stdout: string): Row[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Row);
}

function mpirun(args: string[]): { rows: Row[] } | { error: string } {
  const run = spawnSync('mpirun', ['-np', '2', '--oversubscribe', ...args], { env: MPI_ENV, encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return { error: run.error?.message ?? `${run.stdout}${run.stderr}`.trim().split('\n').slice(-3).join(' ') };
  return { rows: parseRows(run.stdout) };
}

/** Open MPI's figure: the C reference compiled with mpicc in a temporary folder. */
function openMpiReference(): { rows: Row[] } | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dlflow-allreduce-'));
  try {
    const exe = join(dir, 'allreduce');
    const source = fileURLToPath(new URL('./reference/allreduce.c', import.meta.url));
    const cc = spawnSync('mpicc', ['-O2', '-o', exe, source], { encoding: 'utf8' });
    if (cc.error !== undefined || cc.status !== 0) return { error: `mpicc failed (${cc.error?.message ?? cc.stderr.trim()}); install libopenmpi-dev` };
    return mpirun([exe, ...SIZES_MIB.map(String)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the side-by-side table (run outside mpirun: it starts both jobs itself). */
export function benchAllreduce(): void {
  console.log('\n== all-reduce (float32 sum, in place), 2 ranks × 1 thread: dlflow vs Open MPI\'s MPI_Allreduce');
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  console.log(`CPU: ${model}, ${cpus().length} cores; ${spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'mpirun missing'}`);
  const ours = mpirun([process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--worker']);
  if ('error' in ours) {
    console.log(`dlflow run failed: ${ours.error}`);
    return;
  }
  const ref = openMpiReference();
  if ('error' in ref) console.log(`Open MPI reference unavailable: ${ref.error}`);
  const refRows = 'rows' in ref ? ref.rows : [];
  const gbps = (mib: number, s: number): string => ((mib * 1024 * 1024) / s / 1e9).toFixed(2);
  printTable(['MiB', 'dlflow ms', 'dlflow GB/s', 'Open MPI ms', 'Open MPI GB/s', 'dlflow / Open MPI time'], ours.rows.map((row) => {
    const r = refRows.find((x) => x.mib === row.mib);
    return [row.mib, (row.seconds * 1e3).toFixed(3), gbps(row.mib, row.seconds),
      r === undefined ? '-' : (r.seconds * 1e3).toFixed(3), r === undefined ? '-' : gbps(r.mib, r.seconds),
      r === undefined ? '-' : (row.seconds / r.seconds).toFixed(2)];
  }));
}

if (process.argv.includes('--worker')) await worker();
else if (process.argv[1] === fileURLToPath(import.meta.url)) benchAllreduce();
