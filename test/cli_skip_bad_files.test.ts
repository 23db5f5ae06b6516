/**
 * Damaged files in image and audio folders: by default `dlflow train` and `dlflow predict` stop at
 * the first, naming it (exit 1); with `--skip-bad-files` (config key `data.skipBadFiles`) they are
 * left out and every one is listed with its reason: in the terminal, in report.html and in
 * model.json (`data.skipped`). A class whose files are all damaged is an error naming the class.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeDarkLightImages } from './image_folder.js';
import { dlflow, scratch } from './cli_helpers.js';
import { sine, wavBytes } from './data_files.js';

const TRUNCATED_PNG = join('images', 'dark', '3.png');
const EMPTY_PNG = join('images', 'light', '5.png');

const writeImages = (root: string): void => writeDarkLightImages(root, { perClass: 10 });

/** A scratch folder with `images/`, one PNG truncated and one empty. */
function damagedImages(): string {
  const dir = scratch();
  writeImages(join(dir, 'images'));
  writeFileSync(join(dir, TRUNCATED_PNG), readFileSync(join(dir, TRUNCATED_PNG)).subarray(0, 60));
  writeFileSync(join(dir, EMPTY_PNG), '');
  return dir;
}

const noStackTrace = (stderr: string): void => assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');

/** The terminal listing of the two damaged images. */
function assertListed(text: string, prefix = ''): void {
  assert.match(text, /skipped 2 damaged file\(s\):/);
  assert.ok(text.includes(`  ${prefix}${TRUNCATED_PNG}: cannot decode PNG image`), text);
  assert.ok(text.includes(`  ${prefix}${EMPTY_PNG}: empty file (0 bytes)`), text);
}

const train = (dir: string, name: string, ...flags: string[]) => dlflow(dir, 'train', '--data', 'images', '--epochs', '1', '--name', name, '--log', 'plain', ...flags);

describe('damaged files in an image folder', () => {
  test('by default train stops at the first damaged file, naming it (exit 1, no run directory)', () => {
    const dir = damagedImages();
    const r = train(dir, 'bad');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /images\/light\/5\.png: empty file \(0 bytes\)/);
    noStackTrace(r.stderr);
    assert.ok(!existsSync(join(dir, 'runs', 'bad')));
  });

  test('--skip-bad-files trains without them and lists each: terminal, model.json, report.html; evaluate and predict', () => {
    const dir = damagedImages();
    const r = train(dir, 'skip', '--skip-bad-files');
    assert.equal(r.code, 0, r.stderr);
    assertListed(r.stdout);
    assert.match(r.stdout, /data: images — 18 rows/);
    const info = JSON.parse(readFileSync(join(dir, 'runs', 'skip', 'model.json'), 'utf8')) as { data: { rows: number; skipped: { count: number; files: { file: string; reason: string }[] } } };
    assert.equal(info.data.skipped.count, 2);
    assert.deepEqual(info.data.skipped.files.map((f) => f.file), [TRUNCATED_PNG, EMPTY_PNG]);
    assert.equal(info.data.skipped.files[1].reason, 'empty file (0 bytes)');
    const report = readFileSync(join(dir, 'runs', 'skip', 'report.html'), 'utf8');
    assert.match(report, /Skipped 2 damaged file\(s\)/);
    assert.ok(report.includes(TRUNCATED_PNG) && report.includes(EMPTY_PNG), 'report.html lists both files');

    const evaluation = dlflow(dir, 'evaluate', 'runs/skip', '--json');
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assertListed(evaluation.stderr, `${dir}/`);

    const strict = dlflow(dir, 'predict', 'runs/skip', '--data', 'images', '--out', 'strict.csv');
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(strict.stderr, /images\/light\/5\.png: empty file \(0 bytes\)/);
    noStackTrace(strict.stderr);
    assert.ok(!existsSync(join(dir, 'strict.csv')));

    const predict = dlflow(dir, 'predict', 'runs/skip', '--data', 'images', '--out', 'preds.csv', '--skip-bad-files');
    assert.equal(predict.code, 0, predict.stderr);
    assertListed(predict.stderr);
    const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,file,prediction,prob_dark,prob_light,error');
    assert.equal(lines.length, 1 + 18, 'one row per usable image');
    const named = new Set(lines.slice(1).map((l) => l.split(',')[1]));
    assert.equal(named.size, 18, 'each row names its own image');
    for (const damaged of [TRUNCATED_PNG, EMPTY_PNG]) assert.ok(!named.has(damaged.replace(/^images\//, '')), `${damaged} has no row`);
    assert.ok(lines.slice(1).every((l) => l.endsWith(',')), 'no row carries an error');
  });

  test('the config key data.skipBadFiles, in a file and as dotted and camelCase flags', () => {
    const dir = damagedImages();
    writeFileSync(join(dir, 'cfg.yaml'), 'data:\n  path: images\n  skipBadFiles: true\nhyperparameters:\n  epochs: 1\n');
    const fromFile = dlflow(dir, 'train', 'cfg.yaml', '--name', 'file', '--log', 'plain');
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assertListed(fromFile.stdout);
    for (const flags of [['--data.skipBadFiles', 'true'], ['--skipBadFiles']]) {
      const r = train(dir, flags[0].replace(/\W/g, ''), ...flags);
      assert.equal(r.code, 0, `${flags.join(' ')}: ${r.stderr}`);
      assertListed(r.stdout);
    }
    const off = dlflow(dir, 'train', 'cfg.yaml', '--skip-bad-files', 'false', '--name', 'off');
    assert.equal(off.code, 1, off.stderr);
    assert.match(off.stderr, /empty file \(0 bytes\)/);
  });

  test('a mistyped flag or value is a usage error (exit 2)', () => {
    const dir = damagedImages();
    const typo = train(dir, 'typo', '--skip-bad-file');
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /unknown option --skip-bad-file \(did you mean '--skip-bad-files'\?\)/);
    const value = train(dir, 'value', '--skip-bad-files', 'maybe');
    assert.equal(value.code, 2, value.stderr);
    assert.match(value.stderr, /data\.skipBadFiles: expected true or false, found "maybe"/);
    const predict = dlflow(dir, 'predict', 'runs/none', '--data', 'images', '--skip-bad-file');
    assert.equal(predict.code, 2, predict.stderr);
    assert.match(predict.stderr, /did you mean '--skip-bad-files'/);
  });

  test('a class whose files are all damaged is an error naming the class', () => {
    const dir = damagedImages();
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'images', 'dark', `${i}.png`), i % 2 === 0 ? '' : 'not a png');
    const r = train(dir, 'noclass', '--skip-bad-files');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /images\/dark: every file of class 'dark' is damaged \(10 skipped/);
    noStackTrace(r.stderr);
  });
});

