/**
 * The native CPU backend: buffers live in native memory (64-byte aligned, size-bucketed cache),
 * kernels run in C++ (vectorised, threaded over a persistent pool). An op/dtype combination
 * without a native kernel is refused by `supportsOp` or declined by `run`, and the front end's
 * host fallback runs the reference kernels on the same memory through zero-copy typed arrays
 * (`hostArray`), so callers never see the difference except in speed.
 */
import { readHostBuffer, readHostBufferAsync } from '../host_memory.js';
import { BYTES_PER_ELEMENT, typedArrayOver, type AnyTypedArray, type DType } from '../../base/dtype.js';
import type { HostMemoryBackend, MemoryStats } from '../backend.js';
import type { BufferHandle, OpArgs, OpKind, OpQuery } from '../ops.js';
import { ARG_CAPACITY, ArgWriter, DTYPE_CODES, ENCODERS, KIND_CODES, subCode } from './abi.js';
import { loadNativeAddon, type NativeAddon } from './addon.js';

/** Host views of one live buffer, created on first use. */
interface Lent {
  buffer: ArrayBuffer;
  arrays: Partial<Record<DType, AnyTypedArray>>;
}

function dtypeOfArray(data: AnyTypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'bool';
}

export class CpuBackend implements HostMemoryBackend {
  readonly name = 'cpu';
  readonly deviceType = 'cpu' as const;
  /** The addon's `run` declines every (kind, sub-op, dtype) that `supports` refuses. */
  readonly runChecksSupport = true;
  private readonly writer = new ArgWriter(new Float64Array(ARG_CAPACITY));
  private readonly lent = new Map<BufferHandle, Lent>();

  constructor(private readonly native: NativeAddon) {
    native.init(this.writer.args);
  }

  allocate(bytes: number): BufferHandle {
    return this.native.alloc(bytes);
  }

  free(buffer: BufferHandle): void {
    this.native.free(buffer); // throws for a bad handle; detaches lent ArrayBuffers
    this.lent.delete(buffer);
  }

  hostArray(buffer: BufferHandle, dtype: DType): AnyTypedArray {
    let entry = this.lent.get(buffer);
    if (!entry) {
      entry = { buffer: this.native.hostView(buffer), arrays: {} };
      this.lent.set(buffer, entry);
    }
    let array = entry.arrays[dtype];
    if (!array) {
      array = typedArrayOver(dtype, entry.buffer, 0, Math.floor(entry.buffer.byteLength / BYTES_PER_ELEMENT[dtype]));
      entry.arrays[dtype] = array;
    }
    return array;
  }

  write(buffer: BufferHandle, data: AnyTypedArray, offset: number): void {
    const dst = this.hostArray(buffer, dtypeOfArray(data));
    if (!(Number.isInteger(offset) && offset >= 0 && offset + data.length <= dst.length)) {
      throw new RangeError(`write of ${data.length} elements at ${offset} overruns a buffer of ${dst.length}`);
    }
    (dst as { set(a: ArrayLike<number | bigint>, o: number): void }).set(data, offset);
  }

  read(buffer: BufferHandle, dtype: DType, offset: number, length: number): AnyTypedArray {
    return readHostBuffer(this, buffer, dtype, offset, length);
  }

  readAsync(buffer: BufferHandle, dtype: DType, offset: number, length: number): Promise<AnyTypedArray> {
    return readHostBufferAsync(this, buffer, dtype, offset, length);
  }

  /** False when the arguments cannot be encoded (rank above MAX_NATIVE_DIMS, ...) or the native kernel lacks these exact dtypes. */
  run<K extends OpKind>(kind: K, args: OpArgs[K]): boolean {
    const w = this.writer;
    w.reset();
    const sub = (ENCODERS[kind] as (w: ArgWriter, a: OpArgs[K]) => number)(w, args);
    return w.ok && this.native.run(KIND_CODES[kind], sub);
  }

  supportsOp(query: OpQuery): boolean {
    return this.native.supports(KIND_CODES[query.kind], subCode(query.kind, query.op), DTYPE_CODES[query.dtype]);
  }

  synchronize(): void {
    // Kernels run synchronously on the calling thread (with the pool's help).
  }

  memoryStats(): MemoryStats {
    const [liveBuffers, liveBytes, cachedBytes] = this.native.stats();
    return { liveBuffers, liveBytes, cachedBytes };
  }

  emptyCache(): void {
    this.native.emptyCache();
  }

  setNumThreads(n: number): void {
    this.native.setNumThreads(n);
  }

  getNumThreads(): number {
    return this.native.getNumThreads();
  }

  cpuInfo(): { isa: 'avx512' | 'avx2' | 'portable'; gemm: string } {
    return this.native.cpuInfo();
  }
}

let loaded: { backend: CpuBackend } | { error: string } | undefined;

/** The CPU backend (one per process: native buffers are process-wide), or why it is unavailable. */
export function loadCpuBackend(): { backend: CpuBackend } | { error: string } {
  if (!loaded) {
    const r = loadNativeAddon();
    loaded = 'error' in r ? { error: r.error } : { backend: new CpuBackend(r.addon) };
  }
  return loaded;
}

function nativeOrThrow(): CpuBackend {
  const r = loadCpuBackend();
  if ('error' in r) throw new Error(`cpu backend unavailable: ${r.error}`);
  return r.backend;
}

/** Threads used by native kernels (the calling thread included). */
export function setNumThreads(n: number): void {
  nativeOrThrow().setNumThreads(n);
}
export function getNumThreads(): number {
  return nativeOrThrow().getNumThreads();
}
/** Instruction set of the elementwise kernels and of the GEMM microkernel. */
export function cpuInfo(): { isa: 'avx512' | 'avx2' | 'portable'; gemm: string } {
  return nativeOrThrow().cpuInfo();
}
