/**
 * Architectures as data: a resolved list of layers (linear, conv and recurrent layers with their
 * sizes, pooling, normalisation, activations, dropout, flatten) that model.json stores and that
 * rebuilds the same `nn.Sequential`. Shapes are per example (no batch dimension): `[C, H, W]`,
 * `[C, D, H, W]`, `[steps, features]` or `[features]`. The spatial layers come in a 2-D form for
 * images and a 3-D form for volumes, told apart by their names' suffix ({@link SPATIAL_LAYERS}).
 */
import type { Tensor } from '../../core/tensor.js';
import * as nn from '../../nn/index.js';

/** Spatial dimensions of the spatial layers: 2 for images [C, H, W], 3 for volumes [C, D, H, W]. */
export type SpatialRank = 2 | 3;

type Conv<T extends string> = { type: T; in: number; out: number; kernelSize: number; stride: number; padding: number };
type Pool<T extends string> = { type: T; kernelSize: number; stride: number };
type Features<T extends string> = { type: T; features: number };
type ChannelDropout<T extends string> = { type: T; p: number };

/** One resolved layer. */
export type LayerSpec =
  | { type: 'linear'; in: number; out: number }
  | { type: 'dropout'; p: number }
  | ChannelDropout<'dropout2d'> | ChannelDropout<'dropout3d'>
  | { type: 'batchnorm'; features: number }
  | Features<'batchnorm2d'> | Features<'batchnorm3d'>
  | { type: 'activation'; name: string }
  | Conv<'conv2d'> | Conv<'conv3d'>
  | Pool<'maxpool2d'> | Pool<'maxpool3d'> | Pool<'avgpool2d'> | Pool<'avgpool3d'>
  | { type: 'adaptiveavgpool2d'; outputSize: [number, number] }
  | { type: 'adaptiveavgpool3d'; outputSize: [number, number, number] }
  | { type: 'flatten' }
  /** A GRU over `[steps, in]` (batch first) whose output is the last step's state `[hidden]`. */
  | { type: 'gru'; in: number; hidden: number; layers: number };

/** The names of the spatial layers of each rank. */
export const SPATIAL_LAYERS = {
  2: { conv: 'conv2d', batchnorm: 'batchnorm2d', maxpool: 'maxpool2d', avgpool: 'avgpool2d', adaptiveavgpool: 'adaptiveavgpool2d', dropout: 'dropout2d' },
  3: { conv: 'conv3d', batchnorm: 'batchnorm3d', maxpool: 'maxpool3d', avgpool: 'avgpool3d', adaptiveavgpool: 'adaptiveavgpool3d', dropout: 'dropout3d' },
} as const;

type SpatialType = (typeof SPATIAL_LAYERS)[SpatialRank][keyof (typeof SPATIAL_LAYERS)[2]];
/** A layer over images or volumes (convolution, pooling, batch norm, channel dropout). */
type SpatialLayer = Extract<LayerSpec, { type: SpatialType }>;

/** The spatial rank of a layer type (`conv3d` → 3), or null for a layer that is not spatial. */
export function spatialRankOf(type: LayerSpec['type']): SpatialRank | null {
  for (const rank of [2, 3] as const) if ((Object.values(SPATIAL_LAYERS[rank]) as string[]).includes(type)) return rank;
  return null;
}

const isSpatial = (l: LayerSpec): l is SpatialLayer => spatialRankOf(l.type) !== null;

/** The shape the examples of a spatial rank have, in messages. */
const LAYOUT: Record<SpatialRank, string> = { 2: 'image input [C, H, W]', 3: 'volume input [C, D, H, W]' };

/**
 * A GRU that reads `[N, steps, features]` and returns the last step's output `[N, hidden]`: the
 * summary of a window a forecaster's linear head reads. Parameters are `gru.weight_ih_l0`, ...
 * (PyTorch's nn.GRU names under `gru`).
 *
 * @example
 * new GRULastStep(1, 32, 1).forward(dl.randn([8, 52, 1])).shape; // [8, 32]
 */
export class GRULastStep extends nn.Module {
  gru: nn.GRU;

  constructor(inputSize: number, hiddenSize: number, numLayers: number) {
    super();
    this.gru = new nn.GRU(inputSize, hiddenSize, { numLayers, batchFirst: true });
  }

  override forward(x: Tensor): Tensor {
    const [output] = this.gru.forward(x);
    return output.select(1, output.shape[1] - 1);
  }
}

export const ACTIVATIONS: Record<string, () => nn.Module> = {
  relu: () => new nn.ReLU(), gelu: () => new nn.GELU(), silu: () => new nn.SiLU(), tanh: () => new nn.Tanh(),
  sigmoid: () => new nn.Sigmoid(), leaky_relu: () => new nn.LeakyReLU(), elu: () => new nn.ELU(), selu: () => new nn.SELU(),
  mish: () => new nn.Mish(),
};

