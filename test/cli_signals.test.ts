/**
 * Process-level robustness: `kill -9` at any moment leaves the last checkpoint loadable (and
 * resumable); Ctrl-C (SIGINT) saves a checkpoint and exits cleanly with code 130.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCheckpoint } from '../src/train/checkpoint.js';
import { dlflow, dlflowAsync, scratch } from './cli_helpers.js';

const LONG = ['--epochs', '100000', '--patience', '0', '--hidden', '8', '--log', 'plain'];

async function waitFor(file: string, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error(`${file} did not appear`);
    await sleep(20);
  }
}

const exited = (child: ReturnType<typeof dlflowAsync>): Promise<{ code: number | null; signal: string | null }> =>
  new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

describe('interruptions', () => {
  test('kill -9 at random moments leaves a loadable checkpoint', async () => {
    const cwd = scratch();
    const ckpt = join(cwd, 'runs', 'k', 'checkpoints', 'last.safetensors');
    for (let i = 0; i < 3; i++) {
      const child = dlflowAsync(cwd, 'train', '--name', i === 0 ? 'k' : 'k', ...(i === 0 ? LONG : ['--resume', join('runs', 'k'), '--epochs', '100000']));
      await waitFor(ckpt);
      await sleep(50 + Math.random() * 300);
      child.kill('SIGKILL');
      await exited(child);
      const c = readCheckpoint(ckpt);
      assert.ok(c.meta.epoch >= 1);
      assert.ok(Object.keys(c.tensors).some((k) => k.startsWith('model.')));
    }
    const info = JSON.parse(readFileSync(join(cwd, 'runs', 'k', 'model.json'), 'utf8'));
    assert.equal(info.status, 'training');
  });

  test('Ctrl-C writes a checkpoint and exits with 130; the run resumes', async () => {
    const cwd = scratch();
    const run = join(cwd, 'runs', 'c');
    const child = dlflowAsync(cwd, 'train', '--name', 'c', ...LONG);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    await waitFor(join(run, 'checkpoints', 'last.safetensors'));
    await sleep(200);
    child.kill('SIGINT');
    const { code } = await exited(child);
    assert.equal(code, 130, stdout);
    assert.match(stdout, /interrupted: checkpoint of epoch \d+ in .*last\.safetensors; continue with: dlflow train --resume/);
    assert.ok(existsSync(join(run, 'checkpoints', 'interrupted.safetensors')));
    const info = JSON.parse(readFileSync(join(run, 'model.json'), 'utf8'));
    assert.equal(info.status, 'interrupted');
    const done = readCheckpoint(join(run, 'checkpoints', 'last.safetensors')).meta.epoch;
    const r = dlflow(cwd, 'train', '--resume', run, '--epochs', String(done + 1));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(join(run, 'model.json'), 'utf8')).status, 'complete');
  });
});
