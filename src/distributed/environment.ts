/**
 * Where this process sits in a job, read from its launcher's environment variables — the one
 * place dlflow reads them; everything else gets a `LaunchEnvironment` passed down.
 *
 * Launchers, in the order they are looked for:
 * - Open MPI's mpirun: OMPI_COMM_WORLD_RANK / _SIZE / _LOCAL_RANK / _LOCAL_SIZE
 * - PMI / PMIx (Slurm's srun, MPICH's hydra): PMI_RANK / PMI_SIZE, MPI_LOCALRANKID / MPI_LOCALNRANKS,
 *   PMIX_RANK (PMIx gives no size)
 * - torchrun and other env:// launchers: RANK / WORLD_SIZE / LOCAL_RANK / LOCAL_WORLD_SIZE
 * Also where Open MPI's mpirun is on PATH ({@link findMpirun}).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Launcher = 'openmpi' | 'pmi' | 'pmix' | 'torchrun';

export interface LaunchEnvironment {
  /** The launcher found, or null when the process was started on its own. */
  readonly launcher: Launcher | null;
  readonly rank: number;
  /** The world size; null where the launcher does not say (PMIx alone). */
  readonly worldSize: number | null;
  /** The rank among the processes of this machine (0 when the launcher does not say). */
  readonly localRank: number;
  /** How many of the job's processes run on this machine (null when the launcher does not say). */
  readonly localSize: number | null;
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`launcher environment: ${name}=${JSON.stringify(raw)} is not an integer ≥ ${min}`);
  return v;
}

/**
 * The launch environment of this process (`env` defaults to process.env).
 *
 * @example
 * const where = readLaunchEnvironment({ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2' });
 * where.launcher; // 'openmpi'
 * where.rank;     // 1
 */
export function readLaunchEnvironment(env: Env = process.env): LaunchEnvironment {
  const ompiRank = intVar(env, 'OMPI_COMM_WORLD_RANK', 0);
  if (ompiRank !== undefined) {
    return {
      launcher: 'openmpi', rank: ompiRank,
      worldSize: intVar(env, 'OMPI_COMM_WORLD_SIZE', 1) ?? null,
      localRank: intVar(env, 'OMPI_COMM_WORLD_LOCAL_RANK', 0) ?? 0,
      localSize: intVar(env, 'OMPI_COMM_WORLD_LOCAL_SIZE', 1) ?? null,
    };
  }
  const pmiRank = intVar(env, 'PMI_RANK', 0);
  if (pmiRank !== undefined) {
    return {
      launcher: 'pmi', rank: pmiRank, worldSize: intVar(env, 'PMI_SIZE', 1) ?? null,
      localRank: intVar(env, 'MPI_LOCALRANKID', 0) ?? intVar(env, 'SLURM_LOCALID', 0) ?? 0,
      localSize: intVar(env, 'MPI_LOCALNRANKS', 1) ?? null,
    };
  }
  const pmixRank = intVar(env, 'PMIX_RANK', 0);
  if (pmixRank !== undefined) {
    return { launcher: 'pmix', rank: pmixRank, worldSize: null, localRank: intVar(env, 'SLURM_LOCALID', 0) ?? 0, localSize: null };
  }
  const rank = intVar(env, 'RANK', 0);
  const worldSize = intVar(env, 'WORLD_SIZE', 1);
  if (rank !== undefined && worldSize !== undefined) {
    return { launcher: 'torchrun', rank, worldSize, localRank: intVar(env, 'LOCAL_RANK', 0) ?? 0, localSize: intVar(env, 'LOCAL_WORLD_SIZE', 1) ?? null };
  }
  return { launcher: null, rank: 0, worldSize: 1, localRank: 0, localSize: 1 };
}

/**
 * Open MPI's `mpirun` on `env.PATH` (the first directory that holds one), or null: what
 * `dlflow train --nproc N` starts its processes with.
 */
export function findMpirun(env: Env = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'mpirun');
    if (dir !== '' && fs.existsSync(file)) return file;
  }
  return null;
}

/** Whether this process was started by a launcher (mpirun, srun, torchrun, …). */
export function hasLauncher(env: Env = process.env): boolean {
  return readLaunchEnvironment(env).launcher !== null;
}
