/**
 * `dlflow serve` as a process: JSON log lines on stdout, SIGTERM answering the request in flight
 * and exiting 0, and the usage errors of its arguments (exit 2, no stack trace).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dlflow, dlflowAsync, scratch } from './cli_helpers.js';

const exited = (child: ReturnType<typeof dlflowAsync>): Promise<number | null> => new Promise((resolve) => child.on('exit', (code) => resolve(code)));

describe('dlflow serve (process)', () => {
  const cwd = scratch('dlflow-serve-cli-');
  const trained = dlflow(cwd, 'train', '--name', 'p', '--epochs', '1', '--hidden', '8', '--log', 'plain');

  test('SIGTERM: the request in flight is answered, then the process exits 0', async () => {
    assert.equal(trained.code, 0, trained.stderr);
    writeFileSync(join(cwd, 'key.txt'), 'the-key\n');
    // A batch waits up to 10 s for company, so the request is still in flight when SIGTERM comes.
    const child = dlflowAsync(cwd, 'serve', 'runs/p', '--port', '0', '--max-wait-ms', '10000', '--api-key-file', 'key.txt');
    let stdout = '', stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m !== null) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`dlflow serve exited ${code}: ${stderr}`)));
    });
    const auth = { authorization: 'Bearer the-key' };
    const record = { island: 'Dream', bill_length_mm: 39.1, bill_depth_mm: 18.7, flipper_length_mm: 181, body_mass_g: 3750, sex: 'male', year: 2007 };
    const inFlight = fetch(`${url}/v1/models/p:predict`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ instances: [record] }) });
    while (!/dlflow_queue_depth\{model="p"\} 1\b/.test(await (await fetch(`${url}/metrics`, { headers: auth })).text())) await new Promise((r) => setTimeout(r, 10));
    const exit = exited(child);
    child.kill('SIGTERM');
    const r = await inFlight;
    assert.equal(r.status, 200);
    const body = await r.json() as { predictions: { label: string }[] };
    assert.match(body.predictions[0].label, /^(Adelie|Chinstrap|Gentoo)$/);
    assert.equal(await exit, 0, stderr);
    await assert.rejects(fetch(`${url}/v2/health/live`), 'no longer listening');
    // Structured logs: every stdout line is one JSON object (pino), the request among them.
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string } });
    assert.ok(lines.some((l) => l.req?.url === '/v1/models/p:predict'));
    assert.ok(lines.some((l) => /^closing/.test(l.msg)));
    assert.doesNotMatch(stdout, /the-key/, 'the key is not logged');
  });

  test('usage errors: key file, names, flags', () => {
    writeFileSync(join(cwd, 'empty.txt'), ' \n');
    const fails = (args: string[], pattern: RegExp): void => {
      const r = dlflow(cwd, 'serve', ...args);
      assert.equal(r.code, 2, `dlflow serve ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    };
    fails([], /missing required argument 'run/);
    fails(['runs/p', '--api-key-file', 'nope.txt'], /--api-key-file: no such file: nope\.txt/);
    fails(['runs/p', '--api-key-file', 'empty.txt'], /--api-key-file: empty\.txt is empty/);
    fails(['runs/p', 'runs/p'], /two runs would be served as 'p' \(runs\/p and runs\/p\)/);
    fails(['runs/p', '--name', 'a b'], /model name 'a b' \(--name\) may hold only letters, digits/);
    fails(['runs/p', '--port', '70000'], /--port takes an integer in 0\.\.65535, got '70000'/);
    fails(['runs/p', '--max-batch-size', '0'], /--max-batch-size takes an integer in 1\.\./);
    fails(['runs/p', '--log-level', 'loud'], /--log-level takes one of fatal, error, warn, info/);
    fails(['runs/p', '--max-wiat-ms', '3'], /unknown option --max-wiat-ms \(did you mean '--max-wait-ms'\?\)/);
    fails(['runs/none'], /run not found: runs\/none/);
  });
});
