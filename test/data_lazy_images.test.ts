/**
 * Image folders decoded on demand (`data.lazy`, src/data/prepare/lazy_images.ts): the same
 * examples, statistics and split as in memory (with resized images and a skipped damaged file),
 * the same seeded training run (losses, metrics, test evaluation, with augmentation), a file
 * damaged after the data step named when met, the `auto` budget, and a process that exits with
 * its decode workers idle.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runEvaluate } from '../src/cli/commands/evaluate.js';
import { runTrain } from '../src/cli/commands/train.js';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { DataError } from '../src/data/errors.js';
import { DataRequestError } from '../src/data/prepare/errors.js';
import { inMemory } from '../src/data/prepare/examples.js';
import { closeDecodePool, decodeWorkerCount } from '../src/data/prepare/image_pool.js';
import { lazyReason } from '../src/data/prepare/lazy_choice.js';
import { LazyImages } from '../src/data/prepare/lazy_images.js';
import { prepareData } from '../src/data/prepare/prepare.js';
import type { PreparedData } from '../src/data/prepare/types.js';
import { pattern, pngBytes, tempDir, writeImageFolder } from './data_files.js';

after(() => closeDecodePool());

/** Three classes of 14 PNG/JPEG images of 10 × 7, one of them 12 × 9 (resized) and one truncated (skipped). */
function writeFolder(): string {
  const root = writeImageFolder(join(tempDir(), 'img'), ['a', 'b', 'c'], 14, 10, 7);
  writeFileSync(join(root, 'a', '2.png'), pngBytes(pattern(12, 9, 200), 12, 9));
  const bad = join(root, 'b', '4.png');
  writeFileSync(bad, readFileSync(bad).subarray(0, 50));
  return root;
}

const options = (path: string, lazy: boolean) => ({ data: { ...defaultConfig().data, path, target: null, skipBadFiles: true, lazy }, seed: 3 });

/** Every example of a split decoded on demand, flat, in split order. */
function decodedAll(l: LazyImages): { x: Float32Array; y: Float64Array } {
  const items = l.getItems(Int32Array.from({ length: l.rows }, (_, i) => i));
  const units = l.shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(l.rows * units);
  items.forEach(([item], i) => x.set(item.data, i * units));
  return { x, y: Float64Array.from(items, (it) => it[1]) };
}

