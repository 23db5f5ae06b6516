import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCsv, readCsv, profileTable, type Profile } from '../src/data/index.js';

// Reference numbers come from pandas/NumPy/scikit-learn: scripts/make_data_fixtures.py
type Ref = { rows: number; duplicateRows: number; columns: Record<string, any>; pearson?: Record<string, number>; mutualInformation: Record<string, number> };
const ref = (name: string): Ref => JSON.parse(readFileSync(`test/fixtures/data/${name}_reference.json`, 'utf8'));
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function checkColumns(p: Profile, r: Ref): void {
  assert.equal(p.rows, r.rows);
  assert.equal(p.duplicateRows, r.duplicateRows);
  for (const c of p.columns) {
    const e = r.columns[c.name];
    assert.equal(c.count, e.count, `${c.name} count`);
    assert.equal(c.missing, e.missing, `${c.name} missing`);
    assert.equal(c.unique, e.unique, `${c.name} unique`);
    if (e.mean !== undefined) {
      for (const k of ['mean', 'std', 'min', 'max', 'q25', 'q50', 'q75'] as const) close(c.numeric![k], e[k], `${c.name}.${k}`);
      assert.deepEqual(c.histogram!.counts, e.histogram.counts, `${c.name} histogram`);
      c.histogram!.edges.forEach((x, i) => close(x, e.histogram.edges[i], `${c.name} edge ${i}`));
    } else {
      // counts must agree; values only where the count is not tied (pandas orders ties arbitrarily)
      const top = c.top.slice(0, e.top.length);
      assert.deepEqual(top.map((t) => t.count), e.top.map((t: any) => t.count), `${c.name} top counts`);
      e.top.forEach((t: any, i: number) => {
        if (e.top.filter((u: any) => u.count === t.count).length === 1) assert.equal(top[i].value, t.value, `${c.name} top ${i}`);
      });
    }
  }
}

test('penguins profile matches pandas describe, value_counts and numpy.histogram', async () => {
  const { table } = await readCsv('datasets/penguins.csv');
  const p = profileTable(table, { target: 'species' });
  checkColumns(p, ref('penguins'));
});

test('penguins target: multiclass, balance, mutual information as scikit-learn', async () => {
  const { table } = await readCsv('datasets/penguins.csv');
  const p = profileTable(table, { target: 'species' });
  const r = ref('penguins');
  assert.equal(p.target!.task, 'multiclass');
  assert.deepEqual(p.target!.classes!.map((c) => [c.label, c.count]), [['Adelie', 152], ['Gentoo', 124], ['Chinstrap', 68]]);
  close(p.target!.imbalanceRatio!, 152 / 68, 'imbalance');
  for (const f of ['island', 'sex']) {
    const a = p.target!.associations.find((x) => x.feature === f)!;
    assert.equal(a.method, 'mutual_information');
    close(a.value, r.mutualInformation[`${f}|species`], `MI ${f}`);
  }
  const rec = p.recommendation!;
  assert.equal(rec.loss, 'cross_entropy');
  assert.equal(rec.outputUnits, 3);
  assert.equal(rec.architecture, 'mlp');
  // island one-hot 3+1, sex one-hot 2+1, four measurements 1 + missing indicator each, year 1
  assert.equal(rec.inputUnits, 4 + 3 + 4 * 2 + 1);
  assert.equal(p.warnings.length, 0);
});

test('statecrime: regression target, Pearson correlations as pandas, identifier warning', async () => {
  const { table } = await readCsv('datasets/statecrime.csv');
  const p = profileTable(table, { target: 'murder' });
  const r = ref('statecrime');
  checkColumns(p, r);
  assert.equal(p.target!.task, 'regression');
  for (const [f, v] of Object.entries(r.pearson!)) {
    const a = p.target!.associations.find((x) => x.feature === f)!;
    assert.equal(a.method, 'pearson');
    close(a.value, v, `r ${f}`);
  }
  assert.equal(table.column('state').kind, 'identifier');
  assert.ok(p.warnings.some((w) => w.code === 'identifier' && w.column === 'state'));
  assert.equal(p.recommendation!.loss, 'mse');
  assert.equal(p.recommendation!.outputUnits, 1);
  assert.equal(p.recommendation!.inputUnits, 6);
});

test('warnings: constant, high cardinality, many missing, mixed types, leakage, imbalance, duplicates', () => {
  const lines = ['const,card,sparse,mixed,leak,noise,label'];
  for (let i = 0; i < 200; i++) {
    const label = i % 20 === 0 ? 'rare' : 'common';
    lines.push([
      'same', `c${i % 80}`, i % 2 === 0 ? '' : String(i), i === 5 ? 'oops' : String(i % 9),
      label === 'rare' ? 'R' : 'C', String((i * 7919) % 13), label,
    ].join(','));
  }
  lines.push(lines[1]);
  const { table } = parseCsv(lines.join('\n') + '\n');
  const p = profileTable(table, { target: 'label' });
  const codes = (code: string) => p.warnings.filter((w) => w.code === code).map((w) => w.column);
  assert.deepEqual(codes('constant'), ['const']);
  assert.deepEqual(codes('high_cardinality'), ['card']);
  assert.deepEqual(codes('missing'), ['sparse']);
  assert.deepEqual(codes('mixed_types'), ['mixed']);
  assert.deepEqual(codes('leakage'), ['leak']);
  assert.deepEqual(codes('imbalance'), ['label']);
  assert.equal(p.duplicateRows, 1);
  assert.equal(p.target!.task, 'binary');
  const rec = p.recommendation!;
  assert.equal(rec.loss, 'bce_with_logits');
  assert.equal(rec.outputUnits, 1);
  assert.equal(rec.hyperparameters.classWeights, 'balanced');
  assert.equal(rec.features.find((f) => f.column === 'leak')!.encoding, 'drop');
  assert.equal(rec.features.find((f) => f.column === 'const')!.encoding, 'drop');
});

test('numeric 0/1 target is binary with Pearson associations; datetime column profile', () => {
  const { table } = parseCsv('x,when,y\n1,2024-01-01,0\n2,2024-01-02 10:00,0\n3,2024-01-03,1\n4,2024-01-04,1\n');
  const p = profileTable(table, { target: 'y' });
  assert.equal(p.target!.task, 'binary');
  const a = p.target!.associations.find((x) => x.feature === 'x')!;
  assert.equal(a.method, 'pearson');
  close(a.value, 0.8944271909999159, 'point-biserial r');
  const w = p.columns.find((c) => c.name === 'when')!;
  assert.deepEqual(w.datetime, { min: '2024-01-01', max: '2024-01-04', hasTime: true });
  assert.equal(p.recommendation!.features.find((f) => f.column === 'when')!.units, 5);
});

test('a target mixing numbers and text is an error naming the column', () => {
  const { table } = parseCsv('x,y\n1,2\n2,3\n3,high\n');
  assert.throws(() => profileTable(table, { target: 'y' }), /target "y" mixes numbers and text \(2 numeric, 1 other cells, e\.g\. "high"\)/);
});

test('top values: most frequent first, ties by smaller value', async () => {
  const { topNumbers } = await import('../src/data/explore/stats.js');
  assert.deepEqual(topNumbers(Float64Array.from([1, 2, 2, 3, 3, 4, 4, 4]), 3), [{ value: 4, count: 3 }, { value: 2, count: 2 }, { value: 3, count: 2 }]);
  assert.deepEqual(topNumbers(new Float64Array(0), 3), []);
});
