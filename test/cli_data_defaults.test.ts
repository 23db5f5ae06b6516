/** Data-dependent defaults ('auto'): resolved once the data is known, and recorded in the run's config. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { resolvedEpochs, withDataDefaults } from '../src/cli/config/data_defaults.js';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { dlflow, scratch } from './cli_helpers.js';

const settings = (inputShape: number[], task: 'binary' | 'multiclass' | 'regression', config = defaultConfig()): [string, string] => {
  const h = withDataDefaults(config, { inputShape, task, summary: { splits: { train: 1000 } } }).hyperparameters;
  return [h.scheduler.type, h.earlyStopping.monitor];
};

test("scheduler and monitor 'auto': cosine and val_accuracy for classifiers of images, spectrograms and volumes; none and val_loss for tables and series", () => {
  assert.deepEqual(settings([1, 28, 28], 'multiclass'), ['cosine', 'val_accuracy']);
  assert.deepEqual(settings([1, 40, 63], 'binary'), ['cosine', 'val_accuracy']);
  assert.deepEqual(settings([1, 16, 16, 16], 'multiclass'), ['cosine', 'val_accuracy']);
  assert.deepEqual(settings([3, 32, 32], 'regression'), ['cosine', 'val_loss']);
  assert.deepEqual(settings([7], 'multiclass'), ['none', 'val_loss']);
  assert.deepEqual(settings([52, 1], 'regression'), ['none', 'val_loss']);
});

test('settings the user gave are kept; the config passed in is not changed', () => {
  const config = defaultConfig();
  config.hyperparameters.scheduler.type = 'step';
  config.hyperparameters.earlyStopping.monitor = 'val_f1_macro';
  assert.deepEqual(settings([1, 28, 28], 'multiclass', config), ['step', 'val_f1_macro']);
  const fresh = defaultConfig();
  withDataDefaults(fresh, { inputShape: [1, 28, 28], task: 'multiclass', summary: { splits: { train: 1000 } } });
  assert.equal(fresh.hyperparameters.scheduler.type, 'auto');
});

test("epochs 'auto': 300 for a time series (early stopping ends it), a table at least 1000 steps' worth (at most 1000 epochs), else 50; a number given is kept", () => {
  const epochsOf = (traits: Omit<Parameters<typeof withDataDefaults>[1], 'summary'>, train = 60000, config = defaultConfig()): number | 'auto' =>
    withDataDefaults(config, { ...traits, summary: { splits: { train } } }).hyperparameters.epochs;
  assert.equal(defaultConfig().hyperparameters.epochs, 'auto');
  assert.equal(epochsOf({ inputShape: [52, 1], task: 'regression', series: {} }), 300);
  assert.equal(epochsOf({ inputShape: [52, 1], task: 'regression' }), 50);
  assert.equal(epochsOf({ inputShape: [1, 28, 28], task: 'multiclass' }), 50);
  assert.equal(epochsOf({ inputShape: [1, 28, 28], task: 'multiclass' }, 92), 50, 'not a table: the rule is for tables');
  // Tables, batches of 64: iris's 92 training rows are 2 steps an epoch, breast cancer's 351 are 6.
  assert.equal(epochsOf({ inputShape: [4], task: 'multiclass' }, 92), 500);
  assert.equal(epochsOf({ inputShape: [30], task: 'binary' }, 351), 167);
  assert.equal(epochsOf({ inputShape: [30], task: 'binary' }, 10), 1000);
  assert.equal(epochsOf({ inputShape: [30], task: 'binary' }, 60000), 50);
  const small = defaultConfig();
  small.hyperparameters.batchSize = 16;
  assert.equal(epochsOf({ inputShape: [4], task: 'multiclass' }, 92, small), 167);
  const given = defaultConfig();
  given.hyperparameters.epochs = 7;
  assert.equal(epochsOf({ inputShape: [52, 1], task: 'regression', series: {} }, 60000, given), 7);
  assert.equal(epochsOf({ inputShape: [4], task: 'multiclass' }, 92, given), 7);
  assert.throws(() => resolvedEpochs(defaultConfig().hyperparameters), /epochs 'auto' must be resolved/);
});

const dir = scratch('dlflow-defaults-');
after(() => rmSync(dir, { recursive: true, force: true }));

test("a run's config.resolved.yaml records what 'auto' became", () => {
  const r = dlflow(dir, 'train', '--name', 't', '--epochs', '1', '--log', 'plain');
  assert.equal(r.code, 0, r.stderr);
  const resolved = parse(readFileSync(join(dir, 'runs', 't', 'config.resolved.yaml'), 'utf8')) as ReturnType<typeof defaultConfig>;
  assert.equal(resolved.hyperparameters.scheduler.type, 'none');
  assert.equal(resolved.hyperparameters.earlyStopping.monitor, 'val_loss');
  assert.equal(resolved.hyperparameters.epochs, 1);
});
