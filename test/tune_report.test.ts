/**
 * The study report: the regression trees of the importances against scikit-learn (fixtures by
 * scripts/make_tune_fixtures.py), the importances on a study where one parameter matters, the
 * parallel-coordinates chart, the report page (well-formed, escaped, every section) and the live
 * trials table of `dlflow tune`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { TrialTable } from '../src/cli/commands/tune_table.js';
import * as r from '../src/report/index.js';
import * as tune from '../src/tune/index.js';
import { treeImportances } from '../src/tune/math/regression_tree.js';
import { parseXml } from './xml_check.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/tune/optuna.json', import.meta.url), 'utf8'));

async function study(n: number): Promise<tune.Study> {
  const s = tune.createStudy({ direction: 'minimize', sampler: new tune.RandomSampler({ seed: 4 }) });
  await s.optimize((t) => {
    const x = t.suggestFloat('x', -3, 3);
    t.suggestFloat('noise <b>', 0, 1);
    t.suggestCategorical('opt', ['adam', 'sgd']);
    const layers = t.suggestInt('layers', 1, 3);
    for (let i = 0; i < layers; i++) t.suggestInt(`units_${i}`, 16, 512, { log: true });
    if (t.number === 3) throw new Error('boom <script>');
    return x * x;
  }, { nTrials: n, onTrialFinished: () => {} });
  return s;
}

describe('tune report: importances', () => {
  it("regression trees credit impurity decrease as scikit-learn's DecisionTreeRegressor", () => {
    // Where several features split a small node equally well (two samples: any feature that
    // separates them), scikit-learn picks by a random feature order, so small shares move by
    // up to about 0.01; the table without such ties (the first) matches to rounding.
    fx.tree_importance.forEach((c: { x: number[][]; y: number[]; importances: number[] }, k: number) => {
      const mine = treeImportances(c.x, c.y, c.y.map((_, i) => i));
      const tol = k === 0 ? 1e-9 : 0.01;
      mine.forEach((v, j) => assert.ok(Math.abs(v - c.importances[j]) < tol, `table ${k} feature ${j}: ${v} vs ${c.importances[j]}`));
      assert.equal(mine.indexOf(Math.max(...mine)), c.importances.indexOf(Math.max(...c.importances)));
    });
  });

  it('the parameter the objective depends on ranks first; the shares sum to 1; shared parameters only', async () => {
    const s = await study(40);
    const imp = tune.parameterImportances(s.trials);
    assert.equal(Object.keys(imp)[0], 'x');
    assert.ok(imp.x > 0.6, JSON.stringify(imp));
    assert.ok(Math.abs(Object.values(imp).reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.deepEqual(Object.keys(imp).sort(), ['layers', 'noise <b>', 'opt', 'units_0', 'x']);
    assert.deepEqual(tune.parameterImportances(s.trials.slice(0, 1)), {});
  });
});

describe('tune report: charts and page', () => {
  it('parallel coordinates: one line per row, broken where a row lacks a variable, the highlighted row on top', () => {
    const svg = r.parallelCoordinates([
      { name: 'lr', kind: 'log', values: [1e-3, 1e-2, 1e-1] },
      { name: 'units_1', kind: 'log', values: [32, null, 64] },
      { name: 'opt <x>', kind: 'categorical', values: ['adam', 'sgd', 'adam'] },
      { name: 'value', kind: 'linear', values: [0.5, 0.7, 0.9] },
    ], { title: 'Trials', highlight: 2 });
    parseXml(svg);
    const paths = [...svg.matchAll(/<path (class="dl-highlight" )?d="([^"]+)"/g)];
    assert.equal(paths.length, 3);
    assert.ok(paths[2][1] !== undefined, 'the highlighted row comes last');
    assert.equal((paths[1][2].match(/M/g) ?? []).length, 2, 'the row without units_1 is drawn in two pieces');
    assert.ok(svg.includes('opt &lt;x&gt;') && svg.includes('log scale'));
    assert.match(r.parallelCoordinates([{ name: 'a', kind: 'linear', values: [1] }]), /Needs at least two variables/);
  });

  it('the report page has every section, marks the best trial, keeps failure messages escaped', async () => {
    const s = await study(12);
    const html = tune.studyReport({ studyName: 's <1>', direction: 'minimize', trials: s.trials, metric: 'val_loss', storage: 'memory' });
    for (const id of ['summary', 'history', 'parameters', 'importances', 'trials']) assert.ok(html.includes(`<section id="${id}"`), id);
    assert.equal((html.match(/\(best\)/g) ?? []).length, 1);
    assert.ok(html.includes(`${s.bestTrial.number} (best)`));
    assert.ok(html.includes('boom &lt;script&gt;') && !html.includes('boom <script>'));
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    parseXml(html.slice(html.indexOf('<main>'), html.indexOf('</main>') + 7));
    const empty = tune.studyReport({ studyName: 'e', direction: 'maximize', trials: [] });
    assert.match(empty, /No data|Too few complete trials/);
  });

  it('the live table: a header, aligned rows, the new best marked', async () => {
    const s = await study(3);
    const table = new TrialTable('val_loss', ['opt', 'noise <b>'], true);
    const [head, rule] = table.header().split('\n');
    assert.match(head, /^trial +state +val_loss +hidden +opt +noise <b>$/);
    assert.equal(rule.length, head.length);
    const rows = s.trials.map((t) => table.row(t, t.trialId === s.bestTrial.trialId));
    assert.equal(rows.filter((x) => x.endsWith('◀ best')).length, 1);
    const valueEnd = head.indexOf('val_loss') + 'val_loss'.length + 2;
    for (const row of rows) assert.match(row.slice(0, valueEnd), /\d\.\d{4}$/);
    assert.match(rows[0], new RegExp(`${s.trials[0].params.units_0}`));
  });
});
