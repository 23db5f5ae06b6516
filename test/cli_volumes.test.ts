/**
 * `dlflow train` on volume folders (one subfolder of NIfTI or .npy volumes per class): a 3-D CNN
 * by itself, its [N, C, D, H, W] shapes in the summary and architecture.svg; evaluate, predict and
 * ONNX export (run by onnxruntime) of the run; volumes of other sizes resampled and said; damaged
 * volumes named, or left out with --skip-bad-files; explore recognising a NIfTI folder. The NIfTI
 * volumes are nibabel's (test/fixtures/nifti/blobs: 3 classes × 6 of 8³, int16 with a slope).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { readVolumeFile } from '../src/data/prepare/prepare_volumes.js';
import { dlflow, ROOT, scratch, type CliResult } from './cli_helpers.js';
import { maxDiff, ort } from './onnx_helpers.js';

const BLOBS = join(ROOT, 'test', 'fixtures', 'nifti', 'blobs');
const CLASSES = ['ball', 'pair', 'rod'];

const ok = (r: CliResult): CliResult => { assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`); return r; };
const noStackTrace = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** A scratch folder holding the blob volumes as `<dir>/scans/<class>/<n>.nii.gz`. */
function niftiScratch(): string {
  const dir = scratch('dlflow-volumes-');
  cpSync(BLOBS, join(dir, 'scans'), { recursive: true });
  return dir;
}

