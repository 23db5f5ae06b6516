/**
 * `dl.distributed`: collectives across processes, in PyTorch's `torch.distributed` spelling.
 * Backend 'mpi' runs over Open MPI (processes started by `mpirun`, or by `dlflow train
 * --nproc N`); backend 'local' is a world of one process, for tests and single-process runs.
 * The module-level functions act on the default (world) group unless `{ group }` is given.
 *
 * @example
 * // mpirun -np 2 node --import tsx allreduce.ts
 * import * as dl from 'dlflow';
 * const world = await dl.distributed.initProcessGroup({ backend: 'mpi' });
 * const t = dl.tensor([world.rank + 1, 10], { dtype: 'float32' });
 * dl.distributed.allReduce(t, 'sum');   // [3, 20] on both ranks
 * dl.distributed.destroyProcessGroup();
 */
import { loadNativeAddon, type NativeAddon } from '../backends/cpu/addon.js';
import { checkOptionKeys, defineOptions, option, type OptionsInput } from '../base/options.js';
import { readLaunchEnvironment, type LaunchEnvironment } from './environment.js';
import { DistributedError } from './errors.js';
import { LocalGroup } from './local_group.js';
import { MpiProcessGroup, type MpiContext } from './mpi_group.js';
import type { CollectiveData, ProcessGroup, ReduceOp, Work } from './process_group.js';

export type { CollectiveData, ProcessGroup, ReduceOp, Work } from './process_group.js';
export { DistributedError, DistributedTimeoutError } from './errors.js';
export { readLaunchEnvironment, hasLauncher, findMpirun, type LaunchEnvironment, type Launcher } from './environment.js';
export { MpiProcessGroup } from './mpi_group.js';
export { LocalGroup } from './local_group.js';

const INIT_OPTIONS = defineOptions('initProcessGroup', {
  /** 'mpi' (Open MPI, under a launcher) or 'local' (one process). */
  backend: option.choice(['mpi', 'local'], 'mpi'),
  /** How long a collective may wait for its peers before it fails (PyTorch's default: 30 minutes). */
  timeoutMs: option.number({ default: 30 * 60 * 1000, min: 1 }),
});

export type InitProcessGroupOptions = OptionsInput<typeof INIT_OPTIONS>;

/** Options of the module-level collectives. */
export interface CollectiveOptions {
  /** The group to run on (default: the world group of initProcessGroup). */
  group?: ProcessGroup;
}

/** Options of the collectives that can run asynchronously. */
export interface AsyncCollectiveOptions extends CollectiveOptions {
  /** Return a Work to wait on instead of blocking (PyTorch's `async_op`). */
  async?: boolean;
}

let world: ProcessGroup | null = null;
/** MPI's state outlives destroyProcessGroup: MPI can be initialised once per process. */
let mpi: { context: MpiContext; rank: number; size: number } | null = null;

function mpiNative(): NativeAddon {
  const loaded = loadNativeAddon();
  if ('error' in loaded) throw new DistributedError(`the MPI backend needs dlflow's native addon: ${loaded.error}`);
  if (typeof loaded.addon.mpiInit !== 'function') {
    throw new DistributedError('the native addon was built without MPI support; rebuild it (`npm run build:native`)');
  }
  return loaded.addon;
}

function startMpi(launch: LaunchEnvironment, timeoutMs: number): { context: MpiContext; rank: number; size: number } {
  if (launch.launcher === null) {
    throw new DistributedError('initProcessGroup: no launcher environment (OMPI_COMM_WORLD_RANK, PMI_RANK or PMIX_RANK): ' +
      "start the processes with `mpirun -np N node …` (or `dlflow train --nproc N`), or use { backend: 'local' } for one process");
  }
  if (launch.launcher === 'torchrun') {
    throw new DistributedError(`initProcessGroup: RANK=${launch.rank}/WORLD_SIZE=${launch.worldSize} come from torchrun-style launching, ` +
      "but backend 'mpi' gets its world from an MPI launcher: start the processes with `mpirun -np N node …`");
  }
  const native = mpiNative();
  let info: { rank: number; size: number };
  try {
    info = native.mpiInit();
  } catch (e) {
    throw new DistributedError(`initProcessGroup: ${(e as Error).message}`);
  }
  if (info.rank !== launch.rank || (launch.worldSize !== null && info.size !== launch.worldSize)) {
    throw new DistributedError(`initProcessGroup: MPI says rank ${info.rank} of ${info.size}, the ${launch.launcher} environment ` +
      `rank ${launch.rank} of ${launch.worldSize ?? '?'}: the processes were not started by this MPI's launcher`);
  }
  const state = { context: { native, timeoutMs, broken: null } as MpiContext, rank: info.rank, size: info.size };
  // MPI_Finalize on a clean exit. After a failure it is skipped on purpose: this rank then
  // exits without finalising, which makes mpirun end the job instead of leaving peers waiting.
  process.on('exit', (code) => {
    if (code === 0 && state.context.broken === null) native.mpiFinalize(state.context.timeoutMs);
  });
  return state;
}

/**
 * Joins the job's processes into the default group (PyTorch's `init_process_group`). Rank and
 * world size come from the launcher (mpirun); without one, backend 'mpi' is an error saying
 * how to start the job. Unknown options are errors.
 *
 * @example
 * const world = await dl.distributed.initProcessGroup({ backend: 'mpi', timeoutMs: 60_000 });
 * console.log(world.rank, world.size);
 */
