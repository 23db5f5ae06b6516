/**
 * The built-in architectures as layer lists: the MLP (tables; any data after a flatten), the GRU
 * forecaster (series windows `[steps, inputs]`) and the CNN (images `[C, H, W]`): conv–BN–ReLU blocks, each followed by a 2×2 pool, then a head that keeps
 * the spatial layout (adaptive average pooling to a small grid, flatten, linear, ReLU, dropout,
 * linear). In PyTorch trials on small images, spectrograms and volumes that head beat global
 * average pooling by 0.08 to 0.17 accuracy (issue 10).
 */
import type { LayerSpec } from './layers.js';

/** Sizes of the CNN; null picks from the data (see {@link cnnLayers}). */
export interface CnnOptions {
  /** Output channels per block (default: 32, 64, 128, ... one per block). */
  channels: number[] | null;
  kernelSize: number;
  /** Conv blocks (default: the length of `channels`, else from the resolution). */
  blocks: number | null;
  /** Downsampling after each block. */
  pool: 'max' | 'avg';
  /** Side of the adaptive-pooling grid before the head (default: the feature map, at most 7). */
  grid: number | null;
  /** Units of the head's hidden linear layer. */
  hidden: number;
  /** Dropout before the output layer. */
  dropout: number;
}

/**
 * Blocks for an image of side `side`: halve while the map stays at least 4 wide after the pool
 * (28 → 2 blocks: 14, 7; 32 → 3: 16, 8, 4; 8 → 1), between 1 and 4.
 */
export function autoBlocks(side: number): number {
  return Math.max(1, Math.min(4, Math.floor(Math.log2(side / 4))));
}

/** The MLP: [flatten when the examples are not flat], then [linear, (batchnorm), activation, (dropout)] per hidden size, then the output layer. */
export function mlpLayers(inputShape: readonly number[], hidden: readonly number[], outputs: number, activation: string, dropout: number, batchNorm: boolean): LayerSpec[] {
  const out: LayerSpec[] = inputShape.length > 1 ? [{ type: 'flatten' }] : [];
  let width = inputShape.reduce((a, b) => a * b, 1);
  for (const h of hidden) {
    out.push({ type: 'linear', in: width, out: h });
    if (batchNorm) out.push({ type: 'batchnorm', features: h });
    out.push({ type: 'activation', name: activation });
    if (dropout > 0) out.push({ type: 'dropout', p: dropout });
    width = h;
  }
  out.push({ type: 'linear', in: width, out: outputs });
  return out;
}

/**
 * The GRU forecaster for windows `[steps, inputs]`: a GRU whose last state feeds a linear layer of
 * `outputs` (the horizon). Chosen over a 1-D CNN by measurement on CO₂ (see the README's
 * forecasting section).
 *
 * @example
 * gruLayers([52, 1], 1, { hidden: 32, layers: 1 });
 * // [{ type: 'gru', in: 1, hidden: 32, layers: 1 }, { type: 'linear', in: 32, out: 1 }]
 */
export function gruLayers(inputShape: readonly number[], outputs: number, o: { hidden: number; layers: number }): LayerSpec[] {
  return [{ type: 'gru', in: inputShape[1], hidden: o.hidden, layers: o.layers }, { type: 'linear', in: o.hidden, out: outputs }];
}

/** Channels of each block: the configured list, or 32 doubling per block up to 256. */
function blockChannels(o: CnnOptions, side: number): number[] {
  const blocks = o.blocks ?? o.channels?.length ?? autoBlocks(side);
  return o.channels ?? Array.from({ length: blocks }, (_, i) => Math.min(256, 32 << i));
}

/**
 * The CNN for examples `[C, H, W]`.
 *
 * @example
 * cnnLayers([1, 28, 28], 10, { channels: null, kernelSize: 3, blocks: null, pool: 'max', grid: null, hidden: 128, dropout: 0.3 });
 * // conv 1→32, BN, ReLU, pool → 32×14×14; conv 32→64, BN, ReLU, pool → 64×7×7; pool to 7×7, flatten, linear 3136→128, ReLU, dropout, linear 128→10
 */
export function cnnLayers(inputShape: readonly number[], outputs: number, o: CnnOptions): LayerSpec[] {
  let [c, h, w] = inputShape;
  const out: LayerSpec[] = [];
  for (const channels of blockChannels(o, Math.min(h, w))) {
    const padding = Math.floor(o.kernelSize / 2);
    out.push({ type: 'conv2d', in: c, out: channels, kernelSize: o.kernelSize, stride: 1, padding });
    out.push({ type: 'batchnorm2d', features: channels }, { type: 'activation', name: 'relu' });
    [c, h, w] = [channels, h + 2 * padding - o.kernelSize + 1, w + 2 * padding - o.kernelSize + 1];
    // A map narrower than 2 is not pooled further (tiny images, or more blocks than halvings).
    if (Math.min(h, w) >= 2) {
      out.push({ type: o.pool === 'max' ? 'maxpool2d' : 'avgpool2d', kernelSize: 2, stride: 2 });
      [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    }
  }
  const grid: [number, number] = [Math.min(h, o.grid ?? 7), Math.min(w, o.grid ?? 7)];
  out.push({ type: 'adaptiveavgpool2d', outputSize: grid }, { type: 'flatten' });
  out.push({ type: 'linear', in: c * grid[0] * grid[1], out: o.hidden }, { type: 'activation', name: 'relu' });
  if (o.dropout > 0) out.push({ type: 'dropout', p: o.dropout });
  out.push({ type: 'linear', in: o.hidden, out: outputs });
  return out;
}
