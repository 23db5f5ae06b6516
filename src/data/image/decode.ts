/**
 * PNG and JPEG decoding with the pure-JS packages `pngjs` and `jpeg-js`,
 * recognised by their magic bytes (not the file extension). Images come back
 * as interleaved uint8 pixels, height × width × channels, with 1 (grayscale)
 * or 3 (RGB) channels; an alpha channel is dropped (colour values are kept
 * as stored, not composited).
 */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../errors.js';

/**
 * Most pixels an image may declare: Pillow's limit (twice its `MAX_IMAGE_PIXELS` warning level,
 * where it raises `DecompressionBombError`). Checked from the header before any pixel buffer is
 * allocated, so a small file claiming 60000 × 60000 pixels is an error, not gigabytes of memory.
 */
export const MAX_IMAGE_PIXELS = 2 * 89_478_485;

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

/** Convert RGBA pixels to `channels` (1: ITU-R BT.601 luma, rounded; 3: RGB). */
function fromRgba(rgba: Uint8Array, width: number, height: number, channels: 1 | 3): Image {
  const n = width * height;
  const out = new Uint8Array(n * channels);
  if (channels === 3) for (let i = 0; i < n; i++) { out[3 * i] = rgba[4 * i]; out[3 * i + 1] = rgba[4 * i + 1]; out[3 * i + 2] = rgba[4 * i + 2]; }
  else for (let i = 0; i < n; i++) out[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
  return { width, height, channels, data: out };
}

/**
 * Decode PNG or JPEG bytes to `channels` (default 3). `file` names the source in errors.
 * @throws DataError for unknown formats, undecodable data and headers declaring more than
 * {@link MAX_IMAGE_PIXELS} pixels.
 */
export function decodeImage(bytes: Uint8Array, file = '<input>', channels: 1 | 3 = 3): Image {
  const format = imageFormat(bytes);
  if (format === null) throw new DataError(file, undefined, undefined, 'cannot decode image: not a PNG or JPEG file (unrecognised magic bytes)');
  const declared = imageSize(bytes);
  if (declared !== null && declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw new DataError(file, undefined, undefined, `${format.toUpperCase()} header declares ${declared.width} × ${declared.height} pixels, over the limit of ${MAX_IMAGE_PIXELS} (a damaged file, or a decompression bomb)`);
  }
  if (format === 'png' && declared !== null) checkPngRatio(bytes, declared, file);
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return fromRgba(png.data, png.width, png.height, channels);
    }
    const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    return fromRgba(j.data, j.width, j.height, channels);
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot decode ${format.toUpperCase()} image: ${(e as Error).message}`);
  }
}

/** Read and decode an image file. @throws DataError naming the file. */
export function readImage(path: string, channels: 1 | 3 = 3): Image {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return decodeImage(bytes, path, channels);
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
