/**
 * The models, data and training loops of the data-parallel equivalence tests, shared by the
 * mpirun worker (test/distributed/ddp_worker.ts: each rank trains its share with batch b) and by
 * test/distributed_ddp.test.ts (one process trains on batch 2b, the reference). Everything is
 * seeded, so both sides build the same initial weights and the same data.
 */
import * as dl from '../../src/index.js';
import type { ProcessGroup } from '../../src/distributed/index.js';

const { nn } = dl;

/** Examples per rank and step in the 2-rank runs (the 1-process reference uses twice as many). */
export const BATCH = 4;
export const EPOCHS = 2;
export const SAMPLER_SEED = 3;

export interface Case {
  model: dl.nn.Module;
  x: dl.Tensor;
  y: dl.Tensor;
  lr: number;
  /** Bucket cap of the DDP wrapper (small in the CNN case: one bucket per parameter, several in flight). */
  bucketCapMb: number;
}

/** A table: 48 rows × 6 features, 3 classes; an MLP. */
export function mlpCase(): Case {
  dl.manualSeed(21);
  const x = dl.randn([48, 6]);
  const y = x.narrow(1, 0, 3).argmax(1);
  const model = new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 3));
  return { model, x, y, lr: 0.2, bucketCapMb: 25 };
}

/** Generated 1×8×8 images, 2 classes (brighter left or right half); a small CNN. */
export function cnnCase(): Case {
  dl.manualSeed(22);
  const x = dl.randn([32, 1, 8, 8]);
  const y = x.narrow(3, 0, 4).mean([1, 2, 3]).gt(x.narrow(3, 4, 4).mean([1, 2, 3])).long();
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(64, 2),
  );
  return { model, x, y, lr: 0.1, bucketCapMb: 0.0001 };
}

export const CASES = { mlp: mlpCase, cnn: cnnCase } as const;
export type CaseName = keyof typeof CASES;

/** One process's view of a fit: per-step losses (its own batch's mean) and the final parameters. */
export interface Trace {
  losses: number[];
  params: Record<string, number[]>;
}

export function paramsOf(model: dl.nn.Module): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, p] of model.namedParameters()) out[name] = Array.from(p.dataSync() as Float32Array);
  return out;
}

/**
 * Trains `c.model` with SGD (momentum 0.9) over EPOCHS epochs of a DistributedSampler(shuffle)
 * share with `batchSize` per step: `group` null trains the model itself on all rows (the
 * 1-process reference); a group wraps it in DistributedDataParallel and reads this rank's share.
 */
