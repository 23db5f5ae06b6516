/** Creating tensors: from data, constant fills, ranges, identity, and random draws. */
import type { Backend } from '../backends/backend.js';
import type { RandomDistribution } from '../backends/ops.js';
import { getBackend } from '../backends/select.js';
import { emptyTensor, viewOf } from '../core/dispatch.js';
import { assertDType, DTYPES, newTypedArray, type AnyTypedArray, type DType } from '../base/dtype.js';
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { defaultGenerator, Generator } from '../core/generator.js';
import { checkShape, formatShape, numel, type Shape } from '../base/shape.js';
import type { NestedArray, Tensor } from '../core/tensor.js';
import { apply } from './apply.js';

const TENSOR_FIELDS = {
  /** The element type (default: float32, or what the data implies). */
  dtype: option.custom<DType>(`a dtype (${DTYPES.join(', ')})`, (v): v is DType => (DTYPES as readonly unknown[]).includes(v)),
  /** Record operations on the tensor for autograd (default false). */
  requiresGrad: option.boolean(),
};
const TENSOR_OPTIONS = defineOptions('tensor', TENSOR_FIELDS);
const DATA_OPTIONS = defineOptions('tensor', {
  ...TENSOR_FIELDS,
  /** The shape of flat data (default: the nesting of the data, or [length]). */
  shape: option.custom<readonly number[]>('a list of non-negative integers',
    (v): v is readonly number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0)),
});
const RANDOM_OPTIONS = defineOptions('rand', {
  ...TENSOR_FIELDS,
  /** The random stream to draw from (default: the global generator of `dl.manualSeed`). */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
});

/** Options of the creation functions (`zeros`, `full`, `arange`, ...). */
export type TensorOptions = OptionsInput<typeof TENSOR_OPTIONS>;
/** Options of the random creation functions (`rand`, `randn`, `randint`, `randperm`, ...). */
export type RandomOptions = OptionsInput<typeof RANDOM_OPTIONS>;

function finishOptions(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function fromTyped(data: AnyTypedArray, shape: readonly number[], dtype: DType, options: TensorOptions): Tensor {
  const t = emptyTensor(shape, dtype);
  if (data.length > 0) t.storage.backend.write(t.storage.handle, data, 0);
  return finishOptions(t, options);
}

function dtypeOfTypedArray(data: ArrayBufferView): DType | null {
  if (data instanceof Float32Array || data instanceof Float64Array) return 'float32';
  if (data instanceof Int32Array || data instanceof Int16Array || data instanceof Int8Array || data instanceof Uint16Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'int32';
  return null;
}

/** Flatten nested arrays, checking they are rectangular; returns values and shape. */
function flattenNested(data: NestedArray): { values: (number | boolean)[]; shape: number[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: (number | boolean)[] = [];
  const walk = (node: NestedArray, d: number, path: number[]): void => {
    if (d === shape.length) {
      if (Array.isArray(node)) throw new TypeError(`tensor: ragged nested array at [${path.join('][')}]: expected a number, found an array`);
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw new TypeError(`tensor: element at [${path.join('][')}] is ${JSON.stringify(node)}; expected a number or boolean`);
      }
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[d]) {
      throw new TypeError(`tensor: ragged nested array at [${path.join('][')}]: expected ${shape[d]} entries like the first row, found ` +
        (Array.isArray(node) ? node.length : JSON.stringify(node)));
    }
    node.forEach((child, i) => walk(child, d + 1, [...path, i]));
  };
  walk(data, 0, []);
  return { values, shape };
}

/**
 * A tensor from nested arrays, a typed array, or a number. The dtype is inferred like PyTorch:
 * booleans → bool, integers → int64, any fraction → float32 (a Float32Array → float32).
 *
 * @example
 * dl.tensor([[1, 2], [3, 4]]);           // int64 [2, 2]
 * dl.tensor([0.5, 1.5], { requiresGrad: true });
 * dl.tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(data: NestedArray | ArrayBufferView, options: OptionsInput<typeof DATA_OPTIONS> = {}): Tensor {
  options = DATA_OPTIONS.parse(options);
  const requested = options.dtype === undefined ? undefined : assertDType(options.dtype, 'tensor');
  if (ArrayBuffer.isView(data)) {
    const inferred = dtypeOfTypedArray(data);
    if (inferred === null) throw new TypeError(`tensor: unsupported typed array ${data.constructor.name}`);
    const typed = data as unknown as ArrayLike<number | bigint>;
    const shape = options.shape === undefined ? [typed.length] : checkShape(options.shape, 'tensor');
    if (numel(shape) !== typed.length) {
      throw new RangeError(`tensor: shape ${formatShape(shape)} needs ${numel(shape)} elements but the typed array has ${typed.length}`);
    }
    const dtype = requested ?? inferred;
    return fromTyped(convertArray(typed, dtype), shape, dtype, options);
  }
  const { values, shape: nestedShape } = flattenNested(data);
  const shape = options.shape === undefined ? nestedShape : checkShape(options.shape, 'tensor');
  if (numel(shape) !== values.length) {
    throw new RangeError(`tensor: shape ${formatShape(shape)} needs ${numel(shape)} elements but the data has ${values.length}`);
  }
  const dtype = requested ?? (values.length > 0 && values.every((v) => typeof v === 'boolean') ? 'bool'
    : values.every((v) => typeof v === 'boolean' || Number.isInteger(v)) && values.length > 0 ? 'int64' : 'float32');
  return fromTyped(convertArray(values.map(Number), dtype), shape, dtype, options);
}

/** Copy numbers or bigints into the typed array of `dtype` (float→int truncates, like a cast). */
function convertArray(values: ArrayLike<number | bigint>, dtype: DType): AnyTypedArray {
  const out = newTypedArray(dtype, values.length);
  if (dtype === 'int64') {
    const o = out as BigInt64Array;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'bigint') o[i] = v;
      else {
        if (!Number.isFinite(v)) throw new RangeError(`tensor: cannot convert ${v} to int64`);
        o[i] = BigInt(Math.trunc(v));
      }
    }
  } else if (dtype === 'bool') {
    const o = out as Uint8Array;
    for (let i = 0; i < values.length; i++) o[i] = Number(values[i]) !== 0 ? 1 : 0;
  } else {
    const o = out as Float32Array | Int32Array;
    for (let i = 0; i < values.length; i++) o[i] = Number(values[i]);
  }
  return out;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'full');
  const dims = checkShape(shape, 'full');
  const dtype = options.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  return finishOptions(filled(dims, dtype, Number(value), getBackend()), options);
}

