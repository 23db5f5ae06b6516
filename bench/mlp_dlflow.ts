/**
 * The dlflow side of the MLP bench, run in a fresh process so that its first epoch is cold
 * (V8 compiling the hot paths, buffer cache empty), as the PyTorch side's is.
 * One shuffled epoch of Fashion-MNIST (60,000 images) on an MLP 784-256-128-10, batch 128, Adam
 * lr 1e-3, cross entropy; then the test accuracy; then `extraEpochs` more epochs (the second
 * one timed) with the live tensor memory after each. Prints one JSON line.
 *
 * Usage: tsx bench/mlp_dlflow.ts <data dir> <extra epochs>
 */
import * as dl from '../src/index.js';
import { imageSplitTensors, loadFashionMnist } from '../src/data/index.js';

const { nn, optim } = dl;

class Mlp extends nn.Module {
  layers = new nn.Sequential(
    new nn.Linear(784, 256), new nn.ReLU(),
    new nn.Linear(256, 128), new nn.ReLU(),
    new nn.Linear(128, 10));

  override forward(x: dl.Tensor): dl.Tensor {
    return this.layers.forward(x);
  }
}

export interface DlflowEpochs { seconds: number; second_epoch_seconds: number; accuracy: number; memory: number[]; threads: number }

function run(dataDir: string, extraEpochs: number): DlflowEpochs {
  const data = loadFashionMnist(dataDir);
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
  const runEpoch = (): number => {
    const start = process.hrtime.bigint();
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
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const seconds = runEpoch();
  const accuracy = dl.tidy(() => dl.noGrad(() => model.forward(xTest).argmax(1).eq(yTest).float().mean().item()));
  const memory = [dl.memory().numBytes];
  let second = NaN;
  for (let e = 0; e < extraEpochs; e++) {
    const s = runEpoch();
    if (e === 0) second = s;
    memory.push(dl.memory().numBytes);
  }
  return { seconds, second_epoch_seconds: second, accuracy, memory, threads: dl.getNumThreads() };
}

const [dataDir, extra] = process.argv.slice(2);
console.log(JSON.stringify(run(dataDir, Number(extra ?? 1))));
