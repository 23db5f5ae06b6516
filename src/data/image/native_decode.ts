/**
 * PNG and JPEG decoding through `sharp` (libvips with libpng and mozjpeg, prebuilt binaries
 * from the npm registry): 1.5× (PNG) and 3.7× (JPEG) pngjs/jpeg-js's speed on 224 × 224 images,
 * but slower on small ones, where its per-call cost dominates (bench/decode.ts,
 * docs/architecture.md). decode.ts picks it per image; this file only loads it and decodes.
 *
 * The pixels are taken as stored, as pngjs and jpeg-js take them: embedded ICC profiles are
 * ignored and EXIF orientation is not applied. sharp is loaded on first use; where it cannot be
 * (a platform without its binaries), images decode with pngjs/jpeg-js and Node prints one warning.
 */
import type { Sharp, SharpOptions } from 'sharp';

/** The pixels sharp returns: interleaved uint8, 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA) channels. */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

type SharpFactory = (input: Uint8Array, options: SharpOptions) => Sharp;

let loading: Promise<SharpFactory | null> | undefined;
let loaded: SharpFactory | null | undefined;

/**
 * sharp, loaded once (null when it cannot be). libvips runs one thread per image: dlflow decodes
 * many images at once (worker threads, several in flight), where threads per image only compete.
 */
export function loadSharp(): Promise<SharpFactory | null> {
  loading ??= import('sharp').then((m) => {
    m.default.concurrency(1);
    return (loaded = m.default as unknown as SharpFactory);
  }, (e: Error) => {
    process.emitWarning(`sharp cannot be loaded (${e.message.split('\n')[0]}); images decode with pngjs/jpeg-js, slower for large images`);
    return (loaded = null);
  });
  return loading;
}

/** sharp when {@link loadSharp} has loaded it, else null (not loaded yet, or unavailable). */
export function sharpIfLoaded(): SharpFactory | null {
  return loaded ?? null;
}

/**
 * Decodes `bytes` with sharp, refusing more than `maxPixels` and any decoder warning (a truncated
 * or corrupt file is an error, as with pngjs and jpeg-js). @throws Error with libvips's message.
 */
export async function decodeWithSharp(sharp: SharpFactory, bytes: Uint8Array, maxPixels: number): Promise<RawPixels> {
  const input = sharp(bytes, { limitInputPixels: maxPixels, ignoreIcc: true, failOn: 'warning' });
  const { data, info } = await input.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