/** A fresh contiguous tensor of `shape` filled with `value` on `backend` (not recorded). */
export function filled(shape: Shape, dtype: DType, value: number, backend: Backend): Tensor {
  return apply({ name: 'Fill', kind: 'fill', inputs: [], backend, out: { shape, dtype }, args(out) { return { out: viewOf(out), value }; } });
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'zeros');
  return full(shape, 0, options);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'ones');
  return full(shape, 1, options);
}

/** A tensor with unspecified contents (fast; fill it before reading). */
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'empty');
  return finishOptions(emptyTensor(checkShape(shape, 'empty'), options.dtype ?? 'float32'), options);
}

export function zerosLike(x: Tensor, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'zerosLike');
  return full(x.shape, 0, { dtype: x.dtype, ...options });
}
export function onesLike(x: Tensor, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'onesLike');
  return full(x.shape, 1, { dtype: x.dtype, ...options });
}
export function fullLike(x: Tensor, value: number, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'fullLike');
  return full(x.shape, value, { dtype: x.dtype, ...options });
}

/**
 * Values from start (inclusive) to end (exclusive) by step; `arange(n)` is 0..n-1.
 * int64 when all arguments are integers, like PyTorch.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'arange');
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be non-zero and finite, got ${step}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`arange: bounds must be finite, got ${lo} and ${hi}`);
  if ((hi - lo) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start ${lo}, end ${hi}, step ${step})`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dtype = options.dtype ?? ([lo, hi, step].every(Number.isInteger) ? 'int64' : 'float32');
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = lo + i * step;
  return fromTyped(convertArray(values, dtype), [n], dtype, options);
}

/** `steps` evenly spaced values from start to end inclusive (float32). */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'linspace');
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: number of steps must be a non-negative integer, got ${steps}`);
  const values = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill from both ends, as PyTorch does, so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) values[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  const dtype = options.dtype ?? 'float32';
  return fromTyped(convertArray(values, dtype), [steps], dtype, options);
}

/** Identity matrix n × m (m defaults to n). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  options = TENSOR_OPTIONS.parse(options, 'eye');
  checkShape([n, m], 'eye');
  const dtype = options.dtype ?? 'float32';
  const values = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromTyped(convertArray(values, dtype), [n, m], dtype, options);
}

/**
 * A float32 tensor filled by the backend's `random` kernel from the generator's Philox stream
 * (uniform a + (b − a)·u, normal a + b·z, or bernoulli: b with probability a, else 0).
 */
export function randomTensor(shape: readonly number[], distribution: RandomDistribution, a: number, b: number, generator: Generator = defaultGenerator): Tensor {
  const slice = generator.philoxSlice(numel(shape));
  return apply({
    name: 'Random', kind: 'random', inputs: [], out: { shape, dtype: 'float32' },
    args(out) { return { out: viewOf(out), distribution, a, b, ...slice }; },
  });
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'rand');
  const dims = checkShape(shape, 'rand');
  checkFloat(options.dtype, 'rand');
  return finishOptions(randomTensor(dims, 'uniform', 0, 1, options.generator), options);
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randn');
  const dims = checkShape(shape, 'randn');
  checkFloat(options.dtype, 'randn');
  return finishOptions(randomTensor(dims, 'normal', 0, 1, options.generator), options);
}

/** Uniform integers in [low, high) (int64 by default). */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randint');
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const dims = checkShape(shape, 'randint');
  const gen = options.generator ?? defaultGenerator;
  const n = numel(dims);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = gen.nextInt(low, high);
  const dtype = options.dtype ?? 'int64';
  return fromTyped(convertArray(values, dtype), dims, dtype, options);
}

/** A random permutation of 0..n-1 (int64), by Fisher–Yates. */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randperm');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const gen = options.generator ?? defaultGenerator;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = gen.nextInt(0, i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  const dtype = options.dtype ?? 'int64';
  return fromTyped(convertArray(values, dtype), [n], dtype, options);
}

export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randLike');
  return rand(x.shape, options);
}
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randnLike');
  return randn(x.shape, options);
}
export function randintLike(x: Tensor, low: number, high: number, options: RandomOptions = {}): Tensor {
  options = RANDOM_OPTIONS.parse(options, 'randintLike');
  return randint(low, high, x.shape, { dtype: x.dtype === 'float32' ? 'float32' : x.dtype, ...options });
}

function checkFloat(dtype: DType | undefined, op: string): DType {
  if (dtype !== undefined && dtype !== 'float32') throw new TypeError(`${op}: only float32 is supported, got ${dtype}`);
  return 'float32';
}