export function train(c: Case, group: ProcessGroup | null, batchSize: number): Trace {
  const ds = new dl.data.TensorDataset(c.x, c.y);
  const replicas = group?.size ?? 1;
  const sampler = new dl.data.DistributedSampler(ds, { numReplicas: replicas, rank: group?.rank ?? 0, seed: SAMPLER_SEED });
  const loader = new dl.data.DataLoader(ds, { batchSize, sampler });
  const net = group === null ? c.model : new nn.parallel.DistributedDataParallel(c.model, { processGroup: group, bucketCapMb: c.bucketCapMb });
  const opt = new dl.optim.SGD(c.model.parameters(), { lr: c.lr, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    sampler.setEpoch(epoch);
    for (const batch of loader) {
      const [x, y] = batch as dl.Tensor[];
      dl.tidy(() => {
        opt.zeroGrad();
        const loss = lossFn.forward(net.forward(x) as dl.Tensor, y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      });
    }
  }
  return { losses, params: paramsOf(c.model) };
}

// ------------------------------------------------------------------ SyncBatchNorm

export const BN_CHANNELS = 3;

/** Rank r's input half of the global [8, 3, 4, 4] batch and the loss weights, and the BN's affine init. */
export function bnData(): { x: dl.Tensor; w: dl.Tensor; weight: dl.Tensor; bias: dl.Tensor; x2: dl.Tensor } {
  dl.manualSeed(31);
  const x = dl.randn([8, BN_CHANNELS, 4, 4]).mul(2).add(0.5);
  const w = dl.randn([8, BN_CHANNELS, 4, 4]);
  const weight = dl.randn([BN_CHANNELS]).add(1);
  const bias = dl.randn([BN_CHANNELS]);
  const x2 = dl.randn([8, BN_CHANNELS, 4, 4]).mul(3).sub(1);
  return { x, w, weight, bias, x2 };
}

/** What a BatchNorm did: the first forward's output, gradients, running statistics after two forwards, an eval output. */
export interface BnTrace {
  y: number[];
  xGrad: number[];
  weightGrad: number[];
  biasGrad: number[];
  runningMean: number[];
  runningVar: number[];
  numBatchesTracked: number;
  evalY: number[];
}

const values = (t: dl.Tensor): number[] => Array.from(t.dataSync() as Float32Array);

/**
 * Runs `bn` (a BatchNorm2d or SyncBatchNorm of BN_CHANNELS) on rows [start, start + rows) of
 * the data: forward, loss Σ y·w, backward; a second training forward on x2; an eval forward.
 */
export function runBatchNorm(bn: dl.nn.Module & { weight: dl.Tensor | null; bias: dl.Tensor | null }, start: number, rows: number): BnTrace {
  const d = bnData();
  dl.noGrad(() => { bn.weight!.copy_(d.weight); bn.bias!.copy_(d.bias); });
  const x = d.x.narrow(0, start, rows).contiguous().detach().requiresGrad_(true);
  bn.train();
  const y = bn.forward(x) as dl.Tensor;
  y.mul(d.w.narrow(0, start, rows)).sum().backward();
  dl.noGrad(() => bn.forward(d.x2.narrow(0, start, rows).contiguous()));
  const rm = bn.getBuffer('running_mean')!, rv = bn.getBuffer('running_var')!, nb = bn.getBuffer('num_batches_tracked')!;
  bn.eval();
  const evalY = dl.noGrad(() => bn.forward(d.x2.narrow(0, start, rows).contiguous()) as dl.Tensor);
  return {
    y: values(y), xGrad: values(x.grad!), weightGrad: values(bn.weight!.grad!), biasGrad: values(bn.bias!.grad!),
    runningMean: values(rm), runningVar: values(rv), numBatchesTracked: Number(nb.item()), evalY: values(evalY),
  };
}

/** A CNN with BatchNorm (converted to SyncBatchNorm on the ranks) trained 3 steps on 2·BATCH images per step. */
export function bnModelCase(): { model: dl.nn.Module; x: dl.Tensor; y: dl.Tensor } {
  dl.manualSeed(32);
  const x = dl.randn([3 * 2 * BATCH, 2, 6, 6]).mul(1.5).add(0.3);
  const y = x.mean([1, 2, 3]).gt(0.3).long();
  const model = new nn.Sequential(
    new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.BatchNorm2d(3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(3 * 36, 2),
  );
  return { model, x, y };
}

/** Trains `net` (the model or its DDP wrapper) 3 SGD steps; `rows(step)` picks this process's rows of the step. */
export function trainBnModel(model: dl.nn.Module, net: dl.nn.Module, x: dl.Tensor, y: dl.Tensor, rows: (step: number) => [number, number]): { losses: number[]; params: Record<string, number[]>; buffers: Record<string, number[]> } {
  const opt = new dl.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.5 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  net.train();
  for (let step = 0; step < 3; step++) {
    const [start, n] = rows(step);
    dl.tidy(() => {
      opt.zeroGrad();
      const loss = lossFn.forward(net.forward(x.narrow(0, start, n).contiguous()) as dl.Tensor, y.narrow(0, start, n).contiguous());
      loss.backward();
      opt.step();
      losses.push(loss.item());
    });
  }
  const buffers: Record<string, number[]> = {};
  for (const [name, b] of model.namedBuffers()) buffers[name] = Array.from(b.dataSync() as ArrayLike<number>, Number);
  return { losses, params: paramsOf(model), buffers };
}

// ------------------------------------------------------------------ noSync and unused parameters

/** Micro-batches of the accumulation case: k = 2 under noSync, then one synchronised. */
export const ACCUMULATE = 3;

/** An MLP on 2·BATCH·ACCUMULATE rows (micro-batch m of rank r: rows 2·BATCH·m + r·BATCH …). */
export function accumulateCase(): { model: dl.nn.Module; x: dl.Tensor; y: dl.Tensor } {
  dl.manualSeed(41);
  const x = dl.randn([2 * BATCH * ACCUMULATE, 5]);
  const y = x.narrow(1, 0, 2).sum(1).gt(0).long();
  return { model: new nn.Sequential(new nn.Linear(5, 7), new nn.ReLU(), new nn.Linear(7, 2)), x, y };
}

/** The gradient of `model`'s parameters by name (null: none). */
export function gradsOf(model: dl.nn.Module): Record<string, number[] | null> {
  const out: Record<string, number[] | null> = {};
  for (const [name, p] of model.namedParameters()) out[name] = p.grad === null ? null : Array.from(p.grad.dataSync() as Float32Array);
  return out;
}

/**
 * A model whose `unused` layer never takes part in the loss, and whose `partial` layer takes
 * part only when forward is told so (on some ranks only).
 */
export class Branchy extends nn.Module {
  first = new nn.Linear(4, 3);
  unused = new nn.Linear(4, 3);
  partial = new nn.Linear(3, 3);

  override forward(x: dl.Tensor, usePartial = false): dl.Tensor {
    const h = this.first.forward(x).tanh();
    return usePartial ? this.partial.forward(h).add(h) : h;
  }
}

export function branchyCase(): { model: Branchy; x: dl.Tensor } {
  dl.manualSeed(51);
  const model = new Branchy();
  return { model, x: dl.randn([2 * BATCH, 4]) };
}