describe('damaged files in an audio folder', () => {
  /** Low and high tones, 8 clips a class, at 8 kHz; one clip truncated. */
  function damagedClips(): string {
    const dir = scratch();
    for (const [cls, hz] of [['high', 2000], ['low', 300]] as const) {
      mkdirSync(join(dir, 'clips', cls), { recursive: true });
      for (let i = 0; i < 8; i++) writeFileSync(join(dir, 'clips', cls, `${i}.wav`), wavBytes([sine(hz, 8000, 3000 + 97 * i, 0.3 + 0.02 * i, i)], 8000, 16));
    }
    const bad = join(dir, 'clips', 'low', '2.wav');
    writeFileSync(bad, readFileSync(bad).subarray(0, 1000));
    return dir;
  }

  test('a truncated WAV stops train naming it, or with --skip-bad-files is left out and listed', () => {
    const dir = damagedClips();
    const strict = dlflow(dir, 'train', '--data', 'clips', '--epochs', '1', '--name', 'strict');
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(strict.stderr, /clips\/low\/2\.wav: truncated data chunk/);
    noStackTrace(strict.stderr);
    const r = dlflow(dir, 'train', '--data', 'clips', '--epochs', '1', '--name', 'skip', '--log', 'plain', '--skip-bad-files');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /skipped 1 damaged file\(s\):\n {2}clips\/low\/2\.wav: truncated data chunk/);
    assert.match(r.stdout, /data: clips — 15 rows/);
    const predict = dlflow(dir, 'predict', 'runs/skip', '--data', 'clips', '--skip-bad-files');
    assert.equal(predict.code, 0, predict.stderr);
    assert.match(predict.stderr, /skipped 1 damaged file\(s\):\n {2}clips\/low\/2\.wav: truncated data chunk/);
    assert.equal(predict.stdout.trim().split('\n').length, 1 + 15);
  });
});

describe('dlflow explore on a folder with damaged files', () => {
  test('profiles it instead of failing, reporting the unreadable file', () => {
    const dir = damagedImages();
    const r = dlflow(dir, 'explore', 'images', '--out', 'profile');
    assert.equal(r.code, 0, r.stderr);
    const profile = JSON.parse(readFileSync(join(dir, 'profile', 'profile.json'), 'utf8')) as { summary: { unreadable: { file: string }[] } };
    assert.ok(profile.summary.unreadable.some((u) => u.file === EMPTY_PNG), JSON.stringify(profile.summary.unreadable));
  });
});
