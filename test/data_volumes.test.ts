/**
 * The volume data step's arithmetic (src/data/prepare/volume_transform.ts): trilinear resampling
 * against SciPy (test/fixtures/nifti/resample.json, scripts/make_nifti_fixtures.py), per-volume
 * z-scoring, the training size; and the one detection of class folders that training and
 * explore share, NIfTI (`.nii.gz` included) among them.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { detectModality, classFolderModality } from '../src/data/explore/detect.js';
import { isFileOfKind } from '../src/data/prepare/class_folder.js';
import { inMemory } from '../src/data/prepare/examples.js';
import type { DataOptions } from '../src/data/prepare/options.js';
import { prepareVolumeFolder, readVolumeFile, VOLUME_FILES } from '../src/data/prepare/prepare_volumes.js';
import { MAX_VOLUME_VOXELS, resampleTrilinear, standardizeVolume, trainingVolumeSize } from '../src/data/prepare/volume_transform.js';

interface ResampleFixture { input: { shape: number[]; values: number[] }; outputs: { size: [number, number, number]; values: number[] }[] }
const RESAMPLE = JSON.parse(readFileSync('test/fixtures/nifti/resample.json', 'utf8')) as ResampleFixture;

describe('volume arithmetic', () => {
  for (const { size, values } of RESAMPLE.outputs) {
    test(`trilinear resampling [2, 3, 4, 5] → [2, ${size.join(', ')}] matches scipy.ndimage.zoom (order 1, grid mode)`, () => {
      const got = resampleTrilinear(Float32Array.from(RESAMPLE.input.values), RESAMPLE.input.shape, size);
      assert.equal(got.length, values.length);
      let worst = 0;
      values.forEach((v, i) => { worst = Math.max(worst, Math.abs(got[i] - v)); });
      assert.ok(worst < 1e-6, `max difference ${worst}`);
    });
  }

  test('resampling to the same size returns the volume unchanged', () => {
    const v = Float32Array.from(RESAMPLE.input.values);
    assert.equal(resampleTrilinear(v, RESAMPLE.input.shape, [3, 4, 5]), v);
  });

  test('z-score over the whole volume; std 0 divides by 1; NaN and infinities become 0 and stay out of the statistics', () => {
    const v = Float32Array.of(1, 2, 3, NaN, Infinity);
    assert.equal(standardizeVolume(v), 2);
    const s = Math.sqrt(2 / 3);
    assert.deepEqual(Array.from(v).map((x) => Number(x.toFixed(5))), [-1 / s, 0, 1 / s, 0, 0].map((x) => Number(x.toFixed(5))));
    const flat = Float32Array.of(5, 5, 5);
    standardizeVolume(flat);
    assert.deepEqual(Array.from(flat), [0, 0, 0]);
  });

  test('training size: the most common size, scaled down to at most 64³ voxels', () => {
    assert.deepEqual(trainingVolumeSize([[16, 16, 16], [20, 16, 16], [16, 16, 16]]), { common: [16, 16, 16], count: 2, size: [16, 16, 16] });
    const big = trainingVolumeSize([[256, 256, 128]]);
    assert.deepEqual(big.size, [80, 80, 40]);
    assert.ok(big.size.reduce((a, b) => a * b) <= MAX_VOLUME_VOXELS);
    // a flat side stays 1 while the others shrink
    const slab = trainingVolumeSize([[1000, 1000, 1]]).size;
    assert.equal(slab[2], 1);
    assert.ok(slab[0] * slab[1] <= MAX_VOLUME_VOXELS && slab[0] === slab[1], `${slab}`);
  });
});

describe('volume files and class folders', () => {
  test('.nii, .nii.gz and .npy are volume files, whatever the case; hidden files are not', () => {
    for (const name of ['a.nii', 'a.NII.GZ', 'cls/b.nii.gz', 'c.npy']) assert.ok(isFileOfKind(name, VOLUME_FILES), name);
    for (const name of ['a.gz', 'a.png', '.hidden.nii', 'cls/._x.nii.gz']) assert.ok(!isFileOfKind(name, VOLUME_FILES), name);
  });

  test('readVolumeFile reads NIfTI and .npy by the file name', () => {
    assert.deepEqual(readVolumeFile('test/fixtures/nifti/int16_scaled.nii').shape, [1, 5, 4, 3]);
    assert.deepEqual(readVolumeFile('test/fixtures/data/npy/f4_3d.npy').shape, [1, 2, 3, 4]);
  });

  test('a class folder is what most of its files are: the test training and explore share', () => {
    const root = mkdtempSync(join(tmpdir(), 'dlflow-volumes-'));
    for (const cls of ['a', 'b']) {
      mkdirSync(join(root, cls));
      for (let i = 0; i < 3; i++) copyFileSync('test/fixtures/nifti/float32_4d_scaled.nii.gz', join(root, cls, `${i}.nii.gz`));
    }
    writeFileSync(join(root, 'a', 'stray.png'), 'not read');
    assert.equal(classFolderModality(root), 'volume');
    const d = detectModality(root);
    assert.equal(d.modality, 'volume');
    assert.deepEqual(d.files, ['a/0.nii.gz', 'a/1.nii.gz', 'a/2.nii.gz', 'b/0.nii.gz', 'b/1.nii.gz', 'b/2.nii.gz']);
    assert.equal(detectModality(join(root, 'a', '0.nii.gz')).modality, 'volume');
    assert.equal(classFolderModality(join(root, 'a')), null); // files, no class subfolders
  });
});

describe('the volume data step', () => {
  /** A float32 .npy of `shape`, every voxel `value`. */
  const npy = (shape: readonly number[], value: number): Buffer => {
    const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`.padEnd(117, ' ') + '\n';
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => value + (i % 7));
    return Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, dict.length, 0]), Buffer.from(dict, 'latin1'), Buffer.from(data.buffer)]);
  };
  const options = (path: string): { data: DataOptions; seed: number } => ({
    seed: 0,
    data: {
      path, target: null, features: null, drop: [], test: null, split: { train: 0.5, val: 0.25, test: 0.25 }, stratify: true,
      preprocessing: {}, skipBadFiles: false, augment: { crop: null, flip: 'none' },
    },
  });

  test('a size above 64³ voxels is scaled down, said in the notes; examples keep [C, D, H, W] and are z-scored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dlflow-volumes-'));
    for (const [cls, value] of [['a', 0], ['b', 100]] as const) {
      mkdirSync(join(root, cls));
      for (let i = 0; i < 4; i++) writeFileSync(join(root, cls, `${i}.npy`), npy([2, 70, 70, 70], value));
    }
    const data = await prepareVolumeFolder(options(root));
    assert.deepEqual(data.inputShape, [2, 64, 64, 64]);
    assert.equal(data.summary.kind, 'volumes');
    assert.deepEqual(data.preprocessing, { type: 'volume', shape: [2, 64, 64, 64], intensity: 'zscore', target: data.target });
    assert.ok(data.summary.notes.includes(`volumes resampled (trilinear) to 64×64×64: the most common size, 70×70×70 (8 of 8), has more than ${MAX_VOLUME_VOXELS} = 64³ voxels`), data.summary.notes.join('\n'));
    const units = 2 * 64 ** 3;
    const first = inMemory(data.train)!.x.subarray(0, units);
    const mean = first.reduce((a, b) => a + b, 0) / units;
    const variance = first.reduce((a, b) => a + (b - mean) ** 2, 0) / units;
    assert.ok(Math.abs(mean) < 1e-4 && Math.abs(variance - 1) < 1e-3, `mean ${mean}, variance ${variance}`);
  });
});
