/**
 * Training without --target: only the bundled penguins data implies `species`; any other table
 * gets explore's reading of it when that is unambiguous (the value column of a series, the one
 * column named like a target), and otherwise the candidate columns are listed (exit code 2).
 */
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { guessTarget } from '../src/data/explore/target_guess.js';
import { readCsv } from '../src/data/sources/csv.js';
import { ROOT, dlflow, scratch } from './cli_helpers.js';

const cwd = scratch('dlflow-target-');
const table = async (text: string) => { const f = join(cwd, `t${Math.random().toString(36).slice(2)}.csv`); writeFileSync(f, text); return (await readCsv(f)).table; };
const bundled = async (name: string) => (await readCsv(join(ROOT, 'datasets', name))).table;

describe('guessTarget', () => {
  test('a series with one value column: that column', async () => {
    assert.deepEqual(guessTarget(await bundled('co2_mauna_loa_weekly.csv')), { column: 'co2', reason: 'the value column of a time series over date' });
  });
  test('one column named like a target', async () => {
    assert.equal(guessTarget(await table('a,b,Label\n1,2,x\n3,4,y\n5,6,x\n')).column, 'Label');
    assert.equal(guessTarget(await table('a,b,y\n1,2,0\n3,4,1\n5,6,0\n')).column, 'y');
  });
  test('nothing evident: the columns that could be predicted (no identifiers, text or dates)', async () => {
    assert.deepEqual(guessTarget(await bundled('statecrime.csv')), { column: null, candidates: ['violent', 'murder', 'hs_grad', 'poverty', 'single', 'white', 'urban'] });
    const penguins = guessTarget(await bundled('penguins.csv'));
    assert.equal(penguins.column, null, 'the penguins table names no target: only the bundled default implies species');
    assert.equal(guessTarget(await table('target,label,x\n1,a,2\n0,b,3\n1,a,4\n')).column, null, 'two target-like names are ambiguous');
  });
});

describe('dlflow train without --target', () => {
  test('the bundled default data trains on species', () => {
    const r = dlflow(cwd, 'train', '--epochs', '1', '--log', 'plain', '--name', 'default');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /task multiclass \(3 classes\)/);
  });
  test('an evident target is used, and the output says so', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 7 > 3 ? 'a' : 'b'}`);
    writeFileSync(join(cwd, 'labelled.csv'), `x1,x2,label\n${rows.join('\n')}\n`);
    const r = dlflow(cwd, 'train', '--data', 'labelled.csv', '--epochs', '1', '--log', 'plain', '--name', 'labelled');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no target given: predicting 'label' \(the only column named like a target\); pass --target <column> to choose another/);
  });
  test('no evident target: exit 2 listing the candidates', () => {
    const r = dlflow(cwd, 'train', '--data', 'datasets/statecrime.csv', '--epochs', '1');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^dlflow train: datasets\/statecrime\.csv: no target given and none is evident; pass --target <column> \(candidates: violent, murder, hs_grad, poverty, single, white, urban\)\n$/);
  });
  test('a copy of the bundled data is any other file', () => {
    copyFileSync(join(ROOT, 'datasets', 'penguins.csv'), join(cwd, 'mine.csv'));
    const r = dlflow(cwd, 'train', '--data', 'mine.csv', '--epochs', '1');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /mine\.csv: no target given and none is evident; pass --target <column> \(candidates: species, island, /);
  });
});
