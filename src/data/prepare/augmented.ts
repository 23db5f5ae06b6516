/**
 * The training split of image or spectrogram data with augmentation (`data.augment`): each read
 * of example `i` in epoch `e` crops, flips and masks it with parameters drawn from a generator
 * seeded by (seed, e, i) alone, so the variants depend neither on batch order nor on prefetching,
 * and a run resumed at epoch e sees exactly the variants of an uninterrupted one.
 */
import { Generator } from '../../core/generator.js';
import { applyAugmentCHW, drawAugment, type AugmentOptions } from '../image/augment.js';
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { DataRequestError } from './errors.js';
import type { AugmentConfig } from './options.js';
import type { Preprocessing } from './preprocessing.js';

/** The augmentation of a config as image/augment.ts options, or null when every part is off. */
export function augmentOptions(a: AugmentConfig): AugmentOptions | null {
  // a mask given in part (`--data.augment.mask.freq 8`) takes one mask of each kind, widths 0 (none) unless given
  const mask = a.mask === null || a.mask === undefined ? { freq: 0, time: 0, count: 0 } : { freq: 0, time: 0, count: 1, ...a.mask };
  if (a.crop === null && a.flip === 'none' && (mask.count === 0 || mask.freq + mask.time === 0)) return null;
  return {
    cropPadding: a.crop?.padding ?? 0, flipProbability: a.flip === 'horizontal' ? 0.5 : 0,
    rowMasks: mask.count, rowMaskWidth: mask.freq, columnMasks: mask.count, columnMaskWidth: mask.time,
  };
}

/** A 32-bit seed from (seed, epoch, index) (MurmurHash3's finaliser over the three words). */
function mixSeed(seed: number, epoch: number, index: number): number {
  let h = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Settings of {@link AugmentedImages}. */
export interface AugmentedImagesOptions {
  /** Shape of one example, [C, H, W]. */
  shape: readonly number[];
  augment: AugmentOptions;
  seed: number;
  /** The value of a black pixel after scaling (what the crop pads with). */
  fill: number;
  /** The epoch in progress (the DataLoader's count of epochs started). */
  epoch: () => number;
}

/**
 * Augmented examples of a split: items `[x as ArrayItem [C, H, W], label]`, read from `source`
 * (examples.ts: arrays in memory or an image folder decoded on demand, whose batch reads and
 * read-ahead pass through).
 */
export class AugmentedImages implements Dataset<[ArrayItem, number]> {
  readonly willNeed?: (indices: Int32Array) => void;

  constructor(private readonly source: Dataset<[ArrayItem, number]>, private readonly opts: AugmentedImagesOptions) {
    if (source.willNeed !== undefined) this.willNeed = (indices) => source.willNeed!(indices);
  }

  get length(): number { return this.source.length; }

  getItem(i: number): [ArrayItem, number] {
    return this.augmented(this.source.getItem(i), i);
  }

  getItems(indices: Int32Array): [ArrayItem, number][] {
    const items = this.source.getItems?.(indices) ?? Array.from(indices, (i) => this.source.getItem(i));
    return items.map((item, k) => this.augmented(item, indices[k]));
  }

  /** Example `i` (`item`) cropped, flipped and masked by the draws of (seed, epoch, i). */
  private augmented([x, label]: [ArrayItem, number], i: number): [ArrayItem, number] {
    const gen = new Generator(mixSeed(this.opts.seed, this.opts.epoch(), i));
    const data = applyAugmentCHW(x.data, this.opts.shape, drawAugment(this.opts.augment, gen), this.opts.fill);
    return [{ data, shape: [...this.opts.shape] }, label];
  }
}

/** What data of each preprocessing kind is, in the message refusing to augment it. */
const DATA_OF: Record<Exclude<Preprocessing['type'], 'image' | 'audio'>, string> = {
  table: 'a table', series: 'a time series', volume: 'a volume folder',
};

/**
 * The augmentation of a data set's training split, or null when off; augmenting anything but
 * image data is a request error.
 *
 * @example
 * const aug = trainingAugment({ crop: { padding: 4 }, flip: 'none' }, data.preprocessing); // { options, fill }
 */
export function trainingAugment(a: AugmentConfig, pre: Preprocessing): { options: AugmentOptions; fill: number } | null {
  const options = augmentOptions(a);
  if (options === null) return null;
  if (pre.type === 'image') return { options, fill: -pre.mean / pre.std };
  if (pre.type === 'audio') {
    if (a.crop !== null || a.flip !== 'none') {
      throw new DataRequestError('data.augment.crop and data.augment.flip apply to images; a spectrogram takes data.augment.mask (SpecAugment: { freq, time, count })');
    }
    return { options, fill: 0 }; // the mean of a standardised spectrogram, as SpecAugment masks
  }
  throw new DataRequestError(`data.augment applies to images (IDX or image folders) and spectrograms (audio folders), but this data is ${DATA_OF[pre.type]}`);
}
