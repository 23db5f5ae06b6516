/**
 * Training-time augmentation of model-ready images: crop and flip on float32 [C, H, W] match the
 * byte path (src/data/image/augment.ts's applyAugment, then toCHW), and the augmented training
 * split is a function of (seed, epoch, example) only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../src/core/generator.js';
import { applyAugment, applyAugmentCHW, drawAugment } from '../src/data/image/augment.js';
import type { Image } from '../src/data/image/decode.js';
import { toCHW } from '../src/data/image/transform.js';
import { augmentOptions, AugmentedImages, trainingAugment } from '../src/data/prepare/augmented.js';
import { exampleItems } from '../src/data/prepare/examples.js';
import type { Preprocessing } from '../src/data/prepare/preprocessing.js';

const image = (w: number, h: number, c: 1 | 3): Image => ({ width: w, height: h, channels: c, data: Uint8Array.from({ length: w * h * c }, (_, i) => (i * 37 + 11) % 256) });

test('crop and flip on [C, H, W] floats equal the byte path', () => {
  const gen = new Generator(5);
  for (const img of [image(7, 5, 3), image(6, 6, 1)]) {
    for (let k = 0; k < 40; k++) {
      const draw = drawAugment({ cropPadding: 3, flipProbability: 0.5 }, gen);
      const expected = toCHW(applyAugment(img, draw));
      const actual = applyAugmentCHW(toCHW(img), [img.channels, img.height, img.width], draw);
      assert.deepEqual(actual, expected, JSON.stringify(draw));
    }
  }
  assert.throws(() => applyAugmentCHW(new Float32Array(4), [1, 2, 2], { flip: false, degrees: 5 }), /rotation applies to uint8 images/);
});

test('the crop pads with the scaled black value', () => {
  const x = Float32Array.from({ length: 9 }, (_, i) => i);
  const out = applyAugmentCHW(x, [1, 3, 3], { crop: { left: 0, top: 0, pad: 1 }, flip: false, degrees: 0 }, -2);
  assert.deepEqual([...out], [-2, -2, -2, -2, 0, 1, -2, 3, 4]);
});

test('augmented examples depend on (seed, epoch, index) only', () => {
  const rows = 6;
  const arrays = { x: Float32Array.from({ length: rows * 2 * 5 * 5 }, (_, i) => i % 17), y: Float64Array.from({ length: rows }, (_, i) => i % 2), rows };
  let epoch = 1;
  const make = (seed: number): AugmentedImages => new AugmentedImages(exampleItems(arrays, [2, 5, 5]), { shape: [2, 5, 5], augment: { cropPadding: 2, flipProbability: 0.5 }, seed, fill: -1, epoch: () => epoch });
  const a = make(0), b = make(0);
  const forward = Array.from({ length: rows }, (_, i) => a.getItem(i));
  const backward = Array.from({ length: rows }, (_, i) => b.getItem(rows - 1 - i)).reverse();
  assert.deepEqual(forward, backward);
  assert.equal(forward[3][1], 1);
  epoch = 2;
  const next = Array.from({ length: rows }, (_, i) => a.getItem(i));
  assert.notDeepEqual(next.map((it) => [...it[0].data]), forward.map((it) => [...it[0].data]));
  epoch = 1;
  assert.notDeepEqual(make(1).getItem(0)[0].data, forward[0][0].data);
  assert.deepEqual(a.getItem(0), forward[0]);
});

test('config to options; augmenting a table is refused', () => {
  const none = { rowMasks: 0, rowMaskWidth: 0, columnMasks: 0, columnMaskWidth: 0 };
  assert.equal(augmentOptions({ crop: null, flip: 'none' }), null);
  assert.equal(augmentOptions({ crop: null, flip: 'none', mask: { freq: 0, time: 0, count: 2 } }), null);
  // a mask given in part: one of each kind, a missing width none
  assert.deepEqual(augmentOptions({ crop: null, flip: 'none', mask: { freq: 5 } }), { cropPadding: 0, flipProbability: 0, rowMasks: 1, rowMaskWidth: 5, columnMasks: 1, columnMaskWidth: 0 });
  assert.deepEqual(augmentOptions({ crop: { padding: 4 }, flip: 'horizontal' }), { cropPadding: 4, flipProbability: 0.5, ...none });
  const table = { type: 'table', preprocessor: {}, target: {} } as unknown as Preprocessing;
  assert.throws(() => trainingAugment({ crop: { padding: 2 }, flip: 'none' }, table), /data\.augment applies to images \(IDX or image folders\) and spectrograms \(audio folders\), but this data is a table/);
  const images = { type: 'image', source: 'idx', shape: [1, 4, 4], mean: 0.25, std: 0.5, target: {} } as unknown as Preprocessing;
  assert.deepEqual(trainingAugment({ crop: null, flip: 'horizontal' }, images), { options: { cropPadding: 0, flipProbability: 0.5, ...none }, fill: -0.5 });
});

test('SpecAugment masks: count masks per axis of widths in [0, max], set to the fill; crop and flip refused on spectrograms', () => {
  const audio = { type: 'audio', sampleRate: 8000, nFft: 512, hop: 256, nMels: 6, frames: 8, mean: 0, std: 1, target: {} } as unknown as Preprocessing;
  const aug = trainingAugment({ crop: null, flip: 'none', mask: { freq: 2, time: 3, count: 2 } }, audio);
  assert.deepEqual(aug, { options: { cropPadding: 0, flipProbability: 0, rowMasks: 2, rowMaskWidth: 2, columnMasks: 2, columnMaskWidth: 3 }, fill: 0 });
  assert.throws(() => trainingAugment({ crop: null, flip: 'horizontal', mask: null }, audio), /a spectrogram takes data\.augment\.mask \(SpecAugment/);
  const gen = new Generator(3);
  const x = Float32Array.from({ length: 6 * 8 }, (_, i) => i + 1); // no zero, so masked cells are the zeros
  let masked = 0;
  for (let k = 0; k < 200; k++) {
    const draw = drawAugment(aug!.options, gen);
    assert.equal(draw.masks!.length, 4);
    for (const m of draw.masks!) assert.ok(m.width >= 0 && m.width <= (m.axis === 'row' ? 2 : 3) && m.at >= 0 && m.at < 1, JSON.stringify(m));
    const out = applyAugmentCHW(x, [1, 6, 8], draw, 0);
    // a cell is zero exactly when its row or its column lies in one of the masks
    const rows = new Set<number>(), cols = new Set<number>();
    for (const m of draw.masks!) {
      const length = m.axis === 'row' ? 6 : 8;
      const start = Math.floor(m.at * (length - m.width + 1));
      for (let i = start; i < start + m.width; i++) (m.axis === 'row' ? rows : cols).add(i);
    }
    for (let r = 0; r < 6; r++) for (let c = 0; c < 8; c++) assert.equal(out[r * 8 + c] === 0, rows.has(r) || cols.has(c), `draw ${k} at ${r},${c}`);
    masked += rows.size + cols.size;
  }
  assert.ok(masked > 0, 'some masks are drawn wide');
  // the byte path masks the same rows and columns (black)
  const img = image(8, 6, 3);
  const draw = drawAugment(aug!.options, new Generator(9));
  assert.deepEqual(applyAugmentCHW(toCHW(img), [3, 6, 8], draw, 0), toCHW(applyAugment(img, draw)));
});
