import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '../src/core/generator.js';
import { fft } from '../src/data/audio/fft.js';
import { hzToMel, logMelSpectrogram, melFilterBank, melToHz } from '../src/data/audio/mel.js';
import { resample } from '../src/data/audio/resample.js';
import { drawAugment } from '../src/data/image/augment.js';
import { decodeImage, imageSize, readImage } from '../src/data/image/decode.js';
import { ImageFolder } from '../src/data/image/folder.js';
import { flipHorizontal, padCrop, resizeBilinear, rotate, toCHW } from '../src/data/image/transform.js';
import { jpegBytes, pattern, pngBytes, sine, tempDir, writeImageFolder } from './data_files.js';

const rms = (a: ArrayLike<number>, lo: number, hi: number): number => { let s = 0; for (let i = lo; i < hi; i++) s += a[i] * a[i]; return Math.sqrt(s / (hi - lo)); };

test('FFT matches a direct DFT', () => {
  const n = 64;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.3 * Math.cos(i * 2.1) + (i % 5) * 0.1);
  const re = x.slice(), im = new Float64Array(n);
  fft(re, im);
  for (let k = 0; k < n; k++) {
    let r = 0, j = 0;
    for (let t = 0; t < n; t++) { r += x[t] * Math.cos((2 * Math.PI * k * t) / n); j -= x[t] * Math.sin((2 * Math.PI * k * t) / n); }
    assert.ok(Math.abs(re[k] - r) < 1e-9 && Math.abs(im[k] - j) < 1e-9, `bin ${k}`);
  }
  assert.throws(() => fft(new Float64Array(6), new Float64Array(6)), /power of two/);
});

test('resample: a 440 Hz tone keeps its shape 44100 → 16000 and 8000 → 22050; a tone above the new Nyquist is removed', () => {
  for (const [a, b] of [[44100, 16000], [8000, 22050], [16000, 16001]]) {
    const x = Float32Array.from(sine(440, a, a / 4, 0.5));
    const y = resample(x, a, b);
    assert.equal(y.length, Math.ceil((x.length * b) / a));
    const want = sine(440, b, y.length, 0.5);
    let err = 0;
    for (let i = 200; i < y.length - 200; i++) err = Math.max(err, Math.abs(y[i] - want[i]));
    assert.ok(err < 2e-3, `${a}→${b}: max error ${err}`);
  }
  const hi = resample(Float32Array.from(sine(10000, 44100, 11025, 0.5)), 44100, 16000);
  assert.ok(rms(hi, 200, hi.length - 200) < 1e-3, `10 kHz leaked: rms ${rms(hi, 200, hi.length - 200)}`);
});

test('mel scales: HTK and Slaney formulas and their inverses', () => {
  assert.ok(Math.abs(hzToMel(700, 'htk') - 2595 * Math.log10(2)) < 1e-9);
  assert.ok(Math.abs(hzToMel(1000, 'slaney') - 15) < 1e-12);
  assert.ok(Math.abs(hzToMel(6400, 'slaney') - 42) < 1e-9);
  for (const f of [0, 300, 1000, 4000, 11025]) for (const s of ['htk', 'slaney'] as const) assert.ok(Math.abs(melToHz(hzToMel(f, s), s) - f) < 1e-6);
  const bank = melFilterBank({ sampleRate: 16000, nFft: 512, nMels: 40, norm: null, scale: 'htk' });
  let peak = 0; for (const v of bank) peak = Math.max(peak, v);
  assert.ok(peak <= 1 && peak > 0.9);
  const slaney = melFilterBank({ sampleRate: 16000, nFft: 512, nMels: 40 });
  // area normalisation: each triangle's integral over Hz is 1 (sum × bin width ≈ 1)
  for (let m = 5; m < 40; m++) { let s = 0; for (let k = 0; k < 257; k++) s += slaney[m * 257 + k]; assert.ok(Math.abs(s * (16000 / 512) - 1) < 0.12, `mel ${m}: ${s * 31.25}`); }
});

test('log-mel spectrogram: frames, dB range, and a 1 kHz tone lands in the 1 kHz band', () => {
  const sr = 16000;
  const x = Float32Array.from(sine(1000, sr, sr, 0.5));
  const s = logMelSpectrogram(x, { sampleRate: sr, nFft: 512, hop: 160, winLength: 400, nMels: 64 });
  assert.equal(s.frames, 1 + Math.floor(sr / 160));
  let max = -Infinity, min = Infinity;
  for (const v of s.data) { max = Math.max(max, v); min = Math.min(min, v); }
  assert.ok(max - min <= 80 + 1e-9);
  const f = Math.floor(s.frames / 2);
  let best = 0;
  for (let m = 1; m < 64; m++) if (s.data[m * s.frames + f] > s.data[best * s.frames + f]) best = m;
  const lo = hzToMel(0), hi = hzToMel(8000);
  const centre = melToHz(lo + ((hi - lo) * (best + 1)) / 65);
  assert.ok(Math.abs(centre - 1000) < 120, `peak band centre ${centre} Hz`);
});

