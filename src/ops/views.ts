/**
 * Shape ops that return views sharing storage (reshape/view, permute, expand, squeeze,
 * narrow/slice/select/index, ...) and their gradients.
 *
 * Each view op is a pure function on the view geometry (shape, strides, offset). The gradient
 * of a slicing op applies the same geometry function to a zero tensor of the input's shape and
 * copies the incoming gradient into that window.
 */
import { contiguousStrides, formatShape, normalizeDim, numel, shapesEqual, type Shape } from '../base/shape.js';
import { viewOf } from '../core/dispatch.js';
import { Tensor } from '../core/tensor.js';
import { apply, applyView, type Geometry } from './apply.js';
import { copyRecorded } from './convert.js';
import { filled } from './creation.js';
import { sumToShape } from './reduce_to_shape.js';

/** A number selects, null keeps a dim whole, [start, end, step?] slices (end may be undefined). */
export type IndexSpec = number | null | readonly [number | undefined, number | undefined, number?];

/** Accept `f(2, 3)` and `f([2, 3])` alike. */
export function shapeArgs(args: number[] | [readonly number[]]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

function geometryOf(x: Tensor): Geometry {
  return { shape: [...x.shape], strides: [...x.strides], offset: x.offset };
}

/** Gradient of a slicing view: zeros of the input's shape with `g` copied into the window. */
function scatterIntoZeros(g: Tensor, inputShape: readonly number[], transform: (geo: Geometry) => Geometry): Tensor {
  const geo = transform({ shape: [...inputShape], strides: contiguousStrides(inputShape), offset: 0 });
  return apply({
    name: 'SliceGrad', kind: 'copy', inputs: [g], out: { into: filled(inputShape, g.dtype, 0, g.storage.backend) },
    args(zeros) { return { x: viewOf(g), out: { buffer: zeros.storage.handle, dtype: zeros.dtype, ...geo } }; },
  });
}

/** Resolve one -1 in a target shape against the element count. */
function inferShape(shape: readonly number[], count: number, op: string): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.some((d, i) => !Number.isInteger(d) || (d < 0 && i !== unknown)) || out.lastIndexOf(-1) !== unknown) {
    throw new RangeError(`${op}: invalid shape ${formatShape(shape)} (sizes must be non-negative integers, with at most one -1)`);
  }
  const known = out.reduce((n, d) => (d === -1 ? n : n * d), 1);
  if (unknown >= 0) {
    if (known === 0 || count % known !== 0) {
      throw new RangeError(`${op}: shape ${formatShape(shape)} is invalid for input of size ${count}`);
    }
    out[unknown] = count / known;
  } else if (known !== count) {
    throw new RangeError(`${op}: shape ${formatShape(shape)} is invalid for input of size ${count}`);
  }
  return out;
}

/**
 * Strides that let `newShape` view memory laid out as (shape, strides), or null when the
 * reshape needs a copy. Dims are matched in groups whose elements are evenly spaced.
 */
