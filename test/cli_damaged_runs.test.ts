/**
 * A damaged run is the user's file problem, never a crash: `dlflow evaluate`, `predict` and
 * `train --resume` on a run whose model.safetensors is truncated or claims 2^60 bytes, whose
 * model.json is broken, or whose checkpoint is corrupt or belongs to another model, print one
 * message naming the file, exit 1 and show no stack trace.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { dlflow, scratch, type CliResult } from './cli_helpers.js';

const cwd = scratch('dlflow-damaged-');
after(() => rmSync(cwd, { recursive: true, force: true }));

const TRAIN = ['--epochs', '1', '--log', 'plain'];
const trainedSmall = dlflow(cwd, 'train', '--name', 'small', '--hidden', '8', ...TRAIN);
const trainedWide = dlflow(cwd, 'train', '--name', 'wide', '--hidden', '32,16', ...TRAIN);

/** A copy of the small run to damage. */
function copyRun(name: string): string {
  assert.equal(trainedSmall.code, 0, trainedSmall.stderr);
  cpSync(join(cwd, 'runs', 'small'), join(cwd, 'runs', name), { recursive: true });
  return join('runs', name);
}

function failsNaming(r: CliResult, file: RegExp, what: RegExp): void {
  assert.equal(r.code, 1, `exit code\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, file);
  assert.match(r.stderr, what);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** A safetensors header that claims `bytes` of data for one tensor. */
function claimingHeader(bytes: bigint): Buffer {
  const header = Buffer.from(JSON.stringify({ 'layers.0.weight': { dtype: 'F32', shape: [1], data_offsets: [0, Number(bytes)] } }));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([size, header, Buffer.alloc(4)]);
}

describe('damaged runs', () => {
  test('evaluate: a truncated model.safetensors', () => {
    const run = copyRun('truncated');
    const file = join(cwd, run, 'model.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    failsNaming(dlflow(cwd, 'evaluate', run), /model\.safetensors/, /truncat|ends|short|bytes/i);
  });

  test('evaluate and predict: a model.safetensors whose header claims 2^60 bytes', () => {
    const run = copyRun('huge');
    writeFileSync(join(cwd, run, 'model.safetensors'), claimingHeader(2n ** 60n));
    failsNaming(dlflow(cwd, 'evaluate', run), /model\.safetensors/, /bytes|size|offset/i);
    failsNaming(dlflow(cwd, 'predict', run, '--data', 'datasets/penguins.csv'), /model\.safetensors/, /bytes|size|offset/i);
  });

  test('evaluate: a model.json that is not JSON', () => {
    const run = copyRun('badjson');
    const file = join(cwd, run, 'model.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    failsNaming(dlflow(cwd, 'evaluate', run), /model\.json/, /JSON/);
  });

  test('train --resume: a corrupt checkpoint', () => {
    const run = copyRun('corrupt');
    const file = join(cwd, run, 'checkpoints', 'last.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    failsNaming(dlflow(cwd, 'train', '--resume', run, '--epochs', '2'), /last\.safetensors/, /truncat|ends|short|bytes/i);
  });

  test("train --resume: another model's checkpoint names the checkpoint and what differs", () => {
    assert.equal(trainedWide.code, 0, trainedWide.stderr);
    const run = copyRun('other');
    cpSync(join(cwd, 'runs', 'wide', 'checkpoints', 'last.safetensors'), join(cwd, run, 'checkpoints', 'last.safetensors'));
    failsNaming(dlflow(cwd, 'train', '--resume', run, '--epochs', '2'), /last\.safetensors: was written for another model than this one/, /layers\.\d\.weight|shape|missing|unexpected/i);
  });
});
