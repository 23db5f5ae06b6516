/**
 * Pooling, normalisation and resampling kernels vs PyTorch (Debian's python3-torch, same thread
 * count), on the shapes of the CNN (batch 128, 28×28 and 14×14 maps): forward, and
 * forward + backward, best of several loops on each side. One line per kernel with the ratio.
 */
import { spawnSync } from 'node:child_process';
import * as dl from '../src/index.js';
import { referenceEnv } from './openblas.js';
import { bestSeconds, printTable } from './timing.js';

const { F } = dl.nn;

interface Case {
  name: string;
  shape: number[];
  /** Run on channels-last memory. */
  channelsLast?: boolean;
  dlflow: (x: dl.Tensor) => dl.Tensor;
  /** The same op in PyTorch, as a Python lambda of x. */
  torch: string;
}

const CASES: Case[] = [
  { name: 'maxPool2d(2) [128,32,28,28]', shape: [128, 32, 28, 28], dlflow: (x) => F.maxPool2d(x, 2), torch: 'lambda x: F.max_pool2d(x, 2)' },
  { name: 'maxPool2d(2) [128,64,14,14]', shape: [128, 64, 14, 14], dlflow: (x) => F.maxPool2d(x, 2), torch: 'lambda x: F.max_pool2d(x, 2)' },
  { name: 'maxPool2d(3,s2,p1) channels-last', shape: [128, 32, 28, 28], channelsLast: true, dlflow: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }), torch: 'lambda x: F.max_pool2d(x, 3, 2, 1)' },
  { name: 'avgPool2d(3,s2,p1) [128,32,28,28]', shape: [128, 32, 28, 28], dlflow: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), torch: 'lambda x: F.avg_pool2d(x, 3, 2, 1)' },
  { name: 'adaptiveAvgPool2d(1) [128,64,7,7]', shape: [128, 64, 7, 7], dlflow: (x) => F.adaptiveAvgPool2d(x, 1), torch: 'lambda x: F.adaptive_avg_pool2d(x, 1)' },
  { name: 'adaptiveMaxPool2d(4) [128,64,14,14]', shape: [128, 64, 14, 14], dlflow: (x) => F.adaptiveMaxPool2d(x, 4), torch: 'lambda x: F.adaptive_max_pool2d(x, 4)' },
  { name: 'maxPool3d(2) [16,16,16,16,16]', shape: [16, 16, 16, 16, 16], dlflow: (x) => F.maxPool3d(x, 2), torch: 'lambda x: F.max_pool3d(x, 2)' },
  { name: 'batchNorm train [128,32,28,28]', shape: [128, 32, 28, 28], dlflow: (x) => F.batchNorm(x, null, null, { training: true }), torch: 'lambda x: F.batch_norm(x, None, None, training=True)' },
  { name: 'groupNorm(4) [128,32,28,28]', shape: [128, 32, 28, 28], dlflow: (x) => F.groupNorm(x, 4), torch: 'lambda x: F.group_norm(x, 4)' },
  { name: 'interpolate bilinear x2 [16,32,28,28]', shape: [16, 32, 28, 28], dlflow: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' }), torch: "lambda x: F.interpolate(x, scale_factor=2, mode='bilinear')" },
];

const TORCH_SCRIPT = `
import json, sys, time, torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
cases = json.loads(sys.argv[2])
def best(fn, rounds=7, min_s=0.1):
    for _ in range(3): fn()
    b = float('inf')
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            fn(); n += 1
            e = time.perf_counter() - t0
            if e >= min_s and n >= 3: break
        b = min(b, e / n)
    return b
out = []
for c in cases:
    op = eval(c['torch'])
    x = torch.randn(c['shape'])
    if c.get('channelsLast'): x = x.contiguous(memory_format=torch.channels_last if x.dim() == 4 else torch.channels_last_3d)
    xg = x.clone().requires_grad_(True)
    g = torch.randn(op(x).shape)
    def fwd():
        with torch.no_grad(): op(x)
    def fwd_bwd():
        xg.grad = None
        op(xg).backward(g)
    out.append([best(fwd), best(fwd_bwd)])
print(json.dumps(out))
`;

function torchTimes(threads: number): number[][] | string {
  const cases = CASES.map((c) => ({ torch: c.torch, shape: c.shape, channelsLast: c.channelsLast ?? false }));
  const run = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, String(threads), JSON.stringify(cases)], { env: referenceEnv(), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as number[][];
}

function inputOf(c: Case): dl.Tensor {
  const x = dl.randn(c.shape);
  if (!c.channelsLast) return x;
  const n = c.shape.length;
  const toLast = [0, ...Array.from({ length: n - 2 }, (_, i) => i + 2), 1];
  const back = [0, n - 1, ...Array.from({ length: n - 2 }, (_, i) => i + 1)];
  return x.permute(toLast).contiguous().permute(back);
}

function dlflowTimes(c: Case): [number, number] {
  const x = dl.keep(inputOf(c));
  const xg = dl.keep(x.detach().requiresGrad_(true));
  const g = dl.keep(dl.noGrad(() => dl.randn([...c.dlflow(x).shape])));
  const fwd = bestSeconds(() => dl.tidy(() => { dl.noGrad(() => c.dlflow(x)).dataSync(); }));
  const fwdBwd = bestSeconds(() => dl.tidy(() => {
    xg.grad = null;
    c.dlflow(xg).backward(g);
    xg.grad!.dataSync();
  }));
  return [fwd, fwdBwd];
}

export function benchPool(): void {
  const threads = dl.getNumThreads();
  console.log(`\n== pooling / normalisation / resampling kernels vs PyTorch (${threads} threads; ms, best of 7 loops)`);
  const torch = torchTimes(threads);
  if (typeof torch === 'string') console.log(torch);
  const ms = (s: number): string => (s * 1e3).toFixed(3);
  const rows = CASES.map((c, i) => {
    const [f, fb] = dlflowTimes(c);
    const t = typeof torch === 'string' ? null : torch[i];
    return [c.name, ms(f), t ? ms(t[0]) : '-', t ? (f / t[0]).toFixed(2) : '-', ms(fb), t ? ms(t[1]) : '-', t ? (fb / t[1]).toFixed(2) : '-'];
  });
  printTable(['kernel', 'fwd dlflow', 'fwd torch', 'ratio', 'fwd+bwd dlflow', 'fwd+bwd torch', 'ratio'], rows);
}
