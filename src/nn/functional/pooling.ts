/**
 * Max, average and adaptive pooling over 1 to 3 spatial dims, with PyTorch 1.13's options,
 * output sizes and errors. Inputs are [N, C, ...S] or unbatched [C, ...S]; float32.
 */
import type { PoolWindow } from '../../backends/ops.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { orNull, perDim, perRank, sizeField, spatialTuple, type SizeOption, type SpatialRank } from '../options.js';

export type { SpatialRank } from '../options.js';
/** One size for every spatial dim, or one per dim. */
export type PoolSize = SizeOption;
/** An adaptive output size: one for every dim, or one per dim (null keeps that dim's input size). */
export type AdaptiveSize = number | readonly (number | null)[];

/** A window's stride: a size, or null (or PyTorch's empty list) for the kernel size. */
function strideField(rank: SpatialRank) {
  const size = sizeField(rank, 1);
  return option.custom<PoolSize | null>(`${size.expected}, or null (the kernel size)`,
    (v): v is PoolSize | null => v === null || (Array.isArray(v) && v.length === 0) || size.valid(v));
}

/** The stride a window moves by: `stride`, or the kernel size when it is null, empty or not given. */
export function windowStride(stride: PoolSize | null | undefined, kernelSize: PoolSize): PoolSize {
  return stride === null || stride === undefined || (typeof stride !== 'number' && stride.length === 0) ? kernelSize : stride;
}

/** The `returnIndices` of max and adaptive max pooling. */
const RETURN_INDICES = option.boolean(false);

/** The options of F.maxPool1d/2d/3d and the MaxPool layers, per spatial rank. */
export const MAX_POOL_OPTIONS = perRank((rank) => defineOptions(`maxPool${rank}d`, {
  /** Default: the kernel size. */
  stride: strideField(rank),
  /** Implicit −∞ padding on both sides; at most half the kernel. Default 0. */
  padding: sizeField(rank, 0, 0),
  /** Spacing between window taps. Default 1. */
  dilation: sizeField(rank, 1, 1),
  /** Size the output with ceil instead of floor (the last window may hang over the edge). Default false. */
  ceilMode: option.boolean(false),
  /** Also return the flat spatial index of each maximum. Default false. */
  returnIndices: RETURN_INDICES,
}));

/** The options of F.avgPool1d/2d/3d and the AvgPool layers, per spatial rank. */
export const AVG_POOL_OPTIONS = perRank((rank) => defineOptions(`avgPool${rank}d`, {
  /** Default: the kernel size. */
  stride: strideField(rank),
  /** Implicit zero padding on both sides; at most half the kernel. Default 0. */
  padding: sizeField(rank, 0, 0),
  /** Size the output with ceil instead of floor (the last window may hang over the edge). Default false. */
  ceilMode: option.boolean(false),
  /** Count the zero padding in the divisor. Default true. */
  countIncludePad: option.boolean(true),
  /** Divide every window by this instead (default null: by the window's size, as `countIncludePad` says). */
  divisorOverride: orNull(option.number({ integer: true, min: 1 }), 'the divisor countIncludePad picks'),
}));

/** The options of F.adaptiveMaxPool1d/2d/3d and the AdaptiveMaxPool layers. */
export const ADAPTIVE_MAX_POOL_OPTIONS = defineOptions('adaptiveMaxPool', {
  /** Also return the flat spatial index of each maximum. Default false. */
  returnIndices: RETURN_INDICES,
});

export type MaxPoolOptions = OptionsInput<(typeof MAX_POOL_OPTIONS)[SpatialRank]>;
export type AvgPoolOptions = OptionsInput<(typeof AVG_POOL_OPTIONS)[SpatialRank]>;
export type AdaptiveMaxPoolOptions = OptionsInput<typeof ADAPTIVE_MAX_POOL_OPTIONS>;

const SPATIAL_NAMES: { readonly [K in SpatialRank]: string } = { 1: 'L', 2: 'H, W', 3: 'D, H, W' };

/** x as [N, C, ...S], and whether it was unbatched. */
export function batchedInput(owner: string, x: Tensor, k: SpatialRank): { x: Tensor; unbatched: boolean } {
  if (x.ndim !== k + 1 && x.ndim !== k + 2) {
    throw new Error(`${owner}: expected a ${k + 1}D [C, ${SPATIAL_NAMES[k]}] or ${k + 2}D [N, C, ${SPATIAL_NAMES[k]}] input, got ${formatShape(x.shape)}`);
  }
  if (x.dtype !== 'float32') throw new TypeError(`${owner}: expected a float32 input, got ${x.dtype}`);
  const unbatched = x.ndim === k + 1;
  const xb = unbatched ? x.unsqueeze(0) : x;
  if (xb.shape.slice(1).some((d) => d === 0)) throw new Error(`${owner}: expected an input with non-zero channel and spatial sizes, got ${formatShape(x.shape)}`);
  return { x: xb, unbatched };
}

