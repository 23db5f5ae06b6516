import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, readCsv } from '../src/data/index.js';
import { makeWindows } from '../src/data/series/windows.js';

test('windows: lookback/horizon/stride, split by time with no window crossing a boundary', () => {
  const rows = ['t,v,label'];
  for (let i = 0; i < 20; i++) rows.push(`2024-01-${String(20 - i).padStart(2, '0')},${20 - i},${(20 - i) % 2 ? 'odd' : 'even'}`);
  const { table } = parseCsv(rows.join('\n'));
  const w = makeWindows(table, { time: 't', target: 'v', lookback: 3, horizon: 2, stride: 1, split: [0.5, 0.25, 0.25] });
  assert.equal(w.report.sorted, false, 'rows were given newest first');
  assert.deepEqual(w.features, ['v']);
  // train rows 1..10 (values), windows need 5 rows → 6 windows
  assert.equal(w.train.count, 6);
  assert.deepEqual(Array.from(w.train.x.subarray(0, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(w.train.y.subarray(0, 2)), [4, 5]);
  assert.ok(w.train.range![1] < w.val.range![0] && w.val.range![1] < w.test.range![0]);
  assert.equal(w.val.count, 1); assert.equal(w.test.count, 1);
  assert.equal(w.report.droppedAtBoundaries, 16 - 8);
  const [x, y] = w.train.getItem(1);
  assert.deepEqual(x.shape, [3, 1]);
  assert.deepEqual(Array.from((y as { data: Float32Array }).data), [5, 6]);
  const c = makeWindows(table, { time: 't', target: 'label', task: 'classification', features: ['v'], lookback: 2, stride: 2, split: [1, 0, 0] });
  assert.deepEqual(c.report.classes, ['even', 'odd']);
  assert.equal(c.train.count, 10);
  assert.deepEqual(Array.from(c.train.y.subarray(0, 3)), [0, 0, 0].map((_, i) => (2 * i + 2) % 2 ? 1 : 0));
});

test('windows over the bundled CO2 series: missing values skipped and counted, never dropped silently', async () => {
  const { table } = await readCsv('datasets/co2_mauna_loa_weekly.csv');
  const time = 'date', value = 'co2'; // date is written yyyymmdd: ordering by the number is ordering by time
  const w = makeWindows(table, { time, target: value, lookback: 52, horizon: 4, stride: 1 });
  const made = w.train.count + w.val.count + w.test.count;
  assert.ok(made > 1500 && w.report.skippedMissing > 0);
  assert.equal(made + w.report.skippedMissing + w.report.droppedAtBoundaries, table.rowCount - 56 + 1);
  for (let i = 0; i < w.train.x.length; i++) assert.ok(Number.isFinite(w.train.x[i]));
});
