/**
 * dl.serve over real HTTP (a server on port 0, node's fetch): V1 records and V2 tensors answer
 * what `dlflow predict` writes for the same rows (classification, regression, an image run's
 * network input), model metadata, every kind of client mistake as a 4xx naming it, 401 without
 * the key, 503 + Retry-After from a full queue, dynamic batching merging concurrent requests,
 * and /metrics in the Prometheus text format with the expected series.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDarkLightImages } from './image_folder.js';
import { servedRun } from '../src/cli/commands/serve.js';
import { main } from '../src/cli/main.js';
import { RunPredictor } from '../src/cli/run/inference.js';
import { createServer, type InferenceServer, type ServedModel, type ServerOptions } from '../src/serve/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const cwd = mkdtempSync(join(tmpdir(), 'dlflow-serve-'));
symlinkSync(join(ROOT, 'datasets'), join(cwd, 'datasets'));
const at = (...p: string[]): string => join(cwd, ...p);

/** Runs the CLI in-process (the same code as bin/dlflow.js) and fails on a non-zero exit. */
async function cli(...argv: string[]): Promise<void> {
  const code = await main(argv);
  assert.equal(code, 0, `dlflow ${argv.join(' ')} exited ${code}`);
}

/** A CSV file as header + rows of cells (the bundled files have no quoted cells). */
function readCsvRows(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

/** The CSV's rows as records: numbers as JSON numbers (or, with `asText`, as the CSV's text), NA as null. */
function recordsOf(csv: { header: string[]; rows: string[][] }, skip: string, asText = false): Record<string, string | number | null>[] {
  return csv.rows.map((cells) => Object.fromEntries(csv.header.map((h, j) => {
    const c = cells[j];
    if (c === 'NA' || c === '') return [h, null];
    return [h, !asText && c.trim() !== '' && Number.isFinite(Number(c)) ? Number(c) : c];
  }).filter(([h]) => h !== skip)));
}

interface Running { url: string; app: InferenceServer }
const servers: InferenceServer[] = [];

async function start(models: ServedModel[], options: Partial<ServerOptions> = {}): Promise<Running> {
  const app = await createServer({ models, ...options });
  servers.push(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, json: await r.json() as Record<string, unknown> };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, { headers });
  return { status: r.status, json: await r.json() as Record<string, unknown> };
}

const writeImages = (root: string): void => writeDarkLightImages(root, { perClass: 12 });

type V1Prediction = { label: string; probabilities: Record<string, number> };

