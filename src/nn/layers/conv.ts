/** Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d, as PyTorch's. */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import {
  convFields, convolution, convTransposeFields, convTransposition, expectedInput, pad, sidePadding,
  type ConvCaller, type PadMode, type SizeOption, type SpatialRank,
} from '../functional/conv.js';
import type { FunctionalForm } from '../functional/fusion.js';
import { checkSize, perDim, perRank, spatialTuple } from '../options.js';
import { resetWeightAndBias } from './default_init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyTuple } from '../repr.js';

/** How a convolution layer pads: with zeros (in the kernel) or by an explicit F.pad first. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
const PADDING_MODES: { readonly [M in PaddingMode]: PadMode | null } = { zeros: null, reflect: 'reflect', replicate: 'replicate', circular: 'circular' };

/** What the layers add to their functional form's options. */
const BIAS_FIELD = {
  /** Learn an additive bias per output channel (default true). */
  bias: option.boolean(true),
};

const CONV_LAYER_OPTIONS = perRank((rank) => defineOptions(`Conv${rank}d`, {
  ...convFields(rank),
  ...BIAS_FIELD,
  /** What the padding holds (default 'zeros'). */
  paddingMode: option.choice(Object.keys(PADDING_MODES) as PaddingMode[], 'zeros'),
}));

const CONV_TRANSPOSE_LAYER_OPTIONS = perRank((rank) => defineOptions(`ConvTranspose${rank}d`, {
  ...convTransposeFields(rank),
  ...BIAS_FIELD,
  /** Only 'zeros', as in PyTorch. */
  paddingMode: option.custom<'zeros', 'zeros'>("'zeros' (the only padding mode of transposed convolutions, as in PyTorch)", (v): v is 'zeros' => v === 'zeros', 'zeros'),
}));

export type ConvLayerOptions = OptionsInput<(typeof CONV_LAYER_OPTIONS)[SpatialRank]>;
export type ConvTransposeLayerOptions = OptionsInput<(typeof CONV_TRANSPOSE_LAYER_OPTIONS)[SpatialRank]>;
/** The checked options both kinds of layers share. */
type SharedSettings = Pick<ResolvedOptions<(typeof CONV_LAYER_OPTIONS)[SpatialRank]>, 'stride' | 'dilation' | 'groups' | 'bias'>;

/** `Conv2d(3, 32)`: how errors name a layer. */
function layerName(kind: string, inChannels: number, outChannels: number): string {
  return `${kind}(${inChannels}, ${outChannels})`;
}

