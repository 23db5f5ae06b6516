/**
 * Tensor: a strided view of a backend buffer, with PyTorch's semantics.
 *
 * The class holds state (storage, shape, strides, offset, dtype, autograd links) and forwards
 * the math to functions in `src/ops/`, which run kernels through `dispatch.ts` and record
 * gradient rules through `autograd/record.ts`.
 */
import type { GradNode } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import * as elementwise from '../ops/elementwise.js';
import * as reduce from '../ops/reduce.js';
import * as views from '../ops/views.js';
import * as linalg from '../ops/linalg.js';
import * as softmaxOps from '../ops/softmax.js';
import * as indexing from '../ops/indexing.js';
import * as joining from '../ops/join.js';
import * as sorting from '../ops/sorting.js';
import * as inplace from '../ops/inplace.js';
import * as convert from '../ops/convert.js';
import { formatTensor } from './format.js';
import type { DType, AnyTypedArray } from '../base/dtype.js';
import { checkOptionKeys, describeValue } from '../base/options.js';
import { isContiguous, numel, normalizeDim, formatShape } from '../base/shape.js';
import { keep, tidyWith, trackTensor } from './scope.js';
import type { Storage } from './storage.js';

export type Scalar = number;
export type TensorOrScalar = Tensor | number;
export type NestedArray = number | boolean | NestedArray[];

/** Options of reductions over dims. */
export interface ReduceOptions {
  keepdim?: boolean;
}
/** Options of var/std: `correction` 1 (default, unbiased) or 0; `unbiased` is PyTorch's older spelling. */
export interface VarOptions extends ReduceOptions {
  correction?: number;
  unbiased?: boolean;
}
/** A reduction's `keepdim`: PyTorch's positional boolean (`x.sum(1, true)`) or `{ keepdim }`. */
export type KeepDim = boolean | ReduceOptions;

function checkBoolean(op: string, name: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') throw new TypeError(`${op}: ${name} must be a boolean, got ${describeValue(v)}`);
}

/** The keepdim a reduction was given, either form, checked (an unknown option key is an error). */
function keepdimOf(op: string, arg: KeepDim | undefined): boolean {
  if (arg === undefined || typeof arg === 'boolean') return arg ?? false;
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) {
    throw new TypeError(`${op}: keepdim must be a boolean or { keepdim }, got ${describeValue(arg)}`);
  }
  checkOptionKeys(op, arg, ['keepdim']);
  checkBoolean(op, 'keepdim', arg.keepdim);
  return arg.keepdim ?? false;
}

