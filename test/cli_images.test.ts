/** `dlflow train` on an image folder (one subfolder per class), then evaluate, predict and a bad folder. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeDarkLightImages } from './image_folder.js';
import { dlflow, scratch } from './cli_helpers.js';

const writeImages = (root: string): void => writeDarkLightImages(root, { perClass: 30, sizeOf: (cls, i) => (cls === 'light' && i === 0 ? { width: 12, height: 12 } : { width: 8, height: 8 }) });

describe('dlflow on an image folder', () => {
  test('train, evaluate and predict', () => {
    const dir = scratch();
    writeImages(join(dir, 'images'));
    const train = dlflow(dir, 'train', '--data', 'images', '--epochs', '8', '--name', 'img', '--log', 'plain');
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout, /test \(\d+ rows\): accuracy/);
    const model = JSON.parse(readFileSync(join(dir, 'runs', 'img', 'model.json'), 'utf8')) as { preprocessing: { shape: number[]; target: { classes: string[] } } };
    assert.deepEqual(model.preprocessing.shape, [3, 8, 8]);
    assert.match(train.stdout, /0 \(Conv2d\)\s+\[N, 32, 8, 8\]/, 'the auto model of an image folder is a CNN');
    assert.deepEqual(model.preprocessing.target.classes, ['dark', 'light']);
    const evaluation = dlflow(dir, 'evaluate', 'runs/img', '--data', 'images', '--json');
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const metrics = JSON.parse(evaluation.stdout) as { rows: number; accuracy: number };
    assert.equal(metrics.rows, 60);
    assert.ok(metrics.accuracy >= 0.9, `accuracy ${metrics.accuracy} on separable images`);
    const predict = dlflow(dir, 'predict', 'runs/img', '--data', 'images', '--out', 'preds.csv');
    assert.equal(predict.code, 0, predict.stderr);
    const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,file,prediction,prob_dark,prob_light,error');
    assert.equal(lines.length, 61);
    // Each row names its image, relative to the folder: every image once, in the listing's order.
    const named = lines.slice(1).map((l) => l.split(',')[1]);
    const onDisk = ['dark', 'light'].flatMap((c) => readdirSync(join(dir, 'images', c)).sort().map((f) => `${c}/${f}`));
    assert.deepEqual(named, onDisk);
    const right = lines.slice(1).filter((l) => { const [, file, predicted] = l.split(','); return file.split('/')[0] === predicted; }).length;
    assert.ok(right / 60 >= 0.9, `${right} of 60 predictions name their file's class folder`);
  });

  test('a truncated PNG is an error (exit 1) naming its file, without a stack trace (train and predict)', () => {
    const dir = scratch();
    writeImages(join(dir, 'images'));
    const bad = join(dir, 'images', 'dark', '3.png');
    writeFileSync(bad, readFileSync(bad).subarray(0, 60));
    const r = dlflow(dir, 'train', '--data', 'images', '--epochs', '1', '--name', 'bad');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /images\/dark\/3\.png: cannot decode PNG image/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(!existsSync(join(dir, 'runs', 'bad')), 'no run directory left behind');
  });

  test('decoded on demand (--lazy): the same run as in memory; evaluate and predict; a damaged file named, no stack trace', () => {
    const dir = scratch();
    writeImages(join(dir, 'images'));
    const args = ['train', '--data', 'images', '--epochs', '3', '--log', 'plain', '--data.augment.flip', 'horizontal'];
    const memory = dlflow(dir, ...args, '--name', 'memory');
    assert.equal(memory.code, 0, memory.stderr);
    const lazy = dlflow(dir, ...args, '--name', 'lazy', '--lazy');
    assert.equal(lazy.code, 0, lazy.stderr);
    assert.match(lazy.stdout, /note: images decoded on demand, batch by batch \(data\.lazy: true\)/);
    const epochs = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('epoch ')).map((l) => l.replace(/\s+[\d.]+s$/, ''));
    assert.deepEqual(epochs(lazy.stdout), epochs(memory.stdout));
    assert.equal(epochs(lazy.stdout).length, 3);
    const test = (out: string): string | undefined => out.split('\n').find((l) => l.startsWith('test ('));
    assert.equal(test(lazy.stdout), test(memory.stdout));
    const evaluation = dlflow(dir, 'evaluate', 'runs/lazy', '--json');
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const predict = dlflow(dir, 'predict', 'runs/lazy', '--data', 'images', '--out', 'preds.csv');
    assert.equal(predict.code, 0, predict.stderr);
    const bad = join(dir, 'images', 'light', '5.png');
    writeFileSync(bad, readFileSync(bad).subarray(0, 60));
    const broken = dlflow(dir, ...args, '--name', 'broken', '--lazy');
    assert.equal(broken.code, 1, broken.stderr);
    assert.match(broken.stderr, /images\/light\/5\.png: cannot decode PNG image/);
    assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');
  });

  test('a folder with neither images nor IDX files is a usage error', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'empty', 'a'), { recursive: true });
    writeFileSync(join(dir, 'empty', 'a', 'notes.txt'), 'x');
    const r = dlflow(dir, 'train', '--data', 'empty');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /neither IDX files nor class subfolders of images/);
  });
});
