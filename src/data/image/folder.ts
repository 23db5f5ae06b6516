/**
 * Image folders: one subfolder per class (`root/<class>/<image>.png|.jpg`),
 * classes in sorted name order. Items are `[image, label]` with the image as
 * float32 [C, H, W] (resized bilinearly to `size` when given, normalized by
 * per-channel mean/std) and the label the class index. With `augment` set,
 * every read draws fresh random crop/flip/rotation parameters from the
 * dataset's seeded generator, so each epoch sees new variants; parameters are
 * drawn in item-request order, before any asynchronous file read.
 */
import { readFile } from 'node:fs/promises';
import { defineOptions, isPlainObject, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import { Generator } from '../../core/generator.js';
import { DataError } from '../errors.js';
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { listClassFolder, type ClassFolderListing, type ClassFolderOptions, type FileKind } from '../prepare/class_folder.js';
import { applyAugment, AUGMENT_OPTIONS, drawAugment, type AugmentDraw, type AugmentOptions } from './augment.js';
import { decodeImage, readImage, type Image } from './decode.js';
import { resizeBilinear, toCHW } from './transform.js';

/** Image extensions recognised. */
export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** The files of an image folder. */
export const IMAGE_FILES: FileKind = { what: 'PNG/JPEG images', extensions: IMAGE_EXTENSIONS };

const numberList = (each: (x: number) => boolean) => (v: unknown): v is readonly number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && each(x));

const IMAGE_FOLDER_OPTIONS = defineOptions('ImageFolder', {
  /** 1 (grayscale) or 3 (RGB, default). */
  channels: option.custom<1 | 3, 3>('an integer, 1 (grayscale) or 3 (RGB)', (v): v is 1 | 3 => v === 1 || v === 3, 3),
  /** [height, width] to resize to; required when image sizes differ. */
  size: option.numbers(2, { min: 1, integer: true }),
  /** Per-channel mean of values in [0, 1] (default 0). */
  mean: option.custom<readonly number[]>('a list of finite numbers, one per channel', numberList(Number.isFinite)),
  /** Per-channel standard deviation of values in [0, 1] (default 1). */
  std: option.custom<readonly number[]>('a list of positive numbers, one per channel', numberList((x) => x > 0 && Number.isFinite(x))),
  /** Random crop, flip and rotation drawn for every read (default none; see {@link AugmentOptions}). */
  augment: option.custom<AugmentOptions>('augmentation settings { cropPadding, flipProbability, rotationDegrees }',
    (v): v is AugmentOptions => isPlainObject(v)),
  /** Generator for augmentations (default: seeded with `seed`). */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
  /** Seed of the default generator (default 0). */
  seed: option.number({ default: 0, integer: true }),
});

/** Settings for {@link ImageFolder}. */
export type ImageFolderOptions = OptionsInput<typeof IMAGE_FOLDER_OPTIONS>;

/** The files of an image folder, by class. */
export type FolderListing = ClassFolderListing;

/**
 * List `root/<class>/*.{png,jpg,jpeg}`, classes and files sorted (src/data/prepare/class_folder.ts).
 * @throws DataError when there are none, or for a damaged (empty) file unless `opts.damaged` skips it.
 */
export function listImageFolder(root: string, opts: Omit<ClassFolderOptions, 'files'> = {}): FolderListing {
  return listClassFolder(root, { ...opts, files: IMAGE_FILES });
}

/** A dataset over an image folder; see the module notes. */
export class ImageFolder implements Dataset<[ArrayItem, number]> {
  readonly root: string;
  readonly classes: string[];
  readonly files: string[];
  readonly labels: Int32Array;
  readonly channels: 1 | 3;
  readonly generator: Generator;
  private readonly opts: ResolvedOptions<typeof IMAGE_FOLDER_OPTIONS>;
  private expected: [number, number] | undefined;

  constructor(root: string, options: ImageFolderOptions = {}) {
    const opts = IMAGE_FOLDER_OPTIONS.parse(options);
    // the augmentation is drawn at every read: a mistake in it is reported here, not at the first read
    if (opts.augment !== undefined) opts.augment = AUGMENT_OPTIONS.parse(opts.augment, 'ImageFolder: augment');
    const l = listImageFolder(root);
    this.root = root;
    this.classes = l.classes; this.files = l.files; this.labels = l.labels;
    this.channels = opts.channels;
    this.generator = opts.generator ?? new Generator(opts.seed);
    this.opts = opts;
  }

  get length(): number { return this.files.length; }

  private finish(img: Image, draw: AugmentDraw | null, file: string): ArrayItem {
    let out = img;
    const size = this.opts.size;
    if (size !== undefined) out = resizeBilinear(out, size[1], size[0]);
    if (draw !== null) out = applyAugment(out, draw);
    const want = this.expected ??= [out.height, out.width];
    if (out.height !== want[0] || out.width !== want[1]) {
      throw new DataError(file, undefined, undefined, `image is ${out.width}×${out.height} but earlier ones are ${want[1]}×${want[0]}; give a size to resize to`);
    }
    return { data: toCHW(out, this.opts.mean, this.opts.std), shape: [out.channels, out.height, out.width] };
  }

  private draw(): AugmentDraw | null {
    return this.opts.augment === undefined ? null : drawAugment(this.opts.augment, this.generator);
  }

  /** Image `i` as [C, H, W] float32 and its class index. @throws DataError naming an undecodable file. */
  getItem(i: number): [ArrayItem, number] {
    const draw = this.draw();
    return [this.finish(readImage(this.files[i], this.channels), draw, this.files[i]), this.labels[i]];
  }

  /** Same as {@link getItem} with the file read asynchronously. */
  async getItemAsync(i: number): Promise<[ArrayItem, number]> {
    const draw = this.draw();
    const file = this.files[i];
    let bytes: Uint8Array;
    try { bytes = await readFile(file); } catch (e) { throw new DataError(file, undefined, undefined, `cannot read: ${(e as Error).message}`); }
    return [this.finish(decodeImage(bytes, file, this.channels), draw, file), this.labels[i]];
  }
}
