/**
 * Data-parallel training on this machine: a CNN step on Fashion-MNIST (Debian's
 * dataset-fashion-mnist, /usr/share/datasets/fashion-mnist) with 128 images per step, run as
 * 2 ranks × 1 thread × 64 images (DistributedDataParallel over Open MPI) and as 1 process ×
 * 2 threads × 128 images. Prints both step times and the implied epoch (60,000 images) times,
 * and for the 2 ranks the all-reduce's share of a step two ways: the same step under noSync
 * (no communication) against the synchronised one, and one blocking all-reduce of the whole
 * gradient (every bucket, back to back) timed alone. CPU model printed.
 * Run: `node --import tsx bench/ddp.ts` (needs openmpi-bin).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';
import { printTable } from './timing.js';

const { nn } = dl;
const GLOBAL_BATCH = 128;
const IMAGES = 4096;
const WARMUP = 3;
const STEPS = 20;
const ROUNDS = 3;
const MPI_ENV = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
const SELF = fileURLToPath(import.meta.url);

interface Result { step: number; noSync?: number; allReduce?: number; gradMiB?: number }

function cnn(): dl.nn.Module {
  dl.manualSeed(0);
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
  );
}

function data(): { x: dl.Tensor; y: dl.Tensor } {
  const train = dl.data.loadFashionMnist().train;
  const images = dl.data.normalizeImages(train, 0.2860, 0.3530);
  const per = 28 * 28;
  return {
    x: dl.tensor(images.data.subarray(0, IMAGES * per), { shape: [IMAGES, 1, 28, 28] }),
    y: dl.tensor(Int32Array.from(train.labels.subarray(0, IMAGES))).long(),
  };
}

/** Best seconds per step over ROUNDS runs of STEPS steps (after WARMUP), batches drawn in turn. */
function timeSteps(net: dl.nn.Module, model: dl.nn.Module, x: dl.Tensor, y: dl.Tensor, batch: number, offset: number, sync: (() => void) | null, wrap: (f: () => void) => void = (f) => f()): number {
  const opt = new dl.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const loss = new nn.CrossEntropyLoss();
  let k = 0;
  const step = (): void => {
    const start = (k++ * GLOBAL_BATCH + offset) % (IMAGES - GLOBAL_BATCH);
    dl.tidy(() => {
      opt.zeroGrad();
      wrap(() => loss.forward(net.forward(x.narrow(0, start, batch)) as dl.Tensor, y.narrow(0, start, batch)).backward());
      opt.step();
    });
  };
  for (let i = 0; i < WARMUP; i++) step();
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    sync?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < STEPS; i++) step();
    sync?.();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / STEPS);
  }
  return best;
}

/** Under mpirun: 2 ranks × 1 thread; rank 0 prints one JSON line. */
async function ranks(): Promise<void> {
  dl.setNumThreads(1);
  const world = await dl.distributed.initProcessGroup({ backend: 'mpi' });
  const { x, y } = data();
  const model = cnn();
  const ddp = new nn.parallel.DistributedDataParallel(model, { processGroup: world });
  const batch = GLOBAL_BATCH / world.size;
  const barrier = (): void => world.barrier();
  const step = timeSteps(ddp, model, x, y, batch, world.rank * batch, barrier);
  const noSync = timeSteps(ddp, model, x, y, batch, world.rank * batch, barrier, (f) => ddp.noSync(f));
  const numel = model.parameters().reduce((n, p) => n + p.numel(), 0);
  const flat = dl.zeros([numel]);
  for (let i = 0; i < WARMUP; i++) world.allReduce(flat);
  let allReduce = Infinity;
  for (let r = 0; r < 10; r++) {
    barrier();
    const t0 = process.hrtime.bigint();
    world.allReduce(flat);
    allReduce = Math.min(allReduce, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  if (world.rank === 0) console.log(JSON.stringify({ step, noSync, allReduce, gradMiB: (numel * 4) / 2 ** 20 } satisfies Result));
  ddp.dispose();
  dl.distributed.destroyProcessGroup();
}

/** 1 process × 2 threads, the whole batch. */
function single(): void {
  dl.setNumThreads(2);
  const { x, y } = data();
  const model = cnn();
  console.log(JSON.stringify({ step: timeSteps(model, model, x, y, GLOBAL_BATCH, 0, null) } satisfies Result));
}

function child(command: string, args: string[]): Result {
  const r = spawnSync(command, args, { env: MPI_ENV, encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return JSON.parse(line) as Result;
}

function main(): void {
  const node = [process.execPath, '--import', 'tsx', SELF];
  const one = child(node[0], [...node.slice(1), 'single']);
  const two = child('mpirun', ['-np', '2', '--oversubscribe', ...node, 'ranks']);
  const ms = (s: number): string => (s * 1000).toFixed(1);
  const epoch = (s: number): string => ((60000 / GLOBAL_BATCH) * s).toFixed(1);
  console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores)`);
  console.log(`CNN on Fashion-MNIST, ${GLOBAL_BATCH} images per step (best of ${ROUNDS} × ${STEPS} steps); gradient ${two.gradMiB!.toFixed(2)} MiB`);
  printTable(['setup', 'ms/step', 'epoch s (60k)', 'vs 1×2'], [
    ['1 process × 2 threads, batch 128', ms(one.step), epoch(one.step), '1.00'],
    ['2 ranks × 1 thread, batch 64 each (DDP)', ms(two.step), epoch(two.step), (one.step / two.step).toFixed(2)],
    ['2 ranks × 1 thread, noSync (no all-reduce)', ms(two.noSync!), epoch(two.noSync!), (one.step / two.noSync!).toFixed(2)],
  ]);
  const exposed = Math.max(0, two.step - two.noSync!);
  console.log(`all-reduce share of a 2-rank step: ${((100 * exposed) / two.step).toFixed(1)}% exposed (synced − noSync = ${ms(exposed)} ms); ` +
    `the whole gradient all-reduced alone takes ${ms(two.allReduce!)} ms = ${((100 * two.allReduce!) / two.step).toFixed(1)}% of a step`);
}

const mode = process.argv[2];
if (mode === 'ranks') await ranks();
else if (mode === 'single') single();
else main();
