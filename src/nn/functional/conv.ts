/**
 * Convolutions (F.conv1d/2d/3d), transposed convolutions (F.convTranspose1d/2d/3d) and F.pad,
 * with PyTorch's semantics. Options are declared (and so validated) once per spatial rank: an
 * unknown key, a bad size or a shape that does not fit is an error naming the call and the
 * shapes. They are resolved into the zero-padded geometry of the kernel contract; non-zero
 * padding modes are an explicit F.pad first.
 */
import { withBackend } from '../../backends/select.js';
import type { ConvGeometry } from '../../backends/ops.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import * as ops from '../../ops/conv.js';
import { filled, tensor } from '../../ops/creation.js';
import { cat } from '../../ops/join.js';
import { perDim, perRank, sizeField, type SizeOption, type SpatialRank } from '../options.js';

export type { SizeOption, SpatialRank } from '../options.js';
/** Zero padding per side of each dim, 'valid' (none) or 'same' (output size = input size, stride 1). */
export type ConvPadding = SizeOption | 'same' | 'valid';

/** Independent channel groups: a positive integer (the channel counts must divide by it). */
const GROUPS = option.number({ default: 1, integer: true, min: 1 });

/** The options of F.conv1d/2d/3d for `rank` spatial dims, which the Conv layers extend. */
export function convFields(rank: SpatialRank) {
  const padding = sizeField(rank, 0);
  return {
    /** Step between output positions (default 1). */
    stride: sizeField(rank, 1, 1),
    /** Zero padding on both sides of each spatial dim (default 0), or 'same' / 'valid'. */
    padding: option.custom<ConvPadding, 0>(`${padding.expected}, or one of 'same', 'valid'`,
      (v): v is ConvPadding => v === 'same' || v === 'valid' || padding.valid(v), 0),
    /** Spacing between kernel taps (default 1). */
    dilation: sizeField(rank, 1, 1),
    /** Independent channel groups; both channel counts must divide by it (default 1; depthwise: groups = in channels). */
    groups: GROUPS,
  };
}

/** The options of F.convTranspose1d/2d/3d for `rank` spatial dims, which the ConvTranspose layers extend. */
export function convTransposeFields(rank: SpatialRank) {
  return {
    /** Step between input positions in the output (default 1). */
    stride: sizeField(rank, 1, 1),
    /** Removes dilation·(k − 1) − padding from both sides of the output (PyTorch's definition; default 0). */
    padding: sizeField(rank, 0, 0),
    /** Extra size added to one side of the output, to pick among the input sizes a strided conv maps alike (default 0; smaller than stride or dilation). */
    outputPadding: sizeField(rank, 0, 0),
    /** Spacing between kernel taps (default 1). */
    dilation: sizeField(rank, 1, 1),
    /** Independent channel groups; both channel counts must divide by it (default 1). */
    groups: GROUPS,
  };
}

const CONV_OPTIONS = perRank((rank) => defineOptions(`conv${rank}d`, convFields(rank)));
const CONV_TRANSPOSE_OPTIONS = perRank((rank) => defineOptions(`convTranspose${rank}d`, convTransposeFields(rank)));

export type ConvOptions = OptionsInput<(typeof CONV_OPTIONS)[SpatialRank]>;
export type ConvTransposeOptions = OptionsInput<(typeof CONV_TRANSPOSE_OPTIONS)[SpatialRank]>;

/** How F.pad fills the new border: a constant, the mirror image, the edge value, or wrap-around. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';
const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** The names of the spatial dims in messages. */
const SPATIAL_NAMES: { readonly [S in SpatialRank]: readonly string[] } = { 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

/** "[N, 3, H, W]": the input shape a convolution expects. */
export function expectedInput(channels: number, spatial: SpatialRank): string {
  return `[N, ${channels}, ${SPATIAL_NAMES[spatial].join(', ')}]`;
}

/** Zero padding before and after each spatial dim, from a `padding` option. */
export interface SidePadding { before: number[]; after: number[] }

/** Resolves a checked `padding`: 'same' (PyTorch: the extra pad of an even kernel goes after), 'valid' and sizes. */
export function sidePadding(who: string, padding: ConvPadding, kernel: readonly number[], dilation: readonly number[],
  stride: readonly number[], spatial: SpatialRank): SidePadding {
  if (padding === 'valid') return { before: kernel.map(() => 0), after: kernel.map(() => 0) };
  if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new Error(`${who}: padding='same' is not supported for strided convolutions (stride ${JSON.stringify(stride)})`);
    const before = kernel.map((k, d) => Math.floor(dilation[d] * (k - 1) / 2));
    return { before, after: kernel.map((k, d) => dilation[d] * (k - 1) - before[d]) };
  }
  return { before: perDim(padding, spatial), after: perDim(padding, spatial) };
}

