/**
 * The native CPU backend against the reference kernels: every op kind and sub-op on float32
 * with odd shapes, broadcast (stride 0) and transposed views, integer/bool ops, index errors,
 * bad handles, the buffer cache and the thread settings. Each case runs the native kernel and
 * the reference kernel on the same input buffers into two output buffers and compares them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DTYPES, type AnyTypedArray, type DType } from '../src/base/dtype.js';
import {
  BINARY_OPS, COMPARISON_OPS, PREDICATE_UNARY_OPS, REDUCE_OPS, UNARY_OPS,
  type BinaryOp, type OpArgs, type OpKind, type ReduceOp, type UnaryOp, type View,
} from '../src/backends/ops.js';
import { runReferenceKernel } from '../src/backends/reference/kernels.js';
import { loadCpuBackend, type CpuBackend } from '../src/backends/cpu/cpu_backend.js';
import { MAX_NATIVE_DIMS } from '../src/backends/cpu/abi.js';
import { runKernel } from '../src/core/dispatch.js';
import { hostFallbacks } from '../src/core/host_fallback.js';

const loaded = loadCpuBackend();
const skip = 'error' in loaded ? `native addon unavailable: ${loaded.error}` : false;
const be = ('backend' in loaded ? loaded.backend : undefined) as CpuBackend;

// ---- helpers ---------------------------------------------------------------------------
let seed = 12345;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 50, -50, 100, -100, 0.5, -0.5, 1.5, 2.5, -2.5, 1e30, -25];

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const BYTES: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1 };

/** A fresh contiguous tensor of `dtype` filled by `gen(i)`. */
function tensor(dtype: DType, shape: number[], gen: (i: number) => number): View {
  const n = numel(shape);
  const h = be.allocate(Math.max(1, n) * BYTES[dtype]);
  const arr = be.hostArray(h, dtype);
  for (let i = 0; i < n; i++) {
    const v = gen(i);
    if (dtype === 'int64') (arr as BigInt64Array)[i] = BigInt(Math.trunc(v));
    else (arr as Float32Array)[i] = v;
  }
  return { buffer: h, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}
function floats(shape: number[], specials = true, scale = 3): View {
  return tensor('float32', shape, () => (specials && rand() < 0.08 ? SPECIALS[Math.floor(rand() * SPECIALS.length)] : (rand() * 2 - 1) * scale));
}
function ints(dtype: DType, shape: number[], lo = -20, hi = 20): View {
  return tensor(dtype, shape, () => (dtype === 'bool' ? (rand() < 0.5 ? 1 : 0) : lo + Math.floor(rand() * (hi - lo + 1))));
}
function empty(dtype: DType, shape: number[]): View {
  return tensor(dtype, shape, () => 0);
}
/** The same data seen transposed (last two dims swapped), as a strided view. */
function transposed(v: View): View {
  const n = v.shape.length;
  const shape = [...v.shape], strides = [...v.strides];
  [shape[n - 2], shape[n - 1]] = [shape[n - 1], shape[n - 2]];
  [strides[n - 2], strides[n - 1]] = [strides[n - 1], strides[n - 2]];
  return { ...v, shape, strides };
}
/** v (shape with 1s) expanded to `shape` with stride 0. */
function expanded(v: View, shape: number[]): View {
  return { ...v, shape, strides: v.shape.map((s, i) => (s === 1 && shape[i] !== 1 ? 0 : v.strides[i])) };
}
function elements(v: View): (number | bigint)[] {
  const arr = be.hostArray(v.buffer, v.dtype) as unknown as ArrayLike<number | bigint>;
  const out: (number | bigint)[] = [];
  const n = numel(v.shape);
  const idx = new Array<number>(v.shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = v.offset;
    for (let d = 0; d < idx.length; d++) off += idx[d] * v.strides[d];
    out.push(arr[off]);
    for (let d = idx.length - 1; d >= 0; d--) { if (++idx[d] < v.shape[d]) break; idx[d] = 0; }
  }
  return out;
}
function close(a: number | bigint, b: number | bigint, rtol: number, atol: number): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
function assertClose(got: View, want: View, what: string, rtol = 1e-6, atol = 0): void {
  const g = elements(got), w = elements(want);
  assert.equal(g.length, w.length);
  for (let i = 0; i < g.length; i++) {
    if (!close(g[i], w[i], rtol, atol)) assert.fail(`${what}: element ${i}: native ${g[i]} vs reference ${w[i]}${lastInput ? ` (input ${elements(lastInput)[i]})` : ''}`);
  }
}
let lastInput: View | undefined;
const arrayOf = (v: View): AnyTypedArray => be.hostArray(v.buffer, v.dtype);

/** Calls that took the front end's host fallback on the cpu backend so far. */
function cpuFallbackCalls(): number {
  return hostFallbacks().filter((f) => f.backend === 'cpu').reduce((n, f) => n + f.calls, 0);
}

/**
 * Runs `kind` through the front end's dispatch (native kernel, or host fallback where the backend
 * refuses) into fresh outputs and on the reference into others, then compares the outputs named
 * by `outs`. Asserts the native path was taken unless `fallbackOk`.
 */
function check<K extends OpKind>(kind: K, make: (out: (dtype: DType, shape: number[]) => View) => OpArgs[K],
  outs: (keyof OpArgs[K])[], what: string, rtol = 1e-6, atol = 0, fallbackOk = false): void {
  const nat: View[] = [], ref: View[] = [];
  const argsN = make((d, s) => { const v = empty(d, s); nat.push(v); return v; });
  const argsR = { ...argsN } as OpArgs[K];
  for (const k of outs) {
    const src = (argsN as Record<string, View>)[k as string];
    const copy = tensor(src.dtype, [...src.shape], () => 0);
    // Keep in-place ops' initial contents identical.
    (be.hostArray(copy.buffer, copy.dtype) as Float32Array).set(be.hostArray(src.buffer, src.dtype) as Float32Array);
    (argsR as Record<string, View>)[k as string] = { ...src, buffer: copy.buffer };
    ref.push(copy);
  }
  const first = Object.values(argsN as object).find((v) => typeof v === 'object' && v !== null && 'buffer' in v) as View | undefined;
  lastInput = first && numel(first.shape) === numel((argsN as Record<string, View>)[outs[0] as string].shape) ? first : undefined;
  const before = cpuFallbackCalls();
  runKernel(be, kind, argsN);
  if (!fallbackOk) assert.equal(cpuFallbackCalls(), before, `${what} fell back to the reference`);
  runReferenceKernel(kind, argsR, arrayOf);
  for (const k of outs) {
    assertClose((argsN as Record<string, View>)[k as string], (argsR as Record<string, View>)[k as string], `${what} [${String(k)}]`, rtol, atol);
  }
}

const SHAPES: number[][] = [[5], [3, 37], [67, 129], [300, 301]];
const TRANSCENDENTAL = new Set(['exp', 'expm1', 'log', 'log1p', 'tanh', 'sigmoid', 'gelu', 'geluTanh', 'silu', 'softplus', 'erf', 'sin', 'cos']);

// ---- memory --------------------------------------------------------------------------------
test('allocate/write/read round trips for every dtype', { skip }, () => {
  const data: Record<DType, AnyTypedArray> = {
    float32: new Float32Array([1.5, -2, NaN, Infinity]),
    int32: new Int32Array([1, -2, 2147483647, -2147483648]),
    int64: new BigInt64Array([1n, -2n, 9223372036854775807n, -9223372036854775808n]),
    bool: new Uint8Array([1, 0, 1, 1]),
  };
  for (const dt of DTYPES) {
    const h = be.allocate(64);
    be.write(h, data[dt], 2);
    assert.deepEqual(be.read(h, dt, 2, 4), data[dt]);
    assert.equal(be.hostArray(h, dt).byteOffset, 0);
    be.free(h);
  }
});

test('stats, cache reuse and emptyCache', { skip }, () => {
  be.emptyCache();
  const s0 = be.memoryStats();
  const h = be.allocate(1000);
  assert.equal(be.memoryStats().liveBuffers, s0.liveBuffers + 1);
  assert.equal(be.memoryStats().liveBytes, s0.liveBytes + 1000);
  be.free(h);
  const s1 = be.memoryStats();
  assert.equal(s1.liveBuffers, s0.liveBuffers);
  assert.ok(s1.cachedBytes >= 1000);
  const h2 = be.allocate(990); // same bucket: served from the cache
  assert.equal(be.memoryStats().cachedBytes, s0.cachedBytes);
  be.free(h2);
  be.emptyCache();
  assert.equal(be.memoryStats().cachedBytes, 0);
});

test('handles stay small integers (V8 Smis) through many reuses of a slot; a stale one is refused', { skip }, () => {
  let previous = be.allocate(64);
  for (let i = 0; i < 2000; i++) {
    be.free(previous);
    const h = be.allocate(64); // the same slot again, one generation on
    assert.ok(Number.isInteger(h) && h > 0 && h < 2 ** 30, `handle ${h} after ${i + 1} reuses`);
    assert.throws(() => be.free(previous), /invalid buffer handle/);
    previous = h;
  }
  be.free(previous);
});

test('bad handles and out-of-bounds views throw, never crash', { skip }, () => {
  const h = be.allocate(16);
  const view = be.hostArray(h, 'float32');
  be.free(h);
  assert.equal(view.length, 0, 'lent arrays are detached on free');
  assert.throws(() => be.free(h), /invalid buffer handle/);
  assert.throws(() => be.read(h, 'float32', 0, 1), /invalid buffer handle/);
  assert.throws(() => be.free(123456789), /invalid buffer handle/);
  const x = floats([4]);
  const bad: View = { buffer: h, dtype: 'float32', shape: [4], strides: [1], offset: 0 };
  assert.throws(() => be.run('unary', { op: 'exp', x, out: bad }), /invalid buffer handle/);
  const oob: View = { ...x, shape: [5] };
  assert.throws(() => be.run('unary', { op: 'exp', x: oob, out: x }), /reaches element/);
  assert.throws(() => be.run('unary', { op: 'exp', x: { ...x, offset: 1 }, out: x }), /reaches element/);
});

test('threads set/get and cpu info', { skip }, () => {
  const n = be.getNumThreads();
  be.setNumThreads(1);
  assert.equal(be.getNumThreads(), 1);
  check('binary', (o) => ({ op: 'add', a: floats([300, 301]), b: floats([300, 301]), out: o('float32', [300, 301]) }), ['out'], 'add 1 thread');
  be.setNumThreads(3);
  assert.equal(be.getNumThreads(), 3);
  check('binary', (o) => ({ op: 'mul', a: floats([300, 301]), b: floats([300, 301]), out: o('float32', [300, 301]) }), ['out'], 'mul 3 threads');
  be.setNumThreads(n);
  const info = be.cpuInfo();
  assert.ok(['avx512', 'avx2', 'portable'].includes(info.isa));
  assert.ok(['avx512', 'avx2', 'portable'].includes(info.gemm));
});

// ---- elementwise ---------------------------------------------------------------------------
test('fill and copy across all dtypes, strided out', { skip }, () => {
  for (const dt of DTYPES) {
    for (const value of [0, 1, -3, 2.75, -2.5, NaN, Infinity, 4294967297, -1e20]) {
      check('fill', (o) => ({ out: o(dt, [3, 7]), value }), ['out'], `fill ${dt} ${value}`);
    }
  }
  for (const from of DTYPES) {
    for (const to of DTYPES) {
      const x = from === 'float32' ? tensor('float32', [7, 9], (i) => SPECIALS[i % SPECIALS.length] * (i % 3 ? 1 : 1e9)) : ints(from, [7, 9], -3e9, 3e9);
      check('copy', (o) => ({ x, out: o(to, [7, 9]) }), ['out'], `copy ${from}->${to}`);
      check('copy', (o) => ({ x: transposed(x), out: o(to, [9, 7]) }), ['out'], `copy transposed ${from}->${to}`);
      // strided out: write into the transpose of a fresh buffer
      check('copy', (o) => ({ x: transposed(x), out: transposed(o(to, [7, 9])) }), ['out'], `copy into strided ${from}->${to}`);
    }
  }
});

test('float32 unary ops match the reference', { skip }, () => {
  for (const op of UNARY_OPS) {
    const rtol = TRANSCENDENTAL.has(op) ? 2e-6 : 1e-6;
    const outDt: DType = PREDICATE_UNARY_OPS.has(op) ? 'bool' : 'float32';
    for (const shape of SHAPES) {
      const x = floats(shape, true, op === 'exp' || op === 'expm1' ? 20 : 3);
      check('unary', (o) => ({ op, x, out: o(outDt, shape) }), ['out'], `${op} ${shape}`, rtol, 1e-30);
      if (shape.length === 2) {
        check('unary', (o) => ({ op, x: transposed(x), out: o(outDt, [shape[1], shape[0]]) }), ['out'], `${op} transposed`, rtol, 1e-30);
      }
    }
    // wide range of magnitudes, including the tails
    const wide = tensor('float32', [4001], (i) => (i - 2000) * 0.05);
    // atol 1e-12: the reference's 0.5x(1 + tanh u) cancels to 0 in the far tail, where the
    // native x·sigmoid(2u) keeps values like -1e-30.
    check('unary', (o) => ({ op, x: wide, out: o(outDt, [4001]) }), ['out'], `${op} range`, rtol, 1e-12);
  }
});

test('float32 binary and binaryScalar ops match the reference (broadcast, transposed)', { skip }, () => {
  for (const op of BINARY_OPS) {
    const outDt: DType = COMPARISON_OPS.has(op) ? 'bool' : 'float32';
    const rtol = ['geluBackward', 'geluTanhBackward', 'siluBackward', 'softplusBackward', 'pow', 'atan2'].includes(op) ? 2e-6 : 1e-6;
    // Fused gradients in float32 near a root of the derivative (gelu_tanh' at x ≈ -0.75, silu'
    // at x ≈ -1.28) keep absolute, not relative, accuracy: ~1e-7·|g|.
    const atol = op === 'remainder' || op.endsWith('Backward') ? 1e-6 : 1e-30;
    // Gradients (a) stay ordinary numbers so the absolute tolerance above is meaningful.
    const grad = op.endsWith('Backward');
    for (const shape of SHAPES) {
      const a = floats(shape, !grad), b = floats(shape);
      check('binary', (o) => ({ op, a, b, out: o(outDt, shape) }), ['out'], `${op} ${shape}`, rtol, atol);
    }
    // row broadcast (bias add), column broadcast, scalar broadcast, transposed operand
    const a = floats([67, 129], !grad);
    const row = floats([1, 129]), col = floats([67, 1]), one = floats([1, 1]);
    check('binary', (o) => ({ op, a, b: expanded(row, [67, 129]), out: o(outDt, [67, 129]) }), ['out'], `${op} row bcast`, rtol, atol);
    check('binary', (o) => ({ op, a: expanded(col, [67, 129]), b: a, out: o(outDt, [67, 129]) }), ['out'], `${op} col bcast`, rtol, atol);
    check('binary', (o) => ({ op, a, b: expanded(one, [67, 129]), out: o(outDt, [67, 129]) }), ['out'], `${op} scalar bcast`, rtol, atol);
    check('binary', (o) => ({ op, a: transposed(floats([129, 67], !grad)), b: a, out: o(outDt, [67, 129]) }), ['out'], `${op} transposed`, rtol, atol);
    for (const scalar of [2, -0.5, 0, 3.3]) {
      for (const reverse of [false, true]) {
        check('binaryScalar', (o) => ({ op, a, scalar, reverse, out: o(outDt, [67, 129]) }), ['out'], `${op} scalar ${scalar} ${reverse}`, rtol, atol);
      }
    }
  }
});

test('clamp and where', { skip }, () => {
  const x = floats([37, 41]);
  for (const [lo, hi] of [[-1, 1], [-Infinity, 0.5], [0, Infinity], [2, -2], [NaN, 1]]) {
    check('clamp', (o) => ({ x, lo, hi, out: o('float32', [37, 41]) }), ['out'], `clamp ${lo} ${hi}`);
    check('clamp', (o) => ({ x: transposed(x), lo, hi, out: o('float32', [41, 37]) }), ['out'], `clamp T ${lo} ${hi}`);
  }
  for (const dt of ['int32', 'int64'] as const) {
    const xi = ints(dt, [37, 41]);
    for (const [lo, hi] of [[-5, 5], [-Infinity, 3], [2.5, 7.9]]) {
      check('clamp', (o) => ({ x: xi, lo, hi, out: o(dt, [37, 41]) }), ['out'], `clamp ${dt} ${lo} ${hi}`);
    }
  }
  for (const dt of DTYPES) {
    const cond = ints('bool', [37, 41]);
    const a = dt === 'float32' ? floats([37, 41]) : ints(dt, [37, 41]);
    const b = dt === 'float32' ? floats([1, 41]) : ints(dt, [1, 41]);
    check('where', (o) => ({ cond, a, b: expanded(b, [37, 41]), out: o(dt, [37, 41]) }), ['out'], `where ${dt}`);
    check('where', (o) => ({ cond: transposed(ints('bool', [41, 37])), a, b: expanded(b, [37, 41]), out: o(dt, [37, 41]) }), ['out'], `where T ${dt}`);
  }
});

test('int32/int64/bool elementwise ops', { skip }, () => {
  const intUnary = ['neg', 'abs', 'sign', 'square', 'relu', 'floor', 'ceil', 'round', 'trunc', 'isnan', 'isinf', 'isfinite', 'logicalNot'] as const;
  const intBinary = ['add', 'sub', 'mul', 'maximum', 'minimum', 'remainder', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;
  for (const dt of ['int32', 'int64', 'bool'] as const) {
    const x = dt === 'int32' ? tensor('int32', [9, 13], (i) => [2147483647, -2147483648, 5, -7, 0][i % 5] + (i % 3)) : ints(dt, [9, 13], -2e9, 2e9);
    for (const op of intUnary) {
      const outDt: DType = PREDICATE_UNARY_OPS.has(op) ? 'bool' : dt;
      check('unary', (o) => ({ op, x, out: o(outDt, [9, 13]) }), ['out'], `${op} ${dt}`);
    }
    const a = ints(dt, [9, 13], -2e9, 2e9);
    const b = dt === 'bool' ? ints(dt, [9, 13]) : ints(dt, [9, 13], 1, 50);
    for (const op of intBinary) {
      const outDt: DType = COMPARISON_OPS.has(op) ? 'bool' : dt;
      check('binary', (o) => ({ op, a, b, out: o(outDt, [9, 13]) }), ['out'], `${op} ${dt}`);
      check('binary', (o) => ({ op, a: transposed(ints(dt, [13, 9], -50, 50)), b: expanded(ints(dt, [1, 13], -9, -1), [9, 13]), out: o(outDt, [9, 13]) }), ['out'], `${op} ${dt} strided`);
      check('binaryScalar', (o) => ({ op, a, scalar: -3, reverse: false, out: o(outDt, [9, 13]) }), ['out'], `${op} ${dt} scalar`);
    }
  }
  const z = ints('int32', [4], 0, 0);
  assert.throws(() => be.run('binary', { op: 'remainder', a: ints('int32', [4]), b: z, out: empty('int32', [4]) }), /ZeroDivisionError/);
  // ops without a native integer kernel still work, through the reference
  check('binary', (o) => ({ op: 'pow', a: ints('int32', [5], 0, 5), b: ints('int32', [5], 0, 5), out: o('int32', [5]) }), ['out'], 'pow int32 fallback', 0, 0, true);
});

// ---- reductions, softmax -----------------------------------------------------------------
test('reductions over every dim set, all dtypes', { skip }, () => {
  const shapes = [[7], [5, 37], [4, 6, 9], [300, 301], [3, 70000]];
  for (const shape of shapes) {
    const r = shape.length;
    const dimSets: number[][] = r === 1 ? [[0]] : r === 2 ? [[1], [0], [0, 1], [-1]] : [[2], [0], [1], [0, 2], [0, 1, 2], [1, 2]];
    for (const dt of DTYPES) {
      const x = dt === 'float32' ? floats(shape, numel(shape) < 1000) : ints(dt, shape, -5, 5);
      for (const op of REDUCE_OPS) {
        if (dt !== 'float32' && (op === 'mean' || op === 'logsumexp')) continue;
        const outDt: DType = op === 'argmax' || op === 'argmin' ? 'int64' : op === 'any' || op === 'all' ? 'bool'
          : (op === 'sum' || op === 'prod') && dt !== 'float32' ? 'int64' : dt;
        for (const dims of dimSets) {
          if ((op === 'argmax' || op === 'argmin') && dims.length > 1) continue;
          const outShape = shape.map((s, i) => (dims.map((d) => (d < 0 ? d + r : d)).includes(i) ? 1 : s));
          const xs = [x];
          if (r === 2) xs.push(transposed(dt === 'float32' ? floats([shape[1], shape[0]], false) : ints(dt, [shape[1], shape[0]], -5, 5)));
          for (const xv of xs) {
            const oshape = xv === x ? outShape : xv.shape.map((s, i) => (dims.map((d) => (d < 0 ? d + r : d)).includes(i) ? 1 : s));
            const rtol = op === 'prod' ? 1e-5 : numel(shape) > 1000 ? 1e-5 : 1e-6;
            check('reduce', (o) => ({ op, x: xv, dims, out: o(outDt, oshape) }), ['out'], `${op} ${dt} ${shape} dims ${dims}`, rtol, 1e-6);
          }
        }
      }
    }
  }
  assert.throws(() => be.run('reduce', { op: 'max', x: floats([3, 0]), dims: [1], out: empty('float32', [3, 1]) }), /zero-size/);
});

test('softmax and log-softmax along every dim', { skip }, () => {
  for (const shape of [[5], [3, 37], [17, 33, 5], [64, 1000]]) {
    const x = floats(shape, shape.length < 2 || numel(shape) < 10000, 5);
    for (let dim = 0; dim < shape.length; dim++) {
      for (const log of [false, true]) {
        check('softmax', (o) => ({ x, dim, log, out: o('float32', shape) }), ['out'], `softmax ${shape} ${dim} ${log}`, 2e-6, 1e-7);
      }
    }
  }
  const t = transposed(floats([40, 30]));
  check('softmax', (o) => ({ x: t, dim: 1, log: false, out: o('float32', [30, 40]) }), ['out'], 'softmax transposed', 2e-6, 1e-7);
  check('softmax', (o) => ({ x: t, dim: -1, log: true, out: o('float32', [30, 40]) }), ['out'], 'log-softmax transposed', 2e-6, 1e-7);
});

// ---- matmul --------------------------------------------------------------------------------
test('matmul: odd shapes, transposed operands, broadcast batches', { skip }, () => {
  const cases: [number[], number[]][] = [
    [[1, 1], [1, 1]], [[3, 5], [5, 7]], [[33, 65], [65, 17]], [[2, 3, 7, 11], [2, 3, 11, 5]], [[128, 300], [300, 96]],
  ];
  for (const [as, bs] of cases) {
    const K = as[as.length - 1];
    const a = floats(as, false, 1), b = floats(bs, false, 1);
    const os = [...as.slice(0, -1), bs[bs.length - 1]];
    const tol = 1e-5 * Math.sqrt(K);
    check('matmul', (o) => ({ a, b, out: o('float32', os) }), ['out'], `matmul ${as}x${bs}`, tol, tol);
    const at = transposed(floats([...as.slice(0, -2), as[as.length - 1], as[as.length - 2]], false, 1));
    const bt = transposed(floats([...bs.slice(0, -2), bs[bs.length - 1], bs[bs.length - 2]], false, 1));
    check('matmul', (o) => ({ a: at, b: bt, out: o('float32', os) }), ['out'], `matmul T ${as}x${bs}`, tol, tol);
  }
  // batch broadcast: b [1, 7, 5] expanded over batch 4; a [4, 3, 7]; and K = 0
  const a = floats([4, 3, 7], false, 1), b = floats([1, 7, 5], false, 1);
  check('matmul', (o) => ({ a, b: expanded(b, [4, 7, 5]), out: o('float32', [4, 3, 5]) }), ['out'], 'matmul bcast', 1e-5, 1e-5);
  check('matmul', (o) => ({ a: floats([3, 0]), b: floats([0, 4]), out: o('float32', [3, 4]) }), ['out'], 'matmul K=0');
  // non-mergeable batch dims: a [2,3,4,5] sliced as a transposed batch
  const a4 = floats([3, 2, 4, 5], false, 1);
  const aT: View = { ...a4, shape: [2, 3, 4, 5], strides: [a4.strides[1], a4.strides[0], a4.strides[2], a4.strides[3]] };
  check('matmul', (o) => ({ a: aT, b: floats([2, 3, 5, 6], false, 1), out: o('float32', [2, 3, 4, 6]) }), ['out'], 'matmul permuted batch', 1e-5, 1e-5);
});

test('matmul with an addend: a bias row broadcast over rows (linear), a full matrix, K = 0', { skip }, () => {
  for (const [M, K, N] of [[1, 1, 1], [7, 5, 3], [128, 300, 96], [33, 784, 50]]) {
    const x = floats([M, K], false, 1), w = floats([N, K], false, 1), bias = floats([1, N], false, 1);
    const tol = 1e-5 * Math.sqrt(K);
    // x · wᵀ + bias, as the linear layer runs it: wᵀ and the bias row are strided views
    check('matmul', (o) => ({ a: x, b: transposed(w), out: o('float32', [M, N]), addend: expanded(bias, [M, N]) }), ['out'], `linear ${M}x${K}x${N}`, tol, tol);
  }
  const c = floats([2, 3, 4], false, 1);
  check('matmul', (o) => ({ a: floats([2, 3, 5], false, 1), b: floats([2, 5, 4], false, 1), out: o('float32', [2, 3, 4]), addend: c }), ['out'], 'batched addmm', 1e-5, 1e-5);
  // the relu epilogue: threaded tiles (M and N splits, the rebalanced last panels), the narrow
  // path (few columns, column-major A), batches, K = 0, and NaN/−0 passing through as in relu
  for (const [M, K, N] of [[128, 784, 256], [256, 128, 784], [7, 5, 3], [300, 64, 58], [200, 33, 5]]) {
    const x = floats([M, K], false, 1), w = floats([N, K], false, 1), bias = floats([1, N], false, 1);
    const tol = 1e-5 * Math.sqrt(K);
    check('matmul', (o) => ({ a: x, b: transposed(w), out: o('float32', [M, N]), addend: expanded(bias, [M, N]), epilogue: 'relu' }), ['out'], `linear relu ${M}x${K}x${N}`, tol, tol);
    check('matmul', (o) => ({ a: transposed(floats([K, M], false, 1)), b: transposed(w), out: o('float32', [M, N]), epilogue: 'relu' }), ['out'], `relu, column-major A ${M}x${K}x${N}`, tol, tol);
  }
  check('matmul', (o) => ({ a: floats([3, 4, 6], false, 1), b: floats([3, 6, 5], false, 1), out: o('float32', [3, 4, 5]), epilogue: 'relu' }), ['out'], 'batched relu', 1e-5, 1e-5);
  check('matmul', (o) => ({ a: floats([3, 0]), b: floats([0, 4]), out: o('float32', [3, 4]), addend: floats([3, 4], true, 1), epilogue: 'relu' }), ['out'], 'relu K=0: relu of the addend, specials kept');
  check('matmul', (o) => ({ a: floats([9, 2], true, 1), b: floats([2, 40], true, 1), out: o('float32', [9, 40]), epilogue: 'relu' }), ['out'], 'relu with NaN and infinite inputs', 1e-5, 1e-5);
  check('matmul', (o) => ({ a: floats([3, 0]), b: floats([0, 4]), out: o('float32', [3, 4]), addend: floats([3, 4], false, 1) }), ['out'], 'addmm K=0 gives the addend');
});

// ---- index ops, sort -----------------------------------------------------------------------
test('gather, scatterAdd, indexSelect, indexAdd on every dtype and index dtype', { skip }, () => {
  for (const dt of DTYPES) {
    const mk = (shape: number[]) => (dt === 'float32' ? floats(shape) : ints(dt, shape));
    for (const idt of ['int32', 'int64'] as const) {
      for (const dim of [0, 1, 2]) {
        const x = mk([5, 6, 7]);
        const ishape = [4, 5, 6].map((s, i) => (i === dim ? 9 : Math.min(s, [5, 6, 7][i])));
        const index = ints(idt, ishape, 0, [5, 6, 7][dim] - 1);
        check('gather', (o) => ({ x, dim, index, out: o(dt, ishape) }), ['out'], `gather ${dt} ${idt} ${dim}`);
        const out = mk([5, 6, 7]);
        check('scatterAdd', () => ({ out, dim, index, src: mk(ishape) }), ['out'], `scatterAdd ${dt} ${idt} ${dim}`);
        const index1 = ints(idt, [8], 0, [5, 6, 7][dim] - 1);
        const sshape = [5, 6, 7].map((s, i) => (i === dim ? 8 : s));
        check('indexSelect', (o) => ({ x, dim, index: index1, out: o(dt, sshape) }), ['out'], `indexSelect ${dt} ${idt} ${dim}`);
        check('indexSelect', (o) => ({ x: transposed(mk([5, 7, 6])), dim, index: index1, out: o(dt, sshape) }), ['out'], `indexSelect T ${dt} ${idt} ${dim}`);
        check('indexAdd', () => ({ out: mk([5, 6, 7]), dim, index: index1, src: mk(sshape) }), ['out'], `indexAdd ${dt} ${idt} ${dim}`);
      }
    }
  }
});

test('out-of-range and negative indices throw RangeError and write nothing', { skip }, () => {
  const x = floats([3, 5]);
  for (const bad of [7, -1]) {
    const index = tensor('int64', [3, 2], (i) => (i === 3 ? bad : 0));
    assert.throws(() => be.run('gather', { x, dim: 1, index, out: empty('float32', [3, 2]) }),
      (e: Error) => e instanceof RangeError && e.message === `index ${bad} is out of bounds for dimension 1 with size 5`);
    const out = floats([3, 5]);
    const before = elements(out);
    assert.throws(() => be.run('scatterAdd', { out, dim: 1, index, src: floats([3, 2]) }), RangeError);
    assert.deepEqual(elements(out), before);
    const i1 = tensor('int32', [2], (i) => (i ? bad : 0));
    assert.throws(() => be.run('indexSelect', { x, dim: 0, index: i1, out: empty('float32', [2, 5]) }), RangeError);
    assert.throws(() => be.run('indexAdd', { out, dim: 1, index: i1, src: floats([3, 2]) }), RangeError);
  }
});

test('crossEntropy and its backward: every reduction, strided logits, int32/int64 targets, large logits', { skip }, () => {
  for (const [N, C] of [[1, 1], [5, 3], [128, 10], [300, 37]]) {
    for (const dt of ['int64', 'int32'] as const) {
      const target = ints(dt, [N], 0, C - 1);
      for (const x of [floats([N, C], false, 3), transposed(floats([C, N], false, 3)), floats([N, C], false, 3e4)]) {
        for (const reduction of ['none', 'sum', 'mean'] as const) {
          const what = `crossEntropy ${N}x${C} ${dt} ${reduction} strides ${x.strides}`;
          check('crossEntropy', (o) => ({ x, target, reduction, out: o('float32', reduction === 'none' ? [N] : []) }), ['out'], what, 1e-5, 1e-6);
          const grad = floats(reduction === 'none' ? [N] : [], false, 1);
          check('crossEntropyBackward', (o) => ({ x, target, grad, reduction, out: o('float32', [N, C]) }), ['out'], `${what} backward`, 1e-5, 1e-7);
        }
      }
    }
  }
});

test('crossEntropy: an out-of-range target throws RangeError and writes nothing', { skip }, () => {
  const x = floats([3, 4]);
  for (const bad of [4, -1, -100]) {
    const target = tensor('int64', [3], (i) => (i === 2 ? bad : 1));
    const out = floats([3]);
    const before = elements(out);
    assert.throws(() => be.run('crossEntropy', { x, target, reduction: 'none', out }),
      (e: Error) => e instanceof RangeError && e.message === `cross entropy: target ${bad} is out of bounds for 4 classes`);
    assert.deepEqual(elements(out), before);
    const dx = floats([3, 4]);
    const dxBefore = elements(dx);
    assert.throws(() => be.run('crossEntropyBackward', { x, target, grad: floats([]), reduction: 'mean', out: dx }), RangeError);
    assert.deepEqual(elements(dx), dxBefore);
  }
});

test('sort: stable, NaN largest, both directions, every dtype', { skip }, () => {
  for (const dt of DTYPES) {
    for (const shape of [[9], [7, 33], [4, 5, 6]]) {
      const x = dt === 'float32' ? tensor('float32', shape, () => [NaN, 1, 1, -0, 0, 2, -Infinity, 3.5][Math.floor(rand() * 8)]) : ints(dt, shape, -3, 3);
      for (let dim = 0; dim < shape.length; dim++) {
        for (const descending of [false, true]) {
          check('sort', (o) => ({ x, dim, descending, values: o(dt, shape), indices: o('int64', shape) }), ['values', 'indices'], `sort ${dt} ${shape} ${dim} ${descending}`);
        }
      }
    }
  }
});

test('supportsOp reflects native coverage', { skip }, () => {
  assert.equal(be.supportsOp({ kind: 'unary', op: 'exp', dtype: 'float32' }), true);
  assert.equal(be.supportsOp({ kind: 'unary', op: 'exp', dtype: 'int32' }), false);
  assert.equal(be.supportsOp({ kind: 'binary', op: 'add', dtype: 'int64' }), true);
  assert.equal(be.supportsOp({ kind: 'matmul', dtype: 'float32' }), true);
  assert.equal(be.supportsOp({ kind: 'matmul', dtype: 'int32' }), false);
  assert.equal(be.supportsOp({ kind: 'reduce', op: 'sum', dtype: 'bool' }), true);
});

test('runChecksSupport holds: run declines every elementwise and reduce query supportsOp refuses', { skip }, () => {
  assert.equal(be.runChecksSupport, true);
  let refused = 0;
  for (const dtype of DTYPES) {
    const x = ints(dtype, [3, 4], 1, 5);
    const argsOf: { [K in 'unary' | 'binary' | 'binaryScalar' | 'reduce']: (op: string) => OpArgs[K] } = {
      unary: (op) => ({ op: op as UnaryOp, x, out: empty(PREDICATE_UNARY_OPS.has(op as UnaryOp) ? 'bool' : dtype, [3, 4]) }),
      binary: (op) => ({ op: op as BinaryOp, a: x, b: x, out: empty(COMPARISON_OPS.has(op as BinaryOp) ? 'bool' : dtype, [3, 4]) }),
      binaryScalar: (op) => ({ op: op as BinaryOp, a: x, scalar: 2, reverse: false, out: empty(COMPARISON_OPS.has(op as BinaryOp) ? 'bool' : dtype, [3, 4]) }),
      reduce: (op) => ({ op: op as ReduceOp, x, dims: [1], out: empty(op.startsWith('arg') ? 'int64' : dtype, [3, 1]) }),
    };
    const lists = { unary: UNARY_OPS, binary: BINARY_OPS, binaryScalar: BINARY_OPS, reduce: REDUCE_OPS };
    for (const kind of ['unary', 'binary', 'binaryScalar', 'reduce'] as const) {
      for (const op of lists[kind]) {
        if (be.supportsOp({ kind, op, dtype })) continue;
        refused++;
        assert.equal(be.run(kind, argsOf[kind](op) as never), false, `${kind} ${op} on ${dtype} ran although supportsOp refuses it`);
      }
    }
  }
  assert.ok(refused > 0);
});

test('run declines arguments it cannot encode; dispatch falls back once, zero-copy, without a warning', { skip }, () => {
  const shape = new Array<number>(MAX_NATIVE_DIMS + 1).fill(1);
  shape[0] = 3;
  const args = (out: View): OpArgs['unary'] => ({ op: 'neg', x: floats(shape, false), out });
  assert.equal(be.supportsOp({ kind: 'unary', op: 'neg', dtype: 'float32' }), true);
  assert.equal(be.run('unary', args(empty('float32', shape))), false, 'rank above MAX_NATIVE_DIMS is declined');
  const warned: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => { if (w.code === 'DLFLOW_HOST_FALLBACK') warned.push(w.message); };
  process.on('warning', onWarning);
  try {
    const before = cpuFallbackCalls();
    check('unary', (o) => args(o('float32', shape)), ['out'], 'neg of rank 17', 0, 0, true);
    assert.equal(cpuFallbackCalls(), before + 1);
    const record = hostFallbacks().find((f) => f.backend === 'cpu' && f.kind === 'unary' && f.op === 'neg');
    assert.ok(record?.zeroCopy, 'the cpu fallback runs on the backend memory');
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warned, [], 'no warning for a host-memory backend');
});