/** PyTorch's pooling_output_shape: floor (or ceil, keeping the last window inside input + padding). */
export function pooledSize(S: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  let o = Math.floor((S + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (o - 1) * stride >= S + padding) o--;
  return o;
}

interface SlidingSpec {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
}

/** Validated sliding windows over batched x and the output's spatial sizes. */
function slidingWindow(owner: string, x: Tensor, spec: SlidingSpec, avg: { countIncludePad: boolean; divisorOverride: number }): { window: PoolWindow; spatial: number[] } {
  const { kernel, stride, padding, dilation, ceilMode } = spec;
  const S = x.shape.slice(2);
  padding.forEach((p, d) => {
    if (p > kernel[d] / 2) throw new RangeError(`${owner}: padding should be at most half of kernel size, but got padding=[${padding.join(', ')}] and kernel_size=[${kernel.join(', ')}]`);
  });
  const spatial = S.map((s, d) => pooledSize(s, kernel[d], stride[d], padding[d], dilation[d], ceilMode));
  if (spatial.some((o) => o < 1)) {
    const padded = S.map((s, d) => s + 2 * padding[d]);
    throw new RangeError(`${owner}: the window (kernel [${kernel.join(', ')}], dilation [${dilation.join(', ')}]) is larger than the padded input [${padded.join(', ')}] `
      + `(input ${formatShape(x.shape)}, padding [${padding.join(', ')}]): the output size [${spatial.join(', ')}] is below 1`);
  }
  return { window: { type: 'sliding', kernel, stride, padding, dilation, ...avg }, spatial };
}

/** The checked window options of a pooling over `rank` spatial dims, one value per dim. */
function slidingSpec(owner: string, rank: SpatialRank, kernelSize: PoolSize,
  o: { stride?: PoolSize | null; padding: PoolSize; dilation: PoolSize; ceilMode: boolean }): SlidingSpec {
  const kernel = spatialTuple(owner, 'kernelSize', kernelSize, rank, 1);
  return {
    kernel,
    stride: perDim(windowStride(o.stride, kernel), rank),
    padding: perDim(o.padding, rank),
    dilation: perDim(o.dilation, rank),
    ceilMode: o.ceilMode,
  };
}

function unbatch(t: Tensor, unbatched: boolean): Tensor {
  return unbatched ? t.squeeze(0) : t;
}

/** Max pooling over k spatial dims; `owner` names the caller in errors. Returns [values, indices] with `returnIndices`. */
export function maxPoolNd(owner: string, k: SpatialRank, input: Tensor, kernelSize: PoolSize, options: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const o = MAX_POOL_OPTIONS[k].parse(options, owner);
  const { x, unbatched } = batchedInput(owner, input, k);
  const spec = slidingSpec(owner, k, kernelSize, o);
  const { window, spatial } = slidingWindow(owner, x, spec, { countIncludePad: false, divisorOverride: 0 });
  const withIndices = o.returnIndices;
  const { values, indices } = maxPool(x, window, spatial, withIndices);
  return withIndices ? [unbatch(values, unbatched), unbatch(indices!, unbatched)] : unbatch(values, unbatched);
}

/** Average pooling over k spatial dims; `owner` names the caller in errors. */
export function avgPoolNd(owner: string, k: SpatialRank, input: Tensor, kernelSize: PoolSize, options: AvgPoolOptions = {}): Tensor {
  const o = AVG_POOL_OPTIONS[k].parse(options, owner);
  const { x, unbatched } = batchedInput(owner, input, k);
  const spec = slidingSpec(owner, k, kernelSize, { ...o, dilation: 1 });
  // divisor 0: the kernel's divisor rules (countIncludePad)
  const { window, spatial } = slidingWindow(owner, x, spec, { countIncludePad: o.countIncludePad, divisorOverride: o.divisorOverride ?? 0 });
  return unbatch(avgPool(x, window, spatial), unbatched);
}

/** The adaptive output sizes of batched x (null entries keep the input's size). */
function adaptiveSizes(owner: string, x: Tensor, k: SpatialRank, outputSize: AdaptiveSize): number[] {
  const list = typeof outputSize === 'number' ? new Array<number>(k).fill(outputSize) : [...outputSize];
  if (list.length !== k) throw new Error(`${owner}: outputSize must be a number or a list of ${k}, got [${list.join(', ')}]`);
  return list.map((o, d) => {
    const size = o === null ? x.shape[2 + d] : o;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`${owner}: output size must be a positive integer, got [${list.join(', ')}] for input ${formatShape(x.shape)}`);
    return size;
  });
}