test('PNG and JPEG decode to RGB and grayscale; size read from headers; bad bytes name the file', () => {
  const dir = tempDir();
  const px = pattern(5, 4);
  const png = decodeImage(pngBytes(px, 5, 4));
  assert.deepEqual([png.width, png.height, png.channels], [5, 4, 3]);
  assert.deepEqual(Array.from(png.data.subarray(0, 6)), [0, 0, 64, 64, 0, 64]);
  const gray = decodeImage(pngBytes(px, 5, 4), 'x', 1);
  assert.equal(gray.data[4], Math.round(0.299 * 255 + 0.114 * 64));
  const jpg = decodeImage(jpegBytes(px, 5, 4));
  assert.ok(Math.abs(jpg.data[3 * 4] - 255) < 12);
  assert.deepEqual(imageSize(jpegBytes(px, 5, 4)), { width: 5, height: 4, channels: 3 });
  assert.deepEqual(imageSize(pngBytes(px, 5, 4)), { width: 5, height: 4, channels: 4 });
  const f = join(dir, 'broken.png');
  writeFileSync(f, pngBytes(px, 5, 4).subarray(0, 30));
  assert.throws(() => readImage(f), (e: Error) => e.message.startsWith(f) && /cannot decode PNG image/.test(e.message));
  writeFileSync(f, Buffer.from('GIF89a....'));
  assert.throws(() => readImage(f), /broken\.png: cannot decode image: not a PNG or JPEG/);
  const j = join(dir, 'broken.jpg');
  writeFileSync(j, jpegBytes(px, 5, 4).subarray(0, 40));
  assert.throws(() => readImage(j), /broken\.jpg: cannot decode JPEG image/);
});

test('transforms: bilinear resize, flip, pad-crop, rotation, normalization', () => {
  const img = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([0, 100]) };
  assert.deepEqual(Array.from(resizeBilinear(img, 4, 1).data), [0, 25, 75, 100]);
  assert.deepEqual(Array.from(flipHorizontal(img).data), [100, 0]);
  const sq = { width: 3, height: 3, channels: 1 as const, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) };
  assert.deepEqual(Array.from(padCrop(sq, 0, 0, 3, 3, 1).data), [0, 0, 0, 0, 1, 2, 0, 4, 5]);
  assert.deepEqual(Array.from(rotate(sq, 90).data), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
  assert.deepEqual(Array.from(rotate(sq, 0).data), Array.from(sq.data));
  const rgb = { width: 1, height: 1, channels: 3 as const, data: new Uint8Array([255, 0, 51]) };
  const t = toCHW(rgb, [0.5, 0.5, 0.5], [0.5, 0.25, 1]);
  assert.deepEqual(Array.from(t).map((v) => +v.toFixed(6)), [1, -2, -0.3]);
});

test('ImageFolder: classes from subfolders, [C,H,W] items, augmentation reproducible from the generator state', async () => {
  const root = writeImageFolder(tempDir(), ['cat', 'dog'], 3, 8, 6);
  const ds = new ImageFolder(root, { channels: 3, size: [4, 4], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  assert.deepEqual(ds.classes, ['cat', 'dog']);
  assert.equal(ds.length, 6);
  const [x, y] = ds.getItem(4);
  assert.deepEqual(x.shape, [3, 4, 4]);
  assert.equal(y, 1);
  assert.deepEqual((await ds.getItemAsync(4))[0].data, x.data);
  const aug = new ImageFolder(root, { channels: 1, augment: { cropPadding: 2, flipProbability: 0.5, rotationDegrees: 10 }, seed: 3 });
  const state = aug.generator.getState();
  const a1 = aug.getItem(0)[0].data, a2 = aug.getItem(0)[0].data;
  assert.notDeepEqual(a1, a2, 'each read draws new parameters');
  aug.generator.setState(state);
  assert.deepEqual(aug.getItem(0)[0].data, a1);
  const g = new Generator(1);
  const draws = Array.from({ length: 200 }, () => drawAugment({ cropPadding: 2, flipProbability: 0.5, rotationDegrees: 10 }, g));
  assert.ok(draws.every((d) => d.crop!.left >= 0 && d.crop!.left <= 4 && Math.abs(d.degrees) <= 10));
  const flips = draws.filter((d) => d.flip).length;
  assert.ok(flips > 70 && flips < 130);
  writeFileSync(join(root, 'dog', 'zz.png'), Buffer.from('not an image'));
  const bad = new ImageFolder(root, { size: [4, 4] });
  assert.throws(() => bad.getItem(bad.length - 1), /dog\/zz\.png: cannot decode image/);
});

test('AudioFolder: mono, resampled, fixed length log-mel items with class labels', async () => {
  const { AudioFolder } = await import('../src/data/audio/folder.js');
  const { mkdirSync } = await import('node:fs');
  const { wavBytes } = await import('./data_files.js');
  const root = tempDir();
  for (const [c, f] of [['high', 3000], ['low', 300]] as const) {
    mkdirSync(join(root, c));
    writeFileSync(join(root, c, 'a.wav'), wavBytes([sine(f, 22050, 11025), sine(f, 22050, 11025)], 22050, 16));
    writeFileSync(join(root, c, 'b.wav'), wavBytes([sine(f, 8000, 12000)], 8000, 'f32'));
  }
  const ds = new AudioFolder(root, { sampleRate: 16000, seconds: 1, mel: { nMels: 40 } });
  assert.deepEqual(ds.classes, ['high', 'low']);
  assert.equal(ds.length, 4);
  for (let i = 0; i < 4; i++) {
    const [x, y] = ds.getItem(i);
    assert.deepEqual(x.shape, ds.itemShape);
    assert.equal(y, i < 2 ? 0 : 1);
  }
  const [hi] = ds.getItem(1), [lo] = ds.getItem(3);
  const frames = hi.shape[1];
  const band = (it: { data: Float32Array }): number => { let best = 0; for (let m = 0; m < 40; m++) if (it.data[m * frames + 20] > it.data[best * frames + 20]) best = m; return best; };
  assert.ok(band(hi) > band(lo) + 10, `3 kHz in band ${band(hi)}, 300 Hz in band ${band(lo)}`);
});
