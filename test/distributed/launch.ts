/** What the MPI tests share: where mpirun is, whether CI runs them, a clean child environment, errors as data. */
import { findMpirun } from '../../src/distributed/environment.js';

/** Open MPI's mpirun on PATH, or undefined (the MPI tests then skip locally and fail under CI). */
export const MPIRUN = findMpirun() ?? undefined;
export const UNDER_CI = process.env.CI === 'true';

/** The environment of a child run alone: no launcher variables of ours, root allowed for Open MPI. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', ...extra };
  for (const k of Object.keys(env)) if (/^(OMPI_COMM_WORLD_|PMI_|PMIX_)/.test(k) || ['RANK', 'WORLD_SIZE', 'LOCAL_RANK'].includes(k)) delete env[k];
  return env;
}

/** The error a call throws, as { name, message }; null when it does not throw. */
export function errorOf(fn: () => unknown): { name: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}
