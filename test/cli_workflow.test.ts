/**
 * The CLI end to end on the bundled penguins data: train → evaluate --json → predict, the run
 * directory's files, summary, init, and exact resume (4 epochs straight = 2 + resume to 4).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { dlflow, scratch } from './cli_helpers.js';

const FAST = ['--epochs', '3', '--hidden', '16', '--log', 'plain'];

const history = (dir: string): Record<string, number>[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

describe('dlflow train → evaluate → predict', () => {
  const cwd = scratch();
  const run = join(cwd, 'runs', 'p');
  const trained = dlflow(cwd, 'train', '--name', 'p', ...FAST);

  test('train writes a complete run directory', () => {
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /device: auto -> cpu/);
    assert.match(trained.stdout, /Layer \(type\)/);
    assert.match(trained.stdout, /epoch 3\/3 {2}train_loss/);
    for (const f of ['config.resolved.yaml', 'model.safetensors', 'model.json', 'metrics.jsonl', 'history.csv', 'architecture.svg', 'report.html', 'checkpoints/last.safetensors']) {
      assert.ok(existsSync(join(run, f)), `${f} missing`);
    }
    const info = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    assert.equal(info.status, 'complete');
    assert.deepEqual(info.labels, ['Adelie', 'Chinstrap', 'Gentoo']);
    assert.equal(info.preprocessing.type, 'table');
    const rows = history(run);
    assert.deepEqual(rows.map((r) => r.epoch), [1, 2, 3]);
    for (const r of rows) for (const k of ['train_loss', 'val_loss', 'val_accuracy']) assert.equal(typeof r[k], 'number', k);
    assert.equal(readFileSync(join(run, 'history.csv'), 'utf8').trim().split('\n').length, 4);
    const cfg = parse(readFileSync(join(run, 'config.resolved.yaml'), 'utf8'));
    assert.equal(cfg.hyperparameters.epochs, 3);
    assert.deepEqual(cfg.model.hidden, [16]);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    assert.match(html, /id="evaluation"/);
    assert.ok((html.match(/<svg/g) ?? []).length >= 4);
  });

  test('evaluate --json prints one object with scikit-learn metric names', () => {
    const r = dlflow(cwd, 'evaluate', run, '--json');
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    for (const k of ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc_ovr', 'log_loss']) assert.equal(typeof m[k], 'number', k);
    assert.equal(m.rows, 50); // the stratified 15% test split of 344 rows (dl.data splitRows: floor per class, remainders to train first)
    const text = dlflow(cwd, 'evaluate', run);
    assert.match(text.stdout, /precision {4}recall {2}f1-score {3}support/);
  });

  test('predict writes class and probabilities, and reports bad rows by line', () => {
    const csv = readFileSync(join(cwd, 'datasets', 'penguins.csv'), 'utf8').split('\n').slice(0, 4);
    csv.push('Adelie,Dream,not-a-number,18,190,3700,male,2008');
    writeFileSync(join(cwd, 'new.csv'), `${csv.join('\n')}\n`);
    const r = dlflow(cwd, 'predict', run, '--data', 'new.csv', '--out', 'preds.csv');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /new\.csv: line 5: column 'bill_length_mm': 'not-a-number' (is )?not a number/);
    const lines = readFileSync(join(cwd, 'preds.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'row,prediction,prob_Adelie,prob_Chinstrap,prob_Gentoo,error');
    assert.equal(lines.length, 5);
    assert.match(lines[1], /^1,(Adelie|Chinstrap|Gentoo),0\.\d+,/);
    assert.match(lines[4], /^4,,,,,/);
  });

  test('summary of a run prints the layer table', () => {
    const r = dlflow(cwd, 'summary', run);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Total params/);
  });
});

describe('exact resume', () => {
  test('4 epochs straight equal 2 epochs + --resume to 4', () => {
    const cwd = scratch();
    const args = ['--epochs', '4', '--hidden', '16,8', '--dropout', '0.2', '--log', 'plain', '--scheduler', 'step', '--hyperparameters.scheduler.stepSize', '1'];
    assert.equal(dlflow(cwd, 'train', '--name', 'full', ...args).code, 0);
    const half = dlflow(cwd, 'train', '--name', 'half', ...args, '--epochs', '2');
    assert.equal(half.code, 0, half.stderr);
    const resumed = dlflow(cwd, 'train', '--resume', join('runs', 'half'), '--epochs', '4');
    assert.equal(resumed.code, 0, resumed.stderr);
    const a = history(join(cwd, 'runs', 'full'));
    const b = history(join(cwd, 'runs', 'half'));
    assert.equal(b.length, 4);
    for (const k of ['train_loss', 'val_loss', 'val_accuracy', 'lr']) assert.deepEqual(b.map((r) => r[k]), a.map((r) => r[k]), k);
    assert.deepEqual(readFileSync(join(cwd, 'runs', 'half', 'model.safetensors')), readFileSync(join(cwd, 'runs', 'full', 'model.safetensors')));
  });
});

describe('init', () => {
  test('writes a config and a model file that train end to end', () => {
    const cwd = scratch();
    const r = dlflow(cwd, 'init', 'proj');
    assert.equal(r.code, 0, r.stderr);
    const t = dlflow(cwd, 'train', 'proj/dlflow.yaml', '--epochs', '2', '--name', 'fromfile', '--log', 'plain');
    assert.equal(t.code, 0, t.stderr);
    assert.ok(existsSync(join(cwd, 'runs', 'fromfile', 'model.ts')));
    const e = dlflow(cwd, 'evaluate', join('runs', 'fromfile'), '--json');
    assert.equal(e.code, 0, e.stderr);
    const again = dlflow(cwd, 'init', 'proj');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exist/);
  });
});

describe('other modes', () => {
  test('--log jsonl prints one JSON object per epoch on stdout', () => {
    const cwd = scratch();
    const r = dlflow(cwd, 'train', '--epochs', '2', '--log', 'jsonl', '--name', 'j');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.epoch), [1, 2]);
    assert.match(r.stderr, /Layer \(type\)/);
  });

  test('regression: train and evaluate report scikit-learn regression metrics in target units', () => {
    const cwd = scratch();
    const r = dlflow(cwd, 'train', '--data', 'datasets/statecrime.csv', '--target', 'violent', '--epochs', '3', '--name', 'reg', '--log', 'plain');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /task regression/);
    const m = JSON.parse(dlflow(cwd, 'evaluate', join('runs', 'reg'), '--json').stdout);
    for (const k of ['r2', 'mean_squared_error', 'mean_absolute_error']) assert.equal(typeof m[k], 'number', k);
    const preds = dlflow(cwd, 'predict', join('runs', 'reg'), '--data', 'datasets/statecrime.csv').stdout.trim().split('\n');
    assert.equal(preds[0], 'row,prediction,error');
    assert.ok(Number(preds[1].split(',')[1]) > 50, 'predictions are in the target units');
  });
});
