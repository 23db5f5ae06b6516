/**
 * Per-epoch random augmentations drawn from a seeded dlflow {@link Generator}:
 * random crop after zero padding, horizontal flip, small rotation. Each call
 * draws fresh parameters, so iterating a dataset again gives new variants,
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
});

/** Which augmentations to apply. */
export type AugmentOptions = OptionsInput<typeof AUGMENT_OPTIONS>;

/** Parameters drawn for one item. */
export interface AugmentDraw {
  crop?: { left: number; top: number; pad: number };
  flip: boolean;
  degrees: number;
}

/** Draw one item's augmentation parameters from `gen` (crop offset, then flip, then angle). */
export function drawAugment(opts: AugmentOptions, gen: Generator): AugmentDraw {
  const { cropPadding: pad, flipProbability: p, rotationDegrees: d } = AUGMENT_OPTIONS.parse(opts);
  const crop = pad > 0 ? { left: gen.nextInt(0, 2 * pad + 1), top: gen.nextInt(0, 2 * pad + 1), pad } : undefined;
  const flip = p > 0 && gen.nextDouble() < p;
  return { crop, flip, degrees: d > 0 ? (2 * gen.nextDouble() - 1) * d : 0 };
}

/** Apply drawn parameters: crop, then flip, then rotation. */
export function applyAugment(img: Image, a: AugmentDraw): Image {
  let out = img;
  if (a.crop !== undefined) out = padCrop(out, a.crop.left, a.crop.top, out.width, out.height, a.crop.pad);
  if (a.flip) out = flipHorizontal(out);
  if (a.degrees !== 0) out = rotate(out, a.degrees);
  return out;
}

/** Draw and apply in one step. */
export function augment(img: Image, opts: AugmentOptions, gen: Generator): Image {
  return applyAugment(img, drawAugment(AUGMENT_OPTIONS.parse(opts, 'augment'), gen));
}

/**
 * Apply drawn crop and flip to float32 values in [C, H, W] layout (the model-ready form), in the
 * same order and with the same geometry as {@link applyAugment} on bytes; pixels brought in by the
 * crop take `fill` (e.g. `-mean / std`, a black pixel after normalisation). Rotation is not
 * supported here.
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
  return out;
}
