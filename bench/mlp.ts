/**
 * One shuffled epoch of Fashion-MNIST (60,000 images) on an MLP 784-256-128-10, batch 128,
 * Adam lr 1e-3, cross entropy: dlflow vs PyTorch (Debian's python3-torch, OpenBLAS forced to its
 * SkylakeX kernel). Each side runs cold in its own process, alternating, `repeats` times (this
 * shared machine's speed drifts by tens of percent within minutes, so one pair proves little);
 * the table gives the medians and every pair's ratio, both test accuracies, and dlflow's memory
 * over 20 epochs (it must stay flat).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DlflowEpochs } from './mlp_dlflow.js';
import { printTable } from './timing.js';
import { referenceEnv } from './openblas.js';

const DATA_DIR = '/usr/share/datasets/fashion-mnist';

interface TorchResult { seconds: number; accuracy: number; second_epoch_seconds: number }

function child<T>(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): T | string {
  const run = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `${what} failed (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as T;
}

/** PyTorch's epoch with batches by indexing (its fastest loop, the reference) or through its DataLoader. */
function torchEpoch(mode: 'index' | 'dataloader' = 'index'): TorchResult | string {
  const script = fileURLToPath(new URL('./reference/torch_mlp.py', import.meta.url));
  const r = child<TorchResult>('/usr/bin/python3', [script, '1', DATA_DIR, mode], referenceEnv(), 'PyTorch reference');
  return typeof r === 'string' ? `${r}; install python3-torch` : r;
}

function dlflowEpochs(extraEpochs: number): DlflowEpochs | string {
  const script = fileURLToPath(new URL('./mlp_dlflow.ts', import.meta.url));
  return child<DlflowEpochs>(process.execPath, ['--import', 'tsx', script, DATA_DIR, String(extraEpochs)], process.env, 'dlflow');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function benchMlp(repeats = 3): void {
  console.log(`\n== Fashion-MNIST MLP 784-256-128-10, batch 128, Adam 1e-3, one epoch (each side cold, ${repeats} alternating runs)`);
  if (!existsSync(DATA_DIR)) {
    console.log(`skipped: ${DATA_DIR} not found (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const ours: DlflowEpochs[] = [];
  const theirs: TorchResult[] = [];
  for (let r = 0; r < repeats; r++) {
    const torch = torchEpoch();
    if (typeof torch === 'string') console.log(torch);
    else theirs.push(torch);
    // the first dlflow run goes on for 20 epochs in all, to show its memory stays flat
    const dlflow = dlflowEpochs(r === 0 ? 19 : 1);
    if (typeof dlflow === 'string') {
      console.log(dlflow);
      return;
    }
    ours.push(dlflow);
  }
  const col = (xs: { seconds: number }[]): number => median(xs.map((x) => x.seconds));
  const col2 = (xs: { second_epoch_seconds: number }[]): number => median(xs.map((x) => x.second_epoch_seconds));
  const ratios = ours.map((o, i) => (theirs[i] === undefined ? NaN : o.seconds / theirs[i].seconds));
  printTable(['median of runs', 'first epoch s', 'test accuracy', 'second epoch s'], [
    [`dlflow (${ours[0].threads} threads)`, col(ours).toFixed(3), ours[0].accuracy.toFixed(4), col2(ours).toFixed(3)],
    ['PyTorch 1.13 (1 intra-op thread; OpenBLAS GEMM on its default threads)', col(theirs).toFixed(3),
      theirs.length > 0 ? theirs[0].accuracy.toFixed(4) : 'n/a', col2(theirs).toFixed(3)],
    ['ratio dlflow / PyTorch', (col(ours) / col(theirs)).toFixed(2), '', (col2(ours) / col2(theirs)).toFixed(2)],
  ]);
  console.log(`first-epoch ratio of each pair: ${ratios.map((x) => x.toFixed(2)).join(' ')}` +
    ` (dlflow ${ours.map((o) => o.seconds.toFixed(3)).join(' ')} s; PyTorch ${theirs.map((t) => t.seconds.toFixed(3)).join(' ')} s)`);
  console.log('(the first epoch includes each side\'s start-up: for dlflow, V8 compiling the TypeScript hot paths)');
  const idiomatic = torchEpoch('dataloader');
  if (typeof idiomatic !== 'string') {
    console.log(`for context, PyTorch through DataLoader(TensorDataset) batches, the idiomatic loop: first epoch ${idiomatic.seconds.toFixed(3)} s, ` +
      `test accuracy ${idiomatic.accuracy.toFixed(4)} (the reference above indexes a permutation instead, PyTorch's fastest in-memory loop)`);
  }
  const mb = ours[0].memory.map((b) => (b / 2 ** 20).toFixed(1));
  console.log(`dlflow live tensor memory after epochs 1..${mb.length} (MiB): ${mb.join(' ')}`);
}
