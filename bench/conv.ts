/**
 * Convolution: each convolution of the CNN forward, backward-data and backward-weight in
 * GFLOP/s next to the GEMM of the same product (the im2col scheme's ceiling) and the GEMM's peak
 * (the best square product, 512 to 2048, on the same threads), and the training
 * step of the whole CNN (Conv2d 1→32 and 32→64, 3×3, padding 1, ReLU, MaxPool2d(2) after each,
 * Linear(3136, 128), ReLU, Linear(128, 10); batch 128, Adam, cross entropy) against PyTorch
 * (Debian's python3-torch, the faster of 1 and 2 threads) in the same run, with the ratio. The
 * issue's goal: dlflow's step ≤ 0.5× PyTorch's. Run alone (`npx tsx bench/conv.ts`) or through
 * `npm run bench -- conv`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
// the backward kernels as ops (the layers reach them through autograd)
import { convBackwardData, convBackwardWeight } from '../src/ops/conv.js';
import { referenceEnv } from './openblas.js';
import { bestSeconds, printTable } from './timing.js';

const { nn, optim } = dl;
const F = nn.functional;

interface ConvShape { name: string; x: number[]; cout: number }
const CONVS: ConvShape[] = [
  { name: 'conv1 1→32 @28×28', x: [128, 1, 28, 28], cout: 32 },
  { name: 'conv2 32→64 @14×14', x: [128, 32, 14, 14], cout: 64 },
];

interface TorchResult { threads: number; step_seconds: number; convs: Record<string, { forward: number; forward_backward: number }> }

function torchRun(threads: number, steps: number): TorchResult | string {
  const script = fileURLToPath(new URL('./reference/torch_conv.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, String(threads), String(steps)], { env: referenceEnv(), encoding: 'utf8' });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()}); install python3-torch`;
  return JSON.parse(run.stdout) as TorchResult;
}

const gflops = (flops: number, seconds: number): string => (flops / seconds / 1e9).toFixed(1);

/** The GEMM's peak on these threads: the best of the square products 512, 1024 and 2048. */
function gemmPeakGflops(): number {
  let best = 0;
  for (const size of [512, 1024, 2048]) {
    dl.tidy(() => {
      const a = dl.randn([size, size]);
      const b = dl.randn([size, size]);
      best = Math.max(best, (2 * size ** 3) / bestSeconds(() => a.matmul(b).dispose(), 3) / 1e9);
    });
  }
  return best;
}

/** Per convolution: forward, backward data, backward weight, the GEMM of the same size and the GEMM's peak. */
function convTable(torch: TorchResult | null): void {
  const peak = gemmPeakGflops();
  const rows: (string | number)[][] = [];
  for (const c of CONVS) {
    dl.tidy(() => {
      dl.manualSeed(0);
      const [N, C, H, W] = c.x;
      const x = dl.randn(c.x);
      const w = dl.randn([c.cout, C, 3, 3]);
      const g = dl.randn([N, c.cout, H, W]);
      const flops = 2 * N * c.cout * H * W * C * 9;
      const geometry = { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 };
      const fwd = bestSeconds(() => F.conv2d(x, w, null, { padding: 1 }).dispose(), 5);
      const data = bestSeconds(() => convBackwardData(g, w, geometry, [H, W]).dispose(), 5);
      const weight = bestSeconds(() => convBackwardWeight(x, g, geometry, w.shape).dispose(), 5);
      const a = dl.randn([c.cout, C * 9]);
      const b = dl.randn([C * 9, N * H * W]);
      const gemm = bestSeconds(() => a.matmul(b).dispose(), 5);
      const t = torch?.convs[c.name];
      rows.push([c.name, gflops(flops, fwd), gflops(flops, data), gflops(flops, weight), gflops(flops, gemm), peak.toFixed(1),
        t ? gflops(flops, t.forward) : '-', t ? gflops(3 * flops, t.forward_backward) : '-']);
    });
  }
  printTable(['GFLOP/s', 'forward', 'bwd data', 'bwd weight', 'GEMM same size', 'GEMM peak', 'torch fwd', 'torch fwd+bwd'], rows);
}

/** The CNN and one training step on a fixed batch (same as the Python reference). */
function dlflowStepSeconds(steps: number): number {
  dl.manualSeed(0);
  const net = new nn.Sequential(
    new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(3136, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = dl.randn([128, 1, 28, 28]);
  const y = dl.randint(0, 10, [128]);
  const step = (): void => dl.tidy(() => {
    opt.zeroGrad();
    F.crossEntropy(net.forward(x) as dl.Tensor, y).backward();
    opt.step();
  });
  for (let i = 0; i < 5; i++) step();
  let best = Infinity;
  for (let i = 0; i < steps; i++) {
    const start = process.hrtime.bigint();
    step();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

export function benchConv(): void {
  console.log('\n== convolution: the issue\'s CNN (batch 128) vs PyTorch');
  const torchRuns = [1, 2].map((t) => torchRun(t, 20));
  const ok = torchRuns.filter((r): r is TorchResult => typeof r !== 'string');
  const torchBest = ok.length === 0 ? null : ok.reduce((a, b) => (a.step_seconds <= b.step_seconds ? a : b));
  for (const r of torchRuns) if (typeof r === 'string') console.log(r);
  convTable(torchBest);
  const ours = dlflowStepSeconds(20);
  const rows: (string | number)[][] = [['dlflow', dl.getNumThreads(), (ours * 1e3).toFixed(1), '']];
  for (const r of ok) rows.push([`PyTorch ${r.threads} thread${r.threads > 1 ? 's' : ''}`, r.threads, (r.step_seconds * 1e3).toFixed(1), '']);
  if (torchBest !== null) rows[0][3] = (ours / torchBest.step_seconds).toFixed(2);
  printTable(['step (best of 20)', 'threads', 'ms', 'ratio to PyTorch best (goal ≤ 0.5)'], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) benchConv();