/** What a convolution call is, for its messages: "conv2d" or a layer's "Conv2d(3, 32)". */
export interface ConvCaller {
  readonly who: string;
  readonly spatial: SpatialRank;
}

/** x batched as [N, C, ...S] (an unbatched [C, ...S] gains N = 1), checked against the weight. */
function batchedInput(c: ConvCaller, x: Tensor, channels: number): { x: Tensor; unbatched: boolean } {
  if (x.dtype !== 'float32') throw new TypeError(`${c.who}: expected a float32 input, got ${x.dtype}`);
  const unbatched = x.ndim === c.spatial + 1;
  const xb = unbatched ? x.unsqueeze(0) : x;
  if (xb.ndim !== c.spatial + 2 || xb.shape[1] !== channels) {
    throw new Error(`${c.who} expected input ${expectedInput(channels, c.spatial)} (or unbatched without N), got ${formatShape(x.shape)}`);
  }
  return { x: xb, unbatched };
}

function checkParams(c: ConvCaller, weight: Tensor, bias: Tensor | null, groups: number, outChannels: number): void {
  if (weight.dtype !== 'float32' || weight.ndim !== c.spatial + 2) {
    throw new Error(`${c.who}: expected a float32 weight of ${c.spatial + 2} dims, got ${weight.dtype} ${formatShape(weight.shape)}`);
  }
  if (weight.shape[0] % groups !== 0) {
    throw new Error(`${c.who}: groups (${groups}) must be a positive integer dividing the weight's first dim (weight ${formatShape(weight.shape)})`);
  }
  if (bias !== null && (bias.dtype !== 'float32' || bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`${c.who}: expected a float32 bias of shape [${outChannels}], got ${bias.dtype} ${formatShape(bias.shape)}`);
  }
}

/** The output size of each spatial dim of a convolution, checking the kernel fits the padded input. */
function convOutputSizes(c: ConvCaller, inSpatial: readonly number[], kernel: readonly number[], pad: SidePadding,
  stride: readonly number[], dilation: readonly number[]): number[] {
  return inSpatial.map((size, d) => {
    const padded = size + pad.before[d] + pad.after[d];
    const span = dilation[d] * (kernel[d] - 1) + 1;
    if (padded < span) {
      throw new RangeError(`${c.who}: the kernel (size ${kernel[d]}, dilation ${dilation[d]}: span ${span}) is larger than the padded input ` +
        `in dim ${SPATIAL_NAMES[c.spatial][d]} (${size} + padding ${pad.before[d]} + ${pad.after[d]} = ${padded}; input ${formatShape(inSpatial)})`);
    }
    return Math.floor((padded - span) / stride[d]) + 1;
  });
}

/**
 * The convolution behind F.conv1d/2d/3d and the Conv layers: validates, resolves the options
 * into a zero-padded geometry (asymmetric 'same' padding included) and runs the conv op, with
 * the ReLU epilogue when `relu`.
 */
export function convolution(c: ConvCaller, x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvOptions, relu = false): Tensor {
  const { groups, ...o } = CONV_OPTIONS[c.spatial].parse(options, c.who);
  checkParams(c, weight, bias, groups, weight.shape[0]);
  const input = batchedInput(c, x, weight.shape[1] * groups);
  const stride = perDim(o.stride, c.spatial);
  const dilation = perDim(o.dilation, c.spatial);
  const kernel = weight.shape.slice(2);
  const pad = sidePadding(c.who, o.padding, kernel, dilation, stride, c.spatial);
  const outSpatial = convOutputSizes(c, input.x.shape.slice(2), kernel, pad, stride, dilation);
  const geometry: ConvGeometry = { stride, padding: pad.before, dilation, groups };
  const y = ops.conv(input.x, weight, bias, geometry, outSpatial, relu);
  return input.unbatched ? y.squeeze(0) : y;
}

