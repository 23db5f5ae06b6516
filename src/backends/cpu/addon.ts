/**
 * Loads the native addon built by node-gyp (`build/Release/dlflow_native.node`). The path is
 * resolved from the package root, which is three levels above this file both when it runs from
 * `src/backends/cpu` (tsx) and from `dist/backends/cpu` (compiled).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's exports (native/src/addon.cc). */
export interface NativeAddon {
  init(args: Float64Array): void;
  alloc(bytes: number): number;
  free(handle: number): void;
  hostView(handle: number): ArrayBuffer;
  /** [liveBuffers, liveBytes, cachedBytes] */
  stats(): [number, number, number];
  emptyCache(): void;
  /** Runs an op whose arguments are in the init array; false when it has no native kernel. */
  run(kindCode: number, subCode: number): boolean;
  supports(kindCode: number, subCode: number, dtypeCode: number): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  cpuInfo(): { isa: 'avx512' | 'avx2' | 'portable'; gemm: string };
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The addon, or why it could not be loaded (not built, wrong platform, ...). */
export function loadNativeAddon(): { addon: NativeAddon } | { error: string } {
  const candidates = ['Release', 'Debug'].map((c) => path.join(packageRoot, 'build', c, 'dlflow_native.node'));
  const found = candidates.find((p) => existsSync(p));
  if (!found) return { error: `native addon not built (looked for ${candidates[0]}); run \`npm run build:native\`` };
  try {
    const require = createRequire(import.meta.url);
    return { addon: require(found) as NativeAddon };
  } catch (e) {
    return { error: `failed to load ${found}: ${(e as Error).message}` };
  }
}
