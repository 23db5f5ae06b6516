/**
 * Tensor: a strided view of a backend buffer, with PyTorch's semantics.
 *
 * The class holds state (storage, shape, strides, offset, dtype, autograd links) and forwards
 * the math to functions in `src/ops/`, which run kernels through `dispatch.ts` and record
 * gradient rules through `autograd/record.ts`.
 */
import type { GradNode } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import * as ew from '../ops/elementwise.js';
import * as red from '../ops/reduce.js';
import * as vw from '../ops/views.js';
import * as lin from '../ops/linalg.js';
import * as sm from '../ops/softmax.js';
import * as idx from '../ops/indexing.js';
import * as join from '../ops/join.js';
import * as srt from '../ops/sorting.js';
import * as inp from '../ops/inplace.js';
import * as conv from '../ops/convert.js';
import { formatTensor } from './format.js';
import type { DType, AnyTypedArray } from '../base/dtype.js';
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
    inp.accumulate(this, g);
  }

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
      runBackward(this, ew.onesLikeInternal(this), options, true);
      return;
    }
    if (gradient.shape.join() !== this.shape.join()) {
      throw new Error(`backward: gradient has shape ${formatShape(gradient.shape)} but the tensor has shape ${formatShape(this.shape)}`);
    }
    runBackward(this, gradient, options);
  }

  /** A new tensor sharing storage, cut from the graph. */
  detach(): Tensor { return vw.detach(this); }
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
  dataSync(): AnyTypedArray { return conv.dataSync(this); }
  /** Like dataSync, without blocking on device work. */
  data(): Promise<AnyTypedArray> { return conv.data(this); }
  /** Nested JavaScript arrays of numbers (booleans for bool tensors). */
  toArray(): NestedArray { return conv.toArray(this); }
  /** The value of a one-element tensor. */
  item(): number { return conv.item(this); }
  toString(): string { return formatTensor(this); }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
  /** Cast to another dtype (a copy unless the dtype is the same). */
  to(dtype: DType): Tensor { return conv.toDType(this, dtype); }
  float(): Tensor { return this.to('float32'); }
  int(): Tensor { return this.to('int32'); }
  long(): Tensor { return this.to('int64'); }
  bool(): Tensor { return this.to('bool'); }

  // ---------------------------------------------------------------- views and shape

  reshape(...shape: number[] | [readonly number[]]): Tensor { return vw.reshape(this, vw.shapeArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return vw.view(this, vw.shapeArgs(shape)); }
  viewAs(other: Tensor): Tensor { return vw.view(this, other.shape); }
  reshapeAs(other: Tensor): Tensor { return vw.reshape(this, other.shape); }
  transpose(dim0: number, dim1: number): Tensor { return vw.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (≤ 2 dims). */
  t(): Tensor { return vw.matrixTranspose(this); }
  /** Transpose of the last two dims. */
  get mT(): Tensor { return vw.transpose(this, -2, -1); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return vw.permute(this, vw.shapeArgs(dims)); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return vw.expand(this, vw.shapeArgs(shape)); }
  expandAs(other: Tensor): Tensor { return vw.expand(this, other.shape); }
  squeeze(dim?: number | readonly number[]): Tensor { return vw.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return vw.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return vw.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return vw.unflatten(this, dim, sizes); }
  narrow(dim: number, start: number, length: number): Tensor { return vw.narrow(this, dim, start, length); }
  /** Elements start, start+step, ... < end along dim (Python's `x[start:end:step]`). */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor { return vw.slice(this, dim, start, end, step); }
  /** The sub-tensor at `index` along dim, with that dim removed. */
  select(dim: number, index: number): Tensor { return vw.select(this, dim, index); }
  /**
   * Basic indexing, one entry per leading dim: a number selects, `null` keeps the whole dim,
   * `[start, end, step?]` slices. `x.index(0, null, [1, 3])` is PyTorch's `x[0, :, 1:3]`.
   */
  index(...indices: vw.IndexSpec[]): Tensor { return vw.index(this, indices); }
  contiguous(): Tensor { return vw.contiguous(this); }
  clone(): Tensor { return vw.clone(this); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return join.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return join.chunk(this, chunks, dim); }
  unbind(dim = 0): Tensor[] { return join.unbind(this, dim); }

  // ---------------------------------------------------------------- elementwise math

  add(other: TensorOrScalar, alpha = 1): Tensor { return ew.add(this, other, alpha); }
  sub(other: TensorOrScalar, alpha = 1): Tensor { return ew.sub(this, other, alpha); }
  mul(other: TensorOrScalar): Tensor { return ew.binary('mul', this, other); }
  div(other: TensorOrScalar): Tensor { return ew.binary('div', this, other); }
  pow(exponent: TensorOrScalar): Tensor { return ew.binary('pow', this, exponent); }
  remainder(other: TensorOrScalar): Tensor { return ew.binary('remainder', this, other); }
  atan2(other: TensorOrScalar): Tensor { return ew.binary('atan2', this, other); }
  maximum(other: TensorOrScalar): Tensor { return ew.binary('maximum', this, other); }
  minimum(other: TensorOrScalar): Tensor { return ew.binary('minimum', this, other); }
  neg(): Tensor { return ew.unary('neg', this); }
  abs(): Tensor { return ew.unary('abs', this); }
  sign(): Tensor { return ew.unary('sign', this); }
  square(): Tensor { return ew.unary('square', this); }
  reciprocal(): Tensor { return ew.unary('reciprocal', this); }
  exp(): Tensor { return ew.unary('exp', this); }
  expm1(): Tensor { return ew.unary('expm1', this); }
  log(): Tensor { return ew.unary('log', this); }
  log1p(): Tensor { return ew.unary('log1p', this); }
  sqrt(): Tensor { return ew.unary('sqrt', this); }
  rsqrt(): Tensor { return ew.unary('rsqrt', this); }
  sin(): Tensor { return ew.unary('sin', this); }
  cos(): Tensor { return ew.unary('cos', this); }
  tanh(): Tensor { return ew.unary('tanh', this); }
  sigmoid(): Tensor { return ew.unary('sigmoid', this); }
  relu(): Tensor { return ew.unary('relu', this); }
  /** GELU; `approximate: 'tanh'` uses the tanh approximation. */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ew.unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', this); }
  silu(): Tensor { return ew.unary('silu', this); }
  softplus(): Tensor { return ew.unary('softplus', this); }
  erf(): Tensor { return ew.unary('erf', this); }
  floor(): Tensor { return ew.unary('floor', this); }
  ceil(): Tensor { return ew.unary('ceil', this); }
  round(): Tensor { return ew.unary('round', this); }
  trunc(): Tensor { return ew.unary('trunc', this); }
  clamp(min?: number | null, max?: number | null): Tensor { return ew.clamp(this, min ?? undefined, max ?? undefined); }
  clip(min?: number | null, max?: number | null): Tensor { return this.clamp(min, max); }
  isnan(): Tensor { return ew.unary('isnan', this); }
  isinf(): Tensor { return ew.unary('isinf', this); }
  isfinite(): Tensor { return ew.unary('isfinite', this); }
  eq(other: TensorOrScalar): Tensor { return ew.binary('eq', this, other); }
  ne(other: TensorOrScalar): Tensor { return ew.binary('ne', this, other); }
  lt(other: TensorOrScalar): Tensor { return ew.binary('lt', this, other); }
  le(other: TensorOrScalar): Tensor { return ew.binary('le', this, other); }
  gt(other: TensorOrScalar): Tensor { return ew.binary('gt', this, other); }
  ge(other: TensorOrScalar): Tensor { return ew.binary('ge', this, other); }
  logicalAnd(other: TensorOrScalar): Tensor { return ew.binary('logicalAnd', this, other); }
  logicalOr(other: TensorOrScalar): Tensor { return ew.binary('logicalOr', this, other); }
  logicalXor(other: TensorOrScalar): Tensor { return ew.binary('logicalXor', this, other); }
  logicalNot(): Tensor { return ew.unary('logicalNot', this); }
  /** Elementwise `cond ? this : other`. */
  where(cond: Tensor, other: TensorOrScalar): Tensor { return ew.where(cond, this, other); }
  maskedFill(mask: Tensor, value: number): Tensor { return idx.maskedFill(this, mask, value); }

  // ---------------------------------------------------------------- reductions

  sum(dim?: number | readonly number[], options: ReduceOptions = {}): Tensor { return red.sum(this, dim, options.keepdim ?? false); }
  mean(dim?: number | readonly number[], options: ReduceOptions = {}): Tensor { return red.mean(this, dim, options.keepdim ?? false); }
  prod(dim?: number, options: ReduceOptions = {}): Tensor { return red.prod(this, dim, options.keepdim ?? false); }
  /** The largest element, or `{ values, indices }` along `dim`. */
  max(): Tensor;
  max(dim: number, options?: ReduceOptions): red.ValuesIndices;
  max(dim?: number, options: ReduceOptions = {}): Tensor | red.ValuesIndices {
    return dim === undefined ? red.extremeAll(this, 'max') : red.extremeDim(this, 'max', dim, options.keepdim ?? false);
  }
  /** The smallest element, or `{ values, indices }` along `dim`. */
  min(): Tensor;
  min(dim: number, options?: ReduceOptions): red.ValuesIndices;
  min(dim?: number, options: ReduceOptions = {}): Tensor | red.ValuesIndices {
    return dim === undefined ? red.extremeAll(this, 'min') : red.extremeDim(this, 'min', dim, options.keepdim ?? false);
  }
  /** Max over dims without indices (gradient shared evenly among ties). */
  amax(dim?: number | readonly number[], options: ReduceOptions = {}): Tensor { return red.amax(this, 'max', dim, options.keepdim ?? false); }
  amin(dim?: number | readonly number[], options: ReduceOptions = {}): Tensor { return red.amax(this, 'min', dim, options.keepdim ?? false); }
  argmax(dim?: number, options: ReduceOptions = {}): Tensor { return red.argExtreme(this, 'argmax', dim, options.keepdim ?? false); }
  argmin(dim?: number, options: ReduceOptions = {}): Tensor { return red.argExtreme(this, 'argmin', dim, options.keepdim ?? false); }
  var(dim?: number | readonly number[], options: VarOptions = {}): Tensor { return red.variance(this, dim, options); }
  std(dim?: number | readonly number[], options: VarOptions = {}): Tensor { return red.variance(this, dim, options).sqrt(); }
  logsumexp(dim: number | readonly number[], options: ReduceOptions = {}): Tensor { return red.logsumexp(this, dim, options.keepdim ?? false); }
  any(dim?: number, options: ReduceOptions = {}): Tensor { return red.logical(this, 'any', dim, options.keepdim ?? false); }
  all(dim?: number, options: ReduceOptions = {}): Tensor { return red.logical(this, 'all', dim, options.keepdim ?? false); }
  softmax(dim: number): Tensor { return sm.softmax(this, dim, false); }
  logSoftmax(dim: number): Tensor { return sm.softmax(this, dim, true); }

  // ---------------------------------------------------------------- linear algebra and indexing

  matmul(other: Tensor): Tensor { return lin.matmul(this, other); }
  mm(other: Tensor): Tensor { return lin.mm(this, other); }
  bmm(other: Tensor): Tensor { return lin.bmm(this, other); }
  gather(dim: number, index: Tensor): Tensor { return idx.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return idx.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return idx.indexSelect(this, dim, index); }
  sort(dim = -1, descending = false): red.ValuesIndices { return srt.sort(this, dim, descending); }
  argsort(dim = -1, descending = false): Tensor { return srt.argsort(this, dim, descending); }
  topk(k: number, dim = -1, largest = true, sorted = true): red.ValuesIndices { return srt.topk(this, k, dim, largest, sorted); }

  // ---------------------------------------------------------------- in place (bump the storage version)

  add_(other: TensorOrScalar, alpha = 1): this { return inp.inPlace(this, 'add_', (x) => ew.add(x, other, alpha)); }
  sub_(other: TensorOrScalar, alpha = 1): this { return inp.inPlace(this, 'sub_', (x) => ew.sub(x, other, alpha)); }
  mul_(other: TensorOrScalar): this { return inp.inPlace(this, 'mul_', (x) => ew.binary('mul', x, other)); }
  div_(other: TensorOrScalar): this { return inp.inPlace(this, 'div_', (x) => ew.binary('div', x, other)); }
  pow_(exponent: TensorOrScalar): this { return inp.inPlace(this, 'pow_', (x) => ew.binary('pow', x, exponent)); }
  clamp_(min?: number | null, max?: number | null): this { return inp.inPlace(this, 'clamp_', (x) => ew.clamp(x, min ?? undefined, max ?? undefined)); }
  relu_(): this { return inp.inPlace(this, 'relu_', (x) => ew.unary('relu', x)); }
  neg_(): this { return inp.inPlace(this, 'neg_', (x) => ew.unary('neg', x)); }
  exp_(): this { return inp.inPlace(this, 'exp_', (x) => ew.unary('exp', x)); }
  sqrt_(): this { return inp.inPlace(this, 'sqrt_', (x) => ew.unary('sqrt', x)); }
  maskedFill_(mask: Tensor, value: number): this { return inp.inPlace(this, 'maskedFill_', (x) => idx.maskedFill(x, mask, value)); }
  copy_(src: Tensor): this { return inp.copyInto(this, src); }
  fill_(value: number): this { return inp.fillInto(this, value); }
  zero_(): this { return inp.fillInto(this, 0); }
  /** Fill with uniform samples from [low, high) drawn from the default generator. */
  uniform_(low = 0, high = 1): this { return inp.randomInto(this, 'uniform', low, high); }
  /** Fill with normal samples N(mean, std²) drawn from the default generator. */
  normal_(mean = 0, std = 1): this { return inp.randomInto(this, 'normal', mean, std); }
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
