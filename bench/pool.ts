/**
 * Pooling, normalisation and resampling kernels vs PyTorch (Debian's python3-torch, same thread
 * count, bench/reference/torch_pool.py), on the shapes of the CNN (batch 128, 28×28 and
 * 14×14 maps): forward, and forward + backward, best of several loops on each side. One line per
 * kernel with the ratio; then the CNN training step cut into its stages (conv + ReLU,
 * pool, ..., linear), each timed alone on both sides, so the step's ratio in bench/conv.ts can be
 * traced to its layers.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/** The CNN (bench/conv.ts) cut into the stages PyTorch's reference times alike. */
function cnnStages(): { name: string; input: number[]; stage: dl.nn.Module }[] {
  const { nn } = dl;
  return [
    { name: 'conv1 1→32 + relu', input: [128, 1, 28, 28], stage: new nn.Sequential(new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU()) },
    { name: 'maxPool2d(2) 28→14', input: [128, 32, 28, 28], stage: new nn.MaxPool2d(2) },
    { name: 'conv2 32→64 + relu', input: [128, 32, 14, 14], stage: new nn.Sequential(new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU()) },
    { name: 'maxPool2d(2) 14→7', input: [128, 64, 14, 14], stage: new nn.MaxPool2d(2) },
    { name: 'flatten + linear 3136→128 + relu', input: [128, 64, 7, 7], stage: new nn.Sequential(new nn.Flatten(), new nn.Linear(3136, 128), new nn.ReLU()) },
    { name: 'linear 128→10', input: [128, 128], stage: new nn.Linear(128, 10) },
  ];
}

interface TorchTimes { kernels: number[][]; layers: number[][] }

function torchTimes(threads: number): TorchTimes | string {
  const script = fileURLToPath(new URL('./reference/torch_pool.py', import.meta.url));
  const spec = {
    kernels: CASES.map((c) => ({ torch: c.torch, shape: c.shape, channelsLast: c.channelsLast ?? false })),
    layers: cnnStages().map((s) => s.input),
  };
  const run = spawnSync('/usr/bin/python3', [script, String(threads)], { input: JSON.stringify(spec), env: referenceEnv(), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as TorchTimes;
}

function inputOf(c: Case): dl.Tensor {
  const x = dl.randn(c.shape);
  if (!c.channelsLast) return x;
  const n = c.shape.length;
  const toLast = [0, ...Array.from({ length: n - 2 }, (_, i) => i + 2), 1];
  const back = [0, n - 1, ...Array.from({ length: n - 2 }, (_, i) => i + 1)];
  return x.permute(toLast).contiguous().permute(back);
}

/** Best seconds of op(x) without grad, and of op(x).backward(g) with x requiring grad. */
function dlflowTimes(op: (x: dl.Tensor) => dl.Tensor, input: dl.Tensor): [number, number] {
  return dl.tidy(() => {
    const x = input;
    const xg = x.detach().requiresGrad_(true);
    const g = dl.noGrad(() => dl.randn([...op(x).shape]));
    const fwd = bestSeconds(() => dl.tidy(() => { dl.noGrad(() => op(x)).dataSync(); }));
    const fwdBwd = bestSeconds(() => dl.tidy(() => {
      xg.grad = null;
      op(xg).backward(g);
      xg.grad!.dataSync();
    }));
    return [fwd, fwdBwd];
  });
}

const ms = (s: number): string => (s * 1e3).toFixed(3);

/** dlflow's and PyTorch's forward and forward + backward side by side, with the ratios. */
function row(name: string, ours: [number, number], torch: number[] | undefined): string[] {
  const ratio = (a: number, b: number | undefined): string => (b === undefined ? '-' : (a / b).toFixed(2));
  return [name, ms(ours[0]), torch ? ms(torch[0]) : '-', ratio(ours[0], torch?.[0]), ms(ours[1]), torch ? ms(torch[1]) : '-', ratio(ours[1], torch?.[1])];
}

const HEADER = ['fwd dlflow', 'fwd torch', 'ratio', 'fwd+bwd dlflow', 'fwd+bwd torch', 'ratio'];

export function benchPool(): void {
  const threads = dl.getNumThreads();
  console.log(`\n== pooling / normalisation / resampling kernels vs PyTorch (${threads} threads; ms, best of 7 loops)`);
  const torch = torchTimes(threads);
  if (typeof torch === 'string') console.log(torch);
  const times = typeof torch === 'string' ? null : torch;
  printTable(['kernel', ...HEADER], CASES.map((c, i) => row(c.name, dlflowTimes(c.dlflow, inputOf(c)), times?.kernels[i])));
  console.log('\n== the issue\'s CNN step by layer (batch 128; each stage alone on an input of its shape, backward with weight gradients)');
  dl.manualSeed(0);
  const stages = cnnStages();
  const rows = stages.map((s, i) => row(s.name, dlflowTimes((x) => s.stage.forward(x) as dl.Tensor, dl.randn(s.input)), times?.layers[i]));
  const total = (k: number, of: (string | number)[][]): string => ms(of.reduce((a, r) => a + Number(r[k]) / 1e3, 0));
  if (times !== null) rows.push(['total', total(1, rows), total(2, rows), '', total(4, rows), total(5, rows), '']);
  printTable(['stage', ...HEADER], rows);
}
