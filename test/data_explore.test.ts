import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { explore, type ExploreResult } from '../src/data/explore/explore.js';
import { runExplore } from '../src/data/explore/cli.js';
import { renderSummary } from '../src/data/explore/terminal.js';
import { detectModality } from '../src/data/explore/detect.js';
import { encodeIdx } from '../src/data/sources/idx.js';
import { FASHION_MNIST_DIR } from '../src/data/sources/mnist.js';
import { sine, tempDir, wavBytes, writeImageFolder } from './data_files.js';
import { parseXml } from './xml_check.js';

/** The report opens offline: no external loads, each inline SVG well-formed. */
function checkReport(dir: string): string {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(!/\b(src|href)\s*=\s*"(https?:)?\/\//i.test(html), 'no external URLs');
  assert.ok(!/<link\b|<script\b|<img\b/i.test(html), 'no linked resources or scripts');
  assert.match(html, /Content-Security-Policy/);
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  assert.ok(svgs.length > 0);
  for (const s of svgs) parseXml(s);
  return html;
}

function silently<T>(fn: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const o = process.stdout.write.bind(process.stdout), e = process.stderr.write.bind(process.stderr);
  let out = '', err = '';
  process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  return fn().then((value) => ({ value, out, err })).finally(() => { process.stdout.write = o; process.stderr.write = e; });
}

test('table: profile.json holds rows and per-column type, missing and statistics; report has charts', async () => {
  const out = join(tempDir(), 'ex');
  const r = await explore('datasets/penguins.csv', { target: 'species', out });
  assert.equal(r.modality, 'table');
  const j = JSON.parse(readFileSync(join(out, 'profile.json'), 'utf8'));
  assert.equal(j.rows, 344);
  const bill = j.columns.find((c: { name: string }) => c.name === 'bill_length_mm');
  assert.equal(bill.kind, 'numeric'); assert.equal(bill.missing, 2);
  assert.ok(Math.abs(bill.numeric.mean - 43.92192982456) < 1e-9);
  assert.equal(j.recommendation.architecture, 'mlp');
  assert.equal(j.target.task, 'multiclass');
  const html = checkReport(out);
  for (const s of ['Missing-value map', 'Class balance', 'Association with the target', 'bill_length_mm']) assert.ok(html.includes(s), s);
});

test('time series: regular weekly CO2 detected, GRU/1-D CNN recommended with a lookback', async () => {
  const r = await explore('datasets/co2_mauna_loa_weekly.csv', { out: join(tempDir(), 'co2') });
  assert.equal(r.modality, 'timeseries');
  assert.equal(r.table!.series!.stepText, '1 week');
  assert.equal(r.table!.seriesRecommendation!.architecture, 'gru');
  assert.deepEqual(r.table!.seriesRecommendation!.alternatives, ['cnn1d']);
  assert.equal(r.table!.seriesRecommendation!.hyperparameters.lookback, 52);
  assert.ok(!r.table!.profile.warnings.some((w) => w.code === 'leakage'), 'the time axis is not leakage');
  assert.equal(r.table!.profile.recommendation, undefined, 'no row-wise MLP over a bare series');
  assert.ok(checkReport(r.outDir!).includes('co2 over time'));
});

test('image folder: images per class, sizes, channels; CNN recommended', async () => {
  const root = writeImageFolder(tempDir(), ['cat', 'dog', 'eel'], 4, 10, 8);
  const r = await explore(root, { out: join(tempDir(), 'img') });
  assert.equal(r.modality, 'images');
  assert.deepEqual(r.media!.classes.map((c) => c.count), [4, 4, 4]);
  assert.equal(r.media!.facts['most common size'], '10×8');
  assert.deepEqual(r.media!.recommendation.inputShape, [3, 8, 10]);
  assert.equal(r.media!.recommendation.architecture, 'cnn2d');
  assert.equal(r.media!.recommendation.outputUnits, 3);
  // the pattern: red ramps 0..255 across 10 columns, green 0..255 down 8 rows
  assert.equal(r.media!.facts['normalize from images'], 12);
  const [mr, mg] = String(r.media!.facts['normalize mean (RGB, 0–1)']).split(', ').map(Number);
  assert.ok(Math.abs(mr - 0.5) < 0.02 && Math.abs(mg - 0.5) < 0.02, `${mr} ${mg}`);
  checkReport(r.outDir!);
});

test('audio folder: durations and sample rates; unsupported files listed, not skipped silently', async () => {
  const root = tempDir();
  for (const [c, k] of [['yes', 3], ['no', 2]] as const) {
    mkdirSync(join(root, c));
    for (let i = 0; i < k; i++) writeFileSync(join(root, c, `${i}.wav`), wavBytes([sine(440, 8000, 4000 * (i + 1))], 8000, 16));
  }
  writeFileSync(join(root, 'no', 'mulaw.wav'), wavBytes([sine(440, 8000, 800)], 8000, { code: 7, bits: 8 }));
  const r = await explore(root, { out: join(tempDir(), 'aud') });
  assert.equal(r.modality, 'audio');
  assert.equal(r.media!.items, 5);
  assert.equal(r.media!.facts['sample rates (Hz)'], '8000: 5');
  assert.equal(r.media!.facts['longest (s)'], 1.5);
  assert.equal(r.media!.unreadable.length, 1);
  assert.match(r.media!.unreadable[0].reason, /mulaw\.wav: unsupported WAV encoding: format code 0x0007/);
  assert.equal(r.media!.recommendation.architecture, 'cnn1d');
  checkReport(r.outDir!);
});

test('IDX folder and .npy volume', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([4, 3, 3], new Uint8Array(36).fill(7))));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([4], new Uint8Array([0, 1, 1, 1]))));
  const r = await explore(dir, { out: null });
  assert.equal(r.modality, 'idx');
  assert.deepEqual(r.media!.classes, [{ label: '0', count: 1 }, { label: '1', count: 3 }]);
  assert.deepEqual(r.media!.recommendation.inputShape, [1, 3, 3]);
  assert.equal(r.outDir, null);
  const v = await explore('test/fixtures/data/npy/f8_fortran_4d.npy', { out: join(tempDir(), 'vol') });
  assert.equal(v.modality, 'volume');
  assert.equal(v.media!.facts['shapes [C, D, H, W]'], '[2, 2, 3, 2]: 1');
  assert.equal(v.media!.recommendation.architecture, 'cnn3d');
  checkReport(v.outDir!);
});

