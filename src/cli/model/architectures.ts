/**
 * The built-in architectures as layer lists: the MLP (tables; any data after a flatten), the GRU
 * forecaster (series windows `[steps, inputs]`) and the CNN (images `[C, H, W]` with 2-D layers,
 * volumes `[C, D, H, W]` with the same blocks in 3-D): conv–BN–ReLU blocks, each followed by a
 * 2×2(×2) pool, then a head that keeps the spatial layout (adaptive average pooling to a small
 * grid, flatten, linear, ReLU, dropout, linear). In PyTorch trials on small images, spectrograms
 * and volumes that head beat global average pooling by 0.08 to 0.17 accuracy (issue 10).
 */
import { SPATIAL_LAYERS, type LayerSpec, type SpatialRank } from './layers.js';

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
 * Blocks for an image (or volume) of smallest side `side`: halve while the map stays at least 4
 * wide after the pool (28 → 2 blocks: 14, 7; 32 → 3: 16, 8, 4; 8 → 1), between 1 and 4.
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

/** The spatial rank of CNN input: images [C, H, W] are 2-D, volumes [C, D, H, W] 3-D; null for other shapes. */
export function cnnRank(inputShape: readonly number[]): SpatialRank | null {
  return inputShape.length === 3 ? 2 : inputShape.length === 4 ? 3 : null;
}

/**
 * The CNN for images `[C, H, W]` (2-D layers) or volumes `[C, D, H, W]` (3-D layers): the same
 * blocks and head whatever the rank.
 *
 * @example
 * cnnLayers([1, 28, 28], 10, { channels: null, kernelSize: 3, blocks: null, pool: 'max', grid: null, hidden: 128, dropout: 0.3 });
 * // conv 1→32, BN, ReLU, pool → 32×14×14; conv 32→64, BN, ReLU, pool → 64×7×7; pool to 7×7, flatten, linear 3136→128, ReLU, dropout, linear 128→10
 * cnnLayers([1, 16, 16, 16], 3, options);
 * // conv3d 1→32 ... pool → 32×8×8×8; conv3d 32→64 ... → 64×4×4×4; pool to 4×4×4, flatten, linear 4096→128, ReLU, dropout, linear 128→3
 */
export function cnnLayers(inputShape: readonly number[], outputs: number, o: CnnOptions): LayerSpec[] {
  const rank = cnnRank(inputShape);
  if (rank === null) throw new RangeError(`cnnLayers: needs [C, H, W] or [C, D, H, W], got [${inputShape.join(', ')}]`);
  const names = SPATIAL_LAYERS[rank];
  let [c, ...sides] = inputShape;
  const out: LayerSpec[] = [];
  for (const channels of blockChannels(o, Math.min(...sides))) {
    const padding = Math.floor(o.kernelSize / 2);
    out.push({ type: names.conv, in: c, out: channels, kernelSize: o.kernelSize, stride: 1, padding });
    out.push({ type: names.batchnorm, features: channels }, { type: 'activation', name: 'relu' });
    c = channels;
    sides = sides.map((s) => s + 2 * padding - o.kernelSize + 1);
    // A map narrower than 2 is not pooled further (tiny inputs, or more blocks than halvings).
    if (Math.min(...sides) >= 2) {
      out.push({ type: o.pool === 'max' ? names.maxpool : names.avgpool, kernelSize: 2, stride: 2 });
      sides = sides.map((s) => Math.floor(s / 2));
    }
  }
  const grid = sides.map((s) => Math.min(s, o.grid ?? 7));
  const gridPool: LayerSpec = rank === 2 ? { type: 'adaptiveavgpool2d', outputSize: [grid[0], grid[1]] } : { type: 'adaptiveavgpool3d', outputSize: [grid[0], grid[1], grid[2]] };
  out.push(gridPool, { type: 'flatten' });
  out.push({ type: 'linear', in: c * grid.reduce((a, b) => a * b, 1), out: o.hidden }, { type: 'activation', name: 'relu' });
  if (o.dropout > 0) out.push({ type: 'dropout', p: o.dropout });
  out.push({ type: 'linear', in: o.hidden, out: outputs });
  return out;
}
