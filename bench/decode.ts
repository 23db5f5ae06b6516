/**
 * Image decoding: pngjs/jpeg-js against sharp (libvips), side by side on the same files, through
 * dlflow's own decode path (src/data/image/decode.ts with the decoder forced), so both sides
 * include the header checks and the conversion to RGB or luma. The files are written here:
 * Fashion-MNIST-sized 28 × 28 grayscale, CIFAR-sized 32 × 32 RGB, and 64² to 224² RGB, smooth
 * shapes with noise (photograph-like compressibility), as PNG (pngjs) and JPEG quality 90
 * (jpeg-js). Each side decodes one image at a time on one thread (sharp with one libvips thread,
 * as dlflow runs it); images/s is the best of 3 passes. The crossovers set NATIVE_MIN_PIXELS.
 */
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { decodeImageAsync, NATIVE_MIN_PIXELS, type ImageDecoder } from '../src/data/image/decode.js';
import { loadSharp } from '../src/data/image/native_decode.js';
import { printTable } from './timing.js';

interface Case {
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
}

const CASES: Case[] = [
  { name: '28×28 gray', width: 28, height: 28, channels: 1 },
  { name: '32×32 RGB', width: 32, height: 32, channels: 3 },
  { name: '64×64 RGB', width: 64, height: 64, channels: 3 },
  { name: '96×96 RGB', width: 96, height: 96, channels: 3 },
  { name: '128×128 RGB', width: 128, height: 128, channels: 3 },
  { name: '160×160 RGB', width: 160, height: 160, channels: 3 },
  { name: '192×192 RGB', width: 192, height: 192, channels: 3 },
  { name: '224×224 RGB', width: 224, height: 224, channels: 3 },
];

/** RGBA pixels of image `seed`: a smooth pattern plus uniform noise (gray when `channels` is 1). */
function pixels(c: Case, seed: number): Buffer {
  const out = Buffer.alloc(c.width * c.height * 4);
  let s = (seed * 2654435761) >>> 0;
  const noise = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return 24 * (s / 2 ** 32 - 0.5); };
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const base = 128 + 100 * Math.sin(((x + seed) / c.width) * 6) * Math.cos(((y - seed) / c.height) * 4);
      const o = 4 * (y * c.width + x);
      const v = base + noise();
      for (let k = 0; k < 3; k++) out[o + k] = Math.max(0, Math.min(255, c.channels === 1 ? v : v + 40 * (k - 1) + noise()));
      out[o + 3] = 255;
    }
  }
  return out;
}

function encode(c: Case, format: 'png' | 'jpeg', seed: number): Uint8Array {
  const data = pixels(c, seed);
  if (format === 'jpeg') return jpeg.encode({ data, width: c.width, height: c.height }, 90).data;
  const colorType = c.channels === 1 ? 0 : 2;
  const png = new PNG({ width: c.width, height: c.height, colorType, inputColorType: 6, inputHasAlpha: true });
  png.data = data;
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** Images per second decoding `files` one at a time with `decoder`, best of 3 passes. */
async function rate(files: readonly Uint8Array[], c: Case, decoder: ImageDecoder): Promise<number> {
  for (const f of files.slice(0, 8)) await decodeImageAsync(f, 'bench', c.channels, decoder);
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const start = performance.now();
    for (const f of files) await decodeImageAsync(f, 'bench', c.channels, decoder);
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return files.length / best;
}

export async function benchDecode(): Promise<void> {
  console.log('\n== image decoding: pngjs/jpeg-js vs sharp (one image at a time, one thread each)');
  if ((await loadSharp()) === null) {
    console.log('sharp cannot be loaded here (see the warning above): nothing to compare');
    return;
  }
  const rows: (string | number)[][] = [];
  for (const c of CASES) {
    const count = Math.max(16, Math.round(200 * (32 * 32) / (c.width * c.height)));
    for (const format of ['png', 'jpeg'] as const) {
      const files = Array.from({ length: count }, (_, i) => encode(c, format, i));
      const js = await rate(files, c, 'pure-js');
      const native = await rate(files, c, 'native');
      const bytes = Math.round(files.reduce((a, f) => a + f.length, 0) / files.length);
      rows.push([`${format.toUpperCase()} ${c.name}`, bytes, js.toFixed(0), native.toFixed(0), (native / js).toFixed(2)]);
    }
  }
  printTable(['images', 'bytes', 'pngjs/jpeg-js img/s', 'sharp img/s', 'sharp / js'], rows);
  console.log(`dlflow decodes through sharp from ${NATIVE_MIN_PIXELS.png} pixels for PNG, ${NATIVE_MIN_PIXELS.jpeg} for JPEG (NATIVE_MIN_PIXELS)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDecode();