function viewStrides(shape: readonly number[], strides: readonly number[], newShape: readonly number[]): number[] | null {
  if (numel(shape) === 0) return contiguousStrides(newShape);
  const oldDims = shape.map((d, i) => [d, strides[i]] as const).filter(([d]) => d !== 1);
  const out = new Array<number>(newShape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (ni < newShape.length) {
    if (newShape[ni] === 1) {
      out[ni] = ni + 1 < newShape.length ? 0 : 1;
      ni++;
      continue;
    }
    if (oi >= oldDims.length) return null;
    // take old dims until their product matches the next group of new dims
    let oldSize = oldDims[oi][0];
    let newSize = newShape[ni];
    const newStart = ni;
    while (oldSize !== newSize) {
      if (oldSize < newSize) {
        oi++;
        if (oi >= oldDims.length) return null;
        if (oldDims[oi - 1][1] !== oldDims[oi][0] * oldDims[oi][1]) return null;
        oldSize *= oldDims[oi][0];
      } else {
        ni++;
        if (ni >= newShape.length) return null;
        newSize *= newShape[ni];
      }
    }
    // the group is contiguous within itself; lay the new dims over its innermost stride
    let stride = oldDims[oi][1];
    for (let k = ni; k >= newStart; k--) {
      out[k] = stride;
      stride *= newShape[k];
    }
    oi++;
    ni++;
  }
  return oi === oldDims.length ? out : null;
}

/** A view with a new shape; throws when the memory layout does not allow one (use reshape). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel(), 'view');
  const strides = viewStrides(x.shape, x.strides, target);
  if (strides === null) {
    throw new Error(`view: size ${formatShape(target)} is not compatible with input of shape ${formatShape(x.shape)} and strides ` +
      `${formatShape(x.strides)} (at least one dimension spans across two contiguous subspaces); use reshape(...) instead`);
  }
  const inShape = x.shape;
  return applyView(x, 'View', { shape: target, strides, offset: x.offset }, (g) => g.reshape([...inShape]));
}

/** A view when possible, else a contiguous copy with the new shape. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertAlive();
  const target = inferShape(shape, x.numel(), 'reshape');
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(copyRecorded(x, 'Clone'), target);
}

/** Reorder dims. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new RangeError(`permute: number of dims ${dims.length} does not match the tensor's ${x.ndim} (shape ${formatShape(x.shape)})`);
  }
  const n = dims.length;
  const inverse: number[] = [];
  for (let i = 0; i < n; i++) inverse.push(-1);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = normalizeDim(dims[i], n, 'permute');
    if (inverse[d] !== -1) throw new RangeError(`permute: repeated dim in ${formatShape(dims)}`);
    inverse[d] = i;
    shape.push(x.shape[d]);
    strides.push(x.strides[d]);
  }
  return applyView(x, 'Permute', { shape, strides, offset: x.offset }, (g) => g.permute(inverse));
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return applyView(x, 'Transpose', geometryOf(x), (g) => g);
  const a = normalizeDim(dim0, x.ndim, 'transpose');
  const b = normalizeDim(dim1, x.ndim, 'transpose');
  const order: number[] = [];
  for (let i = 0; i < x.ndim; i++) order.push(i === a ? b : i === b ? a : i);
  return permute(x, order);
}

/** `x.t()`: transpose of a tensor with at most 2 dims. */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but got ${x.ndim}D (shape ${formatShape(x.shape)}); use transpose or mT`);
  return x.ndim < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}

/** Broadcast size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) {
    throw new RangeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  }
  const lead = shape.length - x.ndim;
  const outShape: number[] = [];
  const outStrides: number[] = [];
  shape.forEach((size, i) => {
    const j = i - lead;
    const own = j >= 0 ? x.shape[j] : 1;
    const target = size === -1 && j >= 0 ? own : size;
    if (!Number.isInteger(target) || target < 0) throw new RangeError(`expand: invalid size ${size} at dim ${i}`);
    if (j >= 0 && own !== target && own !== 1) {
      throw new RangeError(`expand: the expanded size of the tensor (${target}) must match the existing size (${own}) at non-singleton dimension ${i}. ` +
        `Target sizes: ${formatShape(shape)}. Tensor sizes: ${formatShape(x.shape)}`);
    }
    outShape.push(target);
    outStrides.push(j < 0 || (own === 1 && target !== 1) ? 0 : x.strides[j]);
  });
  if (shapesEqual(outShape, x.shape)) return x;
  const inShape = x.shape;
  return applyView(x, 'Expand', { shape: outShape, strides: outStrides, offset: x.offset }, (g) => sumToShape(g, inShape));
}

/** Remove size-1 dims (all of them, or the given ones when they have size 1). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? null : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim(d, x.ndim, 'squeeze'));
  const keep = x.shape.map((d, i) => !(d === 1 && (dims === null || dims.includes(i))));
  const inShape = x.shape;
  return applyView(x, 'Squeeze', {
    shape: x.shape.filter((_, i) => keep[i]), strides: x.strides.filter((_, i) => keep[i]), offset: x.offset,
  }, (g) => g.reshape([...inShape]));
}

/** Insert a size-1 dim at `dim` (which may equal ndim, or be negative). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.ndim ? x.strides[d] * x.shape[d] : 1);
  const inShape = x.shape;
  return applyView(x, 'Unsqueeze', { shape, strides, offset: x.offset }, (g) => g.reshape([...inShape]));
}

/** Merge dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim: number, endDim: number): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten');
  const e = normalizeDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((n, d) => n * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Split dim into `sizes` (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d], 'unflatten');
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

function sliceGeometry(geo: Geometry, dim: number, start: number, length: number, step: number): Geometry {
  const shape = [...geo.shape];
  const strides = [...geo.strides];
  const offset = geo.offset + (length > 0 ? start * geo.strides[dim] : 0);
  shape[dim] = length;
  strides[dim] = geo.strides[dim] * step;
  return { shape, strides, offset };
}

/** `length` elements from `start` along dim. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${size} (shape ${formatShape(x.shape)})`);
  }
  const transform = (geo: Geometry): Geometry => sliceGeometry(geo, d, s, length, 1);
  const inShape = x.shape;
  return applyView(x, 'Narrow', transform(geometryOf(x)), (g) => scatterIntoZeros(g, inShape, transform));
}