/** The transposed convolution behind F.convTranspose1d/2d/3d and the ConvTranspose layers. */
export function convTransposition(c: ConvCaller, x: Tensor, weight: Tensor, bias: Tensor | null, options: ConvTransposeOptions): Tensor {
  const { groups, ...o } = CONV_TRANSPOSE_OPTIONS[c.spatial].parse(options, c.who);
  checkParams(c, weight, bias, groups, weight.shape[1] * groups);
  const input = batchedInput(c, x, weight.shape[0]);
  const [stride, dilation, padding, outputPadding] = [o.stride, o.dilation, o.padding, o.outputPadding].map((v) => perDim(v, c.spatial));
  const kernel = weight.shape.slice(2);
  const inSpatial = input.x.shape.slice(2);
  const outSpatial = inSpatial.map((size, d) => {
    if (outputPadding[d] >= stride[d] && outputPadding[d] >= dilation[d]) {
      throw new RangeError(`${c.who}: outputPadding (${outputPadding[d]}) must be smaller than either stride (${stride[d]}) or dilation (${dilation[d]})`);
    }
    return (size - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1) + outputPadding[d] + 1;
  });
  if (outSpatial.some((s) => s < 1)) {
    throw new RangeError(`${c.who}: input ${formatShape(x.shape)} with kernel ${formatShape(kernel)}, stride ${JSON.stringify(stride)}, ` +
      `padding ${JSON.stringify(padding)} gives output size ${formatShape(outSpatial)}, below 1`);
  }
  const geometry: ConvGeometry = { stride, padding, dilation, groups };
  let y = ops.convBackwardData(input.x, weight, geometry, outSpatial);
  if (bias !== null) y = y.add(bias.reshape([bias.shape[0], ...outSpatial.map(() => 1)]));
  return input.unbatched ? y.squeeze(0) : y;
}

const caller = (who: string, spatial: SpatialRank): ConvCaller => ({ who, spatial });

/**
 * 1-d convolution of x [N, C, L] (or [C, L]) with weight [O, C/groups, K] and bias [O].
 * @example
 * F.conv1d(dl.randn([8, 3, 50]), dl.randn([16, 3, 5]), null, { padding: 'same' }).shape; // [8, 16, 50]
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convolution(caller('conv1d', 1), x, weight, bias, options);
}

/**
 * 2-d convolution of x [N, C, H, W] (or [C, H, W]) with weight [O, C/groups, kH, kW] and bias [O].
 * @example
 * F.conv2d(x, w, b, { stride: 2, padding: 1 }); // x [N, 3, 32, 32], w [16, 3, 3, 3] → [N, 16, 16, 16]
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convolution(caller('conv2d', 2), x, weight, bias, options);
}

/**
 * 3-d convolution of x [N, C, D, H, W] (or [C, D, H, W]) with weight [O, C/groups, kD, kH, kW].
 * @example
 * F.conv3d(dl.randn([2, 1, 8, 8, 8]), dl.randn([4, 1, 3, 3, 3])).shape; // [2, 4, 6, 6, 6]
 */
export function conv3d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvOptions = {}): Tensor {
  return convolution(caller('conv3d', 3), x, weight, bias, options);
}

/**
 * 1-d transposed convolution of x [N, Cin, L] with weight [Cin, Cout/groups, K]: the gradient
 * of conv1d with respect to its input, as a layer.
 * @example
 * F.convTranspose1d(dl.randn([1, 4, 10]), dl.randn([4, 2, 3]), null, { stride: 2 }).shape; // [1, 2, 21]
 */
export function convTranspose1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposition(caller('convTranspose1d', 1), x, weight, bias, options);
}