/** Adaptive average pooling over k spatial dims. */
export function adaptiveAvgPoolNd(owner: string, k: SpatialRank, input: Tensor, outputSize: AdaptiveSize): Tensor {
  const { x, unbatched } = batchedInput(owner, input, k);
  return unbatch(avgPool(x, { type: 'adaptive' }, adaptiveSizes(owner, x, k, outputSize)), unbatched);
}

/** Adaptive max pooling over k spatial dims. Returns [values, indices] with `returnIndices`. */
export function adaptiveMaxPoolNd(owner: string, k: SpatialRank, input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const withIndices = ADAPTIVE_MAX_POOL_OPTIONS.parse(options, owner).returnIndices;
  const { x, unbatched } = batchedInput(owner, input, k);
  const { values, indices } = maxPool(x, { type: 'adaptive' }, adaptiveSizes(owner, x, k, outputSize), withIndices);
  return withIndices ? [unbatch(values, unbatched), unbatch(indices!, unbatched)] : unbatch(values, unbatched);
}

type WithIndices = { returnIndices: true };
type MaxPoolFn = {
  (x: Tensor, kernelSize: PoolSize, options: MaxPoolOptions & WithIndices): [Tensor, Tensor];
  (x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions): Tensor;
};
type AdaptiveMaxPoolFn = {
  (x: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions & WithIndices): [Tensor, Tensor];
  (x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor;
};

const maxPoolFn = (name: string, k: SpatialRank): MaxPoolFn =>
  ((x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions) => maxPoolNd(name, k, x, kernelSize, options)) as MaxPoolFn;
const avgPoolFn = (name: string, k: SpatialRank) =>
  (x: Tensor, kernelSize: PoolSize, options?: AvgPoolOptions): Tensor => avgPoolNd(name, k, x, kernelSize, options);
const adaptiveAvgFn = (name: string, k: SpatialRank) =>
  (x: Tensor, outputSize: AdaptiveSize): Tensor => adaptiveAvgPoolNd(name, k, x, outputSize);
const adaptiveMaxFn = (name: string, k: SpatialRank): AdaptiveMaxPoolFn =>
  ((x: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions) => adaptiveMaxPoolNd(name, k, x, outputSize, options)) as AdaptiveMaxPoolFn;

/**
 * Max pooling (torch.nn.functional.max_pool1d/2d/3d): the maximum of each window
 * o·stride − padding + j·dilation; with `returnIndices` also each maximum's flat spatial index.
 *
 * @example
 * F.maxPool2d(dl.randn([8, 3, 28, 28]), 2).shape; // [8, 3, 14, 14]
 * const [y, idx] = F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
 */
export const maxPool2d = maxPoolFn('maxPool2d', 2);
/** Max pooling over [N, C, L] (see `maxPool2d`). */
export const maxPool1d = maxPoolFn('maxPool1d', 1);
/** Max pooling over [N, C, D, H, W] (see `maxPool2d`). */
export const maxPool3d = maxPoolFn('maxPool3d', 3);

/**
 * Average pooling (torch.nn.functional.avg_pool1d/2d/3d), with PyTorch's divisor rules:
 * `divisorOverride`, else the window clipped to input + padding (`countIncludePad`, default),
 * else the positions inside the input.
 *
 * @example
 * F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 */
export const avgPool2d = avgPoolFn('avgPool2d', 2);
/** Average pooling over [N, C, L] (see `avgPool2d`; PyTorch's avg_pool1d has no divisorOverride, dlflow's does). */
export const avgPool1d = avgPoolFn('avgPool1d', 1);
/** Average pooling over [N, C, D, H, W] (see `avgPool2d`). */
export const avgPool3d = avgPoolFn('avgPool3d', 3);

/**
 * Adaptive average pooling to a fixed output size: output o of a dim of size S averages
 * [floor(o·S/O), ceil((o+1)·S/O)).
 *
 * @example
 * F.adaptiveAvgPool2d(dl.randn([8, 64, 7, 7]), 1).shape; // [8, 64, 1, 1]
 */
export const adaptiveAvgPool2d = adaptiveAvgFn('adaptiveAvgPool2d', 2);
export const adaptiveAvgPool1d = adaptiveAvgFn('adaptiveAvgPool1d', 1);
export const adaptiveAvgPool3d = adaptiveAvgFn('adaptiveAvgPool3d', 3);

/**
 * Adaptive max pooling over PyTorch's adaptive windows; with `returnIndices` also the indices.
 *
 * @example
 * F.adaptiveMaxPool2d(x, [4, null]); // height 4, width kept
 */
export const adaptiveMaxPool2d = adaptiveMaxFn('adaptiveMaxPool2d', 2);
export const adaptiveMaxPool1d = adaptiveMaxFn('adaptiveMaxPool1d', 1);
export const adaptiveMaxPool3d = adaptiveMaxFn('adaptiveMaxPool3d', 3);