export function initProcessGroup(options?: InitProcessGroupOptions): Promise<ProcessGroup> {
  try {
    const o = INIT_OPTIONS.parse(options);
    if (world !== null) throw new DistributedError('initProcessGroup: the default process group is already initialised (call destroyProcessGroup first)');
    if (o.backend === 'local') {
      world = new LocalGroup();
    } else {
      if (mpi === null) mpi = startMpi(readLaunchEnvironment(), o.timeoutMs);
      // A re-initialisation keeps MPI running but takes the new timeout.
      else mpi.context = { native: mpi.context.native, timeoutMs: o.timeoutMs, broken: mpi.context.broken };
      world = new MpiProcessGroup(mpi.context, 0, mpi.rank, mpi.size, Array.from({ length: mpi.size }, (_, r) => r));
    }
    return Promise.resolve(world);
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/** Whether initProcessGroup has run (and destroyProcessGroup has not). */
export function isInitialized(): boolean {
  return world !== null;
}

/** The default (world) group (PyTorch's `dist.group.WORLD`); throws before initProcessGroup. */
export function defaultGroup(): ProcessGroup {
  if (world === null) throw new DistributedError('dl.distributed: the default process group is not initialised (call initProcessGroup first)');
  return world;
}

function groupOf(fn: string, options: CollectiveOptions | undefined, known: readonly string[] = ['group']): ProcessGroup {
  if (options !== undefined) checkOptionKeys(fn, options, known);
  return options?.group ?? defaultGroup();
}

/** This process's rank in `group` (default: the world). */
export function getRank(group?: ProcessGroup): number {
  return (group ?? defaultGroup()).rank;
}

/** The number of processes in `group` (default: the world). */
export function getWorldSize(group?: ProcessGroup): number {
  return (group ?? defaultGroup()).size;
}

/**
 * A sub-group of the listed world ranks; every rank of the world calls it (PyTorch's `new_group`).
 *
 * @example
 * const pair = dl.distributed.newGroup([0, 1]);
 */
export function newGroup(ranks: number[]): ProcessGroup {
  return defaultGroup().newGroup(ranks);
}

/**
 * Reduces `t` in place over the group; with `{ async: true }` returns a Work to wait on.
 *
 * @example
 * dl.distributed.allReduce(grad, 'mean');
 * const work = dl.distributed.allReduce(grad, 'sum', { async: true }); await work.wait();
 */
export function allReduce(t: CollectiveData, op: ReduceOp | undefined, options: AsyncCollectiveOptions & { async: true }): Work;
export function allReduce(t: CollectiveData, op?: ReduceOp, options?: AsyncCollectiveOptions): void;
export function allReduce(t: CollectiveData, op: ReduceOp = 'sum', options?: AsyncCollectiveOptions): Work | void {
  const group = groupOf('allReduce', options, ['group', 'async']);
  if (options?.async === true) return group.allReduceAsync(t, op);
  group.allReduce(t, op);
}

/**
 * Copies rank `src`'s `t` into every rank's `t`; with `{ async: true }` returns a Work.
 *
 * @example
 * dl.distributed.broadcast(weights, 0);
 */
export function broadcast(t: CollectiveData, src: number, options: AsyncCollectiveOptions & { async: true }): Work;
export function broadcast(t: CollectiveData, src: number, options?: AsyncCollectiveOptions): void;
export function broadcast(t: CollectiveData, src: number, options?: AsyncCollectiveOptions): Work | void {
  const group = groupOf('broadcast', options, ['group', 'async']);
  if (options?.async === true) return group.broadcastAsync(t, src);
  group.broadcast(t, src);
}

/**
 * `list[r]` receives rank r's `t` (PyTorch's `all_gather(tensor_list, tensor)`).
 *
 * @example
 * const parts = [dl.zeros([2]), dl.zeros([2])];
 * dl.distributed.allGather(parts, dl.full([2], dl.distributed.getRank()));
 */
export function allGather(list: CollectiveData[], t: CollectiveData, options?: CollectiveOptions): void {
  groupOf('allGather', options).allGather(list, t);
}

/**
 * `out` receives the reduction over ranks of each rank's `inputs[myRank]` (PyTorch's `reduce_scatter`).
 *
 * @example
 * const out = dl.zeros([2]);
 * dl.distributed.reduceScatter(out, [dl.ones([2]), dl.ones([2])], 'sum'); // [2, 2] with 2 ranks
 */
export function reduceScatter(out: CollectiveData, inputs: CollectiveData[], op?: ReduceOp, options?: CollectiveOptions): void {
  groupOf('reduceScatter', options).reduceScatter(out, inputs, op);
}

/**
 * Returns once every rank of the group has called it.
 *
 * @example
 * dl.distributed.barrier();
 */
export function barrier(options?: CollectiveOptions): void {
  groupOf('barrier', options).barrier();
}

/**
 * Destroys `group`, or with no argument the default group (after which initProcessGroup may
 * be called again; MPI itself stays up until the process exits, when it is finalised).
 *
 * @example
 * dl.distributed.destroyProcessGroup();
 */
export function destroyProcessGroup(group?: ProcessGroup): void {
  if (group !== undefined && group !== world) {
    group.destroy();
    return;
  }
  if (world === null) return;
  world.destroy();
  world = null;
}
