/**
 * The class-folder lister (src/data/prepare/class_folder.ts): sorted classes and files, bounded
 * holdings (tested with small bounds), empty files as damaged files, and the data step on a folder
 * of a few thousand empty files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { DataError } from '../src/data/errors.js';
import { IMAGE_FILES } from '../src/data/image/folder.js';
import { DamagedFiles, hasClassFiles, listClassFolder } from '../src/data/prepare/class_folder.js';
import { DataRequestError } from '../src/data/prepare/errors.js';
import { prepareData } from '../src/data/prepare/prepare.js';
import { tempDir, writeImageFolder } from './data_files.js';

/** `count` empty PNG files in `root/<cls>/`, named 0000.png, 0001.png, ... (written last first). */
function writeEmpty(root: string, cls: string, count: number): void {
  mkdirSync(join(root, cls), { recursive: true });
  for (let i = count - 1; i >= 0; i--) writeFileSync(join(root, cls, `${String(i).padStart(4, '0')}.png`), '');
}

/** Options of the data step on `path`. */
function options(path: string, skipBadFiles: boolean) {
  const data = { ...defaultConfig().data, path, target: null, skipBadFiles };
  return { data, seed: 0 };
}

describe('listClassFolder', () => {
  test('classes and files sorted; hidden entries, other extensions and folders named like images ignored', () => {
    const root = writeImageFolder(tempDir(), ['dog', 'cat'], 3);
    writeFileSync(join(root, 'cat', 'notes.txt'), 'x');
    writeFileSync(join(root, 'cat', '._0.png'), 'resource fork');
    mkdirSync(join(root, 'cat', 'folder.png'));
    mkdirSync(join(root, '.hidden'));
    writeFileSync(join(root, 'readme.png'), 'not in a class folder');
    const l = listClassFolder(root, { files: IMAGE_FILES });
    assert.deepEqual(l.classes, ['cat', 'dog']);
    assert.deepEqual(l.files.map((f) => f.slice(root.length + 1)), ['cat/0.png', 'cat/1.jpg', 'cat/2.png', 'dog/0.png', 'dog/1.jpg', 'dog/2.png']);
    assert.deepEqual([...l.labels], [0, 0, 0, 1, 1, 1]);
    assert.equal(hasClassFiles(root, IMAGE_FILES), true);
    assert.equal(hasClassFiles(join(root, 'missing'), IMAGE_FILES), false);
  });

  test('holds at most maxFiles usable files: one more is an error naming the folder', () => {
    const root = writeImageFolder(tempDir(), ['a', 'b'], 3);
    assert.equal(listClassFolder(root, { files: IMAGE_FILES, maxFiles: 6 }).files.length, 6);
    assert.throws(() => listClassFolder(root, { files: IMAGE_FILES, maxFiles: 5 }),
      (e: Error) => e instanceof DataRequestError && e.message.startsWith(`${root}: more than 5 PNG/JPEG images`));
  });

  test('an empty file is damaged: without skipping the first by name is the error', () => {
    const root = writeImageFolder(tempDir(), ['a'], 2);
    writeEmpty(root, 'a', 3);
    assert.throws(() => listClassFolder(root, { files: IMAGE_FILES }),
      (e: Error) => e instanceof DataError && e.message === `${join(root, 'a', '0000.png')}: empty file (0 bytes)`);
  });

  test('skipped damaged files are all counted, at most the bound listed (sorted)', () => {
    const root = writeImageFolder(tempDir(), ['a'], 2);
    writeEmpty(root, 'a', 8);
    const damaged = new DamagedFiles(true, 3);
    const l = listClassFolder(root, { files: IMAGE_FILES, damaged });
    assert.equal(l.files.length, 2);
    const s = damaged.summary();
    assert.equal(s.count, 8);
    assert.equal(s.files.length, 3);
    assert.deepEqual(s.files.map((f) => f.reason), ['empty file (0 bytes)', 'empty file (0 bytes)', 'empty file (0 bytes)']);
    assert.deepEqual(s.files.map((f) => f.file), [...s.files.map((f) => f.file)].sort());
  });

  test('damaged files other than DataErrors (bugs) are not swallowed', () => {
    const damaged = new DamagedFiles(true);
    assert.throws(() => damaged.attempt('x.png', () => { throw new TypeError('a bug'); }), TypeError);
    assert.equal(damaged.attempt('x.png', () => { throw new DataError('x.png', undefined, undefined, 'truncated'); }), null);
    assert.deepEqual(damaged.summary(), { count: 1, files: [{ file: 'x.png', reason: 'truncated' }] });
  });
});

describe('the data step on damaged image folders', () => {
  test('3000 empty files: an error naming the first, or with skipBadFiles one naming the folder and counting them', async () => {
    const root = tempDir();
    writeEmpty(root, 'a', 1500);
    writeEmpty(root, 'b', 1500);
    await assert.rejects(prepareData(options(root, false)), (e: Error) => e instanceof DataError && e.message === `${join(root, 'a', '0000.png')}: empty file (0 bytes)`);
    await assert.rejects(prepareData(options(root, true)),
      (e: Error) => e instanceof DataError && e.message.startsWith(`${root}: no usable PNG/JPEG images: 3000 damaged file(s) skipped (${join(root, 'a', '0000.png')}: empty file (0 bytes)`));
  });

  test('damaged files are left out and recorded in the summary; a class whose files are all damaged is an error naming it', async () => {
    const root = writeImageFolder(tempDir(), ['cat', 'dog'], 6);
    const truncated = join(root, 'cat', '2.png');
    writeFileSync(truncated, readFileSync(truncated).subarray(0, 40));
    writeFileSync(join(root, 'dog', '9.png'), '');
    const data = await prepareData(options(root, true));
    assert.equal(data.summary.rows, 11);
    assert.deepEqual(data.summary.classCounts, [{ label: 'cat', count: 5 }, { label: 'dog', count: 6 }]);
    assert.equal(data.summary.skipped?.count, 2);
    assert.deepEqual(data.summary.skipped?.files.map((f) => f.file), [truncated, join(root, 'dog', '9.png')]);
    assert.match(data.summary.skipped!.files[0].reason, /^cannot decode PNG image/);

    for (let i = 0; i < 6; i++) writeFileSync(join(root, 'dog', `${i}.${i % 2 === 0 ? 'png' : 'jpg'}`), 'damaged');
    await assert.rejects(prepareData(options(root, true)),
      (e: Error) => e instanceof DataError && e.message.startsWith(`${join(root, 'dog')}: every file of class 'dog' is damaged (7 skipped`));
  });
});
