/**
 * The two image decoders (src/data/image/decode.ts): sharp gives pngjs's pixels for every kind of
 * 8-bit PNG; on JPEG it gives Pillow's pixels (libjpeg-turbo, scripts/make_image_fixtures.py),
 * where jpeg-js differs by a few levels (4:4:4, gray) or by its chroma upsampling (4:2:0). The
 * checks, limits and messages are the same through either decoder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { DataError } from '../src/data/errors.js';
import { decodeImage, decodeImageAsync, NATIVE_MIN_PIXELS, type Image } from '../src/data/image/decode.js';
import { jpegBytes, pattern, pngBytes } from './data_files.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'images');
const W = 170, H = 160; // over NATIVE_MIN_PIXELS for both formats: `auto` decodes with sharp

/** Largest absolute difference between two images' pixels (same size asserted). */
function maxDifference(a: Image, b: Image): number {
  assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
  let most = 0;
  for (let i = 0; i < a.data.length; i++) most = Math.max(most, Math.abs(a.data[i] - b.data[i]));
  return most;
}

/** pngjs's and sharp's pixels of `bytes`, as RGB and as luma, must be the same. */
async function assertSamePixels(bytes: Uint8Array, what: string): Promise<void> {
  for (const channels of [3, 1] as const) {
    const pure = decodeImage(bytes, what, channels);
    for (const decoder of ['auto', 'native'] as const) {
      assert.equal(maxDifference(await decodeImageAsync(bytes, what, channels, decoder), pure), 0, `${what}, ${channels} channel(s), ${decoder}`);
    }
  }
}

/** RGBA pixels with varied colour and alpha. */
const rgba = (): Buffer => {
  const px = pattern(W, H, 90);
  for (let i = 0; i < W * H; i++) px[4 * i + 3] = (i * 7) % 256;
  return px;
};

describe('PNG: sharp decodes to pngjs\'s pixels', () => {
  test('RGB, RGBA, gray, gray + alpha, palette', async () => {
    assert.ok(W * H >= NATIVE_MIN_PIXELS.png);
    await assertSamePixels(pngBytes(rgba(), W, H), 'rgba.png');
    for (const [colorType, name] of [[2, 'rgb'], [0, 'gray'], [4, 'gray-alpha']] as const) {
      const png = new PNG({ width: W, height: H, colorType, inputColorType: 6, inputHasAlpha: true });
      png.data = rgba();
      await assertSamePixels(PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true }), `${name}.png`);
    }
    const raw = { raw: { width: W, height: H, channels: 4 as const } };
    await assertSamePixels(await sharp(rgba(), raw).png({ palette: true, colours: 64 }).toBuffer(), 'palette.png');
  });

  test('interlaced, and with an ICC profile (taken as stored, not converted)', async () => {
    const raw = { raw: { width: W, height: H, channels: 4 as const } };
    await assertSamePixels(await sharp(rgba(), raw).png({ progressive: true }).toBuffer(), 'interlaced.png');
    await assertSamePixels(await sharp(rgba(), raw).withIccProfile('p3').png().toBuffer(), 'p3.png');
  });

  test('16-bit samples stay with pngjs (its rounding), so every decoder agrees', async () => {
    const sixteen = await sharp(rgba(), { raw: { width: W, height: H, channels: 4 } }).toColourspace('rgb16').png().toBuffer();
    assert.equal(sixteen[24], 16);
    await assertSamePixels(sixteen, '16bit.png');
  });
});

describe('JPEG: sharp decodes to Pillow\'s pixels', () => {
  for (const name of ['photo_420', 'photo_444', 'gray']) {
    test(name, async () => {
      const bytes = readFileSync(join(FIXTURES, `${name}.jpg`));
      const pillow = decodeImage(readFileSync(join(FIXTURES, `${name}_pil.png`)));
      assert.ok(pillow.width * pillow.height >= NATIVE_MIN_PIXELS.jpeg);
      assert.equal(maxDifference(await decodeImageAsync(bytes), pillow), 0, 'sharp (auto) is Pillow');
      // jpeg-js rounds its IDCT differently (4:4:4, gray: at most 3 levels, measured 3 and 1) and
      // upsamples 4:2:0 chroma by its own method (measured: 93 levels at colour edges, 4.9 on average)
      const bound = name === 'photo_420' ? 100 : 3;
      assert.ok(maxDifference(decodeImage(bytes), pillow) <= bound, `jpeg-js within ${bound} of Pillow`);
    });
  }

  test('below NATIVE_MIN_PIXELS auto keeps jpeg-js (faster there)', async () => {
    const small = jpegBytes(pattern(32, 32), 32, 32);
    assert.equal(maxDifference(await decodeImageAsync(small), decodeImage(small)), 0);
  });
});

describe('the same checks and messages through sharp', () => {
  const isError = (re: RegExp) => (e: unknown): boolean => e instanceof DataError && re.test(e.message);

  test('truncated PNG and JPEG name the file', async () => {
    const png = pngBytes(rgba(), W, H);
    await assert.rejects(decodeImageAsync(png.subarray(0, png.length - 2000), 'cat/a.png'), isError(/^cat\/a\.png: cannot decode PNG image: /));
    const jpg = readFileSync(join(FIXTURES, 'photo_444.jpg'));
    await assert.rejects(decodeImageAsync(jpg.subarray(0, jpg.length / 2), 'cat/b.jpg'), isError(/^cat\/b\.jpg: cannot decode JPEG image: /));
  });

  test('unknown formats, the pixel limit and the PNG ratio check come before any decoder', async () => {
    await assert.rejects(decodeImageAsync(Buffer.from('GIF89a....'), 'c.png'), isError(/^c\.png: cannot decode image: not a PNG or JPEG file/));
    const big = Buffer.from(pngBytes(pattern(8, 6), 8, 6));
    big.writeUInt32BE(60000, 16); big.writeUInt32BE(60000, 20);
    await assert.rejects(decodeImageAsync(big, 'd.png'), isError(/^d\.png: PNG header declares 60000 × 60000 pixels, over the limit of 178956970/));
    const bomb = Buffer.from(pngBytes(pattern(8, 6), 8, 6));
    bomb.writeUInt32BE(9000, 16); bomb.writeUInt32BE(9000, 20);
    await assert.rejects(decodeImageAsync(bomb, 'e.png', 3, 'native'), isError(/^e\.png: PNG header declares 9000 × 9000 pixels but holds \d+ bytes of image data/));
  });
});