/** var/std options from `{ correction, unbiased, keepdim }` or PyTorch's `(unbiased, keepdim)`. */
function varOptionsOf(op: string, options: VarOptions | boolean | undefined, keepdim: boolean | undefined): VarOptions {
  checkBoolean(op, 'keepdim', keepdim);
  if (options === undefined || typeof options === 'boolean') return { unbiased: options, keepdim };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: expected unbiased (a boolean) or { correction, unbiased, keepdim }, got ${describeValue(options)}`);
  }
  if (keepdim !== undefined) throw new TypeError(`${op}: keepdim given twice (in the options and as the third argument)`);
  checkOptionKeys(op, options, ['correction', 'unbiased', 'keepdim']);
  checkBoolean(op, 'unbiased', options.unbiased);
  checkBoolean(op, 'keepdim', options.keepdim);
  if (options.correction !== undefined && (typeof options.correction !== 'number' || !Number.isInteger(options.correction) || options.correction < 0)) {
    throw new TypeError(`${op}: correction must be a non-negative integer, got ${describeValue(options.correction)}`);
  }
  return options;
}

let nextTensorId = 1;

/** @internal The id the next tensor will get (ids increase with creation). */
export function peekNextTensorId(): number {
  return nextTensorId;
}

export class Tensor {
  /** A process-unique serial number, increasing in creation order. */
  readonly id = nextTensorId++;
  /** True once disposed: any use is an error. */
  private disposed = false;
  private requiresGradFlag = false;
  private gradTensor: Tensor | null = null;
  private node: GradNode | null = null;
  /** Post-accumulate-grad hooks of a leaf; null (the common case) costs the engine one field read. */
  private gradHooks: ((t: Tensor) => void)[] | null = null;
  /** isContiguous(), computed on first use (shape and strides never change): -1 unknown, 0, 1. */
  private contiguity = -1;

  /** @internal Use the creation functions (`dl.tensor`, `dl.zeros`, ...). */
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
    track = true,
  ) {
    storage.retain();
    if (track) trackTensor(this);
    else storage.guard();
  }

  // ---------------------------------------------------------------- state and autograd links

  get ndim(): number { return this.shape.length; }
  /** Number of dims (PyTorch's `dim()`). */
  dim(): number { return this.shape.length; }
  numel(): number { return numel(this.shape); }
  /** Size of one dim, or the whole shape. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[normalizeDim(dim, this.ndim, 'size')];
  }
  stride(dim: number): number { return this.strides[normalizeDim(dim, this.ndim, 'stride')]; }
  get device(): string { return this.storage.backend.deviceType; }
  get backendName(): string { return this.storage.backend.name; }
  get isDisposed(): boolean { return this.disposed; }
  isContiguous(): boolean {
    if (this.contiguity < 0) this.contiguity = isContiguous(this.shape, this.strides) ? 1 : 0;
    return this.contiguity === 1;
  }
  /** @internal The storage's in-place write counter. */
  get storageVersion(): number { return this.storage.version; }

  get requiresGrad(): boolean { return this.requiresGradFlag; }
  set requiresGrad(value: boolean) { this.requiresGrad_(value); }
  /** Set whether autograd records ops on this leaf. Only floating tensors can require grad. */
  requiresGrad_(value = true): this {
    if (this.node !== null && !value) {
      throw new Error('requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()');
    }
    if (value && this.dtype !== 'float32') {
      throw new TypeError(`requiresGrad_: only float32 tensors can require gradients, got ${this.dtype}`);
    }
    this.requiresGradFlag = value;
    return this;
  }
  /**
   * The accumulated gradient of a leaf, or null. The tensor owns its gradient: assigning a new
   * one (or null, as `zeroGrad` does) disposes the previous one.
   */
  get grad(): Tensor | null { return this.gradTensor; }
  set grad(value: Tensor | null) {
    if (value !== null && value.shape.join() !== this.shape.join()) {
      throw new Error(`grad: assigned gradient of shape ${formatShape(value.shape)} to a tensor of shape ${formatShape(this.shape)}`);
    }
    if (value !== null) keep(value);
    if (this.gradTensor !== null && this.gradTensor !== value) this.gradTensor.dispose();
    this.gradTensor = value;
  }
  /** The node that produced this tensor, or null for leaves. */
  get gradFn(): GradNode | null { return this.node; }
  get isLeaf(): boolean { return this.node === null; }
  /** @internal */
  setGradFn(node: GradNode): void {
    this.node = node;
    this.requiresGradFlag = true;
  }
  /** @internal Store a freshly computed gradient (owned by this tensor from now on). */
  adoptGrad(g: Tensor): void {
    this.gradTensor = keep(g);
  }
  /** @internal grad += g without autograd or version checks (gradient accumulation). */
  addInPlaceUnchecked(g: Tensor): void {
    inplace.accumulate(this, g);
  }

  /**
   * Calls `hook(this)` after each backward pass has accumulated this leaf's `.grad` (once per
   * pass, when every gradient of the pass has been summed in; not in a pass that gives it no
   * gradient). PyTorch 2.1's `register_post_accumulate_grad_hook`; DistributedDataParallel
   * uses it to all-reduce gradients as soon as they are final.
   *
   * @example
   * const w = dl.ones([2], { requiresGrad: true });
   * const handle = w.registerPostAccumulateGradHook((p) => console.log(p.grad!.toArray()));
   * w.mul(3).sum().backward(); // logs [3, 3]
   * handle.remove();
   */
  registerPostAccumulateGradHook(hook: (t: Tensor) => void): { remove(): void } {
    if (typeof hook !== 'function') throw new TypeError(`registerPostAccumulateGradHook: expected a function, got ${describeValue(hook)}`);
    if (!this.requiresGradFlag) throw new Error("registerPostAccumulateGradHook: cannot register a hook on a tensor that doesn't require gradient");
    if (this.node !== null) throw new Error('registerPostAccumulateGradHook: post accumulate grad hooks cannot be registered on non-leaf tensors');
    const entry = (t: Tensor): void => hook(t); // its own identity: the same function registered twice is removed once
    (this.gradHooks ??= []).push(entry);
    return {
      remove: () => {
        const hooks = this.gradHooks;
        const at = hooks === null ? -1 : hooks.indexOf(entry);
        if (at < 0) return;
        hooks!.splice(at, 1);
        if (hooks!.length === 0) this.gradHooks = null;
      },
    };
  }
  /** @internal The leaf's post-accumulate-grad hooks, or null when it has none. */
  get postAccumulateGradHooks(): readonly ((t: Tensor) => void)[] | null { return this.gradHooks; }

  /**
   * Backpropagate from this tensor. A scalar needs no gradient; any other shape needs one.
   *
   * @example
   * const x = dl.tensor([1, 2, 3], { requiresGrad: true });
   * x.square().sum().backward();
   * x.grad!.toArray(); // [2, 4, 6]
   */
  backward(gradient?: Tensor, options: BackwardOptions = {}): void {
    this.assertAlive();
    if (!this.requiresGradFlag) {
      throw new Error('backward: element 0 of tensors does not require grad and does not have a gradFn');
    }
    if (gradient === undefined) {
      if (this.numel() !== 1) {
        throw new Error(`backward: grad can be implicitly created only for scalar outputs, but this tensor has shape ${formatShape(this.shape)}; pass a gradient of that shape`);
      }
      runBackward(this, elementwise.onesLikeInternal(this), options, true);
      return;
    }
    if (gradient.shape.join() !== this.shape.join()) {
      throw new Error(`backward: gradient has shape ${formatShape(gradient.shape)} but the tensor has shape ${formatShape(this.shape)}`);
    }
    runBackward(this, gradient, options);
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor { return views.detach(this); }
  /** Detach in place: this tensor becomes a leaf. */
  detach_(): this {
    this.node = null;
    this.requiresGradFlag = false;
    return this;
  }
  /** Keep this tensor alive past the enclosing `tidy`. */
  keep(): this { return keep(this); }

  /** Release the storage reference now (the buffer is freed when no view uses it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.releaseRef();
    if (this.gradTensor !== null) {
      this.gradTensor.dispose();
      this.gradTensor = null;
    }
  }
  /** @internal */
  assertAlive(): void {
    if (this.disposed) throw new Error(`tensor of shape ${formatShape(this.shape)} (${this.dtype}) was used after dispose()`);
  }
  /** @internal An untracked alias used by autograd to keep saved values alive. */
  aliasForAutograd(): Tensor {
    this.assertAlive();
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype, false);
  }

  // ---------------------------------------------------------------- conversion

  /** Elements in row-major order as a new typed array (Float32Array, Int32Array, BigInt64Array, Uint8Array). */
  dataSync(): AnyTypedArray { return convert.dataSync(this); }
  /** Like dataSync, without blocking on device work. */
  data(): Promise<AnyTypedArray> { return convert.data(this); }
  /** Nested JavaScript arrays of numbers (booleans for bool tensors). */
  toArray(): NestedArray { return convert.toArray(this); }
  /** The value of a one-element tensor. */
  item(): number { return convert.item(this); }
  toString(): string { return formatTensor(this); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
  /** Cast to another dtype (a copy unless the dtype is the same). */
  to(dtype: DType): Tensor { return convert.toDType(this, dtype); }
  float(): Tensor { return this.to('float32'); }
  int(): Tensor { return this.to('int32'); }
  long(): Tensor { return this.to('int64'); }
  bool(): Tensor { return this.to('bool'); }

  // ---------------------------------------------------------------- views and shape

  reshape(...shape: number[] | [readonly number[]]): Tensor { return views.reshape(this, views.shapeArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return views.view(this, views.shapeArgs(shape)); }
  viewAs(other: Tensor): Tensor { return views.view(this, other.shape); }
  reshapeAs(other: Tensor): Tensor { return views.reshape(this, other.shape); }
  transpose(dim0: number, dim1: number): Tensor { return views.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (≤ 2 dims). */
  t(): Tensor { return views.matrixTranspose(this); }
  /** Transpose of the last two dims. */
  get mT(): Tensor { return views.transpose(this, -2, -1); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return views.permute(this, views.shapeArgs(dims)); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return views.expand(this, views.shapeArgs(shape)); }
  expandAs(other: Tensor): Tensor { return views.expand(this, other.shape); }
  squeeze(dim?: number | readonly number[]): Tensor { return views.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return views.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return views.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return views.unflatten(this, dim, sizes); }
  narrow(dim: number, start: number, length: number): Tensor { return views.narrow(this, dim, start, length); }
  /** Elements start, start+step, ... < end along dim (Python's `x[start:end:step]`). */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor { return views.slice(this, dim, start, end, step); }
  /** The sub-tensor at `index` along dim, with that dim removed. */
  select(dim: number, index: number): Tensor { return views.select(this, dim, index); }
  /**
   * Basic indexing, one entry per leading dim: a number selects, `null` keeps the whole dim,
   * `[start, end, step?]` slices. `x.index(0, null, [1, 3])` is PyTorch's `x[0, :, 1:3]`.
   */
  index(...indices: views.IndexSpec[]): Tensor { return views.index(this, indices); }
  contiguous(): Tensor { return views.contiguous(this); }
  clone(): Tensor { return views.clone(this); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return joining.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return joining.chunk(this, chunks, dim); }
  unbind(dim = 0): Tensor[] { return joining.unbind(this, dim); }

  // ---------------------------------------------------------------- elementwise math

  add(other: TensorOrScalar, alpha = 1): Tensor { return elementwise.add(this, other, alpha); }
  sub(other: TensorOrScalar, alpha = 1): Tensor { return elementwise.sub(this, other, alpha); }
  mul(other: TensorOrScalar): Tensor { return elementwise.binary('mul', this, other); }
  div(other: TensorOrScalar): Tensor { return elementwise.binary('div', this, other); }
  pow(exponent: TensorOrScalar): Tensor { return elementwise.binary('pow', this, exponent); }
  remainder(other: TensorOrScalar): Tensor { return elementwise.binary('remainder', this, other); }
  atan2(other: TensorOrScalar): Tensor { return elementwise.binary('atan2', this, other); }
  maximum(other: TensorOrScalar): Tensor { return elementwise.binary('maximum', this, other); }
  minimum(other: TensorOrScalar): Tensor { return elementwise.binary('minimum', this, other); }
  neg(): Tensor { return elementwise.unary('neg', this); }
  abs(): Tensor { return elementwise.unary('abs', this); }
  sign(): Tensor { return elementwise.unary('sign', this); }
  square(): Tensor { return elementwise.unary('square', this); }
  reciprocal(): Tensor { return elementwise.unary('reciprocal', this); }
  exp(): Tensor { return elementwise.unary('exp', this); }
  expm1(): Tensor { return elementwise.unary('expm1', this); }
  log(): Tensor { return elementwise.unary('log', this); }
  log1p(): Tensor { return elementwise.unary('log1p', this); }
  sqrt(): Tensor { return elementwise.unary('sqrt', this); }
  rsqrt(): Tensor { return elementwise.unary('rsqrt', this); }
  sin(): Tensor { return elementwise.unary('sin', this); }
  cos(): Tensor { return elementwise.unary('cos', this); }
  tanh(): Tensor { return elementwise.unary('tanh', this); }
  sigmoid(): Tensor { return elementwise.unary('sigmoid', this); }
  relu(): Tensor { return elementwise.unary('relu', this); }
  /** GELU; `approximate: 'tanh'` uses the tanh approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return elementwise.unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', this); }
  silu(): Tensor { return elementwise.unary('silu', this); }
  softplus(): Tensor { return elementwise.unary('softplus', this); }
  erf(): Tensor { return elementwise.unary('erf', this); }
  floor(): Tensor { return elementwise.unary('floor', this); }
  ceil(): Tensor { return elementwise.unary('ceil', this); }
  round(): Tensor { return elementwise.unary('round', this); }
  trunc(): Tensor { return elementwise.unary('trunc', this); }
  clamp(min?: number | null, max?: number | null): Tensor { return elementwise.clamp(this, min ?? undefined, max ?? undefined); }
  clip(min?: number | null, max?: number | null): Tensor { return this.clamp(min, max); }
  isnan(): Tensor { return elementwise.unary('isnan', this); }
  isinf(): Tensor { return elementwise.unary('isinf', this); }
  isfinite(): Tensor { return elementwise.unary('isfinite', this); }
  eq(other: TensorOrScalar): Tensor { return elementwise.binary('eq', this, other); }
  ne(other: TensorOrScalar): Tensor { return elementwise.binary('ne', this, other); }
  lt(other: TensorOrScalar): Tensor { return elementwise.binary('lt', this, other); }
  le(other: TensorOrScalar): Tensor { return elementwise.binary('le', this, other); }
  gt(other: TensorOrScalar): Tensor { return elementwise.binary('gt', this, other); }
  ge(other: TensorOrScalar): Tensor { return elementwise.binary('ge', this, other); }
  logicalAnd(other: TensorOrScalar): Tensor { return elementwise.binary('logicalAnd', this, other); }
  logicalOr(other: TensorOrScalar): Tensor { return elementwise.binary('logicalOr', this, other); }
  logicalXor(other: TensorOrScalar): Tensor { return elementwise.binary('logicalXor', this, other); }
  logicalNot(): Tensor { return elementwise.unary('logicalNot', this); }
  /** Elementwise `cond ? this : other`. */
  where(cond: Tensor, other: TensorOrScalar): Tensor { return elementwise.where(cond, this, other); }
  maskedFill(mask: Tensor, value: number): Tensor { return indexing.maskedFill(this, mask, value); }

  // ---------------------------------------------------------------- reductions

  sum(dim?: number | readonly number[], keepdim?: KeepDim): Tensor { return reduce.sum(this, dim, keepdimOf('sum', keepdim)); }
  mean(dim?: number | readonly number[], keepdim?: KeepDim): Tensor { return reduce.mean(this, dim, keepdimOf('mean', keepdim)); }
  prod(dim?: number, keepdim?: KeepDim): Tensor { return reduce.prod(this, dim, keepdimOf('prod', keepdim)); }
  /** The largest element, or `{ values, indices }` along `dim`. */
  max(): Tensor;
  max(dim: number, keepdim?: KeepDim): reduce.ValuesIndices;
  max(dim?: number, keepdim?: KeepDim): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.extremeAll(this, 'max') : reduce.extremeDim(this, 'max', dim, keepdimOf('max', keepdim));
  }
  /** The smallest element, or `{ values, indices }` along `dim`. */
  min(): Tensor;
  min(dim: number, keepdim?: KeepDim): reduce.ValuesIndices;
  min(dim?: number, keepdim?: KeepDim): Tensor | reduce.ValuesIndices {
    return dim === undefined ? reduce.extremeAll(this, 'min') : reduce.extremeDim(this, 'min', dim, keepdimOf('min', keepdim));
  }
  /** Max over dims without indices (gradient shared evenly among ties). */
  amax(dim?: number | readonly number[], keepdim?: KeepDim): Tensor { return reduce.amax(this, 'max', dim, keepdimOf('amax', keepdim)); }
  amin(dim?: number | readonly number[], keepdim?: KeepDim): Tensor { return reduce.amax(this, 'min', dim, keepdimOf('amin', keepdim)); }
  argmax(dim?: number, keepdim?: KeepDim): Tensor { return reduce.argExtreme(this, 'argmax', dim, keepdimOf('argmax', keepdim)); }
  argmin(dim?: number, keepdim?: KeepDim): Tensor { return reduce.argExtreme(this, 'argmin', dim, keepdimOf('argmin', keepdim)); }
  /**
   * Variance over `dim` with Bessel's correction by default. PyTorch's positional form is
   * `(dim, unbiased, keepdim)`: `x.var(1, false, true)` is `x.var(1, { unbiased: false, keepdim: true })`.
   */
  var(dim?: number | readonly number[], options?: VarOptions | boolean, keepdim?: boolean): Tensor { return reduce.variance(this, dim, varOptionsOf('var', options, keepdim)); }
  /** Standard deviation: the square root of `var` with the same arguments. */
  std(dim?: number | readonly number[], options?: VarOptions | boolean, keepdim?: boolean): Tensor { return reduce.variance(this, dim, varOptionsOf('std', options, keepdim)).sqrt(); }
  logsumexp(dim: number | readonly number[], keepdim?: KeepDim): Tensor { return reduce.logsumexp(this, dim, keepdimOf('logsumexp', keepdim)); }
  any(dim?: number, keepdim?: KeepDim): Tensor { return reduce.logical(this, 'any', dim, keepdimOf('any', keepdim)); }
  all(dim?: number, keepdim?: KeepDim): Tensor { return reduce.logical(this, 'all', dim, keepdimOf('all', keepdim)); }
  softmax(dim: number): Tensor { return softmaxOps.softmax(this, dim, false); }
  logSoftmax(dim: number): Tensor { return softmaxOps.softmax(this, dim, true); }

  // ---------------------------------------------------------------- linear algebra and indexing

  matmul(other: Tensor): Tensor { return linalg.matmul(this, other); }
  mm(other: Tensor): Tensor { return linalg.mm(this, other); }
  bmm(other: Tensor): Tensor { return linalg.bmm(this, other); }
  gather(dim: number, index: Tensor): Tensor { return indexing.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return indexing.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return indexing.indexSelect(this, dim, index); }
  sort(dim = -1, descending = false): reduce.ValuesIndices { return sorting.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return sorting.argsort(this, dim, descending); }
  topk(k: number, dim = -1, largest = true, sorted = true): reduce.ValuesIndices { return sorting.topk(this, k, dim, largest, sorted); }

  // ---------------------------------------------------------------- in place (bump the storage version)

  add_(other: TensorOrScalar, alpha = 1): this { return inplace.inPlace(this, 'add_', (x) => elementwise.add(x, other, alpha)); }
  sub_(other: TensorOrScalar, alpha = 1): this { return inplace.inPlace(this, 'sub_', (x) => elementwise.sub(x, other, alpha)); }
  mul_(other: TensorOrScalar): this { return inplace.inPlace(this, 'mul_', (x) => elementwise.binary('mul', x, other)); }
  div_(other: TensorOrScalar): this { return inplace.inPlace(this, 'div_', (x) => elementwise.binary('div', x, other)); }
  pow_(exponent: TensorOrScalar): this { return inplace.inPlace(this, 'pow_', (x) => elementwise.binary('pow', x, exponent)); }
  clamp_(min?: number | null, max?: number | null): this { return inplace.inPlace(this, 'clamp_', (x) => elementwise.clamp(x, min ?? undefined, max ?? undefined)); }
  relu_(): this { return inplace.inPlace(this, 'relu_', (x) => elementwise.unary('relu', x)); }
  neg_(): this { return inplace.inPlace(this, 'neg_', (x) => elementwise.unary('neg', x)); }
  exp_(): this { return inplace.inPlace(this, 'exp_', (x) => elementwise.unary('exp', x)); }
  sqrt_(): this { return inplace.inPlace(this, 'sqrt_', (x) => elementwise.unary('sqrt', x)); }
  maskedFill_(mask: Tensor, value: number): this { return inplace.inPlace(this, 'maskedFill_', (x) => indexing.maskedFill(x, mask, value)); }
  copy_(src: Tensor): this { return inplace.copyInto(this, src); }
  fill_(value: number): this { return inplace.fillInto(this, value); }
  zero_(): this { return inplace.fillInto(this, 0); }
  /** Fill with uniform samples from [low, high) drawn from the default generator. */
  uniform_(low = 0, high = 1): this { return inplace.randomInto(this, 'uniform', low, high); }
  /** Fill with normal samples N(mean, std²) drawn from the default generator. */
  normal_(mean = 0, std = 1): this { return inplace.randomInto(this, 'normal', mean, std); }
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (a tensor, or arrays
 * and plain objects of tensors), which move to the enclosing scope.
 *
 * @example
 * const loss = dl.tidy(() => model.forward(x).sub(y).square().mean());
 */
export function tidy<T>(fn: () => T): T {
  return tidyWith(fn, isTensor);
}
