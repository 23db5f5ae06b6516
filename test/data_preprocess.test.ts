import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCsv, readCsv } from '../src/data/index.js';
import { Preprocessor, type PreprocessorOptions, type TransformResult } from '../src/data/preprocess/index.js';
import type { Table } from '../src/data/table/table.js';

// References from scikit-learn / pandas: scripts/make_preprocess_fixtures.py
const dir = 'test/fixtures/data/preprocess';
const ref = JSON.parse(readFileSync(`${dir}/reference.json`, 'utf8')) as {
  rows: number; settings: Record<string, Record<string, number[]>>; labels: { classes: string[]; codes: number[] }; dates: Record<string, (number | null)[]>;
};

async function tables(): Promise<{ train: Table; parts: Table[] }> {
  const train = (await readCsv('datasets/penguins.csv')).table;
  const every5 = train.take(Int32Array.from({ length: Math.ceil(train.rowCount / 5) }, (_, i) => 5 * i));
  const fresh = (await readCsv(`${dir}/new_penguins.csv`)).table;
  return { train, parts: [every5, fresh] };
}

function column(results: TransformResult[], name: string): number[] {
  const out: number[] = [];
  for (const r of results) {
    const k = r.featureNames.indexOf(name);
    assert.ok(k >= 0, `feature ${name} missing; have ${r.featureNames.join(', ')}`);
    for (let i = 0; i < r.rows; i++) out.push(r.x[i * r.numFeatures + k]);
  }
  return out;
}

const SETTINGS: Record<string, PreprocessorOptions> = {
  mean_standard_unknown_onehot: { numericImpute: 'mean', scaling: 'standard', categoricalImpute: 'unknown', encoding: 'onehot' },
  median_robust_mode_ordinal: { numericImpute: 'median', scaling: 'robust', categoricalImpute: 'mode', encoding: 'ordinal' },
  constant_minmax_constant_onehot: { numericImpute: 'constant', scaling: 'minmax', categoricalImpute: 'constant', encoding: 'onehot' },
};

test('Preprocessor matches scikit-learn (imputers, scalers, one-hot/ordinal with unknowns, indicators, labels)', async () => {
  const { train, parts } = await tables();
  for (const [name, opts] of Object.entries(SETTINGS)) {
    const p = Preprocessor.fit(train, { target: 'species', ...opts });
    const results = parts.map((t) => p.transform(t));
    assert.equal(results.reduce((s, r) => s + r.rows, 0), ref.rows, `${name}: no row left out`);
    const want = ref.settings[name];
    assert.deepEqual([...p.featureNames].sort(), Object.keys(want).sort(), `${name}: feature names`);
    assert.equal(p.numFeatures, Object.keys(want).length);
    for (const [feature, values] of Object.entries(want)) {
      column(results, feature).forEach((v, i) => assert.ok(Math.abs(v - values[i]) <= 1e-5 * Math.max(1, Math.abs(values[i])), `${name} ${feature}[${i}]: ${v} vs ${values[i]}`));
    }
    assert.deepEqual((p.target as { classes: string[] }).classes, ref.labels.classes);
    assert.deepEqual(results.flatMap((r) => Array.from(r.y!)), ref.labels.codes);
  }
});

test('Preprocessor JSON round trip gives identical output; counts imputed cells and unknown categories', async () => {
  const { train, parts } = await tables();
  const p = Preprocessor.fit(train, { target: 'species', numericImpute: 'drop' });
  const q = Preprocessor.fromJSON(p.toJSONString());
  const r = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p)));
  for (const t of parts) {
    const a = p.transform(t), b = q.transform(t), c = r.transform(t);
    assert.deepEqual(b.x, a.x); assert.deepEqual(c.x, a.x); assert.deepEqual(b.y, a.y);
    assert.deepEqual(b.problems, a.problems);
  }
  const m = Preprocessor.fit(train, { target: 'species' });
  const out = m.transform(parts[1]);
  assert.deepEqual(out.imputed, { island: 1, bill_length_mm: 1, bill_depth_mm: 1, flipper_length_mm: 1, body_mass_g: 1, sex: 1, year: 0 });
  assert.deepEqual(out.unknownCategories, { island: 1, sex: 1 });
  assert.throws(() => Preprocessor.fromJSON('{"format":"other"}'), /not a dlflow preprocessor/);
});

test('rows that cannot be transformed are reported by line, with column and value, never dropped silently', () => {
  const { table: train } = parseCsv('x,c,y\n1,a,10\n2,b,20\n3,a,30\n4,b,40\n');
  const p = Preprocessor.fit(train, { target: 'y', numericImpute: 'drop' });
  assert.equal(p.target!.kind, 'numeric');
  const { table } = parseCsv('x,c,y\n1,a,10\nabc,b,20\n3,a,\n,b,40\n5,z,oops\n');
  const r = p.transform(table);
  assert.equal(r.rows, 1);
  assert.deepEqual(Array.from(r.sourceRows), [0]);
  assert.deepEqual(r.problems.map((q) => [q.line, q.column, q.value ?? null, q.reason]), [
    [3, 'x', 'abc', 'not a number'],
    [4, 'y', null, 'missing target'],
    [5, 'x', null, 'missing value (impute: drop)'],
    [6, 'y', 'oops', 'non-numeric value in a numeric target'],
  ]);
  assert.throws(() => p.transform(parseCsv('c,y\na,1\n').table), /lacks column "x"/);
});

test('datetime expansion matches pandas (year, month, day, dayofweek, hour) and identifier/constant columns are left out', () => {
  const { table } = parseCsv(readFileSync(`${dir}/dates.csv`, 'utf8'));
  const p = Preprocessor.fit(table, { scaling: 'none', columns: { v: { as: 'drop' } } });
  assert.deepEqual(p.featureNames, ['when.year', 'when.month', 'when.day', 'when.dayofweek', 'when.hour', 'when_missing']);
  const r = p.transform(table);
  ref.dates.year.forEach((_, i) => {
    for (const [k, part] of ['year', 'month', 'day', 'dayofweek', 'hour'].entries()) {
      const want = ref.dates[part][i];
      if (want !== null) assert.equal(r.x[i * 6 + k], want, `${part}[${i}]`);
    }
  });
  assert.equal(r.x[2 * 6 + 5], 1);
  assert.equal(r.imputed.when, 1);
  const ids = parseCsv(['id,k,v', ...Array.from({ length: 30 }, (_, i) => `${i + 1},same,${i % 3}`)].join('\n')).table;
  const q = Preprocessor.fit(ids);
  assert.deepEqual(q.droppedColumns.map((d) => d.column), ['id', 'k']);
  assert.deepEqual(q.featureNames, ['v']);
});
