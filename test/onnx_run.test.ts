/**
 * `dlflow export <run>`: the run's preprocessing inside the ONNX graph. Each exported run passes
 * onnx.checker (full_check) and, run by onnxruntime-node on the raw columns (strings for
 * categorical and boolean-word columns, '' for a missing one, NaN for a missing number) or the
 * raw pixels, answers what `dlflow predict` writes for the same rows: a multiclass table with
 * missing values and an unseen category, a binary table with boolean words, min-max and
 * passthrough columns, a regression table (target scaling undone), and an
 * image folder. --no-preprocessing gives the network alone; what cannot be exported is a usage
 * error naming the column or the kind of run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { writeDarkLightImages } from './image_folder.js';
import { RunPredictor } from '../src/cli/run/inference.js';
import { listImageFolder } from '../src/data/image/folder.js';
import { Preprocessor, type PreprocessorOptions } from '../src/data/preprocess/index.js';
import { parseCsv } from '../src/data/sources/csv.js';
import type { Preprocessing } from '../src/data/prepare/preprocessing.js';
import { OnnxExportError } from '../src/onnx/errors.js';
import { modelProto } from '../src/onnx/export.js';
import { GraphBuilder } from '../src/onnx/graph.js';
import { preprocessingGraph } from '../src/onnx/preprocessing.js';
import { encodeModel } from '../src/onnx/proto.js';
import { dlflow, scratch, type CliResult } from './cli_helpers.js';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { checkModels, maxDiff, ort } from './onnx_helpers.js';

const cwd = scratch('dlflow-export-');
const at = (...p: string[]): string => join(cwd, ...p);

/** Runs `dlflow` (the compiled CLI) in the scratch folder. */
const cli = (...argv: string[]): CliResult => dlflow(cwd, ...argv);

