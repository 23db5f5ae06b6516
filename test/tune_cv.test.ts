/**
 * `dlflow tune`'s k-fold trials on small tables: which rule picks k-fold, that the folds cover the
 * train + validation rows once each (stratified) and never the test rows, that a k-fold trial
 * reports the running mean after each fold, and that the retrain split (validation rows moved into
 * training) keeps exactly the test rows the search left alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validationOf, runTrial, RETRAIN_EPOCHS_ATTR } from '../src/cli/commands/tune_trial.js';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { chooseLoss } from '../src/cli/model/loss.js';
import { prepareRunData } from '../src/cli/run/data.js';
import { splitRows } from '../src/data/loader/split.js';
import { inMemory } from '../src/data/prepare/examples.js';
import * as tune from '../src/tune/index.js';

const rowKey = (x: Float32Array, units: number, r: number): string => x.subarray(r * units, (r + 1) * units).join(',');

describe('dlflow tune: k-fold trials on small tables', async () => {
  const config = resolveConfig({ flags: [['epochs', '2']] }); // the bundled penguins table
  const data = await prepareRunData(config);

  it('k-fold when the train + validation rows are at most tune.cv.maxRows, else the validation split', () => {
    const v = validationOf(config, data);
    assert.equal(v.method, 'kfold');
    assert.equal(v.rows, data.train.rows + data.val.rows);
    assert.match(v.rule, /k = 5.*at most 2000/);
    const small = validationOf({ ...config, tune: { ...config.tune, cv: { folds: 5, maxRows: v.rows - 1 } } }, data);
    assert.equal(small.method, 'holdout');
    assert.equal(small.rows, data.val.rows);
  });

  it('the folds partition the train + validation rows, keep class proportions and hold no test row', () => {
    const v = validationOf(config, data);
    assert.ok(v.method === 'kfold');
    const units = data.inputUnits;
    const pool = new Map<string, number>();
    const [train, val] = [inMemory(data.train)!, inMemory(data.val)!];
    for (const a of [train, val]) for (let r = 0; r < a.rows; r++) pool.set(rowKey(a.x, units, r), (pool.get(rowKey(a.x, units, r)) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const s of v.splits) {
      assert.equal(s.train.rows + s.val.rows, v.rows);
      for (let r = 0; r < s.val.rows; r++) seen.set(rowKey(s.val.x, units, r), (seen.get(rowKey(s.val.x, units, r)) ?? 0) + 1);
      const classes = data.target.classes?.length ?? 0;
      for (let k = 0; k < classes; k++) {
        const inFold = s.val.y.filter((y) => y === k).length;
        const inPool = v.pool.y.filter((y) => y === k).length;
        assert.ok(Math.abs(inFold - inPool / v.folds) <= 1, `class ${k}: ${inFold} of ${inPool} in a fold of ${v.folds}`);
      }
    }
    assert.deepEqual(seen, pool, 'each train + validation row validates exactly once');
    assert.deepEqual(v.pool.x, Float32Array.from([...train.x, ...val.x]), 'the pool is the train rows then the validation rows, nothing else');
  });

  it('a k-fold trial reports the mean of the folds so far after each fold and returns the mean', async () => {
    const v = validationOf(config, data);
    const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0);
    const study = tune.createStudy({ direction: 'maximize', sampler: new tune.RandomSampler({ seed: 0 }) });
    await study.optimize((t) => runTrial(t, config, data, loss, { metric: 'val_accuracy', direction: 'maximize' }, v), { nTrials: 1 });
    const t = study.trials[0];
    assert.equal(t.state, 'complete', String(t.systemAttrs.fail_reason));
    const folds = t.userAttrs.fold_values as number[];
    assert.equal(folds.length, 5);
    const means = folds.map((_, k) => folds.slice(0, k + 1).reduce((a, b) => a + b, 0) / (k + 1));
    assert.deepEqual([...t.intermediateValues.entries()], means.map((m, k) => [k, m]));
    assert.equal(t.value, means[4]);
    const epochs = t.userAttrs[RETRAIN_EPOCHS_ATTR] as number;
    assert.ok(Number.isInteger(epochs) && epochs >= 1 && epochs <= 2, `retrain epochs ${epochs}`);
  });

  it('moving the validation fraction into training keeps the test rows (random and stratified splits)', async () => {
    for (const n of [10, 37, 150, 344, 1001]) {
      for (const seed of [0, 1, 42]) {
        const strata = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
        for (const s of [undefined, strata]) {
          const search = splitRows(n, { train: 0.7, val: 0.15, test: 0.15 }, seed, s);
          const retrain = splitRows(n, { train: 0.7 + 0.15, val: 0, test: 0.15 }, seed, s);
          assert.deepEqual(retrain.test, search.test, `n=${n} seed=${seed} ${s ? 'stratified' : 'random'}`);
        }
      }
    }
    const moved = await prepareRunData(resolveConfig({ flags: [['data.split.train', '0.85'], ['data.split.val', '0']] }));
    assert.deepEqual(moved.test.y, data.test.y);
    assert.equal(moved.train.rows, data.train.rows + data.val.rows);
  });
});
