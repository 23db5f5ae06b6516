/**
 * The environment for the Python references (NumPy/PyTorch on OpenBLAS). OpenBLAS's
 * auto-detection misses AVX-512 on these VMs, so its SkylakeX kernels are forced where the CPU
 * has AVX-512F; on a CPU without it those kernels die with SIGILL, so Haswell's (AVX2 + FMA) are
 * used there. Decided from the CPU's feature flags, never its model name.
 */
import { readFileSync } from 'node:fs';

/** The OpenBLAS core type matching this CPU's vector extensions. */
export function openblasCoreType(): 'SkylakeX' | 'Haswell' {
  let flags = '';
  try {
    flags = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return 'Haswell';
  }
  return /\bavx512f\b/.test(flags) ? 'SkylakeX' : 'Haswell';
}

/** process.env with OPENBLAS_CORETYPE set for this CPU, plus `extra`. */
export function referenceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_CORETYPE: openblasCoreType(), ...extra };
}