describe('dlflow serve: predictions equal dlflow predict', () => {
  let penguins: RunPredictor, reg: RunPredictor;
  let s: Running;
  const penguinRows = () => readCsvRows(at('new.csv'));
  before(async () => {
    await cli('train', '--name', 'p', '--epochs', '2', '--hidden', '8', '--log', 'plain', '--runsDir', at('runs'));
    await cli('train', '--name', 'reg', '--data', at('datasets', 'statecrime.csv'), '--target', 'violent', '--epochs', '2', '--hidden', '8', '--log', 'plain', '--runsDir', at('runs'));
    // Rows with missing values (row 4 of the file) and an island not seen in training.
    const csv = readFileSync(at('datasets', 'penguins.csv'), 'utf8').trim().split('\n').slice(0, 41);
    csv.push('Adelie,Mars,40.2,18,190,3700,female,2008');
    writeFileSync(at('new.csv'), `${csv.join('\n')}\n`);
    await cli('predict', at('runs', 'p'), '--data', at('new.csv'), '--out', at('p.csv'));
    await cli('predict', at('runs', 'reg'), '--data', at('datasets', 'statecrime.csv'), '--out', at('reg.csv'));
    penguins = await RunPredictor.load(at('runs', 'p'));
    reg = await RunPredictor.load(at('runs', 'reg'));
    s = await start([servedRun('p', penguins), servedRun('reg', reg)]);
  });
  after(async () => { for (const a of servers) await a.close(); });

  /** Checks predictions against predict's CSV: the same label and probabilities to its 6 digits. */
  function samePenguins(labels: string[], probabilities: number[][]): void {
    const expected = readCsvRows(at('p.csv'));
    assert.equal(labels.length, expected.rows.length);
    expected.rows.forEach((cells, i) => {
      assert.equal(labels[i], cells[1], `row ${i + 1}`);
      assert.deepEqual(probabilities[i].map((p) => p.toPrecision(6)), cells.slice(2, 5), `row ${i + 1}`);
    });
  }

  test('V1 records (numbers as numbers, and as the CSV text) equal predict', async () => {
    for (const asText of [false, true]) {
      const r = await post(`${s.url}/v1/models/p:predict`, { instances: recordsOf(penguinRows(), '', asText) });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const preds = r.json.predictions as V1Prediction[];
      samePenguins(preds.map((p) => p.label), preds.map((p) => ['Adelie', 'Chinstrap', 'Gentoo'].map((c) => p.probabilities[c])));
    }
  });

  test('V2 column tensors equal predict, and so does the network-input tensor', async () => {
    const csv = penguinRows();
    const records = recordsOf(csv, 'species');
    const n = records.length;
    const numeric = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'year'];
    // Missing numbers cannot be null in a numeric tensor: send those columns as BYTES, as the CSV has them.
    const inputs = Object.keys(records[0]).map((name) => {
      const col = records.map((r) => r[name]);
      if (numeric.includes(name) && col.every((v) => v !== null)) return { name, shape: [n, 1], datatype: 'FP64', data: col };
      return { name, shape: [n], datatype: 'BYTES', data: col.map((v) => (v === null ? 'NA' : String(v))) };
    });
    const r = await post(`${s.url}/v2/models/p/infer`, { id: 'q1', inputs });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.model_name, 'p');
    assert.equal(r.json.id, 'q1');
    const [label, probs] = r.json.outputs as { name: string; shape: number[]; datatype: string; data: (string | number)[] }[];
    assert.deepEqual([label.name, label.datatype, label.shape], ['label', 'BYTES', [n]]);
    assert.deepEqual([probs.name, probs.datatype, probs.shape], ['probabilities', 'FP64', [n, 3]]);
    const rowsOf = (d: number[]) => Array.from({ length: n }, (_, i) => d.slice(3 * i, 3 * i + 3));
    samePenguins(label.data as string[], rowsOf(probs.data as number[]));

    // The same rows already transformed (by the run's preprocessing, as predict does), as one FP32 tensor.
    const d = await penguins.readFile(at('new.csv'));
    const direct = await post(`${s.url}/v2/models/p/infer`, { inputs: [{ name: 'input', shape: [d.rows, ...d.inputShape], datatype: 'FP32', data: Array.from(d.x) }], outputs: [{ name: 'probabilities' }] });
    assert.equal(direct.status, 200, JSON.stringify(direct.json));
    const only = direct.json.outputs as { name: string; data: number[] }[];
    assert.deepEqual(only.map((o) => o.name), ['probabilities'], 'only the output asked for');
    assert.deepEqual(only[0].data, probs.data);
  });

  test('regression: V1 values equal predict (target scaling undone); ignored columns are accepted', async () => {
    const csv = readCsvRows(at('datasets', 'statecrime.csv'));
    const r = await post(`${s.url}/v1/models/reg:predict`, { instances: recordsOf(csv, '') });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const expected = readCsvRows(at('reg.csv')).rows.map((c) => c[1]);
    assert.deepEqual((r.json.predictions as number[]).map((v) => v.toPrecision(8)), expected);
    const v2 = await post(`${s.url}/v2/models/reg/infer`, { inputs: ['murder', 'hs_grad', 'poverty', 'single', 'white', 'urban'].map((name) => ({ name, shape: [csv.rows.length], datatype: 'FP32', data: csv.rows.map((c) => Math.fround(Number(c[csv.header.indexOf(name)]))) })) });
    assert.equal(v2.status, 200, JSON.stringify(v2.json));
    const out = (v2.json.outputs as { name: string; datatype: string; data: number[] }[])[0];
    assert.deepEqual([out.name, out.datatype], ['prediction', 'FP64']);
    assert.equal(out.data.length, csv.rows.length);
  });

  test('an image run: the V2 network-input tensor equals predict', async () => {
    writeImages(at('images'));
    await cli('train', '--data', at('images'), '--epochs', '1', '--name', 'img', '--log', 'plain', '--runsDir', at('runs'));
    await cli('predict', at('runs', 'img'), '--data', at('images'), '--out', at('img.csv'));
    const img = await RunPredictor.load(at('runs', 'img'));
    const si = await start([servedRun('img', img)]);
    const meta = await get(`${si.url}/v2/models/img`);
    assert.deepEqual(meta.json.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 8, 8] }]);
    const d = await img.readFile(at('images'));
    const r = await post(`${si.url}/v2/models/img/infer`, { inputs: [{ name: 'input', shape: [d.rows, 3, 8, 8], datatype: 'FP32', data: Array.from(d.x) }] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const [label, probs] = r.json.outputs as { data: (string | number)[] }[];
    const expected = readCsvRows(at('img.csv')).rows;
    expected.forEach((cells, i) => {
      // row, file, prediction, probabilities
      assert.equal(label.data[i], cells[2]);
      assert.deepEqual([probs.data[2 * i], probs.data[2 * i + 1]].map((p) => (p as number).toPrecision(6)), cells.slice(3, 5));
    });
    const v1 = await post(`${si.url}/v1/models/img:predict`, { instances: [{ pixel: 1 }] });
    assert.equal(v1.status, 400);
    assert.match(String(v1.json.error), /takes no records.*array of 192 numbers/);
  });

  test('metadata, health and model lists', async () => {
    const meta = await get(`${s.url}/v2/models/p`);
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.json, {
      name: 'p', versions: ['1'], platform: 'dlflow',
      inputs: [['island', 'BYTES'], ['bill_length_mm', 'FP64'], ['bill_depth_mm', 'FP64'], ['flipper_length_mm', 'FP64'], ['body_mass_g', 'FP64'], ['sex', 'BYTES'], ['year', 'FP64']]
        .map(([name, datatype]) => ({ name, datatype, shape: [-1, 1] })),
      outputs: [{ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'probabilities', datatype: 'FP64', shape: [-1, 3] }],
    });
    assert.deepEqual((await get(`${s.url}/v2/models/reg/versions/1`)).json.outputs, [{ name: 'prediction', datatype: 'FP64', shape: [-1] }]);
    assert.deepEqual((await get(`${s.url}/v2/health/live`)).json, { live: true });
    assert.deepEqual((await get(`${s.url}/v2/health/ready`)).json, { ready: true });
    assert.deepEqual((await get(`${s.url}/v2/models/p/ready`)).json, { name: 'p', ready: true });
    assert.equal((await get(`${s.url}/v2`)).json.name, 'dlflow');
    assert.deepEqual((await get(`${s.url}/v1/models`)).json, { models: ['p', 'reg'] });
    assert.deepEqual((await get(`${s.url}/v1/models/p`)).json, { name: 'p', ready: true });
  });

  test('client mistakes are 4xx answers that say what is wrong', async () => {
    const good = recordsOf(penguinRows(), 'species')[0];
    const v1 = `${s.url}/v1/models/p:predict`, v2 = `${s.url}/v2/models/p/infer`;
    const cases: [string, unknown, number, RegExp][] = [
      [v1, '{"instances": [', 400, /^malformed JSON body/],
      [v1, { rows: [good] }, 400, /body must have required property 'instances'/],
      [v1, { instances: [good], extra: 1 }, 400, /body: unknown key 'extra'/],
      [v1, { instances: [] }, 400, /body\/instances must NOT have fewer than 1 items/],
      [v1, { instances: [{ ...good, island: { name: 'Dream' } }] }, 400, /body\/instances\/0\/island must be string,number,boolean,null/],
      [v1, { instances: [good, { ...good, sex: undefined }] }, 400, /^instances\[1\]: missing column 'sex' \(give null for a missing value\); the model reads: island, /],
      [v1, { instances: [{ ...good, flipper_lenght_mm: 1 }] }, 400, /^instances\[0\]: unknown column 'flipper_lenght_mm' \(did you mean 'flipper_length_mm'\?\)/],
      [v1, { instances: [{ ...good, body_mass_g: true }] }, 400, /^instances\[0\]: column 'body_mass_g' takes a number \(or null\), got true/],
      [v1, { instances: [good, { ...good, body_mass_g: 'heavy' }] }, 400, /^instances\[1\]: column 'body_mass_g': 'heavy' not a number/],
      [v1, { instances: [Array(penguins.inputShape[0]).fill(0).map((_, i) => (i === 3 ? 'x' : i))] }, 400, /^instances\[0\]: element 3 is "x", expected a number/],
      [v1, { instances: [good, [1, 2]] }, 400, /instances mix records and arrays/],
      [v1, { instances: [[1, 2]] }, 400, /^instances\[0\]: 2 number\(s\), but one example of the model's input \[\d+\] is \d+/],
      [`${s.url}/v1/models/rge:predict`, { instances: [good] }, 404, /^unknown model 'rge' \(did you mean 'reg'\?\); models served: p, reg/],
      [v2, { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 400, /^input 'input': shape \[1, 4\], expected \[N, \d+\]/],
      [v2, { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 2, 3] }] }, 400, /shape/],
      [v2, { inputs: [{ name: 'island', shape: [1], datatype: 'FP99', data: ['Dream'] }] }, 400, /body\/inputs\/0\/datatype must be one of BOOL, UINT8/],
      [v2, { inputs: [{ name: 'island', shape: [1], datatype: 'BYTES' }] }, 400, /body\/inputs\/0 must have required property 'data'/],
      [v2, { inputs: [{ name: 'island', shape: [1], datatype: 'BYTES', data: ['Dream'] }] }, 400, /^missing input 'bill_length_mm' \(FP64, shape \[N, 1\]\)/],
      [v2, { inputs: [{ name: 'islnd', shape: [1], datatype: 'BYTES', data: ['Dream'] }] }, 400, /^unknown input 'islnd' \(did you mean 'island'\?\)/],
      [v2, { inputs: [{ name: 'year', shape: [1, 1], datatype: 'INT8', data: [2007] }] }, 400, /^input 'year' \(INT8\): element 0 is 2007, expected an integer in -128\.\.127/],
      [v2, { inputs: [{ name: 'year', shape: [1, 1], datatype: 'FP32', data: ['2007'] }] }, 400, /^input 'year' \(FP32\): element 0 is "2007", expected a number/],
      [v2, { inputs: [{ name: 'island', shape: [1, 2], datatype: 'BYTES', data: ['a', 'b'] }, { name: 'year', shape: [1], datatype: 'FP32', data: [1] }] }, 400, /^input 'island': shape \[1, 2\], expected \[N\] or \[N, 1\]/],
      [v2, { inputs: [{ name: 'input', shape: [1, 9], datatype: 'BYTES', data: ['x'] }] }, 400, /^input 'input': datatype BYTES, expected FP32/],
      [v2, { inputs: [{ name: 'input', shape: [0, 1], datatype: 'FP32', data: [] }], outputs: [{ name: 'logits' }] }, 400, /^unknown output 'logits'; the model's outputs: label, probabilities/],
      [`${s.url}/v2/models/p/versions/7/infer`, { inputs: [] }, 400, /body\/inputs must NOT have fewer than 1 items/],
      [`${s.url}/v2/models/p/versions/7/ready`, undefined, 404, /^model 'p' has no version '7'/],
      [`${s.url}/v3/models`, undefined, 404, /^no endpoint GET \/v3\/models/],
    ];
    for (const [url, body, status, message] of cases) {
      const r = body === undefined ? { ...await get(url), headers: null } : await post(url, body);
      assert.equal(r.status, status, `${url} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
      assert.match(String(r.json.error), message, `${url} ${JSON.stringify(body)}`);
    }
    // A column tensor and the network input at once: which one is meant is unclear.
    const both = await post(v2, { inputs: [{ name: 'input', shape: [1, 1], datatype: 'FP32', data: [1] }, { name: 'island', shape: [1], datatype: 'BYTES', data: ['Dream'] }] });
    assert.equal(both.status, 400);
    assert.match(String(both.json.error), /takes one input: 'input' \(FP32, shape \[N, \d+\]\), or its raw columns; got 'input', 'island'/);
  });

  test('413 over the body limit, 400 over the row limit', async () => {
    const small = await start([servedRun('p', penguins)], { bodyLimit: 2000, maxRows: 3 });
    const records = recordsOf(penguinRows(), 'species');
    const big = await post(`${small.url}/v1/models/p:predict`, { instances: records });
    assert.equal(big.status, 413);
    assert.match(String(big.json.error), /request body over the server's limit of 2000 bytes/);
    const many = await post(`${small.url}/v1/models/p:predict`, { instances: records.slice(0, 4) });
    assert.equal(many.status, 400);
    assert.match(String(many.json.error), /^too many rows in one request: 4, at most 3/);
    assert.equal((await post(`${small.url}/v1/models/p:predict`, { instances: records.slice(0, 3) })).status, 200);
  });

  test('401 without the key or with a wrong one; health checks stay open', async () => {
    const locked = await start([servedRun('p', penguins)], { apiKey: 'k3y-of-some-length' });
    const body = { instances: recordsOf(penguinRows(), 'species').slice(0, 1) };
    const none = await post(`${locked.url}/v1/models/p:predict`, body);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.match(String(none.json.error), /needs an API key: Authorization: Bearer <key>/);
    for (const wrong of ['Bearer k3y-of-some-lengtH', 'Bearer k3y', 'Basic k3y-of-some-length', 'Bearer ']) {
      const r = await post(`${locked.url}/v1/models/p:predict`, body, { authorization: wrong });
      assert.equal(r.status, 401, wrong);
    }
    assert.equal((await get(`${locked.url}/v2/models/p`)).status, 401);
    assert.equal((await fetch(`${locked.url}/metrics`)).status, 401);
    assert.equal((await post(`${locked.url}/v1/models/p:predict`, body, { authorization: 'Bearer k3y-of-some-length' })).status, 200);
    assert.equal((await get(`${locked.url}/v2/health/live`)).status, 200);
    assert.equal((await get(`${locked.url}/v2/health/ready`)).status, 200);
  });

  test('a full queue answers 503 with Retry-After; the waiting request is still answered', async () => {
    const q = await start([servedRun('p', penguins)], { maxQueue: 1, maxWaitMs: 300, maxBatchSize: 64 });
    const body = { instances: recordsOf(penguinRows(), 'species').slice(0, 1) };
    const first = post(`${q.url}/v1/models/p:predict`, body);
    while (!/dlflow_queue_depth\{model="p"\} 1\b/.test(await (await fetch(`${q.url}/metrics`)).text())) await new Promise((r) => setTimeout(r, 5));
    const refused = await post(`${q.url}/v1/models/p:predict`, body);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.match(String(refused.json.error), /queue is full \(1 requests waiting\)/);
    assert.equal((await first).status, 200);
  });

  test('concurrent requests share one forward pass (batch-size histogram), each gets its own rows', async () => {
    // Runs only when 8 rows are queued: the 8 concurrent single-row requests must share one pass.
    const b = await start([servedRun('p', penguins)], { maxBatchSize: 8, maxWaitMs: 60000 });
    const records = recordsOf(penguinRows(), 'species').slice(0, 8);
    const answers = await Promise.all(records.map((rec) => post(`${b.url}/v1/models/p:predict`, { instances: [rec] })));
    const expected = readCsvRows(at('p.csv')).rows;
    answers.forEach((a, i) => {
      assert.equal(a.status, 200);
      const p = (a.json.predictions as V1Prediction[])[0];
      assert.equal(p.label, expected[i][1]);
      assert.deepEqual(Object.values(p.probabilities).map((v) => v.toPrecision(6)), expected[i].slice(2, 5));
    });
    const text = await (await fetch(`${b.url}/metrics`)).text();
    assert.match(text, /^dlflow_batch_size_count\{model="p"\} 1$/m);
    assert.match(text, /^dlflow_batch_size_sum\{model="p"\} 8$/m);
    assert.match(text, /^dlflow_batch_size_bucket\{le="4",model="p"\} 0$/m);
    assert.match(text, /^dlflow_batch_size_bucket\{le="8",model="p"\} 1$/m);
  });

  test('a request with a bad row fails alone: the others in its batch are answered', async () => {
    const b = await start([servedRun('p', penguins)], { maxBatchSize: 4, maxWaitMs: 60000 });
    const records = recordsOf(penguinRows(), 'species');
    const expected = readCsvRows(at('p.csv')).rows;
    const [good, bad, v2] = await Promise.all([
      post(`${b.url}/v1/models/p:predict`, { instances: [records[0], records[1]] }),
      post(`${b.url}/v1/models/p:predict`, { instances: [{ ...records[2], year: 'soon' }] }),
      post(`${b.url}/v2/models/p/infer`, { inputs: Object.entries(records[5]).map(([name, v]) => ({ name, shape: [1], datatype: typeof v === 'number' ? 'FP64' : 'BYTES', data: [v === null ? 'NA' : v] })) }),
    ]);
    assert.equal(bad.status, 400);
    assert.match(String(bad.json.error), /^instances\[0\]: column 'year': 'soon' not a number/);
    assert.equal(good.status, 200);
    assert.deepEqual((good.json.predictions as V1Prediction[]).map((p) => p.label), [expected[0][1], expected[1][1]]);
    assert.equal(v2.status, 200, JSON.stringify(v2.json));
    assert.equal((v2.json.outputs as { data: string[] }[])[0].data[0], expected[5][1]);
    assert.match(await (await fetch(`${b.url}/metrics`)).text(), /^dlflow_batch_size_sum\{model="p"\} 3$/m, 'one pass over the 3 good rows');
  });

  test('/metrics is Prometheus text with the request, latency, batch and queue series', async () => {
    const r = await fetch(`${s.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    const types = new Map<string, string>();
    const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const t = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (t !== null) { types.set(t[1], t[2]); continue; }
      if (line.startsWith('# HELP ')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)$/.exec(line);
      assert.ok(m !== null, `not a Prometheus sample line: ${line}`);
      const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
      assert.ok(!Number.isNaN(value) || m[3] === 'NaN', line);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
      samples.push({ name: m[1], labels, value });
    }
    assert.equal(types.get('dlflow_requests_total'), 'counter');
    assert.equal(types.get('dlflow_request_duration_seconds'), 'histogram');
    assert.equal(types.get('dlflow_batch_size'), 'histogram');
    assert.equal(types.get('dlflow_inference_duration_seconds'), 'histogram');
    assert.equal(types.get('dlflow_queue_depth'), 'gauge');
    const find = (name: string, labels: Record<string, string>) => samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
    assert.ok((find('dlflow_requests_total', { model: 'p', endpoint: 'v1_predict', status: '200' })?.value ?? 0) >= 2);
    assert.ok((find('dlflow_requests_total', { model: 'p', endpoint: 'v1_predict', status: '400' })?.value ?? 0) >= 1);
    assert.ok((find('dlflow_requests_total', { model: '', endpoint: 'v1_predict', status: '404' })?.value ?? 0) >= 1, 'unknown models count under an empty model label');
    assert.ok((find('dlflow_request_duration_seconds_count', { model: 'p', endpoint: 'v2_infer', status: '200' })?.value ?? 0) >= 1);
    assert.ok((find('dlflow_batch_size_count', { model: 'reg' })?.value ?? 0) >= 1);
    assert.equal(find('dlflow_queue_depth', { model: 'p' })?.value, 0);
    assert.ok(find('process_cpu_seconds_total', {}) !== undefined, 'process metrics');
  });
});
