/**
 * One example of an image folder as the model sees it, before scaling: RGB, channel-first
 * [3, height, width] bytes, bilinearly resized when the image has another size. The one
 * conversion of the data step, in memory (prepare_images.ts) and on demand in the decode workers
 * (image_worker.ts), so both give the same bytes.
 */
import { readImageAsync, type Image } from '../image/decode.js';
import { resizeBilinear } from '../image/transform.js';

/** Channels of an image folder's examples (RGB). */
export const CHANNELS = 3;

/**
 * Writes `image` as [3, height, width] bytes into `out` from `offset`, resized when its size
 * differs. Returns whether it was resized.
 */
export function putChannelFirst(image: Image, height: number, width: number, out: Uint8Array, offset: number): boolean {
  const resized = image.height !== height || image.width !== width;
  const img = resized ? resizeBilinear(image, width, height) : image;
  const plane = height * width;
  for (let k = 0; k < CHANNELS; k++) {
    const base = offset + k * plane;
    for (let i = 0; i < plane; i++) out[base + i] = img.data[i * CHANNELS + k];
  }
  return resized;
}

/**
 * The example of `file` at [height, width]: read, decoded as RGB, channel-first.
 * @throws DataError naming a file that cannot be read or decoded.
 */
export async function readExample(file: string, height: number, width: number): Promise<Uint8Array> {
  const out = new Uint8Array(CHANNELS * height * width);
  putChannelFirst(await readImageAsync(file, CHANNELS), height, width, out, 0);
  return out;
}
