/**
 * A Storage is one backend buffer shared by a tensor and all its views.
 *
 * Lifetime: each Tensor wrapper holds one reference. `tensor.dispose()` (or the end of a
 * `tidy` scope) drops it, and the buffer goes back to the backend when the last one is gone —
 * deterministically. If wrappers are simply forgotten, a FinalizationRegistry frees the buffer
 * once the Storage object itself is garbage collected; the native backend reports its bytes to
 * V8 as external memory, so the collector knows how much native memory it is holding.
 */
import type { Backend } from '../backends/backend.js';
import type { BufferHandle } from '../backends/ops.js';

/** The part of a storage that outlives it for the finalizer: no reference back to the Storage. */
interface StorageCell {
  backend: Backend;
  handle: BufferHandle;
  bytes: number;
  /** Tensor wrappers still holding this storage. */
  refs: number;
  freed: boolean;
}

const counters = { liveTensors: 0, liveStorages: 0, liveBytes: 0 };

const finalizer = new FinalizationRegistry<StorageCell>((cell) => {
  if (cell.freed) return;
  counters.liveTensors -= cell.refs;
  release(cell);
});

function release(cell: StorageCell): void {
  cell.freed = true;
  cell.refs = 0;
  counters.liveStorages--;
  counters.liveBytes -= cell.bytes;
  cell.backend.free(cell.handle);
}

/**
 * Storage objects whose buffers were released deterministically, kept for reuse. A reused
 * object keeps its finalizer registration (its cell is refilled, not replaced), which saves the
 * register/unregister pair — the largest fixed cost of a small op — on every allocation.
 */
const spares: Storage[] = [];
const MAX_SPARES = 1024;

export class Storage {
  /** Bumped by every in-place write; autograd compares it with the version it saved. */
  version = 0;
  private readonly cell: StorageCell;

  /** Whether the finalizer watches this storage (see `guard`). */
  private guarded = false;

  private constructor(backend: Backend, bytes: number) {
    this.cell = { backend, handle: backend.allocate(bytes), bytes, refs: 0, freed: false };
    counters.liveStorages++;
    counters.liveBytes += bytes;
  }

  /** A storage with a fresh buffer of `bytes` bytes on `backend`. */
  static create(backend: Backend, bytes: number): Storage {
    const reused = spares.pop();
    if (reused === undefined) return new Storage(backend, bytes);
    const cell = reused.cell;
    cell.handle = backend.allocate(bytes);
    cell.backend = backend;
    cell.bytes = bytes;
    cell.refs = 0;
    cell.freed = false;
    reused.version = 0;
    counters.liveStorages++;
    counters.liveBytes += bytes;
    return reused;
  }

  /**
   * Put the storage under the finalizer's watch. Registration costs about as much as a small
   * kernel, so it is done only for storages that can outlive deterministic disposal: tensors
   * created outside any `tidy` scope, tensors that leave their scopes (`keep`, returned from the
   * outermost `tidy`), and autograd's saved aliases. A storage whose tensors all sit in a scope
   * is always reachable from that scope until the scope disposes it.
   */
  guard(): void {
    if (this.guarded || this.cell.freed) return;
    this.guarded = true;
    finalizer.register(this, this.cell, this);
  }

  get backend(): Backend { return this.cell.backend; }
  get handle(): BufferHandle { return this.cell.handle; }
  get bytes(): number { return this.cell.bytes; }
  get freed(): boolean { return this.cell.freed; }
  /** Tensor wrappers (views and autograd aliases included) using this storage. */
  get refCount(): number { return this.cell.refs; }

  /** A tensor wrapper starts using this storage. */
  retain(): void {
    this.cell.refs++;
    counters.liveTensors++;
  }

  /** A tensor wrapper is done with this storage; frees the buffer after the last one. */
  releaseRef(): void {
    if (this.cell.freed) return;
    this.cell.refs--;
    counters.liveTensors--;
    if (this.cell.refs <= 0) {
      release(this.cell);
      // Every wrapper of this storage is disposed, so no live tensor can see the object again.
      if (spares.length < MAX_SPARES) spares.push(this);
      else if (this.guarded) finalizer.unregister(this);
    }
  }
}

/** Live tensor wrappers, storages and bytes as seen by the front end. */
export function storageCounters(): { liveTensors: number; liveStorages: number; liveBytes: number } {
  return { ...counters };
}
