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
  const make = (seed: number): AugmentedImages => new AugmentedImages(arrays, { shape: [2, 5, 5], augment: { cropPadding: 2, flipProbability: 0.5 }, seed, fill: -1, epoch: () => epoch });
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
  assert.equal(augmentOptions({ crop: null, flip: 'none' }), null);
  assert.deepEqual(augmentOptions({ crop: { padding: 4 }, flip: 'horizontal' }), { cropPadding: 4, flipProbability: 0.5 });
  const table = { type: 'table', preprocessor: {}, target: {} } as unknown as Preprocessing;
  assert.throws(() => trainingAugment({ crop: { padding: 2 }, flip: 'none' }, table), /data\.augment applies to images \(IDX or image folders\), but this data is a table/);
  const images = { type: 'image', source: 'idx', shape: [1, 4, 4], mean: 0.25, std: 0.5, target: {} } as unknown as Preprocessing;
  assert.deepEqual(trainingAugment({ crop: null, flip: 'horizontal' }, images), { options: { cropPadding: 0, flipProbability: 0.5 }, fill: -0.5 });
});
