/** Run names: generated from the data file and the time, never colliding with a run of the same second. */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { checkRunDir, runName } from '../src/cli/run/run_dir.js';
import { scratch } from './cli_helpers.js';

const dir = scratch('dlflow-runname-');
after(() => rmSync(dir, { recursive: true, force: true }));

test('a generated name taken by a run of the same second gets -2, -3; a given name is kept and refused if taken', () => {
  const config = { ...defaultConfig(), runsDir: join(dir, 'runs') };
  config.data = { ...config.data, path: '/data/my wines.csv' };
  const now = new Date('2026-12-04T18:05:37Z');
  assert.equal(runName(config, now), 'my_wines-20261204-180537');
  mkdirSync(join(dir, 'runs', 'my_wines-20261204-180537'), { recursive: true });
  assert.equal(runName(config, now), 'my_wines-20261204-180537-2');
  mkdirSync(join(dir, 'runs', 'my_wines-20261204-180537-2'));
  assert.equal(runName(config, now), 'my_wines-20261204-180537-3');
  const named = { ...config, name: 'my_wines-20261204-180537' };
  assert.equal(runName(named, now), 'my_wines-20261204-180537');
  assert.throws(() => checkRunDir(named.runsDir, runName(named, now)), /already exists; pick another --name, or continue it with --resume/);
});