describe('an image folder decoded on demand', () => {
  test('holds the in-memory examples: same split, statistics, resize and skipped file', async () => {
    const root = writeFolder();
    const memory: PreparedData = await prepareData(options(root, false));
    const lazy: PreparedData = await prepareData(options(root, true));
    assert.deepEqual(lazy.preprocessing, memory.preprocessing, 'same shape, mean and std');
    assert.deepEqual(lazy.summary.skipped, memory.summary.skipped);
    assert.equal(memory.summary.skipped?.count, 1);
    assert.deepEqual(lazy.summary.notes, [...memory.summary.notes, 'images decoded on demand, batch by batch (data.lazy: true)']);
    assert.match(memory.summary.notes[0], /^1 image\(s\) resized to 10×7/);
    for (const split of ['train', 'val', 'test'] as const) {
      const arrays = inMemory(memory[split])!;
      assert.ok(lazy[split] instanceof LazyImages && inMemory(lazy[split]) === null);
      const decoded = decodedAll(lazy[split] as LazyImages);
      assert.deepEqual(decoded.y, arrays.y, `${split} targets`);
      assert.deepEqual(decoded.x, arrays.x, `${split} examples`);
    }
  });

  test('a seeded run trains, validates and tests the same (augmented), and evaluate runs on its test split', async () => {
    const root = writeFolder();
    const runs = join(tempDir(), 'runs');
    const train = (lazy: boolean): Promise<number> => runTrain(['--data', root, '--data.lazy', String(lazy), '--skip-bad-files', '--epochs', '3', '--batchSize', '8',
      '--data.augment.flip', 'horizontal', '--data.augment.crop.padding', '1', '--seed', '5', '--runsDir', runs, '--name', lazy ? 'lazy' : 'memory', '--log', 'plain']);
    assert.equal(await train(false), 0);
    assert.equal(await train(true), 0);
    const history = (name: string): string[][] => readFileSync(join(runs, name, 'history.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const [memory, lazy] = [history('memory'), history('lazy')];
    const seconds = memory[0].indexOf('seconds');
    const without = (rows: string[][]): string[][] => rows.map((r) => r.filter((_, i) => i !== seconds));
    assert.equal(memory.length, 4);
    assert.deepEqual(without(lazy), without(memory), 'every epoch\'s losses and metrics');
    const evaluation = (name: string): unknown => JSON.parse(readFileSync(join(runs, name, 'evaluation.json'), 'utf8'));
    assert.deepEqual(evaluation('lazy'), evaluation('memory'), 'the test split\'s evaluation');
    assert.equal(await runEvaluate([join(runs, 'lazy'), '--json']), 0);
    assert.deepEqual(evaluation('lazy'), evaluation('memory'), 'evaluate on the re-prepared split');
  });

  test('a file damaged after the data step is an error naming it when its batch is decoded', async () => {
    const root = writeImageFolder(join(tempDir(), 'img'), ['a', 'b'], 6, 10, 7);
    const data = await prepareData({ ...options(root, true), data: { ...options(root, true).data, skipBadFiles: false } });
    const train = data.train as LazyImages;
    writeFileSync(train.files[2], 'not an image any more');
    assert.throws(() => train.getItems(Int32Array.of(0, 1, 2, 3)), (e: unknown) => e instanceof DataError
      && e.message === `${train.files[2]}: cannot decode image: not a PNG or JPEG file (unrecognised magic bytes)`);
    train.willNeed(Int32Array.of(0, 1)); // announced, then not asked for in that order: dropped
    assert.equal(train.getItems(Int32Array.of(1, 0)).length, 2, 'the other examples still decode');
  });

  test('a damaged file at the data step is the in-memory error, naming it', async () => {
    const root = writeImageFolder(join(tempDir(), 'img'), ['a', 'b'], 4, 10, 7);
    writeFileSync(join(root, 'b', '1.jpg'), readFileSync(join(root, 'b', '1.jpg')).subarray(0, 40));
    const strict = { ...options(root, true), data: { ...options(root, true).data, skipBadFiles: false } };
    await assert.rejects(prepareData(strict), (e: unknown) => e instanceof DataError && e.message.startsWith(`${join(root, 'b', '1.jpg')}: cannot decode JPEG image`));
  });

  test('auto decodes on demand only over the memory budget', () => {
    const root = writeImageFolder(join(tempDir(), 'img'), ['a'], 5, 10, 7);
    const files = [0, 1, 2, 3, 4].map((i) => join(root, 'a', `${i}.${i % 2 === 0 ? 'png' : 'jpg'}`));
    assert.equal(lazyReason({ lazy: 'auto', memoryBudget: null }, files), null, 'a few small images fit');
    assert.equal(lazyReason({ lazy: false, memoryBudget: 1 }, files), null);
    assert.equal(lazyReason({ lazy: 'auto', memoryBudget: 5 * 3 * 70 * 4 }, files), null, 'exactly the budget fits');
    assert.match(lazyReason({ lazy: 'auto', memoryBudget: 1000 }, files) ?? '', /^images decoded on demand, batch by batch \(data\.lazy: auto\): 5 examples as float32 would take 0\.00 GB, over the memory budget of 0\.00 GB \(data\.memoryBudget\)$/);
    assert.equal(decodeWorkerCount(16, 16), 1);
    assert.equal(decodeWorkerCount(16, 12), 4);
    assert.equal(decodeWorkerCount(64, 1), 8);
  });

  test('data.lazy: true on anything but an image folder is a request error', async () => {
    const table = join(import.meta.dirname, '..', 'datasets', 'penguins.csv');
    await assert.rejects(prepareData({ data: { ...defaultConfig().data, path: table, target: 'species', lazy: true }, seed: 0 }),
      (e: unknown) => e instanceof DataRequestError && e.message === `data.lazy: true decodes image folders (class subfolders of PNG/JPEG files) on demand, but ${table} is a table file`);
  });

  test('the process exits with its decode workers idle (no close called)', () => {
    const root = writeImageFolder(join(tempDir(), 'img'), ['a', 'b'], 4, 10, 7);
    const script = join(tempDir(), 'lazy_exit.mts');
    const prepare = new URL('../src/data/prepare/prepare.ts', import.meta.url).href;
    writeFileSync(script, `import { prepareData } from ${JSON.stringify(prepare)};
const data = await prepareData({ data: ${JSON.stringify(options(root, true).data)}, seed: 0 });
const train = data.train as unknown as { getItems(i: Int32Array): unknown[]; willNeed(i: Int32Array): void };
train.willNeed(Int32Array.of(1)); // still decoding when the script ends
console.log(train.getItems(Int32Array.of(0)).length);
`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1');
  });
});
