/**
 * Declared sizes that would make a reader allocate or compute without bound are refused first,
 * with a DataError naming the file: a WAV's sample rate (the resampler's cost), a gzipped IDX
 * file's inflated size (a gzip bomb), a PNG's pixels against the image data it holds.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../src/cli/config/load.js';
import { UsageError } from '../src/cli/errors.js';
import { resample, MAX_RESAMPLE_RATIO } from '../src/data/audio/resample.js';
import { DataError } from '../src/data/errors.js';
import { decodeImage } from '../src/data/image/decode.js';
import { MAX_IDX_BYTES, parseIdx } from '../src/data/sources/idx.js';
import { MAX_WAV_RATE, MIN_WAV_RATE, parseWav } from '../src/data/sources/wav.js';
import { pattern, pngBytes, sine, wavBytes } from './data_files.js';

test('WAV: a sample rate of 1 Hz or 4 GHz is a DataError naming the file and the rate', () => {
  for (const rate of [1, 99, 0xffffffff]) {
    const bytes = wavBytes([sine(1, 8000, 64)], 8000, 16);
    bytes.writeUInt32LE(rate, 24);
    assert.throws(() => parseWav(bytes, 'clips/a.wav'), (e: Error) => e instanceof DataError
      && e.message === `clips/a.wav: fmt chunk declares a sample rate of ${rate} Hz, outside the ${MIN_WAV_RATE} Hz to ${MAX_WAV_RATE / 1000} kHz dlflow reads`);
  }
  for (const rate of [MIN_WAV_RATE, 8000, MAX_WAV_RATE]) {
    const bytes = wavBytes([sine(1, 8000, 64)], 8000, 16);
    bytes.writeUInt32LE(rate, 24);
    assert.equal(parseWav(bytes, 'a.wav').sampleRate, rate);
  }
});

test('resample: the extreme rates a WAV may declare still resample; beyond them a RangeError', () => {
  const x = Float32Array.from(sine(10, MIN_WAV_RATE, 50));
  assert.equal(resample(x, MIN_WAV_RATE, 16000).length, 50 * 160);
  assert.ok(MAX_WAV_RATE / MIN_WAV_RATE <= MAX_RESAMPLE_RATIO);
  assert.throws(() => resample(x, 1, 20000), /resample: 1 Hz → 20000 Hz is a ratio beyond 16384/);
});

test('IDX: a gzip bomb stops at the inflated-size limit with a DataError', () => {
  // a valid header claiming 2^31 bytes of uint8, then zeros that deflate 1000 to 1
  const header = Uint8Array.from([0, 0, 0x08, 1, 0x80, 0, 0, 0]);
  const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(MAX_IDX_BYTES + 16)]), { level: 1 });
  assert.ok(bomb.length < MAX_IDX_BYTES / 100);
  assert.throws(() => parseIdx(bomb, 'train-images-idx3-ubyte.gz'), (e: Error) => e instanceof DataError
    && e.message === `train-images-idx3-ubyte.gz: gzip data inflates past ${MAX_IDX_BYTES} bytes, more than an IDX file dlflow reads`);
});

test('PNG: declared pixels the image data cannot inflate to are refused before decoding', () => {
  const png = pngBytes(pattern(8, 6), 8, 6);
  assert.equal(decodeImage(png, 'a.png').width, 8);
  const big = Buffer.from(png);
  big.writeUInt32BE(60000, 16); big.writeUInt32BE(60000, 20); // 3.6 G pixels: over the pixel limit
  assert.throws(() => decodeImage(big, 'img/cat/a.png'), (e: Error) => e instanceof DataError && e.message.startsWith('img/cat/a.png: PNG header declares 60000 × 60000 pixels, over the limit'));
  // under the pixel limit but far beyond what 100-odd bytes of deflate can hold
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(9000, 16); bomb.writeUInt32BE(9000, 20);
  assert.throws(() => decodeImage(bomb, 'img/cat/b.png'), (e: Error) => e instanceof DataError
    && /^img\/cat\/b\.png: PNG header declares 9000 × 9000 pixels but holds \d+ bytes of image data, which cannot inflate to them$/.test(e.message));
  // a real, highly compressible large image still decodes: 2000 × 2000 of one colour
  const w = 2000, h = 2000;
  const flat = Buffer.alloc(w * h * 4, 0x40);
  const ok = pngBytes(flat, w, h);
  assert.equal(decodeImage(ok, 'flat.png').height, h);
});

// Found by scripts/fuzz_long.sh (100000 runs, seed 7: the 128th config input): a YAML alias
// (`*name`) whose anchor is never set makes the yaml package throw a ReferenceError from
// doc.toJS(), which readConfigFile (src/cli/config/load.ts) let escape; now a UsageError. So is
// an alias bomb (yaml's "Excessive alias count").
test('config YAML: an alias without its anchor, or an alias bomb, is a UsageError naming the file', () => {
  const file = fileURLToPath(new URL('fixtures/harden/config_unresolved_alias.yaml', import.meta.url));
  assert.throws(() => readConfigFile(file), (e: Error) => e instanceof UsageError && e.message.startsWith(`${file}: invalid YAML:`));
  const bomb = join(mkdtempSync(join(tmpdir(), 'dlflow-yaml-')), 'bomb.yaml');
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  writeFileSync(bomb, `${levels.join('\n')}\n`);
  assert.throws(() => readConfigFile(bomb), (e: Error) => e instanceof UsageError && /invalid YAML: .*alias/i.test(e.message));
});
