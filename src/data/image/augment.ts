/**
 * Per-epoch random augmentations drawn from a seeded dlflow {@link Generator}:
 * random crop after zero padding, horizontal flip, small rotation, and masks of whole rows and
 * columns (SpecAugment's frequency and time masks on a spectrogram [C, mels, frames]; stripes on
 * an image). Each call draws fresh parameters, so iterating a dataset again gives new variants,
 * and saving the generator's state reproduces them exactly.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Generator } from '../../core/generator.js';
import type { Image } from './decode.js';
import { flipHorizontal, padCrop, rotate } from './transform.js';

/** Which augmentations to apply (checked under the name of the function or dataset given them). */
export const AUGMENT_OPTIONS = defineOptions('drawAugment', {
  /** Pad this many zero pixels on each side, then crop back to the original size at a random offset (default 0: none). */
  cropPadding: option.number({ default: 0, min: 0, integer: true }),
  /** Probability of a left–right flip (default 0: none). */
  flipProbability: option.number({ default: 0, min: 0, max: 1 }),
  /** Rotate by an angle uniform in [−d, d] degrees (default 0: none). */
  rotationDegrees: option.number({ default: 0, min: 0 }),
  /** Masks of consecutive rows (frequency masks of a spectrogram), each of a width uniform in [0, rowMaskWidth] (default 0: none). */
  rowMasks: option.number({ default: 0, min: 0, integer: true }),
  rowMaskWidth: option.number({ default: 0, min: 0, integer: true }),
  /** Masks of consecutive columns (time masks of a spectrogram), each of a width uniform in [0, columnMaskWidth] (default 0: none). */
  columnMasks: option.number({ default: 0, min: 0, integer: true }),
  columnMaskWidth: option.number({ default: 0, min: 0, integer: true }),
});

/** Which augmentations to apply. */
export type AugmentOptions = OptionsInput<typeof AUGMENT_OPTIONS>;

/** One mask: `width` rows or columns from `start`, as fractions of the axis (so a draw fits any size). */
export interface MaskDraw {
  axis: 'row' | 'column';
  /** Width in rows or columns (at most the axis length when applied). */
  width: number;
  /** Where it starts, in [0, 1): the start is floor(at · (length − width + 1)). */
  at: number;
}

/** Parameters drawn for one item. */
export interface AugmentDraw {
  crop?: { left: number; top: number; pad: number };
  flip: boolean;
  degrees: number;
  /** Row and column masks, applied last (none when absent). */
  masks?: MaskDraw[];
}

/** `count` masks on `axis`, each of a width uniform in [0, maxWidth] (SpecAugment's f ~ U[0, F]). */
function drawMasks(axis: MaskDraw['axis'], count: number, maxWidth: number, gen: Generator): MaskDraw[] {
  if (maxWidth === 0) return [];
  return Array.from({ length: count }, () => ({ axis, width: gen.nextInt(0, maxWidth + 1), at: gen.nextDouble() }));
}

/** Draw one item's augmentation parameters from `gen` (crop offset, then flip, then angle, then row and column masks). */
export function drawAugment(opts: AugmentOptions, gen: Generator): AugmentDraw {
  const o = AUGMENT_OPTIONS.parse(opts);
  const pad = o.cropPadding, p = o.flipProbability, d = o.rotationDegrees;
  const crop = pad > 0 ? { left: gen.nextInt(0, 2 * pad + 1), top: gen.nextInt(0, 2 * pad + 1), pad } : undefined;
  const flip = p > 0 && gen.nextDouble() < p;
  const degrees = d > 0 ? (2 * gen.nextDouble() - 1) * d : 0;
  const masks = [...drawMasks('row', o.rowMasks, o.rowMaskWidth, gen), ...drawMasks('column', o.columnMasks, o.columnMaskWidth, gen)];
  return masks.length > 0 ? { crop, flip, degrees, masks } : { crop, flip, degrees };
}

/** The rows or columns `[start, end)` a mask covers on an axis of `length`. */
function maskSpan(m: MaskDraw, length: number): [number, number] {
  const width = Math.min(m.width, length);
  const start = Math.floor(m.at * (length - width + 1));
  return [start, start + width];
}

/** Sets the masked rows and columns of each `h × w` plane of `data` (planes of `planeStride` values, `step` per pixel) to `fill`. */
function applyMasks<T extends Float32Array | Uint8Array>(data: T, planes: number, h: number, w: number, step: number, masks: readonly MaskDraw[], fill: number): T {
  for (const m of masks) {
    const [a, b] = maskSpan(m, m.axis === 'row' ? h : w);
    for (let k = 0; k < planes; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if ((m.axis === 'row' ? y : x) < a || (m.axis === 'row' ? y : x) >= b) continue;
          for (let s = 0; s < step; s++) data[(k * h * w + y * w + x) * step + s] = fill;
        }
      }
    }
  }
  return data;
}

/** Apply drawn parameters: crop, then flip, then rotation, then masks (black). */
export function applyAugment(img: Image, a: AugmentDraw): Image {
  let out = img;
  if (a.crop !== undefined) out = padCrop(out, a.crop.left, a.crop.top, out.width, out.height, a.crop.pad);
  if (a.flip) out = flipHorizontal(out);
  if (a.degrees !== 0) out = rotate(out, a.degrees);
  if (a.masks !== undefined && a.masks.length > 0) {
    const data = applyMasks(Uint8Array.from(out.data), 1, out.height, out.width, out.channels, a.masks, 0);
    out = { ...out, data };
  }
  return out;
}

/** Draw and apply in one step. */
export function augment(img: Image, opts: AugmentOptions, gen: Generator): Image {
  return applyAugment(img, drawAugment(AUGMENT_OPTIONS.parse(opts, 'augment'), gen));
}

/**
 * Apply drawn crop, flip and masks to float32 values in [C, H, W] layout (the model-ready form), in
 * the same order and with the same geometry as {@link applyAugment} on bytes; pixels brought in by
 * the crop and masked ones take `fill` (e.g. `-mean / std`, a black pixel after normalisation; 0,
 * the mean, for a standardised spectrogram, as SpecAugment masks). Rotation is not supported here.
 *
 * @example
 * const out = applyAugmentCHW(x, [1, 28, 28], drawAugment({ cropPadding: 4, flipProbability: 0.5 }, gen), -mean / std);
 */
export function applyAugmentCHW(data: Float32Array, shape: readonly number[], a: AugmentDraw, fill = 0): Float32Array {
  if (a.degrees !== 0) throw new RangeError('applyAugmentCHW: rotation applies to uint8 images (applyAugment)');
  const [c, h, w] = shape;
  const out = new Float32Array(c * h * w);
  const dy = a.crop === undefined ? 0 : a.crop.top - a.crop.pad;
  const dx = a.crop === undefined ? 0 : a.crop.left - a.crop.pad;
  for (let k = 0; k < c; k++) {
    const plane = k * h * w;
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let x = 0; x < w; x++) {
        // crop first (x → x + dx), then the flip mirrors the cropped row
        const sx = (a.flip ? w - 1 - x : x) + dx;
        out[plane + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? fill : data[plane + sy * w + sx];
      }
    }
  }
  return applyMasks(out, c, h, w, 1, a.masks ?? [], fill);
}