/** The module of one resolved layer. */
function moduleOf(l: LayerSpec): nn.Module {
  switch (l.type) {
    case 'linear': return new nn.Linear(l.in, l.out);
    case 'dropout': return new nn.Dropout(l.p);
    case 'dropout2d': return new nn.Dropout2d(l.p);
    case 'dropout3d': return new nn.Dropout3d(l.p);
    case 'batchnorm': return new nn.BatchNorm1d(l.features);
    case 'batchnorm2d': return new nn.BatchNorm2d(l.features);
    case 'batchnorm3d': return new nn.BatchNorm3d(l.features);
    case 'activation': return ACTIVATIONS[l.name]();
    case 'conv2d': return new nn.Conv2d(l.in, l.out, l.kernelSize, { stride: l.stride, padding: l.padding });
    case 'conv3d': return new nn.Conv3d(l.in, l.out, l.kernelSize, { stride: l.stride, padding: l.padding });
    case 'maxpool2d': return new nn.MaxPool2d(l.kernelSize, { stride: l.stride });
    case 'maxpool3d': return new nn.MaxPool3d(l.kernelSize, { stride: l.stride });
    case 'avgpool2d': return new nn.AvgPool2d(l.kernelSize, { stride: l.stride });
    case 'avgpool3d': return new nn.AvgPool3d(l.kernelSize, { stride: l.stride });
    case 'adaptiveavgpool2d': return new nn.AdaptiveAvgPool2d(l.outputSize);
    case 'adaptiveavgpool3d': return new nn.AdaptiveAvgPool3d(l.outputSize);
    case 'flatten': return new nn.Flatten();
    case 'gru': return new GRULastStep(l.in, l.hidden, l.layers);
  }
}

/**
 * Builds the Sequential of a layer list.
 *
 * @example
 * buildSequential([{ type: 'flatten' }, { type: 'linear', in: 784, out: 10 }]);
 */
export function buildSequential(layers: readonly LayerSpec[]): nn.Sequential {
  return new nn.Sequential(...layers.map(moduleOf));
}

/** One spatial size after a window of `k` with `stride` and `padding` (PyTorch's floor rule). */
const slide = (size: number, k: number, stride: number, padding: number): number => Math.floor((size + 2 * padding - k) / stride) + 1;

/**
 * The per-example output shape of a spatial layer (2-D or 3-D by its name), or why the input does
 * not fit it.
 */
function spatialOutputShape(l: SpatialLayer, rank: SpatialRank, shape: readonly number[]): number[] | string {
  if (shape.length !== rank + 1) return `needs ${LAYOUT[rank]}, got [${shape.join(', ')}]`;
  const [c, ...spatial] = shape;
  const windowed = (k: number, stride: number, padding: number): number[] | string => {
    const out = spatial.map((s) => slide(s, k, stride, padding));
    return out.every((s) => s >= 1) ? [c, ...out] : `a ${Array(rank).fill(k).join('×')} window does not fit the ${spatial.join('×')} input (padding ${padding})`;
  };
  switch (l.type) {
    case 'conv2d':
    case 'conv3d': {
      const out = windowed(l.kernelSize, l.stride, l.padding);
      return typeof out === 'string' ? out : [l.out, ...out.slice(1)];
    }
    case 'maxpool2d':
    case 'maxpool3d':
    case 'avgpool2d':
    case 'avgpool3d': return windowed(l.kernelSize, l.stride, 0);
    case 'adaptiveavgpool2d':
    case 'adaptiveavgpool3d': return [c, ...l.outputSize];
    case 'batchnorm2d':
    case 'batchnorm3d':
    case 'dropout2d':
    case 'dropout3d': return [...shape];
  }
}

/**
 * The per-example output shape of a layer, or a message saying why the input does not fit.
 *
 * @example
 * outputShape({ type: 'maxpool2d', kernelSize: 2, stride: 2 }, [32, 28, 28]); // [32, 14, 14]
 * outputShape({ type: 'maxpool3d', kernelSize: 2, stride: 2 }, [32, 16, 16, 16]); // [32, 8, 8, 8]
 */
export function outputShape(l: LayerSpec, shape: readonly number[]): number[] | string {
  if (isSpatial(l)) return spatialOutputShape(l, spatialRankOf(l.type)!, shape);
  const flat = (): string | null => (shape.length === 1 ? null : `needs flat input [features], got [${shape.join(', ')}]; add 'flatten' before it`);
  switch (l.type) {
    case 'linear': return flat() ?? [l.out];
    case 'batchnorm': return flat() ?? [...shape];
    case 'flatten': return [shape.reduce((a, b) => a * b, 1)];
    case 'gru': return shape.length === 2 && shape[1] === l.in ? [l.hidden] : `needs windows [steps, ${l.in}], got [${shape.join(', ')}]`;
    case 'dropout':
    case 'activation': return [...shape];
  }
}
