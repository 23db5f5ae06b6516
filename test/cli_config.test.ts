/** The config: defaults, YAML files, shorthands, command-line overrides and validation messages. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, test } from 'node:test';
import { parseArgs } from '../src/cli/args.js';
import { closest, levenshtein } from '../src/base/suggest.js';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { UsageError } from '../src/cli/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'dlflow-config-'));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const usage = (fn: () => unknown, pattern: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message));

describe('config', () => {
  test('levenshtein and closest', () => {
    assert.equal(levenshtein('kitten', 'sitting'), 3);
    assert.equal(closest('hiden', ['hidden', 'activation']), 'hidden');
    assert.equal(closest('zzzzzz', ['hidden']), undefined);
  });

  test('defaults train on the bundled penguins data', () => {
    const c = resolveConfig();
    assert.ok(c.data.path.endsWith('/datasets/penguins.csv') && isAbsolute(c.data.path), c.data.path);
    assert.equal(c.data.target, 'species');
    assert.equal(c.device, 'auto');
  });

  test('command-line flags set any key, with types from the schema', () => {
    const args = parseArgs(['--epochs', '20', '--lr', '3e-4', '--hidden', '256,128', '--device', 'cpu', '--data.split.val', '0.2', '--data.split.test', '0.1', '--batch-norm']);
    const c = resolveConfig({ flags: args.flags });
    assert.equal(c.hyperparameters.epochs, 20);
    assert.equal(c.hyperparameters.lr, 3e-4);
    assert.deepEqual(c.model.hidden, [256, 128]);
    assert.equal(c.device, 'cpu');
    assert.equal(c.data.split.val, 0.2);
    assert.equal(c.model.batchNorm, true);
  });

  test('YAML file with shorthands, then flags on top', () => {
    const p = file('a.yaml', 'model: ./net.ts\nhyperparameters:\n  scheduler: cosine\n  earlyStopping: 4\n  epochs: 7\nmetrics: accuracy,f1_macro\n');
    const c = resolveConfig({ file: p, flags: [['epochs', '9']] });
    assert.equal(c.model.arch, join(dir, 'net.ts'));
    assert.equal(c.hyperparameters.scheduler.type, 'cosine');
    assert.equal(c.hyperparameters.earlyStopping.patience, 4);
    assert.equal(c.hyperparameters.epochs, 9);
    assert.deepEqual(c.metrics, ['accuracy', 'f1_macro']);
  });

  test('errors name the key path, the expectation and what was found', () => {
    usage(() => resolveConfig({ file: file('b.yaml', 'hyperparameters:\n  batchSize: 0\n') }), /hyperparameters\.batchSize: expected an integer >= 1, found 0/);
    usage(() => resolveConfig({ file: file('c.yaml', 'dat:\n  path: x.csv\n') }), /dat: unknown key \(did you mean 'data'\?\)/);
    usage(() => resolveConfig({ flags: [['optimizer', 'adm']] }), /expected one of .* found "adm" \(did you mean 'adam'\?\)/);
    usage(() => resolveConfig({ flags: [['data.split.val', '0.5']] }), /data\.split: train \+ val \+ test must sum to 1/);
    usage(() => resolveConfig({ file: file('d.yaml', 'a: [1,\n') }), /d\.yaml:\d+:\d+: invalid YAML/);
    usage(() => resolveConfig({ flags: [['hyperparameters.lrr', '1']] }), /unknown option --hyperparameters\.lrr \(did you mean '--hyperparameters\.lr'\?\)/);
  });
});
