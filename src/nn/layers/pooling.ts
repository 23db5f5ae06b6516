/** Pooling layers over 1 to 3 spatial dims (PyTorch's MaxPool*, AvgPool*, Adaptive*Pool*). */
import type { Tensor } from '../../core/tensor.js';
import {
  ADAPTIVE_MAX_POOL_OPTIONS, AVG_POOL_OPTIONS, MAX_POOL_OPTIONS, adaptiveAvgPoolNd, adaptiveMaxPoolNd, avgPoolNd, maxPoolNd, windowStride,
  type AdaptiveMaxPoolOptions, type AdaptiveSize, type AvgPoolOptions, type MaxPoolOptions, type PoolSize, type SpatialRank,
} from '../functional/pooling.js';
import type { FunctionalForm } from '../functional/fusion.js';
import { Module } from '../module.js';
import { perDim, spatialTuple } from '../options.js';
import { pyBool, pyTuple } from '../repr.js';

/** A size argument as PyTorch prints it: an int, or a tuple. */
function pySize(v: PoolSize): string {
  return typeof v === 'number' ? String(v) : pyTuple(v);
}

function pyAdaptive(v: AdaptiveSize): string {
  if (typeof v === 'number') return String(v);
  const items = v.map((e) => (e === null ? 'None' : String(e)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** The layer's name and settings, as errors name it: `MaxPool2d(kernel_size=2, ...)`. */
function ownerOf(m: Module): string {
  return `${m.constructor.name}(${m.extraRepr()})`;
}

/** Max pooling over `rank` spatial dims (see `F.maxPool2d`). */
export class MaxPoolNd extends Module {
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly dilation: PoolSize;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;

  constructor(readonly rank: SpatialRank, readonly kernelSize: PoolSize, options: MaxPoolOptions = {}) {
    super();
    const name = this.constructor.name;
    const o = MAX_POOL_OPTIONS[rank].parse(options, name);
    spatialTuple(name, 'kernelSize', kernelSize, rank, 1);
    this.stride = windowStride(o.stride, kernelSize);
    this.padding = o.padding;
    this.dilation = o.dilation;
    this.ceilMode = o.ceilMode;
    this.returnIndices = o.returnIndices;
  }

  /** The pooled values, or [values, indices] when constructed with `returnIndices`. */
  override forward(x: Tensor): Tensor {
    const options = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    return maxPoolNd(ownerOf(this), this.rank, x, this.kernelSize, options) as Tensor;
  }

  override functionalForm(): FunctionalForm | null {
    if (this.forward !== MaxPoolNd.prototype.forward || this.returnIndices) return null;
    return { op: 'maxPool', pool: (x) => this.forward(x) };
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/**
 * 2-D max pooling of [N, C, H, W] (or [C, H, W]); stride defaults to the kernel size.
 *
 * @example
 * new nn.MaxPool2d(2).forward(dl.randn([8, 32, 28, 28])).shape; // [8, 32, 14, 14]
 * new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
 */
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: PoolSize, options: MaxPoolOptions = {}) { super(2, kernelSize, options); }
}
/** 1-D max pooling of [N, C, L] (see `MaxPool2d`). */
export class MaxPool1d extends MaxPoolNd {
  constructor(kernelSize: PoolSize, options: MaxPoolOptions = {}) { super(1, kernelSize, options); }
}
/** 3-D max pooling of [N, C, D, H, W] (see `MaxPool2d`). */
export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: PoolSize, options: MaxPoolOptions = {}) { super(3, kernelSize, options); }
}

/** Average pooling over `rank` spatial dims (see `F.avgPool2d`). */
export class AvgPoolNd extends Module {
  readonly stride: PoolSize;
  readonly padding: PoolSize;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(readonly rank: SpatialRank, readonly kernelSize: PoolSize, options: AvgPoolOptions = {}) {
    super();
    const name = this.constructor.name;
    const o = AVG_POOL_OPTIONS[rank].parse(options, name);
    spatialTuple(name, 'kernelSize', kernelSize, rank, 1);
    this.stride = windowStride(o.stride, kernelSize);
    this.padding = o.padding;
    this.ceilMode = o.ceilMode;
    this.countIncludePad = o.countIncludePad;
    this.divisorOverride = o.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return avgPoolNd(ownerOf(this), this.rank, x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    // AvgPool1d stores its sizes as 1-tuples (PyTorch's _single); 2d/3d keep them as given
    const show = (v: PoolSize): string => (this.rank === 1 ? pyTuple(perDim(v, 1)) : pySize(v));
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/**
 * 2-D average pooling of [N, C, H, W] (or [C, H, W]) with PyTorch's divisor rules.
 *
 * @example
 * new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: PoolSize, options: AvgPoolOptions = {}) { super(2, kernelSize, options); }
}
/** 1-D average pooling of [N, C, L] (see `AvgPool2d`). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: PoolSize, options: AvgPoolOptions = {}) { super(1, kernelSize, options); }
}
/** 3-D average pooling of [N, C, D, H, W] (see `AvgPool2d`). */
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: PoolSize, options: AvgPoolOptions = {}) { super(3, kernelSize, options); }
}

/** Adaptive average pooling to a fixed output size over `rank` spatial dims. */
export class AdaptiveAvgPoolNd extends Module {
  constructor(readonly rank: SpatialRank, readonly outputSize: AdaptiveSize) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPoolNd(ownerOf(this), this.rank, x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyAdaptive(this.outputSize)}`;
  }
}

/**
 * Adaptive average pooling of [N, C, H, W] to `outputSize` (null keeps a dim's size).
 *
 * @example
 * new nn.AdaptiveAvgPool2d(1).forward(dl.randn([8, 64, 7, 7])).shape; // [8, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) { super(2, outputSize); }
}
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) { super(1, outputSize); }
}
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) { super(3, outputSize); }
}

/** Adaptive max pooling over `rank` spatial dims; [values, indices] with `returnIndices`. */
export class AdaptiveMaxPoolNd extends Module {
  readonly returnIndices: boolean;

  constructor(readonly rank: SpatialRank, readonly outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}) {
    super();
    this.returnIndices = ADAPTIVE_MAX_POOL_OPTIONS.parse(options, this.constructor.name).returnIndices;
  }

  override forward(x: Tensor): Tensor {
    return adaptiveMaxPoolNd(ownerOf(this), this.rank, x, this.outputSize, { returnIndices: this.returnIndices }) as Tensor;
  }

  override extraRepr(): string {
    return `output_size=${pyAdaptive(this.outputSize)}`;
  }
}

/**
 * Adaptive max pooling of [N, C, H, W] to `outputSize`.
 *
 * @example
 * new nn.AdaptiveMaxPool2d([4, 4]).forward(dl.randn([2, 8, 13, 9])).shape; // [2, 8, 4, 4]
 */
export class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {
  constructor(outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}) { super(2, outputSize, options); }
}
export class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {
  constructor(outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}) { super(1, outputSize, options); }
}
export class AdaptiveMaxPool3d extends AdaptiveMaxPoolNd {
  constructor(outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions = {}) { super(3, outputSize, options); }
}