/** Python-style slice along dim: start/end clamp to the size, negative values count from the end. */
export function slice(x: Tensor, dim: number, start: number | undefined, end: number | undefined, step: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d];
  const clampIndex = (v: number | undefined, fallback: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isInteger(v)) throw new TypeError(`slice: indices must be integers, got ${v}`);
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = clampIndex(start, 0);
  const e = Math.max(s, clampIndex(end, size));
  const length = Math.ceil((e - s) / step);
  const transform = (geo: Geometry): Geometry => sliceGeometry(geo, d, s, length, step);
  const inShape = x.shape;
  return applyView(x, 'Slice', transform(geometryOf(x)), (g) => scatterIntoZeros(g, inShape, transform));
}

function selectGeometry(geo: Geometry, dim: number, index: number): Geometry {
  return {
    shape: geo.shape.filter((_, i) => i !== dim),
    strides: geo.strides.filter((_, i) => i !== dim),
    offset: geo.offset + index * geo.strides[dim],
  };
}

/** The slice at `index` along dim, with that dim removed. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'select');
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select: index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  const i = index < 0 ? index + size : index;
  const transform = (geo: Geometry): Geometry => selectGeometry(geo, d, i);
  const inShape = x.shape;
  return applyView(x, 'Select', transform(geometryOf(x)), (g) => scatterIntoZeros(g, inShape, transform));
}

/** Basic indexing over leading dims: numbers select, null keeps, [start, end, step] slices. */
export function index(x: Tensor, specs: readonly IndexSpec[]): Tensor {
  if (specs.length > x.ndim) {
    throw new RangeError(`index: too many indices for tensor of dimension ${x.ndim} (got ${specs.length})`);
  }
  let out = x;
  let dim = 0;
  for (const spec of specs) {
    if (spec === null) {
      dim++;
    } else if (typeof spec === 'number') {
      out = select(out, dim, spec);
    } else if (Array.isArray(spec)) {
      out = slice(out, dim, spec[0], spec[1], spec[2] ?? 1);
      dim++;
    } else {
      throw new TypeError(`index: unsupported index ${JSON.stringify(spec)}; use a number, null, or [start, end, step]`);
    }
  }
  return out === x ? applyView(x, 'Alias', geometryOf(x), (g) => g) : out;
}

/** `x` itself when contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  x.assertAlive();
  return x.isContiguous() ? x : copyRecorded(x, 'Clone');
}

/** A contiguous copy that gradients flow through. */
export function clone(x: Tensor): Tensor {
  return copyRecorded(x, 'Clone');
}

/** Shares storage, never requires grad. */
export function detach(x: Tensor): Tensor {
  x.assertAlive();
  return new Tensor(x.storage, x.shape, x.strides, x.offset, x.dtype);
}

/** Shape check shared by ops that need equal shapes. */
export function expectShape(op: string, x: Tensor, shape: Shape): void {
  if (!shapesEqual(x.shape, shape)) throw new Error(`${op}: expected shape ${formatShape(shape)}, got ${formatShape(x.shape)}`);
}