function ok(...argv: string[]): string {
  const r = cli(...argv);
  assert.equal(r.code, 0, `dlflow ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A CSV file as header + rows of cells (these files have no quoted cells). */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

type Feeds = Record<string, OrtTensor>;

/** The ONNX feeds of raw table rows: each graph input from its CSV column, NA as '' or NaN. */
function columnFeeds(session: InferenceSession, csv: { header: string[]; rows: string[][] }, inputs: { name: string; dtype: string }[]): Feeds {
  const n = csv.rows.length;
  const feeds: Feeds = {};
  for (const name of session.inputNames) {
    const j = csv.header.indexOf(name);
    assert.ok(j >= 0, `input ${name} is a column of the file`);
    const cells = csv.rows.map((r) => r[j]);
    const dtype = inputs.find((i) => i.name === name)?.dtype;
    feeds[name] = dtype === 'string'
      ? new ort.Tensor('string', cells.map((c) => (c === 'NA' ? '' : c)), [n, 1])
      : new ort.Tensor('float32', Float32Array.from(cells.map((c) => (c === 'NA' ? NaN : Number(c)))), [n, 1]);
  }
  return feeds;
}

/** ORT's label and probabilities equal predict's CSV (its 6 significant digits). */
function sameAsPredict(out: Record<string, OrtTensor>, predictCsv: string, classes: number): void {
  const { header, rows: expected } = readCsv(predictCsv);
  const at = header.indexOf('prediction'); // after row (and a folder's file column)
  const labels = out.label.data as string[];
  const probs = out.probabilities.data as Float32Array;
  assert.deepEqual([...out.probabilities.dims], [expected.length, classes]);
  expected.forEach((cells, i) => {
    assert.equal(labels[i], cells[at], `row ${i + 1} label`);
    for (let k = 0; k < classes; k++) {
      assert.ok(Math.abs(probs[classes * i + k] - Number(cells[at + 1 + k])) < 1e-5, `row ${i + 1} class ${k}: ORT ${probs[classes * i + k]} vs predict ${cells[at + 1 + k]}`);
    }
  });
}

/** Largest |a − b| / max(1, |b|); NaN where both are NaN counts as equal. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    d = Number.isNaN(e) ? Infinity : Math.max(d, e);
  }
  return d;
}

const writeImages = (root: string): void => writeDarkLightImages(root, { perClass: 10, width: 6, height: 5, blue: (v) => (v * 3) % 256 });

/** The images of the folder in predict's row order, as raw [N, 3, H, W] pixels (0–255). */
function pixelsOf(files: string[]): { data: Float32Array; dims: number[] } {
  const h = 5, w = 6;
  const data = new Float32Array(files.length * 3 * h * w);
  files.forEach((f, n) => {
    const png = PNG.sync.read(readFileSync(f));
    for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) data[((n * 3 + c) * h * w) + p] = png.data[4 * p + c];
  });
  return { data, dims: [files.length, 3, h, w] };
}

/** A binary table: a boolean-word column, a min-max one, a passthrough one, a categorical one. */
function writeBinaryTable(file: string): void {
  const lines = ['member,visits,score,ratio,colour,bought'];
  const colours = ['red', 'green', 'blue'];
  for (let i = 0; i < 90; i++) {
    const member = ['yes', 'no', 'Yes', 'NO'][i % 4];
    const visits = (i * 37) % 23;
    const score = ((i * 53) % 101) / 10;
    const ratio = ((i * 17) % 13) / 13;
    const colour = i % 11 === 0 ? 'NA' : colours[(i * 7) % 3];
    const bought = (visits + (member.toLowerCase() === 'yes' ? 8 : 0) + score) > 16 ? 'y' : 'n';
    lines.push(`${member},${visits},${score},${i % 9 === 0 ? 'NA' : ratio.toFixed(4)},${colour},${bought}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The model's metadata properties, read by ONNX's own Python package. */
function readMeta(file: string): Record<string, string> {
  const code = 'import onnx,sys,json; m=onnx.load(sys.argv[1]); print(json.dumps({p.key: p.value for p in m.metadata_props}))';
  const r = spawnSync('/usr/bin/python3', ['-c', code, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('dlflow export <run>: the preprocessing in the graph answers like dlflow predict', () => {
  const files: string[] = [];
  before(async () => {
    ok('train', '--name', 'p', '--epochs', '2', '--hidden', '8', '--log', 'plain', '--runsDir', at('runs'));
    // Rows with missing values (row 4 of the file) and an island not seen in training.
    const csv = readFileSync(at('datasets', 'penguins.csv'), 'utf8').trim().split('\n').slice(0, 41);
    csv.push('Adelie,Mars,40.2,18,190,3700,female,2008');
    writeFileSync(at('new.csv'), `${csv.join('\n')}\n`);
    ok('predict', at('runs', 'p'), '--data', at('new.csv'), '--out', at('p.csv'));
  });
  after(() => {
    if (files.length === 0) return;
    const results = checkModels(files);
    for (const r of results) assert.ok(r.ok, `${r.file}: ${r.error}`);
  });

  test('multiclass table: the terminal names the inputs and outputs; ORT on raw columns equals predict', async () => {
    const out = ok('export', at('runs', 'p'), '--out', at('p.onnx'));
    files.push(at('p.onnx'));
    assert.match(out, /wrote .*p\.onnx \(ONNX opset 17, with preprocessing\)/);
    assert.match(out, /inputs:\n {2}island {2}string \[batch, 1\] {2}\(categorical\)\n {2}bill_length_mm {2}float32 \[batch, 1\] {2}\(numeric\)/);
    assert.match(out, /outputs:\n {2}label {2}string \[batch\]\n {2}probabilities {2}float32 \[batch, 3\]\n {2}logits {2}float32 \[batch, 3\]/);
    const session = await ort.InferenceSession.create(at('p.onnx'));
    const inputs = JSON.parse(readMeta(at('p.onnx')).inputs) as { name: string; dtype: string }[];
    assert.deepEqual(session.inputNames, ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year']);
    const r = await session.run(columnFeeds(session, readCsv(at('new.csv')), inputs));
    sameAsPredict(r, at('p.csv'), 3);
  });

  test('metadata: dlflow version, task, target, classes, columns with their kinds', () => {
    const meta = readMeta(at('p.onnx'));
    assert.equal(meta.task, 'multiclass');
    assert.equal(meta.target, 'species');
    assert.deepEqual(JSON.parse(meta.classes), ['Adelie', 'Chinstrap', 'Gentoo']);
    assert.match(meta.dlflow_version, /^\d+\.\d+\.\d+/);
    const columns = JSON.parse(meta.columns) as { name: string; kind: string }[];
    assert.deepEqual(columns.map((c) => `${c.name}:${c.kind}`), ['island:categorical', 'bill_length_mm:numeric', 'bill_depth_mm:numeric', 'flipper_length_mm:numeric', 'body_mass_g:numeric', 'sex:categorical', 'year:numeric']);
  });

  test('binary table: boolean words, min-max and passthrough columns, a sigmoid head, equal predict', async () => {
    writeBinaryTable(at('shop.csv'));
    writeFileSync(at('shop.yaml'), [
      'runsDir: runs', 'name: shop',
      'data:', `  path: ${at('shop.csv')}`, '  target: bought',
      '  preprocessing: { member: binary, visits: minmax, score: passthrough }',
      'model: { arch: auto, hidden: [6] }',
      'hyperparameters: { epochs: 3 }', '',
    ].join('\n'));
    ok('train', at('shop.yaml'), '--runsDir', at('runs'), '--log', 'plain');
    ok('predict', at('runs', 'shop'), '--data', at('shop.csv'), '--out', at('shop_pred.csv'));
    const out = ok('export', at('runs', 'shop'), '--out', at('shop.onnx'));
    files.push(at('shop.onnx'));
    assert.match(out, /member {2}string \[batch, 1\] {2}\(boolean\)/);
    const session = await ort.InferenceSession.create(at('shop.onnx'));
    const inputs = JSON.parse(readMeta(at('shop.onnx')).inputs) as { name: string; dtype: string }[];
    const r = await session.run(columnFeeds(session, readCsv(at('shop.csv')), inputs));
    sameAsPredict(r, at('shop_pred.csv'), 2);
  });

  test('regression table: `prediction` in target units equals predict', async () => {
    ok('train', '--name', 'reg', '--data', at('datasets', 'statecrime.csv'), '--target', 'violent', '--epochs', '2', '--hidden', '8', '--log', 'plain', '--runsDir', at('runs'));
    ok('predict', at('runs', 'reg'), '--data', at('datasets', 'statecrime.csv'), '--out', at('reg.csv'));
    ok('export', at('runs', 'reg'), '--out', at('reg.onnx'));
    files.push(at('reg.onnx'));
    const session = await ort.InferenceSession.create(at('reg.onnx'));
    assert.deepEqual(session.outputNames, ['logits', 'prediction']);
    const csv = readCsv(at('datasets', 'statecrime.csv'));
    const r = await session.run(columnFeeds(session, csv, JSON.parse(readMeta(at('reg.onnx')).inputs)));
    const expected = readCsv(at('reg.csv')).rows.map((c) => Number(c[1]));
    const got = r.prediction.data as Float32Array;
    expected.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `row ${i + 1}: ORT ${got[i]} vs predict ${v}`));
  });

  test('image run: raw pixels in, normalisation in the graph, equals predict', async () => {
    writeImages(at('images'));
    ok('train', '--data', at('images'), '--epochs', '1', '--name', 'img', '--log', 'plain', '--runsDir', at('runs'));
    ok('predict', at('runs', 'img'), '--data', at('images'), '--out', at('img.csv'));
    const out = ok('export', at('runs', 'img'), '--out', at('img.onnx'));
    files.push(at('img.onnx'));
    assert.match(out, /image {2}float32 \[batch, 3, 5, 6\] {2}\(image\)/);
    const session = await ort.InferenceSession.create(at('img.onnx'));
    // predict's rows follow the folder listing (classes, then files, sorted).
    const listed = listImageFolder(at('images')).files;
    const px = pixelsOf(listed);
    const r = await session.run({ image: new ort.Tensor('float32', px.data, px.dims) });
    sameAsPredict(r, at('img.csv'), 2);
    assert.deepEqual(readCsv(at('img.csv')).rows.map((cells) => cells[1]), listed.map((f) => relative(at('images'), f)), 'the file column names each row\'s image');
  });

  test('--no-preprocessing: the network alone, equal to the run\'s forward on transformed rows', async () => {
    const out = ok('export', at('runs', 'p'), '--out', at('net.onnx'), '--no-preprocessing');
    files.push(at('net.onnx'));
    assert.match(out, /network only/);
    const run = await RunPredictor.load(at('runs', 'p'));
    const d = await run.readFile(at('new.csv'));
    const session = await ort.InferenceSession.create(at('net.onnx'));
    assert.deepEqual([session.inputNames, session.outputNames], [['input'], ['output']]);
    const r = await session.run({ input: new ort.Tensor('float32', d.x, [d.rows, ...d.inputShape]) });
    const d2 = maxDiff(r.output.data as Float32Array, run.forward(d.x, d.rows));
    assert.ok(d2 < 1e-4, `max |ORT − dlflow| = ${d2}`);
  });

  test('what cannot be exported is a usage error (exit 2) naming the reason, nothing written', async () => {
    ok('train', '--name', 'co2', '--data', at('datasets', 'co2_mauna_loa_weekly.csv'), '--target', 'co2', '--epochs', '1', '--log', 'plain', '--runsDir', at('runs'));
    const r = cli('export', at('runs', 'co2'), '--out', at('co2.onnx'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /forecasting runs read windows of the series .*--no-preprocessing/);
    assert.throws(() => readFileSync(at('co2.onnx')));
    const usage = cli('export', at('runs', 'p'));
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: dlflow export <run> --out model\.onnx/);
    const unknown = cli('export', at('runs', 'p'), '--out', at('x.onnx'), '--opset', '9');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /opset/);
  });
});

describe('the preprocessing graph alone equals Preprocessor.transform, option by option', () => {
  const fits: { name: string; file: () => string; options: PreprocessorOptions }[] = [
    {
      name: 'penguins: median/constant/drop imputation, robust/min-max/no scaling, ordinal and constant-filled one-hot',
      file: () => join(cwd, 'datasets', 'penguins.csv'),
      options: {
        target: 'species', indicator: true,
        columns: {
          island: { encoding: 'ordinal', impute: 'unknown' },
          sex: { impute: 'constant', fill: 'female' },
          bill_length_mm: { impute: 'median', scaling: 'robust' },
          bill_depth_mm: { impute: 'constant', fill: 17, scaling: 'minmax' },
          flipper_length_mm: { impute: 'drop', scaling: 'none' },
        },
      },
    },
    {
      name: 'shop: boolean words, mode-filled and dropped categories, no indicators',
      file: () => { writeBinaryTable(join(cwd, 'shop2.csv')); return join(cwd, 'shop2.csv'); },
      options: { target: 'bought', indicator: false, encoding: 'ordinal', categoricalImpute: 'drop', columns: { member: { as: 'boolean' }, ratio: { impute: 'mean', scaling: 'minmax' } } },
    },
    {
      name: 'shop: one-hot with mode imputation and indicators',
      file: () => join(cwd, 'shop2.csv'),
      options: { target: 'bought', indicator: true, categoricalImpute: 'mode', numericImpute: 'median' },
    },
  ];
  for (const f of fits) {
    test(f.name, async () => {
      const file = f.file();
      const table = parseCsv(readFileSync(file), { file }).table;
      const pre = Preprocessor.fit(table, f.options);
      const expected = pre.transform(table, { ignoreTarget: true });
      const g = new GraphBuilder();
      const preprocessing = { type: 'table', preprocessor: pre.toJSON() } as unknown as Preprocessing;
      const { features, inputs } = preprocessingGraph(g, preprocessing, [pre.numFeatures]);
      g.output(features, 'features');
      const session = await ort.InferenceSession.create(encodeModel(modelProto(g, 'pre', {})));
      const r = await session.run(columnFeeds(session, readCsv(file), inputs));
      const got = r.features.data as Float32Array;
      const width = pre.numFeatures;
      assert.deepEqual([...r.features.dims], [table.rowCount, width]);
      const kept = new Set(expected.sourceRows);
      for (let row = 0; row < table.rowCount; row++) {
        const g1 = got.subarray(row * width, (row + 1) * width);
        if (!kept.has(row)) {
          assert.ok(g1.some((v) => Number.isNaN(v)), `row ${row}: dropped by transform, so NaN features in the graph`);
        }
      }
      expected.sourceRows.forEach((row, i) => {
        const want = expected.x.subarray(i * width, (i + 1) * width);
        // float32 arithmetic in both: relative to the value (unscaled columns are in the hundreds)
        const d = maxRelDiff(got.subarray(row * width, (row + 1) * width), want);
        assert.ok(d < 1e-5, `row ${row}: max relative |graph − transform| = ${d} (${expected.featureNames.join(', ')})`);
      });
      assert.ok(kept.size < table.rowCount || !f.name.includes('drop'), 'the drop case drops rows');
    });
  }

  test('a datetime column is refused by name (ONNX has no date parsing)', () => {
    const table = parseCsv('day,v,y\n2024-01-02,1,a\n2024-02-03,2,b\n2024-03-04,3,a\n2024-04-05,4,b\n', { file: 'dates.csv' }).table;
    const pre = Preprocessor.fit(table, { target: 'y' });
    const preprocessing = { type: 'table', preprocessor: pre.toJSON() } as unknown as Preprocessing;
    assert.throws(() => preprocessingGraph(new GraphBuilder(), preprocessing, [pre.numFeatures]),
      (e: Error) => e instanceof OnnxExportError && /column "day" is a datetime column.*--no-preprocessing/.test(e.message));
  });
});
