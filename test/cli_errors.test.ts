/**
 * Bad input: each gives a clear message, exit code 2 for usage errors, and leaves no run
 * directory behind. A NaN loss stops training naming the epoch, the batch and the checkpoint.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dlflow, scratch } from './cli_helpers.js';

const cwd = scratch();

function fails(args: string[], pattern: RegExp, code = 2): void {
  const r = dlflow(cwd, ...args);
  assert.equal(r.code, code, `exit code of dlflow ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.ok(!existsSync(join(cwd, 'runs')) || readdirSync(join(cwd, 'runs')).length === 0, 'a run directory was left behind');
}

describe('usage errors exit with code 2 and a clear message', () => {
  test('missing data file', () => fails(['train', '--data', 'nope.csv', '--target', 'y'], /data not found: nope\.csv/));
  test('wrong target name suggests the closest column', () => fails(['train', '--target', 'specis'], /target column 'specis' is not in \S*datasets\/penguins\.csv \(did you mean 'species'\?\)/));
  test('single-class target', () => {
    writeFileSync(join(cwd, 'one.csv'), 'x,y\n1,a\n2,a\n3,a\n4,a\n');
    fails(['train', '--data', 'one.csv', '--target', 'y'], /target 'y' has a single class \("a"\)/);
  });
  test('config typo suggests the closest key', () => {
    writeFileSync(join(cwd, 'typo.yaml'), 'hyperparameters:\n  epcohs: 3\n');
    fails(['train', 'typo.yaml'], /hyperparameters\.epcohs: unknown key \(did you mean 'epochs'\?\)/);
  });
  test('wrong value type names the key, expected and found', () => fails(['train', '--lr', 'fast'], /hyperparameters\.lr: expected a number > 0, found "fast"/));
  test('unknown flag suggests the closest', () => fails(['train', '--epohcs', '3'], /unknown option --epohcs \(did you mean '--epochs'\?\)/));
  test('missing config file', () => fails(['train', 'nope.yaml'], /config file not found: nope\.yaml/));
  test('cuda device', () => fails(['train', '--device', 'cuda'], /no CUDA backend yet/));
  test('unknown command', () => fails(['trian'], /unknown command 'trian' \(did you mean 'train'\?\)/));
  test('unwritable run directory', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
    const ro = join(cwd, 'readonly');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const r = dlflow(cwd, 'train', '--runs-dir', join(ro, 'runs'), '--epochs', '1');
    chmodSync(ro, 0o700);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot write the run directory under .*permission denied/);
  });
  test('run directory blocked by a file', () => {
    writeFileSync(join(cwd, 'afile'), 'x');
    fails(['train', '--runs-dir', 'afile/runs', '--epochs', '1'], /cannot write the run directory under afile\/runs: a file is in the way/);
  });
  test('evaluate of a folder that is not a run', () => fails(['evaluate', 'datasets'], /not a dlflow run/));
});

describe('non-finite loss', () => {
  test('stops with the epoch, the batch and the last good checkpoint', () => {
    // Batch 1 of epoch 1 trains; SGD with lr 1e30 then sends the weights to inf and the loss to NaN.
    const dir = scratch();
    const r = dlflow(dir, 'train', '--name', 'nan', '--optimizer', 'sgd', '--lr', '1e30', '--epochs', '3', '--log', 'plain');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /the loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+; no checkpoint was written before it/);
    assert.ok(!existsSync(join(dir, 'runs', 'nan')), 'a run without a checkpoint is removed');
  });
});

describe('an error dlflow does not recognise', () => {
  test('is one line saying what it is, exit code 70; the stack trace only with --verbose', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'broken.ts'), [
      "import type * as DL from 'dlflow';",
      'export default function createModel(dl: typeof DL): DL.nn.Module {',
      '  class Broken extends dl.nn.Module {',
      '    lin = new dl.nn.Linear(1, 1);',
      "    override forward(): DL.Tensor { throw new Error('boom in forward'); }",
      '  }',
      '  return new Broken();',
      '}',
    ].join('\n'));
    const args = ['train', '--model.arch', 'broken.ts', '--epochs', '1', '--log', 'plain'];
    const r = dlflow(dir, ...args);
    assert.equal(r.code, 70, r.stdout + r.stderr);
    assert.match(r.stderr, /^dlflow train: unexpected error: Error: boom in forward\nUnless your own code \(a model file\) raised it, this is a bug in dlflow: please report it\.\n\(run again with --verbose for the stack trace\)\n$/);
    const v = dlflow(dir, ...args, '--verbose');
    assert.equal(v.code, 70);
    assert.match(v.stderr, /unexpected error: Error: boom in forward[\s\S]*\n\s+at .*broken\.ts/);
  });
});
