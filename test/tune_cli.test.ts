/** `dlflow tune` end to end on the bundled penguins data: JSON output, study totals across reruns and workers, k-fold trials and their retrain, best.yaml, errors. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { dlflow, scratch } from './cli_helpers.js';

describe('dlflow tune', () => {
  const dir = scratch('dlflow-tune-');

  it('--json prints one object; --trials is the study total, so a rerun (with 2 jobs) only adds the rest', () => {
    const a = dlflow(dir, 'tune', '--trials', '3', '--epochs', '2', '--json', '--no-retrain');
    assert.equal(a.code, 0, a.stderr);
    const ra = JSON.parse(a.stdout);
    assert.deepEqual(Object.keys(ra), ['study', 'storage', 'trials', 'complete', 'pruned', 'failed', 'best_value', 'best_params', 'best_config', 'best_run', 'validation']);
    // 344 rows, 294 of them train + validation: a small table, so trials are judged by 5-fold cross-validation.
    assert.deepEqual({ ...ra.validation, rule: undefined }, { method: 'kfold', folds: 5, rows: 294, rule: undefined });
    assert.match(ra.validation.rule, /at most 2000 \(tune\.cv\.maxRows\)/);
    assert.equal(ra.study, 'tune-penguins');
    assert.match(ra.storage, /^sqlite:\/\/\/.*runs[\\/]tune\.db$/);
    assert.equal(ra.trials, 3);
    assert.equal(ra.best_run, null);
    assert.ok(existsSync(join(dir, 'runs', 'tune-penguins', 'report.html')), 'no report.html in the study folder');
    assert.ok(ra.best_value > 0 && ra.best_value <= 1);
    const b = dlflow(dir, 'tune', '--trials', '6', '--jobs', '2', '--epochs', '2', '--json', '--no-retrain');
    assert.equal(b.code, 0, b.stderr);
    const rb = JSON.parse(b.stdout);
    assert.equal(rb.trials, 6);
    assert.equal(rb.complete + rb.pruned + rb.failed, 6);
    const best = resolveConfig({ file: join(dir, rb.best_config) });
    assert.equal(best.model.hidden?.length, rb.best_params.layers);
    assert.equal(best.hyperparameters.lr, rb.best_params.lr);
    assert.equal(best.hyperparameters.optimizer, rb.best_params.optimizer);
  });

  it('retrains the best config into a run directory unless --no-retrain: after k-fold, on every train + validation row', () => {
    const r = dlflow(dir, 'tune', '--study', 'retrain', '--trials', '2', '--epochs', '2', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.best_run !== null && existsSync(join(dir, out.best_run, 'model.safetensors')), r.stderr);
    const best = resolveConfig({ file: join(dir, out.best_config) });
    assert.deepEqual(best.data.split, { train: 0.85, val: 0, test: 0.15 });
    assert.equal(best.hyperparameters.earlyStopping.patience, 0);
    const epochs = best.hyperparameters.epochs;
    assert.ok(typeof epochs === 'number' && epochs >= 1 && epochs <= 2, `epochs ${epochs}`);
    const evaluation = JSON.parse(readFileSync(join(dir, out.best_run, 'evaluation.json'), 'utf8'));
    assert.equal(evaluation.rows, 50, 'the 50 test rows the search left alone');
  });

  it('tune.cv.maxRows below the rows judges trials on the validation split, and best.yaml keeps it', () => {
    const r = dlflow(dir, 'tune', '--study', 'holdout', '--trials', '2', '--epochs', '2', '--tune.cv.maxRows', '100', '--json', '--no-retrain');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.validation.method, 'holdout');
    assert.equal(out.validation.rows, 52);
    const best = resolveConfig({ file: join(dir, out.best_config) });
    assert.deepEqual(best.data.split, { train: 0.7, val: 0.15, test: 0.15 });
    assert.equal(best.hyperparameters.earlyStopping.patience, 10);
  });

  it('a typo in tune: gets a did-you-mean; a contradictory or empty space and an unreachable storage are clear errors', () => {
    writeFileSync(join(dir, 'typo.yaml'), 'tune:\n  trails: 3\n  space:\n    lrr: null\n');
    const t = dlflow(dir, 'tune', 'typo.yaml');
    assert.equal(t.code, 2);
    assert.match(t.stderr, /tune\.trails: unknown key \(did you mean 'trials'\?\)/);
    assert.match(t.stderr, /tune\.space\.lrr: unknown key \(did you mean 'lr'\?\)/);
    const c = dlflow(dir, 'tune', '--tune.space.dropout.log', 'true');
    assert.equal(c.code, 2);
    assert.match(c.stderr, /tune\.space\.dropout: low must be > 0 on a log scale, got 0/);
    // Bounds and choices are checked against the key they are written into (the config schema).
    const b = dlflow(dir, 'tune', '--tune.space.lr.low', '-1');
    assert.equal(b.code, 2);
    assert.match(b.stderr, /tune\.space\.lr\.low: not a value of hyperparameters\.lr: expected a number > 0, found -1/);
    writeFileSync(join(dir, 'choice.yaml'), 'tune:\n  space:\n    optimizer: { type: categorical, log: false, choices: [adam, adamm] }\n');
    const o = dlflow(dir, 'tune', 'choice.yaml');
    assert.equal(o.code, 2);
    assert.match(o.stderr, /tune\.space\.optimizer\.choices\[1\]: not a value of hyperparameters\.optimizer: expected one of 'sgd', .*found "adamm" \(did you mean 'adam'\?\)/);
    writeFileSync(join(dir, 'empty.yaml'), 'tune:\n  space: { layers: null, units: null, lr: null, batchSize: null, dropout: null, weightDecay: null, optimizer: null }\n');
    const e = dlflow(dir, 'tune', 'empty.yaml');
    assert.equal(e.code, 2);
    assert.match(e.stderr, /the search space is empty/);
    const p = dlflow(dir, 'tune', '--storage', 'postgresql://u@127.0.0.1:1/x');
    assert.equal(p.code, 2);
    assert.match(p.stderr, /cannot reach the PostgreSQL study storage postgresql:\/\/u@127\.0\.0\.1:1\/x/);
    const d = dlflow(dir, 'tune', '--study', 'tune-penguins', '--tune.direction', 'minimize', '--trials', '1');
    assert.equal(d.code, 2);
    assert.match(d.stderr, /exists with direction maximize, not minimize/);
  });
});
