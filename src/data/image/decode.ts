/**
 * PNG and JPEG decoding, recognised by their magic bytes (not the file extension). Images come
 * back as interleaved uint8 pixels, height × width × channels, with 1 (grayscale: ITU-R BT.601
 * luma) or 3 (RGB) channels; an alpha channel is dropped (colour values are kept as stored, not
 * composited).
 *
 * Two decoders, picked per image by measurement (bench/decode.ts): the pure-JS `pngjs` and
 * `jpeg-js`, faster on small images (Fashion-MNIST's 28 × 28, CIFAR's 32 × 32: 4–11× sharp's
 * speed, whose per-call cost dominates there), and `sharp` (libvips) from
 * {@link NATIVE_MIN_PIXELS} pixels on (224 × 224: 1.5× pngjs for PNG, 3.7× jpeg-js for JPEG).
 * {@link decodeImage} is synchronous and pure JS; {@link decodeImageAsync}, which the data step,
 * evaluate and predict use, takes sharp where it is faster. A PNG decodes to the same pixels
 * either way. A JPEG through sharp decodes to Pillow's pixels (libjpeg-turbo); jpeg-js rounds its
 * IDCT differently (at most 3 levels apart on 4:4:4 and gray) and upsamples 4:2:0 chroma its own
 * way (up to 93 levels apart at colour edges): test/data_decode.test.ts.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../errors.js';
import { decodeWithSharp, loadSharp, sharpIfLoaded, type RawPixels } from './native_decode.js';

/**
 * Most pixels an image may declare: Pillow's limit (twice its `MAX_IMAGE_PIXELS` warning level,
 * where it raises `DecompressionBombError`). Checked from the header before any pixel buffer is
 * allocated, so a small file claiming 60000 × 60000 pixels is an error, not gigabytes of memory.
 */
export const MAX_IMAGE_PIXELS = 2 * 89_478_485;

/**
 * Pixels from which sharp decodes an image of each format (when it can: 8-bit PNGs, JPEGs of 1 or
 * 3 components). Below them pngjs/jpeg-js are faster: bench/decode.ts on AMD EPYC has JPEG even
 * near 80 × 80 (0.68× sharp's speed at 64², 1.17× at 96²) and PNG near 145 × 145 (0.85× at 128²,
 * 1.14× at 160²); docs/architecture.md has the figures.
 */
export const NATIVE_MIN_PIXELS: Readonly<Record<'png' | 'jpeg', number>> = { png: 160 * 160, jpeg: 96 * 96 };

/** Which decoder {@link decodeImageAsync} uses: `auto` picks by size; the others force one (benches, tests). */
export type ImageDecoder = 'auto' | 'pure-js' | 'native';

/** Decoded pixels, row-major height × width × channels. */
export interface Image {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Which format the bytes are, by magic number. */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/**
 * Interleaved pixels of `source` channels (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA) as `channels`
 * (1: ITU-R BT.601 luma, rounded; 3: RGB; a gray pixel v is RGB (v, v, v)): both decoders' one
 * conversion, so they give the same pixels for the same decoded values.
 */
function convertPixels(px: Uint8Array, width: number, height: number, source: number, channels: 1 | 3): Image {
  const n = width * height;
  const out = new Uint8Array(n * channels);
  const colour = source >= 3 ? 1 : 0;
  for (let i = 0, o = 0; i < n; i++) {
    const at = i * source;
    const r = px[at], g = px[at + colour], b = px[at + 2 * colour];
    if (channels === 3) { out[o++] = r; out[o++] = g; out[o++] = b; } else out[o++] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return { width, height, channels, data: out };
}

/** What the header says, checked: the format, and the declared size when found. */
interface CheckedImage {
  format: 'png' | 'jpeg';
  declared: { width: number; height: number; channels: number } | null;
}

/**
 * The format and declared size of `bytes`, refusing unknown formats, more than
 * {@link MAX_IMAGE_PIXELS} pixels and PNG data that cannot inflate to its declared pixels.
 * @throws DataError naming `file`.
 */
function checkImage(bytes: Uint8Array, file: string): CheckedImage {
  const format = imageFormat(bytes);
  if (format === null) throw new DataError(file, undefined, undefined, 'cannot decode image: not a PNG or JPEG file (unrecognised magic bytes)');
  const declared = imageSize(bytes);
  if (declared !== null && declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw new DataError(file, undefined, undefined, `${format.toUpperCase()} header declares ${declared.width} × ${declared.height} pixels, over the limit of ${MAX_IMAGE_PIXELS} (a damaged file, or a decompression bomb)`);
  }
  if (format === 'png' && declared !== null) checkPngRatio(bytes, declared, file);
  return { format, declared };
}

/** The decoder's error as the DataError every caller reports. */
const decodeError = (file: string, format: CheckedImage['format'], e: unknown): DataError =>
  new DataError(file, undefined, undefined, `cannot decode ${format.toUpperCase()} image: ${(e as Error).message}`);

/** Pure-JS decoding (pngjs, jpeg-js) of checked bytes. */
function decodePureJs(bytes: Uint8Array, format: CheckedImage['format'], file: string, channels: 1 | 3): Image {
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return convertPixels(png.data, png.width, png.height, 4, channels);
    }
    const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    return convertPixels(j.data, j.width, j.height, 4, channels);
  } catch (e) {
    throw decodeError(file, format, e);
  }
}