/** A float32 C-order `.npy` file of `shape` (format 1.0: magic, version, header padded to 64 bytes). */
function npyBytes(shape: readonly number[], data: Float32Array): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  const header = dict.padEnd(Math.ceil((dict.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const preamble = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Seeded uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A noisy volume `[d, h, w]` that is bright in its first half (class `front`) or its second (`back`). */
function halfVolume(cls: 'front' | 'back', [d, h, w]: readonly number[], next: () => number): Float32Array {
  return Float32Array.from({ length: d * h * w }, (_, i) => ((Math.floor(i / (h * w)) < d / 2) === (cls === 'front') ? 1 : 0) + 0.3 * next());
}

/** `<root>/<class>/<n>.npy` for classes front and back, six each; the sizes of the first of each are `odd` ([D, H, W]). */
function writeNpyFolder(root: string, size: readonly number[], odd: readonly number[]): void {
  const next = random(7);
  for (const cls of ['back', 'front'] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let n = 0; n < 6; n++) {
      const shape = n === 0 ? odd : size;
      writeFileSync(join(root, cls, `${n}.npy`), npyBytes(shape, halfVolume(cls, shape, next)));
    }
  }
}

describe('dlflow on a NIfTI volume folder', () => {
  let dir = '';
  let trained: CliResult;
  const run = (...parts: string[]): string => join(dir, 'runs', 'nii', ...parts);

  before(() => {
    dir = niftiScratch();
    // a fifth of each class for testing: one volume of six
    trained = dlflow(dir, 'train', '--data', 'scans', '--epochs', '2', '--batchSize', '4', '--name', 'nii', '--log', 'plain',
      '--data.split.train', '0.6', '--data.split.val', '0.2', '--data.split.test', '0.2');
  });

  test('train builds a 3-D CNN by itself; the summary and architecture.svg show [N, C, D, H, W]', () => {
    const out = ok(trained).stdout;
    assert.match(out, /data: scans — 18 rows, task multiclass \(3 classes\), input 1×8×8×8 per example/);
    assert.match(out, /note: every volume is 8×8×8/);
    assert.match(out, /note: intensities z-scored per volume/);
    assert.match(out, /\(Conv3d\)\s+\[N, 32, 8, 8, 8\]/);
    assert.match(out, /\(BatchNorm3d\)\s+\[N, 32, 8, 8, 8\]/);
    assert.match(out, /\(MaxPool3d\)\s+\[N, 32, 4, 4, 4\]/);
    assert.match(out, /\(AdaptiveAvgPool3d\)\s+\[N, 32, 4, 4, 4\]/);
    const info = json<{ inputShape: number[]; preprocessing: unknown; data: { kind: string }; architecture: { layers: { type: string }[] } }>(run('model.json'));
    assert.deepEqual(info.inputShape, [1, 8, 8, 8]);
    assert.equal(info.data.kind, 'volumes');
    assert.deepEqual(info.preprocessing, { type: 'volume', shape: [1, 8, 8, 8], intensity: 'zscore', target: { column: 'class', task: 'multiclass', classes: CLASSES, center: 0, scale: 1 } });
    assert.deepEqual(info.architecture.layers.map((l) => l.type).slice(0, 4), ['conv3d', 'batchnorm3d', 'activation', 'maxpool3d']);
    const svg = readFileSync(run('architecture.svg'), 'utf8');
    assert.ok(svg.includes('N × 32 × 8 × 8 × 8'), 'layer shapes in the diagram');
    assert.ok(svg.includes('shape N × 1 × 8 × 8 × 8'), 'input shape in the diagram');
    assert.match(svg, /3-D CNN \([\d,]+ parameters\)/);
    assert.match(ok(dlflow(dir, 'summary', 'runs/nii')).stdout, /\(Conv3d\)\s+\[N, 32, 8, 8, 8\]/);
  });

  test('evaluate on the test split and on a folder; predict on a folder', () => {
    const test = JSON.parse(ok(dlflow(dir, 'evaluate', 'runs/nii', '--json')).stdout) as { split: string; rows: number; accuracy: number };
    assert.equal(test.split, 'test');
    assert.equal(test.rows, 3);
    const folder = JSON.parse(ok(dlflow(dir, 'evaluate', 'runs/nii', '--data', 'scans', '--json')).stdout) as { rows: number; accuracy: number };
    assert.equal(folder.rows, 18);
    assert.ok(folder.accuracy >= 0 && folder.accuracy <= 1);
    ok(dlflow(dir, 'predict', 'runs/nii', '--data', 'scans', '--out', 'preds.csv'));
    const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,file,prediction,prob_ball,prob_pair,prob_rod,error');
    assert.equal(lines.length, 19);
  });

  test('ONNX export: the volume in, z-scored in the graph; onnxruntime gives predict\'s probabilities', async () => {
    ok(dlflow(dir, 'predict', 'runs/nii', '--data', 'scans', '--out', 'preds.csv'));
    const expected = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n').slice(1).flatMap((l) => l.split(',').slice(3, 6).map(Number));
    const out = ok(dlflow(dir, 'export', 'runs/nii', '--out', 'nii.onnx')).stdout;
    assert.match(out, /volume {2}float32 \[batch, 1, 8, 8, 8\] {2}\(volume\)/);
    const files = CLASSES.flatMap((c) => readdirSync(join(dir, 'scans', c)).sort().map((f) => join(dir, 'scans', c, f)));
    const volumes = files.map((f) => readVolumeFile(f).data);
    const input = new Float32Array(volumes.length * 512);
    volumes.forEach((v, i) => input.set(v, i * 512));
    const session = await ort.InferenceSession.create(join(dir, 'nii.onnx'));
    const result = await session.run({ volume: new ort.Tensor('float32', input, [volumes.length, 1, 8, 8, 8]) });
    const probabilities = result.probabilities.data as Float32Array;
    assert.ok(maxDiff(probabilities, expected) < 1e-4, `onnxruntime vs dlflow predict: ${maxDiff(probabilities, expected)}`);
    await session.release();
  });
});

describe('dlflow on .npy volume folders', () => {
  test('volumes of another size are resampled to the most common one, and it is said; predict resamples to the trained size', () => {
    const dir = scratch('dlflow-volumes-');
    writeNpyFolder(join(dir, 'vols'), [8, 8, 8], [10, 8, 6]);
    const r = ok(dlflow(dir, 'train', '--data', 'vols', '--epochs', '2', '--batchSize', '4', '--name', 'npy', '--log', 'plain'));
    assert.match(r.stdout, /input 1×8×8×8 per example/);
    assert.match(r.stdout, /note: 2 of 12 volume\(s\) resampled \(trilinear\) to 8×8×8, the most common size \(10 of 12\)/);
    writeNpyFolder(join(dir, 'bigger'), [12, 12, 12], [12, 12, 12]);
    const p = ok(dlflow(dir, 'predict', 'runs/npy', '--data', 'bigger', '--out', 'p.csv'));
    assert.match(p.stderr, /note: 12 of 12 volume\(s\) resampled \(trilinear\) to 8×8×8, the trained size/);
    assert.equal(readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').length, 13);
    const evaluation = JSON.parse(ok(dlflow(dir, 'evaluate', 'runs/npy', '--data', 'bigger', '--json')).stdout) as { rows: number };
    assert.equal(evaluation.rows, 12);
    // predict reads any subfolder names; evaluate needs the trained classes
    renameSync(join(dir, 'bigger', 'front'), join(dir, 'bigger', 'unlabeled'));
    ok(dlflow(dir, 'predict', 'runs/npy', '--data', 'bigger', '--out', 'p.csv'));
    const unknown = dlflow(dir, 'evaluate', 'runs/npy', '--data', 'bigger');
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /bigger: class folder 'unlabeled' is not one of the trained classes \(back, front\)/);
    const single = dlflow(dir, 'train', '--data', join('vols', 'back', '1.npy'), '--epochs', '1');
    assert.equal(single.code, 2, single.stderr);
    assert.match(single.stderr, /vols\/back\/1\.npy is one volume; dlflow trains on a folder with one subfolder of NIfTI\/\.npy volumes per class/);
  });

  test('model.arch mlp flattens the volumes; a 3-D layer list trains; a 2-D layer on volumes is named', () => {
    const dir = scratch('dlflow-volumes-');
    writeNpyFolder(join(dir, 'vols'), [8, 8, 8], [8, 8, 8]);
    const mlp = ok(dlflow(dir, 'train', '--data', 'vols', '--epochs', '1', '--name', 'mlp', '--model.arch', 'mlp', '--log', 'plain'));
    assert.match(mlp.stdout, /\(Flatten\)\s+\[N, 512\]/);
    const layers = (first: string): string => ['data: { path: vols }', 'hyperparameters: { epochs: 1 }', 'model:', '  arch: layers', '  layers:',
      `  - { type: ${first}, channels: 4 }`, '  - batchnorm3d', '  - relu', '  - maxpool3d', '  - { type: adaptiveavgpool3d, outputSize: 2 }', '  - flatten', '  - linear', ''].join('\n');
    writeFileSync(join(dir, 'layers3d.yaml'), layers('conv3d'));
    const list = ok(dlflow(dir, 'train', 'layers3d.yaml', '--name', 'list', '--log', 'plain'));
    assert.match(list.stdout, /\(AdaptiveAvgPool3d\)\s+\[N, 4, 2, 2, 2\]/);
    writeFileSync(join(dir, 'layers2d.yaml'), layers('conv2d'));
    const wrong = dlflow(dir, 'train', 'layers2d.yaml', '--name', 'wrong', '--log', 'plain');
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /model\.layers\[0\] \(conv2d\): needs image input \[C, H, W\], got \[1, 8, 8, 8\]/);
  });
});

describe('damaged volumes', () => {
  const damaged = (): string => {
    const dir = niftiScratch();
    const file = join(dir, 'scans', 'pair', '002.nii.gz');
    writeFileSync(file, readFileSync(file).subarray(0, 120));
    return dir;
  };

  test('by default train stops at a damaged volume, naming it (exit 1, no stack trace)', () => {
    const r = dlflow(damaged(), 'train', '--data', 'scans', '--epochs', '1', '--name', 'bad', '--log', 'plain');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /scans\/pair\/002\.nii\.gz: truncated or damaged gzip data: unexpected end of file/);
    noStackTrace(r.stderr);
  });

  test('--skip-bad-files leaves out damaged volumes and those of another channel count, listing each', () => {
    const dir = damaged();
    // a 2-channel volume among 1-channel ones (nibabel's 4-D fixture)
    cpSync(join(ROOT, 'test', 'fixtures', 'nifti', 'float32_4d_scaled.nii.gz'), join(dir, 'scans', 'rod', '009.nii.gz'));
    const strict = dlflow(dir, 'train', '--data', 'scans', '--epochs', '1', '--name', 'strict', '--log', 'plain');
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /scans\/pair\/002\.nii\.gz: truncated or damaged gzip data/);
    const r = ok(dlflow(dir, 'train', '--data', 'scans', '--epochs', '1', '--name', 'skip', '--log', 'plain', '--skip-bad-files'));
    assert.match(r.stdout, /skipped 2 damaged file\(s\):/);
    assert.ok(r.stdout.includes('  scans/pair/002.nii.gz: truncated or damaged gzip data: unexpected end of file'), r.stdout);
    assert.ok(r.stdout.includes('  scans/rod/009.nii.gz: 2 channel(s), but most volumes of the folder have 1'), r.stdout);
    assert.match(r.stdout, /data: scans — 17 rows/);
    const info = json<{ data: { skipped: { count: number; files: { file: string }[] } } }>(join(dir, 'runs', 'skip', 'model.json'));
    assert.deepEqual(info.data.skipped.files.map((f) => f.file), ['scans/pair/002.nii.gz', 'scans/rod/009.nii.gz']);
  });
});

describe('dlflow explore on a NIfTI folder', () => {
  test('recognised as volumes, with the training shape and a 3-D CNN recommended', () => {
    const dir = niftiScratch();
    const r = ok(dlflow(dir, 'explore', 'scans', '--out', 'explored'));
    assert.match(r.stdout, /scans — volume/);
    assert.match(r.stdout, /formats: \.nii\.gz: 18/);
    const profile = json<{ modality: string; summary: { facts: Record<string, string> }; recommendation: { architecture: string; inputShape: number[] } }>(join(dir, 'explored', 'profile.json'));
    assert.equal(profile.modality, 'volume');
    assert.equal(profile.summary.facts['training shape [C, D, H, W]'], '[1, 8, 8, 8]');
    assert.equal(profile.recommendation.architecture, 'cnn3d');
    assert.deepEqual(profile.recommendation.inputShape, [1, 8, 8, 8]);
  });
});
