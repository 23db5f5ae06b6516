/**
 * Which backend new tensors are created on. Backends are chosen explicitly here — no registry
 * filled by import side effects. `cpu` (the native addon) is the default; when the addon is not
 * built, `reference` (plain TypeScript) takes over with one warning.
 */
import type { Backend } from './backend.js';
import { loadCpuBackend, type CpuBackend } from './cpu/cpu_backend.js';
import { ReferenceBackend } from './reference/reference_backend.js';

export type BackendName = 'cpu' | 'reference';

const instances: Partial<Record<BackendName, Backend>> = {};
let current: Backend | null = null;
let cpuLoadError: string | null = null;

function instantiate(name: BackendName): Backend | null {
  const existing = instances[name];
  if (existing !== undefined) return existing;
  if (name === 'reference') {
    instances.reference = new ReferenceBackend();
    return instances.reference;
  }
  const loaded = loadCpuBackend();
  if ('error' in loaded) {
    cpuLoadError = loaded.error;
    return null;
  }
  instances.cpu = loaded.backend;
  return loaded.backend;
}

/** The backend new tensors go to. */
export function getBackend(): Backend {
  if (current !== null) return current;
  const cpu = instantiate('cpu');
  if (cpu !== null) {
    current = cpu;
  } else {
    process.emitWarning(`dlflow: the native CPU backend is unavailable (${cpuLoadError}); ` +
      'falling back to the slow TypeScript reference backend.', 'DlflowWarning');
    current = instantiate('reference')!;
  }
  return current;
}

/**
 * Choose the backend for new tensors: a built-in one by name, or any object implementing the
 * `Backend` contract (a device backend under development, a test double). A custom backend may
 * implement only some ops; the others run through the host fallback.
 *
 * @example
 * dl.setBackend('reference'); // plain TypeScript kernels, the test oracle
 */
export function setBackend(backend: BackendName | Backend): Backend {
  if (typeof backend === 'object' && backend !== null) {
    current = backend;
    return backend;
  }
  if (backend !== 'cpu' && backend !== 'reference') {
    throw new Error(`setBackend: unknown backend ${JSON.stringify(backend)}; available: cpu, reference`);
  }
  const instance = instantiate(backend);
  if (instance === null) throw new Error(`setBackend('cpu'): the native addon could not be loaded: ${cpuLoadError}`);
  current = instance;
  return instance;
}

/** Backends that can be instantiated on this machine. */
export function availableBackends(): BackendName[] {
  const names: BackendName[] = ['reference'];
  if (instantiate('cpu') !== null) names.unshift('cpu');
  return names;
}

/**
 * Runs `fn` with `backend` (a name or a `Backend` object) as the current backend, then restores
 * the previous one.
 */
export function withBackend<T>(backend: BackendName | Backend, fn: () => T): T {
  const prev = current;
  setBackend(backend);
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** Threads used by the native CPU kernels (like `torch.set_num_threads`). No effect on `reference`. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  const cpu = instantiate('cpu') as CpuBackend | null;
  cpu?.setNumThreads(n);
}

/** Threads used by the native CPU kernels (1 when the addon is not built). */
export function getNumThreads(): number {
  const cpu = instantiate('cpu') as CpuBackend | null;
  return cpu === null ? 1 : cpu.getNumThreads();
}