/**
 * Decode PNG or JPEG bytes to `channels` (default 3) with pngjs/jpeg-js. `file` names the source in errors.
 * @throws DataError for unknown formats, undecodable data and headers declaring more than
 * {@link MAX_IMAGE_PIXELS} pixels.
 */
export function decodeImage(bytes: Uint8Array, file = '<input>', channels: 1 | 3 = 3): Image {
  return decodePureJs(bytes, checkImage(bytes, file).format, file, channels);
}

/**
 * True when sharp gives the pure-JS decoders' pixels for this image: 8-bit PNGs (pngjs rounds 16-bit
 * samples differently) and JPEGs of 1 or 3 components (jpeg-js converts CMYK by its own formula).
 */
function nativeDecodes(bytes: Uint8Array, image: CheckedImage): boolean {
  if (image.declared === null) return false;
  if (image.format === 'png') return bytes[24] === 8;
  return image.declared.channels === 1 || image.declared.channels === 3;
}

/** Whether `decoder` sends this image to sharp. */
function wantsNative(bytes: Uint8Array, image: CheckedImage, decoder: ImageDecoder): boolean {
  if (decoder === 'pure-js' || !nativeDecodes(bytes, image)) return false;
  return decoder === 'native' || image.declared!.width * image.declared!.height >= NATIVE_MIN_PIXELS[image.format];
}

/**
 * Decode PNG or JPEG bytes to `channels` (default 3), with sharp where it is the faster decoder
 * (see the module notes; `decoder` forces one). The same checks and messages as {@link decodeImage}.
 * @throws DataError for unknown formats, undecodable data and headers declaring more than
 * {@link MAX_IMAGE_PIXELS} pixels.
 */
export async function decodeImageAsync(bytes: Uint8Array, file = '<input>', channels: 1 | 3 = 3, decoder: ImageDecoder = 'auto'): Promise<Image> {
  const image = checkImage(bytes, file);
  const sharp = wantsNative(bytes, image, decoder) ? sharpIfLoaded() ?? await loadSharp() : null;
  if (sharp === null) return decodePureJs(bytes, image.format, file, channels);
  let px: RawPixels;
  try {
    px = await decodeWithSharp(sharp, bytes, MAX_IMAGE_PIXELS);
  } catch (e) {
    throw decodeError(file, image.format, e);
  }
  return convertPixels(px.data, px.width, px.height, px.channels, channels);
}

/** Read and decode an image file with pngjs/jpeg-js. @throws DataError naming the file. */
export function readImage(path: string, channels: 1 | 3 = 3): Image {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return decodeImage(bytes, path, channels);
}

/** Read and decode an image file through {@link decodeImageAsync}. @throws DataError naming the file. */
export async function readImageAsync(path: string, channels: 1 | 3 = 3): Promise<Image> {
  let bytes: Uint8Array;
  try { bytes = await readFile(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return decodeImageAsync(bytes, path, channels);
}

/** zlib's largest expansion (a deflate stream of runs of length 258 in two bits each): about 1032 to 1. */
const DEFLATE_MAX_RATIO = 1032;

/**
 * A PNG whose declared pixels need more bytes than its compressed image data can inflate to is
 * damaged or a decompression bomb: refused before pngjs allocates width × height × 4 bytes.
 */
function checkPngRatio(bytes: Uint8Array, size: { width: number; height: number; channels: number }, file: string): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let idat = 0;
  for (let o = 8; o + 8 <= bytes.length;) {
    const len = v.getUint32(o);
    if (bytes[o + 4] === 0x49 && bytes[o + 5] === 0x44 && bytes[o + 6] === 0x41 && bytes[o + 7] === 0x54) idat += Math.min(len, bytes.length - o - 8);
    o += 12 + len; // length, type, data, CRC: always forward
  }
  // one filter byte a row, at least one bit a pixel
  const raw = size.height * (1 + Math.ceil(size.width / 8));
  if (raw > DEFLATE_MAX_RATIO * idat + 1024) {
    throw new DataError(file, undefined, undefined, `PNG header declares ${size.width} × ${size.height} pixels but holds ${idat} bytes of image data, which cannot inflate to them`);
  }
}

/** Width and height from a PNG or JPEG header without decoding pixels; null when not found. */
export function imageSize(bytes: Uint8Array): { width: number; height: number; channels: number } | null {
  const f = imageFormat(bytes);
  if (f === 'png' && bytes.length >= 26) {
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const colorType = bytes[25];
    const ch = colorType === 0 ? 1 : colorType === 4 ? 2 : colorType === 6 ? 4 : 3;
    return { width: v.getUint32(16), height: v.getUint32(20), channels: ch };
  }
  if (f === 'jpeg') {
    let o = 2;
    while (o + 9 < bytes.length) {
      if (bytes[o] !== 0xff) { o++; continue; }
      const m = bytes[o + 1];
      const len = (bytes[o + 2] << 8) | bytes[o + 3];
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        return { height: (bytes[o + 5] << 8) | bytes[o + 6], width: (bytes[o + 7] << 8) | bytes[o + 8], channels: bytes[o + 9] };
      }
      o += 2 + len;
    }
  }
  return null;
}
