/**
 * Study storages: SQLite (always) and PostgreSQL (when DLFLOW_TEST_POSTGRES names a server, as
 * .ci/run sets it; see /work/briefs/ci_postgres.sh): persistence, two worker processes sharing
 * one study (unique numbers, exactly the total), and a worker killed mid-trial (its trial is
 * marked failed, the rerun completes the total).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as tune from '../src/tune/index.js';

const POSTGRES = process.env.DLFLOW_TEST_POSTGRES; // the one place this setting is read
const TUNE_INDEX = fileURLToPath(new URL('../src/tune/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dlflow-tune-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A worker process: optimizes `study` in `url` until it holds `total` trials; each trial sleeps `ms`. */
const WORKER = join(dir, 'worker.mts');
writeFileSync(WORKER, `
import * as tune from ${JSON.stringify(TUNE_INDEX)};
const [url, name, total, ms, seed] = process.argv.slice(2);
const study = tune.createStudy({ storage: url, studyName: name, loadIfExists: true, sampler: new tune.TPESampler({ seed: Number(seed) }),
  heartbeat: { intervalSeconds: 0.1, graceSeconds: 1 } });
await study.optimize(async (t) => {
  const x = t.suggestFloat('x', -5, 5);
  t.setUserAttr('pid', process.pid);
  process.stdout.write('started ' + t.number + '\\n');
  await new Promise((r) => setTimeout(r, Number(ms)));
  return x * x;
}, { totalTrials: Number(total) });
await study.close();
`);

function startWorker(url: string, name: string, total: number, ms: number, seed: number): { child: ChildProcess; done: Promise<number>; started: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, name, String(total), String(ms), String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let startedResolve: () => void = () => {};
  const started = new Promise<void>((r) => { startedResolve = r; });
  child.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('started')) startedResolve(); });
  const done = new Promise<number>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : 0))));
  return { child, done, started };
}

function storageSuite(kind: string, url: () => Promise<string>, skip: string | false): void {
  describe(`tune storage: ${kind}`, { skip }, () => {
    it('keeps studies, trials, params, values and attributes across connections', async () => {
      const u = await url();
      const a = tune.createStudy({ storage: u, studyName: 'persist', direction: 'maximize', sampler: new tune.RandomSampler({ seed: 0 }) });
      await a.optimize((t) => {
        const c = t.suggestCategorical('c', ['a', 'b', null, true, 2]);
        const n = t.suggestInt('n', 1, 64, { log: true });
        t.report(0.5, 0);
        t.report(NaN, 1);
        t.setUserAttr('info', { list: [1, 'two'] });
        if (t.number === 2) throw new Error('boom');
        return n + (c === 'a' ? 1 : 0) + (t.number === 1 ? Infinity : 0);
      }, { nTrials: 4, onTrialFinished: () => {} });
      const before = a.trials;
      await a.close();
      const b = await tune.loadStudy({ storage: u, studyName: 'persist' });
      assert.equal(b.direction, 'maximize');
      const after = await b.refresh();
      assert.equal(after.length, 4);
      for (let i = 0; i < 4; i++) {
        assert.deepEqual(after[i].params, before[i].params);
        assert.deepEqual(after[i].distributions, before[i].distributions);
        assert.equal(after[i].state, before[i].state);
        assert.equal(after[i].value, before[i].value);
        assert.deepEqual([...after[i].intermediateValues], [[0, 0.5], [1, NaN]]);
        assert.deepEqual(after[i].userAttrs, { info: { list: [1, 'two'] } });
      }
      assert.equal(after[1].value, Infinity);
      assert.equal(after[2].systemAttrs.fail_reason, 'boom');
      assert.equal(b.bestTrial.number, 1);
      await assert.rejects(tune.createStudy({ storage: u, studyName: 'persist', direction: 'minimize', loadIfExists: true }).ready, /exists with direction maximize, not minimize/);
      await b.close();
    });

    it('the same seed gives the same trials as in memory', async () => {
      const u = await url();
      const obj = (t: tune.Trial) => (t.suggestFloat('x', -3, 3) - 1) ** 2 + t.suggestInt('k', 1, 9);
      const mem = tune.createStudy({ sampler: new tune.TPESampler({ seed: 5 }) });
      await mem.optimize(obj, { nTrials: 14 });
      const db = tune.createStudy({ storage: u, studyName: 'seeded', sampler: new tune.TPESampler({ seed: 5 }) });
      await db.optimize(obj, { nTrials: 14 });
      assert.deepEqual(db.trials.map((t) => t.params), mem.trials.map((t) => t.params));
      await db.close();
    });

    it('two worker processes share one study: unique numbers, exactly the total', async () => {
      const u = await url();
      const w1 = startWorker(u, 'shared', 16, 30, 1);
      const w2 = startWorker(u, 'shared', 16, 30, 2);
      assert.deepEqual(await Promise.all([w1.done, w2.done]), [0, 0]);
      const study = await tune.loadStudy({ storage: u, studyName: 'shared' });
      const trials = study.trials;
      assert.equal(trials.length, 16);
      assert.deepEqual(trials.map((t) => t.number), [...Array(16).keys()]);
      assert.ok(trials.every((t) => t.state === 'complete'));
      assert.equal(new Set(trials.map((t) => t.userAttrs.pid)).size, 2, 'both workers ran trials');
      await study.close();
    });

    it('a worker killed mid-trial: its trial is marked failed and a rerun completes the total', async () => {
      const u = await url();
      const w = startWorker(u, 'killed', 5, 60_000, 3);
      await w.started;
      w.child.kill('SIGKILL');
      await w.done;
      await new Promise((r) => setTimeout(r, 1500)); // past the 1 s grace period
      const rerun = startWorker(u, 'killed', 5, 10, 4);
      assert.equal(await rerun.done, 0);
      const study = await tune.loadStudy({ storage: u, studyName: 'killed' });
      const states = study.trials.map((t) => t.state);
      assert.deepEqual(states, ['failed', 'complete', 'complete', 'complete', 'complete', 'complete']);
      assert.match(String(study.trials[0].systemAttrs.fail_reason), /no heartbeat/);
      await study.close();
    });
  });
}

