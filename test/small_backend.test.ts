/**
 * A backend may start small: one that implements only fill, copy and binary add/mul on float32,
 * over its own memory (not host memory the front end could borrow, so every other op goes
 * through the host fallback's copy out / reference kernel / copy back), runs the whole
 * conformance table forward and backward and matches the reference backend.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { BYTES_PER_ELEMENT, typedArrayOver, type AnyTypedArray, type DType } from '../src/base/dtype.js';
import type { MemoryStats } from '../src/backends/backend.js';
import type { BufferHandle, OpArgs, OpKind, OpQuery, View } from '../src/backends/ops.js';
import { assertMatchesReference } from './conformance_run.js';
import { OP_CASES } from './op_cases.js';

/** The most dims a view may have here; higher ranks are declined (as a native limit would). */
const MAX_DIMS = 2;

/** Calls `visit` with the element offset of each view at every index of `shape` (row-major). */
function forEachOffset(shape: readonly number[], views: readonly View[], visit: (offsets: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    visit(views.map((v) => index.reduce((off, i, d) => off + i * v.strides[d], v.offset)));
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
}

/** Buffers in a Map of ArrayBuffers it never lends out; kernels for a handful of ops. */
class SmallBackend implements dl.Backend {
  readonly name = 'small';
  readonly deviceType = 'cpu' as const;
  /** Kernels this backend ran itself, and calls it declined. */
  ran = 0;
  declined = 0;
  private readonly buffers = new Map<BufferHandle, ArrayBuffer>();
  private next = 1;

  allocate(bytes: number): BufferHandle {
    this.buffers.set(this.next, new ArrayBuffer(Math.ceil(bytes / 8) * 8));
    return this.next++;
  }

  free(buffer: BufferHandle): void {
    assert.ok(this.buffers.delete(buffer), `free of unknown buffer ${buffer}`);
  }

  write(buffer: BufferHandle, data: AnyTypedArray, offset: number): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    new Uint8Array(this.memory(buffer), offset * data.BYTES_PER_ELEMENT, data.byteLength).set(bytes);
  }

  read(buffer: BufferHandle, dtype: DType, offset: number, length: number): AnyTypedArray {
    const size = BYTES_PER_ELEMENT[dtype];
    assert.ok(offset >= 0 && (offset + length) * size <= this.memory(buffer).byteLength, 'read overruns the buffer');
    return typedArrayOver(dtype, this.memory(buffer).slice(offset * size, (offset + length) * size), 0, length);
  }

  readAsync(buffer: BufferHandle, dtype: DType, offset: number, length: number): Promise<AnyTypedArray> {
    return Promise.resolve(this.read(buffer, dtype, offset, length));
  }

  supportsOp(q: OpQuery): boolean {
    if (q.dtype !== 'float32') return false;
    return q.kind === 'fill' || q.kind === 'copy' || (q.kind === 'binary' && (q.op === 'add' || q.op === 'mul'));
  }

  run<K extends OpKind>(kind: K, args: OpArgs[K]): boolean {
    const views = Object.values(args).filter((v): v is View => typeof v === 'object' && v !== null && 'buffer' in v);
    if (views.some((v) => v.shape.length > MAX_DIMS || v.dtype !== 'float32')) {
      this.declined++;
      return false;
    }
    this.ran++;
    if (kind === 'fill') {
      const { out, value } = args as OpArgs['fill'];
      const o = this.floats(out);
      forEachOffset(out.shape, [out], ([i]) => { o[i] = value; });
    } else if (kind === 'copy') {
      const { x, out } = args as OpArgs['copy'];
      const [src, dst] = [this.floats(x), this.floats(out)];
      forEachOffset(out.shape, [x, out], ([i, j]) => { dst[j] = src[i]; });
    } else if (kind === 'binary') {
      const { op, a, b, out } = args as OpArgs['binary'];
      const [x, y, o] = [this.floats(a), this.floats(b), this.floats(out)];
      forEachOffset(out.shape, [a, b, out], ([i, j, k]) => { o[k] = op === 'add' ? x[i] + y[j] : x[i] * y[j]; });
    } else {
      throw new Error(`run was called for ${kind}, which supportsOp refuses`);
    }
    return true;
  }

  synchronize(): void { /* synchronous */ }

  memoryStats(): MemoryStats {
    return { liveBuffers: this.buffers.size, liveBytes: 0, cachedBytes: 0 };
  }

  emptyCache(): void { /* nothing cached */ }

  private memory(buffer: BufferHandle): ArrayBuffer {
    const m = this.buffers.get(buffer);
    assert.ok(m !== undefined, `unknown buffer ${buffer}`);
    return m;
  }

  private floats(v: View): Float32Array {
    return new Float32Array(this.memory(v.buffer));
  }
}

const small = new SmallBackend();
const warnings: string[] = [];
const onWarning = (w: Error & { code?: string }): void => {
  if (w.code === 'DLFLOW_HOST_FALLBACK') warnings.push(w.message);
};
process.on('warning', onWarning);
after(() => process.off('warning', onWarning));

describe('a backend with five kernels runs the conformance table', () => {
  for (const c of OP_CASES) {
    it(c.name, () => assertMatchesReference(c, small));
  }

  it('ran its own kernels and declined what it could not take', () => {
    assert.ok(small.ran > 0, 'its kernels ran');
    assert.ok(small.declined > 0, 'rank-3 arguments were declined');
  });

  it('logged each fallback once per (kind, op, dtype) with one warning each', async () => {
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    const mine = dl.hostFallbacks().filter((f) => f.backend === 'small');
    const keys = mine.map((f) => `${f.kind} ${f.op ?? ''} ${f.dtype}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(mine.every((f) => !f.zeroCopy && f.calls >= 1));
    for (const kind of ['matmul', 'reduce', 'softmax', 'gather', 'scatterAdd', 'sort'] as const) {
      assert.ok(mine.some((f) => f.kind === kind), `${kind} went through the fallback`);
    }
    // declined binary add on rank-3 views is logged although supportsOp accepts it
    assert.ok(mine.some((f) => f.kind === 'binary' && f.op === 'add' && f.dtype === 'float32'));
    assert.equal(warnings.filter((w) => w.includes('the small backend')).length, mine.length);
  });
});
