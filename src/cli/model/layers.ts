/**
 * Architectures as data: a resolved list of layers (linear, conv and recurrent layers with their
 * sizes, pooling, normalisation, activations, dropout, flatten) that model.json stores and that
 * rebuilds the same `nn.Sequential`. Shapes are per example (no batch dimension): `[C, H, W]`,
 * `[steps, features]` or `[features]`.
 */
import type { Tensor } from '../../core/tensor.js';
import * as nn from '../../nn/index.js';

/** One resolved layer. */
export type LayerSpec =
  | { type: 'linear'; in: number; out: number }
  | { type: 'dropout'; p: number }
  | { type: 'dropout2d'; p: number }
  | { type: 'batchnorm'; features: number }
  | { type: 'batchnorm2d'; features: number }
  | { type: 'activation'; name: string }
  | { type: 'conv2d'; in: number; out: number; kernelSize: number; stride: number; padding: number }
  | { type: 'maxpool2d'; kernelSize: number; stride: number }
  | { type: 'avgpool2d'; kernelSize: number; stride: number }
  | { type: 'adaptiveavgpool2d'; outputSize: [number, number] }
  | { type: 'flatten' }
  /** A GRU over `[steps, in]` (batch first) whose output is the last step's state `[hidden]`. */
  | { type: 'gru'; in: number; hidden: number; layers: number };

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
    case 'batchnorm': return new nn.BatchNorm1d(l.features);
    case 'batchnorm2d': return new nn.BatchNorm2d(l.features);
    case 'activation': return ACTIVATIONS[l.name]();
    case 'conv2d': return new nn.Conv2d(l.in, l.out, l.kernelSize, { stride: l.stride, padding: l.padding });
    case 'maxpool2d': return new nn.MaxPool2d(l.kernelSize, { stride: l.stride });
    case 'avgpool2d': return new nn.AvgPool2d(l.kernelSize, { stride: l.stride });
    case 'adaptiveavgpool2d': return new nn.AdaptiveAvgPool2d(l.outputSize);
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
 * The per-example output shape of a layer, or a message saying why the input does not fit.
 *
 * @example
 * outputShape({ type: 'maxpool2d', kernelSize: 2, stride: 2 }, [32, 28, 28]); // [32, 14, 14]
 */
export function outputShape(l: LayerSpec, shape: readonly number[]): number[] | string {
  const image = (): string | null => (shape.length === 3 ? null : `needs image input [C, H, W], got [${shape.join(', ')}]`);
  const flat = (): string | null => (shape.length === 1 ? null : `needs flat input [features], got [${shape.join(', ')}]; add 'flatten' before it`);
  const windowed = (k: number, stride: number, padding: number): number[] | string => {
    const [c, h, w] = shape;
    const out = [c, slide(h, k, stride, padding), slide(w, k, stride, padding)];
    return out[1] >= 1 && out[2] >= 1 ? out : `a ${k}×${k} window does not fit the ${h}×${w} input (padding ${padding})`;
  };
  switch (l.type) {
    case 'linear': return flat() ?? [l.out];
    case 'batchnorm': return flat() ?? [...shape];
    case 'conv2d': {
      const out = image() ?? windowed(l.kernelSize, l.stride, l.padding);
      return typeof out === 'string' ? out : [l.out, out[1], out[2]];
    }
    case 'maxpool2d':
    case 'avgpool2d': return image() ?? windowed(l.kernelSize, l.stride, 0);
    case 'adaptiveavgpool2d': return image() ?? [shape[0], ...l.outputSize];
    case 'batchnorm2d':
    case 'dropout2d': return image() ?? [...shape];
    case 'flatten': return [shape.reduce((a, b) => a * b, 1)];
    case 'gru': return shape.length === 2 && shape[1] === l.in ? [l.hidden] : `needs windows [steps, ${l.in}], got [${shape.join(', ')}]`;
    case 'dropout':
    case 'activation': return [...shape];
  }
}
