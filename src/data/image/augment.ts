/**
 * Per-epoch random augmentations drawn from a seeded dlflow {@link Generator}:
 * random crop after zero padding, horizontal flip, small rotation. Each call
 * draws fresh parameters, so iterating a dataset again gives new variants,
 * and saving the generator's state reproduces them exactly.
 */
import type { Generator } from '../../core/generator.js';
import type { Image } from './decode.js';
import { flipHorizontal, padCrop, rotate } from './transform.js';

/** Which augmentations to apply. */
export interface AugmentOptions {
  /** Pad this many zero pixels on each side, then crop back to the original size at a random offset. */
  cropPadding?: number;
  /** Probability of a left–right flip (default 0: none). */
  flipProbability?: number;
  /** Rotate by an angle uniform in [−d, d] degrees (default 0: none). */
  rotationDegrees?: number;
}

/** Parameters drawn for one item. */
export interface AugmentDraw {
  crop?: { left: number; top: number; pad: number };
  flip: boolean;
  degrees: number;
}

/** Draw one item's augmentation parameters from `gen` (crop offset, then flip, then angle). */
export function drawAugment(opts: AugmentOptions, gen: Generator): AugmentDraw {
  const pad = opts.cropPadding ?? 0;
  const crop = pad > 0 ? { left: gen.nextInt(0, 2 * pad + 1), top: gen.nextInt(0, 2 * pad + 1), pad } : undefined;
  const p = opts.flipProbability ?? 0;
  const flip = p > 0 && gen.nextDouble() < p;
  const d = opts.rotationDegrees ?? 0;
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
  return applyAugment(img, drawAugment(opts, gen));
}