storageSuite('SQLite', async () => `sqlite:///${join(dir, 'studies.db')}`, false);

/** A fresh database per run on the server DLFLOW_TEST_POSTGRES names, so earlier runs' studies do not collide. */
let pgDatabase: Promise<string> | null = null;
const pgName = `dlflow_tune_${process.pid}_${Date.now()}`;
async function pgAdmin(sql: string): Promise<void> {
  const moduleName = 'pg'; // no type declarations are installed; the two calls used are typed here
  type Client = { connect(): Promise<void>; query(sql: string): Promise<unknown>; end(): Promise<void> };
  const pg = (await import(moduleName)).default as { Client: new (o: { connectionString?: string }) => Client };
  const c = new pg.Client({ connectionString: POSTGRES });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
function postgresUrl(): Promise<string> {
  pgDatabase ??= pgAdmin(`CREATE DATABASE ${pgName}`)
    .then(() => (POSTGRES as string).replace(/^(postgres(?:ql)?:\/\/[^/]*\/)([^?]*)/, `$1${pgName}`));
  return pgDatabase;
}
after(async () => {
  if (pgDatabase !== null) await pgAdmin(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
});
storageSuite('PostgreSQL', postgresUrl, POSTGRES === undefined ? 'DLFLOW_TEST_POSTGRES is not set (see /work/briefs/ci_postgres.sh)' : false);

describe('tune storage: unreachable servers', () => {
  it('a PostgreSQL URL nobody listens on is a clear error naming it (password hidden), not a hang', async () => {
    await assert.rejects(tune.createStudy({ storage: 'postgresql://user:secret@127.0.0.1:1/db' }).ready,
      (e: Error) => /cannot reach the PostgreSQL study storage postgresql:\/\/user:\*\*\*@127\.0\.0\.1:1\/db/.test(e.message) && !e.message.includes('secret'));
  });
  it('a SQLite path that cannot be a file is a clear error naming it', async () => {
    writeFileSync(join(dir, 'afile'), '');
    await assert.rejects(tune.createStudy({ storage: `sqlite:///${join(dir, 'afile', 'x.db')}` }).ready, /cannot open the SQLite study storage sqlite:\/\/\//);
  });
});
