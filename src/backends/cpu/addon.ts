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
  // Collectives over Open MPI (native/src/mpi.cc, used by src/distributed/mpi_group.ts). A
  // buffer is a handle of this addon or a typed array; offsets and counts are in elements;
  // each collective returns a request id for mpiWait/mpiTest.
  mpiInit(): { rank: number; size: number; library: string };
  mpiAllreduce(comm: number, buffer: MpiBuffer, offset: number, count: number, dtypeCode: number, opCode: number): number;
  mpiBcast(comm: number, buffer: MpiBuffer, offset: number, count: number, dtypeCode: number, root: number): number;
  mpiAllgather(comm: number, send: MpiBuffer, sendOffset: number, recv: MpiBuffer, recvOffset: number, count: number, dtypeCode: number): number;
  mpiReduceScatter(comm: number, send: MpiBuffer, sendOffset: number, recv: MpiBuffer, recvOffset: number, count: number, dtypeCode: number, opCode: number): number;
  mpiBarrier(comm: number): number;
  /** A sub-communicator id; -1 when this rank is not a member (color < 0), -2 on timeout. */
  mpiCommSplit(comm: number, color: number, key: number, timeoutMs: number): number;
  mpiCommCreateGroup(comm: number, ranks: number[], tag: number, timeoutMs: number): number;
  /** [rank, size] */
  mpiCommInfo(comm: number): [number, number];
  mpiCommFree(comm: number): number;
  /** True when the request finished (throws if its MPI call failed), false if still running after timeoutMs. */
  mpiWait(request: number, timeoutMs: number): boolean;
  mpiTest(request: number): boolean;
  /** Whether MPI_Finalize completed within timeoutMs. */
  mpiFinalize(timeoutMs: number): boolean;
}

/** What an MPI collective reads or writes: an addon buffer handle or a typed array. */
export type MpiBuffer = number | Float32Array | Int32Array;

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