/**
 * 2-d transposed convolution of x [N, Cin, H, W] with weight [Cin, Cout/groups, kH, kW].
 * @example
 * F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }); // doubles H and W for 3×3 kernels
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposition(caller('convTranspose2d', 2), x, weight, bias, options);
}

/**
 * 3-d transposed convolution of x [N, Cin, D, H, W] with weight [Cin, Cout/groups, kD, kH, kW].
 * @example
 * F.convTranspose3d(dl.randn([1, 2, 4, 4, 4]), dl.randn([2, 3, 2, 2, 2]), null, { stride: 2 }).shape; // [1, 3, 8, 8, 8]
 */
export function convTranspose3d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTransposeOptions = {}): Tensor {
  return convTransposition(caller('convTranspose3d', 3), x, weight, bias, options);
}

/** Source index of every output position of one padded dim of size `size`. */
function padIndexMap(mode: Exclude<PadMode, 'constant'>, size: number, before: number, after: number): number[] {
  const at: { readonly [M in Exclude<PadMode, 'constant'>]: (i: number) => number } = {
    reflect: (i) => (i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i),
    replicate: (i) => Math.min(Math.max(i, 0), size - 1),
    circular: (i) => ((i % size) + size) % size,
  };
  return Array.from({ length: size + before + after }, (_, j) => at[mode](j - before));
}

/** Pads (or, with negative sizes and mode 'constant', crops) one dim. */
function padDim(x: Tensor, dim: number, before: number, after: number, mode: PadMode, value: number): Tensor {
  const size = x.shape[dim];
  if (mode !== 'constant') {
    const limit = mode === 'reflect' ? size - 1 : mode === 'circular' ? size : Infinity;
    if (before < 0 || after < 0 || before > limit || after > limit || size === 0) {
      throw new RangeError(`pad: ${mode} padding (${before}, ${after}) of dim ${dim} of size ${size} must be non-negative` +
        (limit < Infinity ? ` and at most ${limit}` : '') + ` (input ${formatShape(x.shape)})`);
    }
    const map = padIndexMap(mode, size, before, after);
    const index = withBackend(x.storage.backend, () => tensor(BigInt64Array.from(map, BigInt)));
    return x.indexSelect(dim, index);
  }
  if (size + before + after < 0) throw new RangeError(`pad: padding (${before}, ${after}) of dim ${dim} leaves a negative size (input ${formatShape(x.shape)})`);
  let y = before < 0 || after < 0 ? x.narrow(dim, Math.max(-before, 0), size + Math.min(before, 0) + Math.min(after, 0)) : x;
  const block = (n: number): Tensor => filled(y.shape.map((s, d) => (d === dim ? n : s)), y.dtype, value, y.storage.backend);
  const parts = [...(before > 0 ? [block(before)] : []), y, ...(after > 0 ? [block(after)] : [])];
  if (parts.length > 1) y = cat(parts, dim);
  return y;
}

/**
 * Pads x as torch.nn.functional.pad: `pad` lists (before, after) sizes starting from the LAST
 * dim, e.g. [left, right, top, bottom] for the two last dims. 'constant' fills `value` (a
 * negative size crops); 'reflect' mirrors without repeating the edge, 'replicate' repeats it,
 * 'circular' wraps around. The non-constant modes gather through an index map per dim, so
 * their gradient is indexSelect's (repeated positions sum).
 *
 * @example
 * F.pad(dl.arange(0, 3).reshape([1, 1, 3]), [2, 1], 'reflect'); // [[[2, 1, 0, 1, 2, 1]]]
 */
export function pad(x: Tensor, pad: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (!PAD_MODES.includes(mode)) throw new RangeError(`pad: mode must be one of ${PAD_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (pad.length % 2 !== 0 || pad.length / 2 > x.ndim || !pad.every(Number.isInteger)) {
    throw new RangeError(`pad: expected an even number of integer sizes, at most 2 per dim of the input ${formatShape(x.shape)}, got ${JSON.stringify(pad)}`);
  }
  if (mode !== 'constant' && value !== 0) throw new Error(`pad: a value (${value}) is only used by mode 'constant', got mode '${mode}'`);
  let y = x;
  for (let i = 0; i < pad.length / 2; i++) y = padDim(y, x.ndim - 1 - i, pad[2 * i], pad[2 * i + 1], mode, value);
  return y;
}
