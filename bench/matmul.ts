/**
 * fp32 matmul: dlflow's native GEMM vs OpenBLAS (Debian NumPy, SkylakeX kernel forced), measured
 * in the same run on the same shapes: squares 256–2048 and the products of an MLP step
 * (784-256-128-10 at batch 128), forward and both backward products with transposed operands.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { bestSeconds, printTable } from './timing.js';
import { referenceEnv } from './openblas.js';

interface Shape { name: string; m: number; n: number; k: number; transA: boolean; transB: boolean }

const layer = (tag: string, batch: number, fanIn: number, fanOut: number): Shape[] => [
  { name: `${tag} fwd X·W`, m: batch, n: fanOut, k: fanIn, transA: false, transB: false },
  { name: `${tag} gradW Xᵀ·G`, m: fanIn, n: fanOut, k: batch, transA: true, transB: false },
  { name: `${tag} gradX G·Wᵀ`, m: batch, n: fanIn, k: fanOut, transA: false, transB: true },
];

export const SHAPES: Shape[] = [
  ...[256, 512, 1024, 2048].map((s) => ({ name: `square ${s}`, m: s, n: s, k: s, transA: false, transB: false })),
  ...layer('784→256', 128, 784, 256),
  ...layer('256→128', 128, 256, 128),
  ...layer('128→10', 128, 128, 10),
];

function dlflowGflops(s: Shape): number {
  dl.manualSeed(0);
  const a = s.transA ? dl.randn([s.k, s.m]).t() : dl.randn([s.m, s.k]);
  const b = s.transB ? dl.randn([s.n, s.k]).t() : dl.randn([s.k, s.n]);
  const seconds = bestSeconds(() => a.matmul(b).dispose());
  a.dispose();
  b.dispose();
  return (2 * s.m * s.n * s.k) / seconds / 1e9;
}

function numpyGflops(threads: number): Map<string, number> | string {
  const script = fileURLToPath(new URL('./reference/numpy_matmul.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script], {
    input: JSON.stringify(SHAPES),
    env: referenceEnv({ OPENBLAS_NUM_THREADS: String(threads) }),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) return `NumPy reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()}); install python3-numpy`;
  return new Map((JSON.parse(run.stdout) as { name: string; gflops: number }[]).map((r) => [r.name, r.gflops]));
}

export function benchMatmul(threadCounts = [dl.getNumThreads()]): void {
  console.log(`\n== matmul fp32 (dlflow backend ${dl.getBackend().name}) vs OpenBLAS via NumPy`);
  const before = dl.getNumThreads();
  for (const threads of threadCounts) {
    dl.setNumThreads(threads);
    const reference = numpyGflops(threads);
    const rows = SHAPES.map((s) => {
      const ours = dlflowGflops(s);
      const theirs = typeof reference === 'string' ? NaN : reference.get(s.name) ?? NaN;
      return [s.name, `${s.m}×${s.k}·${s.k}×${s.n}`, ours.toFixed(1), theirs.toFixed(1), (ours / theirs).toFixed(2)];
    });
    console.log(`threads: ${threads}`);
    if (typeof reference === 'string') console.log(reference);
    printTable(['shape', 'M×K·K×N', 'dlflow GFLOP/s', 'OpenBLAS GFLOP/s', 'ratio'], rows);
  }
  dl.setNumThreads(before);
}
