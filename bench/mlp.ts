/**
 * One shuffled epoch of Fashion-MNIST (60,000 images) on an MLP 784-256-128-10, batch 128,
 * Adam lr 1e-3, cross entropy: dlflow vs PyTorch (Debian's python3-torch, OpenBLAS forced to its
 * SkylakeX kernel), measured in the same run, plus both test accuracies and dlflow's memory
 * over extra epochs (it must stay flat).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { imageSplitTensors, loadFashionMnist } from '../src/data/index.js';
import { printTable } from './timing.js';

const { nn, optim } = dl;
const DATA_DIR = '/usr/share/datasets/fashion-mnist';

class Mlp extends nn.Module {
  layers = new nn.Sequential(
    new nn.Linear(784, 256), new nn.ReLU(),
    new nn.Linear(256, 128), new nn.ReLU(),
    new nn.Linear(128, 10));

  override forward(x: dl.Tensor): dl.Tensor {
    return this.layers.forward(x);
  }
}

interface EpochResult { seconds: number; secondSeconds: number; accuracy: number; memory: number[] }

function dlflowEpochs(extraEpochs: number): EpochResult {
  const data = loadFashionMnist(DATA_DIR);
  const train = imageSplitTensors(data.train);
  const test = imageSplitTensors(data.test);
  const xTrain = train.x.reshape([-1, 784]);
  const yTrain = train.y;
  const xTest = test.x.reshape([-1, 784]);
  const yTest = test.y;
  dl.manualSeed(0);
  const model = new Mlp();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const n = xTrain.shape[0];
  const runEpoch = (): void => {
    const perm = dl.randperm(n);
    for (let i = 0; i < n; i += 128) {
      dl.tidy(() => {
        const idx = perm.narrow(0, i, Math.min(128, n - i));
        const xb = xTrain.indexSelect(0, idx);
        const yb = yTrain.indexSelect(0, idx);
        opt.zeroGrad();
        const loss = lossFn.forward(model.forward(xb), yb);
        loss.backward();
        opt.step();
      });
    }
    perm.dispose();
  };
  const start = process.hrtime.bigint();
  runEpoch();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const accuracy = dl.tidy(() => dl.noGrad(() => model.forward(xTest).argmax(1).eq(yTest).float().mean().item()));
  const memory = [dl.memory().numBytes];
  let secondSeconds = NaN;
  for (let e = 0; e < extraEpochs; e++) {
    const t0 = process.hrtime.bigint();
    runEpoch();
    if (e === 0) secondSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    memory.push(dl.memory().numBytes);
  }
  return { seconds, secondSeconds, accuracy, memory };
}

interface TorchResult { seconds: number; accuracy: number; second_epoch_seconds: number }

function torchEpoch(threads: number): TorchResult | string {
  const script = fileURLToPath(new URL('./reference/torch_mlp.py', import.meta.url));
  const run = spawnSync('/usr/bin/python3', [script, String(threads), DATA_DIR], {
    env: { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' }, encoding: 'utf8',
  });
  if (run.status !== 0) return `PyTorch reference unavailable (${run.error?.message ?? run.stderr.trim().split('\n').pop()}); install python3-torch`;
  return JSON.parse(run.stdout) as TorchResult;
}

export function benchMlp(extraEpochs = 19): void {
  console.log('\n== Fashion-MNIST MLP 784-256-128-10, batch 128, Adam 1e-3, one epoch');
  if (!existsSync(DATA_DIR)) {
    console.log(`skipped: ${DATA_DIR} not found (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const torch = torchEpoch(1);
  const ours = dlflowEpochs(extraEpochs);
  if (typeof torch === 'string') console.log(torch);
  const t = typeof torch === 'string' ? { seconds: NaN, accuracy: NaN, second_epoch_seconds: NaN } : torch;
  printTable(['', 'first epoch s', 'test accuracy', 'second epoch s'], [
    [`dlflow (${dl.getNumThreads()} threads)`, ours.seconds.toFixed(3), ours.accuracy.toFixed(4), ours.secondSeconds.toFixed(3)],
    ['PyTorch 1.13 (1 intra-op thread; OpenBLAS GEMM on its default threads)', t.seconds.toFixed(3), t.accuracy.toFixed(4), t.second_epoch_seconds.toFixed(3)],
    ['ratio dlflow / PyTorch', (ours.seconds / t.seconds).toFixed(2), '', (ours.secondSeconds / t.second_epoch_seconds).toFixed(2)],
  ]);
  console.log('(the first epoch includes each side\'s start-up: for dlflow, V8 compiling the TypeScript hot paths)');
  const mb = ours.memory.map((b) => (b / 2 ** 20).toFixed(1));
  console.log(`dlflow live tensor memory after epochs 1..${ours.memory.length} (MiB): ${mb.join(' ')}`);
}
