/**
 * Recurrent layers: LSTM(28, 128, 2 layers, batchFirst) on a [128, 28, 28] batch (Fashion-MNIST
 * images as sequences of 28 rows), forward alone and forward + backward of output.sum(), against
 * PyTorch (Debian's python3-torch, the faster of 1 and 2 threads) in the same run, with the
 * ratio. dlflow's layers compose engine ops (one input GEMM per layer and direction, one
 * recurrent GEMM and a few elementwise ops per step); this is the baseline the native fused
 * gate kernels of issue 11 are measured against.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { referenceEnv } from './openblas.js';
import { printTable } from './timing.js';

const { nn } = dl;

interface TorchResult { threads: number; forward: number; forward_backward: number }

function torchRun(threads: number, rounds: number): TorchResult | string {
  const script = fileURLToPath(new URL('./reference/torch_rnn.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, String(threads), String(rounds)], { env: referenceEnv(), encoding: 'utf8' });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()}); install python3-torch`;
  return JSON.parse(run.stdout) as TorchResult;
}

/** Best seconds of `rounds` calls after 3 warm-up calls (the method of the Python reference). */
function best(fn: () => void, rounds: number): number {
  for (let i = 0; i < 3; i++) fn();
  let seconds = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    fn();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return seconds;
}

function dlflowSeconds(rounds: number): { forward: number; forwardBackward: number } {
  dl.manualSeed(0);
  const lstm = new nn.LSTM(28, 128, { numLayers: 2, batchFirst: true });
  const x = dl.randn([128, 28, 28], { requiresGrad: true });
  const forward = best(() => dl.tidy(() => { dl.noGrad(() => lstm.forward(x)); }), rounds);
  const forwardBackward = best(() => dl.tidy(() => {
    lstm.zeroGrad();
    x.grad = null;
    lstm.forward(x)[0].sum().backward();
  }), rounds);
  return { forward, forwardBackward };
}

export function benchRnn(rounds = 10): void {
  console.log('\n== recurrent: LSTM(28, 128, 2 layers, batchFirst) on [128, 28, 28] vs PyTorch');
  const torchRuns = [1, 2].map((t) => torchRun(t, rounds));
  const ok = torchRuns.filter((r): r is TorchResult => typeof r !== 'string');
  for (const r of torchRuns) if (typeof r === 'string') console.log(r);
  const ours = dlflowSeconds(rounds);
  const fastest = (key: 'forward' | 'forward_backward'): number | null => (ok.length === 0 ? null : Math.min(...ok.map((r) => r[key])));
  const ms = (s: number): string => (s * 1e3).toFixed(1);
  const rows: (string | number)[][] = [['dlflow', dl.getNumThreads(), ms(ours.forward), ms(ours.forwardBackward)]];
  for (const r of ok) rows.push([`PyTorch ${r.threads} thread${r.threads > 1 ? 's' : ''}`, r.threads, ms(r.forward), ms(r.forward_backward)]);
  const [f, fb] = [fastest('forward'), fastest('forward_backward')];
  if (f !== null && fb !== null) rows.push(['ratio to PyTorch best', '', (ours.forward / f).toFixed(2), (ours.forwardBackward / fb).toFixed(2)]);
  printTable([`best of ${rounds}`, 'threads', 'forward ms', 'forward+backward ms'], rows);
}
