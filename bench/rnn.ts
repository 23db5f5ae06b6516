/**
 * Recurrent layers, the training step of issue 11: Fashion-MNIST training images as sequences of
 * 28 rows, `LSTM(28, 128, { batchFirst: true })` then `Linear(128, 10)` on the last step, batch
 * 128, Adam lr 1e-3, cross entropy; the same with `GRU`. Each step is zeroGrad, forward, loss,
 * backward, step; the median seconds per step over `steps` steps after 5 warm-up steps, beside
 * PyTorch (Debian's python3-torch, the faster of 1 and 2 threads) in the same run, with the
 * ratio (the goal: ≤ 0.5). The sides alternate over rounds (see benchRnn).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { imageSplitTensors, loadFashionMnist } from '../src/data/index.js';
import { referenceEnv } from './openblas.js';
import { printTable } from './timing.js';

const { nn, optim } = dl;
const BATCH = 128;
const DATA = '/usr/share/datasets/fashion-mnist';

type Cell = 'lstm' | 'gru';
interface TorchResult { threads: number; lstm: number; gru: number }

function torchRun(threads: number, steps: number): TorchResult | string {
  const script = fileURLToPath(new URL('./reference/torch_rnn.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, String(threads), String(steps), DATA], { env: referenceEnv(), encoding: 'utf8' });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()}); install python3-torch`;
  return JSON.parse(run.stdout) as TorchResult;
}

class Classifier extends nn.Module {
  readonly rnn: InstanceType<typeof nn.LSTM> | InstanceType<typeof nn.GRU>;
  readonly head = new nn.Linear(128, 10);

  constructor(cell: Cell) {
    super();
    this.rnn = cell === 'lstm' ? new nn.LSTM(28, 128, { batchFirst: true }) : new nn.GRU(28, 128, { batchFirst: true });
  }

  override forward(x: dl.Tensor): dl.Tensor {
    const [out] = this.rnn.forward(x);
    return this.head.forward(out.select(1, -1));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median seconds per training step, as the Python reference measures it. */
function dlflowSecondsPerStep(cell: Cell, x: dl.Tensor, y: dl.Tensor, steps: number): number {
  dl.manualSeed(0);
  const model = new Classifier(cell);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const batches = Math.floor(x.shape[0] / BATCH);
  const times: number[] = [];
  for (let s = 0; s < 5 + steps; s++) {
    const b = s % batches;
    const start = process.hrtime.bigint();
    dl.tidy(() => {
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(x.narrow(0, b * BATCH, BATCH)), y.narrow(0, b * BATCH, BATCH));
      loss.backward();
      opt.step();
    });
    if (s >= 5) times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(times);
}

/**
 * `rounds` rounds, each PyTorch on 1 and 2 threads then dlflow, so that the machine's drift
 * (shared VMs) reaches both sides alike; each side's figure is its median over the rounds.
 */
export function benchRnn(steps = 40, rounds = 3): void {
  console.log('\n== recurrent: LSTM/GRU(28, 128, batchFirst) + Linear(128, 10) training step, batch 128, Adam, vs PyTorch');
  if (!existsSync(DATA)) {
    console.log(`${DATA} not found: install Debian's dataset-fashion-mnist`);
    return;
  }
  const train = imageSplitTensors(loadFashionMnist(DATA).train);
  const n = BATCH * 40;
  const x = train.x.narrow(0, 0, n).reshape([n, 28, 28]).contiguous();
  const y = train.y.narrow(0, 0, n).contiguous();
  const torch: Record<number, TorchResult[]> = { 1: [], 2: [] };
  const ours: { lstm: number; gru: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const threads of [1, 2]) {
      const result = torchRun(threads, steps);
      if (typeof result === 'string') {
        if (r === 0) console.log(result);
      } else {
        torch[threads].push(result);
      }
    }
    ours.push({ lstm: dlflowSecondsPerStep('lstm', x, y, steps), gru: dlflowSecondsPerStep('gru', x, y, steps) });
  }
  const ms = (s: number): string => (s * 1e3).toFixed(2);
  const mid = (cell: Cell, list: readonly { lstm: number; gru: number }[]): number => median(list.map((o) => o[cell]));
  const rows: (string | number)[][] = [['dlflow', dl.getNumThreads(), ms(mid('lstm', ours)), ms(mid('gru', ours))]];
  const measured = [1, 2].filter((t) => torch[t].length > 0);
  for (const t of measured) rows.push([`PyTorch ${t} thread${t > 1 ? 's' : ''}`, t, ms(mid('lstm', torch[t])), ms(mid('gru', torch[t]))]);
  if (measured.length > 0) {
    const best = (cell: Cell): number => Math.min(...measured.map((t) => mid(cell, torch[t])));
    rows.push(['ratio to PyTorch best (goal ≤ 0.5)', '', (mid('lstm', ours) / best('lstm')).toFixed(2), (mid('gru', ours) / best('gru')).toFixed(2)]);
  }
  printTable([`median of ${steps} steps, ${rounds} rounds`, 'threads', 'LSTM ms/step', 'GRU ms/step'], rows);
}