test('Fashion-MNIST explores with class names', { skip: existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} not installed` }, async () => {
  const r = await explore(FASHION_MNIST_DIR, { out: null });
  assert.equal(r.media!.classes.length, 10);
  assert.ok(r.media!.classes.every((c) => c.count === 6000));
  assert.ok(r.media!.classes.some((c) => c.label === 'Ankle boot'));
});

test('terminal summary: plain text without a TTY, ANSI colours when asked', async () => {
  const r: ExploreResult = await explore('datasets/penguins.csv', { target: 'species', out: null });
  const plain = renderSummary(r);
  assert.ok(!plain.includes('\x1b['));
  assert.match(plain, /344 rows × 8 columns, 19 missing cells/);
  assert.match(plain, /target species: multiclass/);
  assert.ok(renderSummary(r, { color: true }).includes('\x1b[1m'));
});

test('runExplore: exit codes 0 / 1 (bad data, message with file:line) / 2 (usage)', async () => {
  const dir = tempDir();
  const ok = await silently(() => runExplore(['datasets/statecrime.csv', '--target', 'murder', `--out=${join(dir, 'sc')}`]));
  assert.equal(ok.value, 0);
  assert.match(ok.out, /target murder: regression/);
  assert.ok(existsSync(join(dir, 'sc', 'profile.json')) && existsSync(join(dir, 'sc', 'report.html')));
  const usage = await silently(() => runExplore(['--target']));
  assert.equal(usage.value, 2); assert.match(usage.err, /--target needs a value/);
  assert.equal((await silently(() => runExplore(['a.csv', 'b.csv']))).value, 2);
  assert.equal((await silently(() => runExplore(['x.csv', '--bogus']))).value, 2);
  const noCol = await silently(() => runExplore(['datasets/penguins.csv', '--target', 'nope', '--out', join(dir, 'n')]));
  assert.equal(noCol.value, 2); assert.match(noCol.err, /no such column; columns are: species/);
  const ragged = join(dir, 'ragged.csv');
  writeFileSync(ragged, 'a,b\n1,2\n3,4,5\n');
  const bad = await silently(() => runExplore([ragged, '--out', join(dir, 'r')]));
  assert.equal(bad.value, 1); assert.ok(bad.err.includes(`${ragged}:3: expected 2 fields, found 3`), bad.err);
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  const e = await silently(() => runExplore([empty]));
  assert.equal(e.value, 1); assert.match(e.err, /empty\.csv: empty file/);
  const quote = join(dir, 'quote.csv');
  writeFileSync(quote, 'a,b\n1,"open\n');
  const q = await silently(() => runExplore([quote, '--out', join(dir, 'q')]));
  assert.equal(q.value, 1); assert.match(q.err, /quote\.csv:2:3: .*quote/i);
  const text = join(dir, 'target.csv');
  writeFileSync(text, 'x,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${i === 7 ? 'oops' : i * 1.5}`).join('\n'));
  const t = await silently(() => runExplore([text, '--target', 'y', '--out', join(dir, 't')]));
  assert.equal(t.value, 1);
  assert.ok(t.err.includes(`${text}:9: column "y": non-numeric value "oops" in a numeric target`), t.err);
  const late = join(dir, 'late.csv'); // past the reader's 1000-row sample: the line comes from the reader's record
  writeFileSync(late, 'x,y\n\n' + Array.from({ length: 1500 }, (_, i) => `${i},${i === 1200 ? 'n/a?' : i * 0.5}`).join('\n'));
  const l = await silently(() => runExplore([late, '--target', 'y', '--out', join(dir, 'l')]));
  assert.equal(l.value, 1);
  assert.ok(l.err.includes(`${late}:1203: column "y": non-numeric value "n/a?"`), l.err);
  assert.throws(() => detectModality('datasets'), /datasets: no data recognised .*several tables: .*penguins\.csv.* — name one/);
  const missing = await silently(() => runExplore([join(dir, 'nothing-here')]));
  assert.equal(missing.value, 1); assert.match(missing.err, /nothing-here: no such file or folder/);
});

test('JSON Lines explore, written to the default ./explore-<name>/ folder', async () => {
  const dir = tempDir();
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, Array.from({ length: 40 }, (_, i) => JSON.stringify({ kind: ['a', 'b'][i % 2], value: i % 5 === 0 ? null : i / 2 })).join('\n') + '\n');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const r = await explore(file, { target: 'kind' });
    assert.equal(r.outDir, join('.', 'explore-events'));
    assert.ok(existsSync(join(dir, 'explore-events', 'report.html')));
    assert.equal(r.table!.profile.rows, 40);
    assert.equal(r.table!.profile.columns.find((c) => c.name === 'value')!.missing, 8);
    assert.equal(r.table!.profile.target!.task, 'binary');
  } finally { process.chdir(cwd); }
});