/** What both kinds of convolution layers share: channels, kernel, geometry, parameters and init. */
abstract class ConvBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;
  protected readonly caller: ConvCaller;

  /** `settings` are the layer's options, checked by the subclass (whose schema names the keys). */
  protected constructor(kind: string, spatial: SpatialRank, readonly inChannels: number, readonly outChannels: number,
    kernelSize: SizeOption, settings: SharedSettings, transposed: boolean) {
    super();
    const who = layerName(kind, inChannels, outChannels);
    checkSize(who, 'inChannels', inChannels);
    checkSize(who, 'outChannels', outChannels);
    this.groups = settings.groups;
    if (inChannels % this.groups !== 0) throw new Error(`${who}: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`${who}: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    this.kernelSize = spatialTuple(who, 'kernelSize', kernelSize, spatial, 1);
    this.stride = perDim(settings.stride, spatial);
    this.dilation = perDim(settings.dilation, spatial);
    this.caller = { who, spatial };
    const [first, second] = transposed ? [inChannels, outChannels] : [outChannels, inChannels];
    this.weight = Parameter.empty([first, second / this.groups, ...this.kernelSize]);
    this.bias = settings.bias ? Parameter.empty([outChannels]) : null;
  }

  /** PyTorch's init: W kaiming-uniform with a = √5, b ~ U(−1/√fanIn, 1/√fanIn). */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  /** Checks x is [N, inChannels, ...] (or unbatched [inChannels, ...]), naming the layer. */
  protected checkInput(x: Tensor): void {
    const { spatial, who } = this.caller;
    const batched = x.ndim === spatial + 2;
    if (!(batched || x.ndim === spatial + 1) || x.shape[batched ? 1 : 0] !== this.inChannels) {
      throw new Error(`${who} expected input ${expectedInput(this.inChannels, spatial)}, got [${x.shape.join(', ')}]`);
    }
  }

  /** PyTorch's extra_repr: only the settings that differ from the defaults after the stride. */
  protected reprParts(padding: string | null, outputPadding: readonly number[] | null, paddingMode: string): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`];
    if (padding !== null) parts.push(`padding=${padding}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${pyTuple(this.dilation)}`);
    if (outputPadding !== null && outputPadding.some((p) => p !== 0)) parts.push(`output_padding=${pyTuple(outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=False');
    if (paddingMode !== 'zeros') parts.push(`padding_mode=${paddingMode}`);
    return parts.join(', ');
  }
}

/** An N-d convolution layer (the Conv1d/2d/3d classes fix N). */
export abstract class ConvNd extends ConvBase {
  /** The padding as given: sizes per dim, or 'same' / 'valid'. */
  readonly padding: number[] | 'same' | 'valid';
  readonly paddingMode: PaddingMode;
  /** For non-zero modes: F.pad's list (last dim first) applied before a padding-free conv. */
  readonly #explicitPad: number[] | null;

  protected constructor(kind: string, spatial: SpatialRank, inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvLayerOptions) {
    const o = CONV_LAYER_OPTIONS[spatial].parse(options, layerName(kind, inChannels, outChannels));
    super(kind, spatial, inChannels, outChannels, kernelSize, o, false);
    const who = this.caller.who;
    this.padding = typeof o.padding === 'string' ? o.padding : perDim(o.padding, spatial);
    this.paddingMode = o.paddingMode;
    const sides = sidePadding(who, this.padding, this.kernelSize, this.dilation, this.stride, spatial);
    const lastDimFirst = Array.from({ length: spatial }, (_, i) => spatial - 1 - i);
    this.#explicitPad = this.paddingMode === 'zeros' ? null : lastDimFirst.flatMap((d) => [sides.before[d], sides.after[d]]);
    this.resetParameters();
  }

  override forward(x: Tensor): Tensor {
    return this.#run(x, false);
  }

  #run(x: Tensor, relu: boolean): Tensor {
    this.checkInput(x);
    const mode = PADDING_MODES[this.paddingMode];
    if (mode === null || this.#explicitPad === null) return convolution(this.caller, x, this.weight, this.bias, this.#options(), relu);
    const padded = pad(x, this.#explicitPad, mode);
    return convolution(this.caller, padded, this.weight, this.bias, { ...this.#options(), padding: 0 }, relu);
  }

  #options(): { stride: number[]; padding: number[] | 'same' | 'valid'; dilation: number[]; groups: number } {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups };
  }

  override functionalForm(): FunctionalForm | null {
    if (this.forward !== ConvNd.prototype.forward || this.paddingMode !== 'zeros') return null;
    return { op: 'conv', caller: this.caller, weight: this.weight, bias: this.bias, options: this.#options() };
  }

  override extraRepr(): string {
    const padding = typeof this.padding === 'string' ? this.padding : this.padding.some((p) => p !== 0) ? pyTuple(this.padding) : null;
    return this.reprParts(padding, null, this.paddingMode);
  }
}

/**
 * 1-d convolution over [N, C, L] (PyTorch's nn.Conv1d; weight [out, in/groups, k]).
 * @example
 * new nn.Conv1d(16, 33, 3, { stride: 2 }).forward(dl.randn([20, 16, 50])).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvLayerOptions = {}) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-d convolution over [N, C, H, W] (PyTorch's nn.Conv2d; weight [out, in/groups, kH, kW]).
 * @example
 * new nn.Conv2d(1, 32, 3, { padding: 1 }).forward(dl.randn([8, 1, 28, 28])).shape; // [8, 32, 28, 28]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvLayerOptions = {}) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 3-d convolution over [N, C, D, H, W] (PyTorch's nn.Conv3d).
 * @example
 * new nn.Conv3d(1, 8, 3, { padding: 'same' }).forward(dl.randn([2, 1, 8, 8, 8])).shape; // [2, 8, 8, 8, 8]
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvLayerOptions = {}) {
    super('Conv3d', 3, inChannels, outChannels, kernelSize, options);
  }
}

/** An N-d transposed convolution layer (weight [in, out/groups, ...k]). */
export abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];

  protected constructor(kind: string, spatial: SpatialRank, inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvTransposeLayerOptions) {
    const o = CONV_TRANSPOSE_LAYER_OPTIONS[spatial].parse(options, layerName(kind, inChannels, outChannels));
    super(kind, spatial, inChannels, outChannels, kernelSize, o, true);
    this.padding = perDim(o.padding, spatial);
    this.outputPadding = perDim(o.outputPadding, spatial);
    this.resetParameters();
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    return convTransposition(this.caller, x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, dilation: this.dilation, groups: this.groups,
    });
  }

  override extraRepr(): string {
    return this.reprParts(this.padding.some((p) => p !== 0) ? pyTuple(this.padding) : null, this.outputPadding, 'zeros');
  }
}

/**
 * 1-d transposed convolution (PyTorch's nn.ConvTranspose1d).
 * @example
 * new nn.ConvTranspose1d(4, 2, 3, { stride: 2 }).forward(dl.randn([1, 4, 10])).shape; // [1, 2, 21]
 */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose1d', 1, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-d transposed convolution (PyTorch's nn.ConvTranspose2d).
 * @example
 * new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 }).forward(dl.randn([1, 16, 12, 12])).shape; // [1, 8, 24, 24]
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose2d', 2, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 3-d transposed convolution (PyTorch's nn.ConvTranspose3d).
 * @example
 * new nn.ConvTranspose3d(2, 3, 2, { stride: 2 }).forward(dl.randn([1, 2, 4, 4, 4])).shape; // [1, 3, 8, 8, 8]
 */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: SizeOption, options: ConvTransposeLayerOptions = {}) {
    super('ConvTranspose3d', 3, inChannels, outChannels, kernelSize, options);
  }
}
