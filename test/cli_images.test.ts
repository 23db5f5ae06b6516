/** `dlflow train` on an image folder (one subfolder per class), then evaluate, predict and a bad folder. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    assert.equal(lines[0], 'row,prediction,prob_dark,prob_light,error');
    assert.equal(lines.length, 61);
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

  test('a folder with neither images nor IDX files is a usage error', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'empty', 'a'), { recursive: true });
    writeFileSync(join(dir, 'empty', 'a', 'notes.txt'), 'x');
    const r = dlflow(dir, 'train', '--data', 'empty');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /neither IDX files nor class subfolders of images/);
  });
});
