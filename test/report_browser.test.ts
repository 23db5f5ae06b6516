/**
 * Opens the sample report in headless Chromium (Debian's `chromium`) and
 * checks, through the DevTools protocol, that it loads with no console
 * errors, no exceptions and no network requests, and that every chart's
 * <svg> is present with a non-zero size. The protocol runs over
 * `--remote-debugging-pipe` (JSON messages on fds 3/4, NUL-separated), which
 * needs neither a WebSocket client nor a free port. Skipped, with a message,
 * only when no Chromium binary exists (.ci/run installs it).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sampleReport } from './report_sample.js';

const CHROMIUM = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const SKIP = CHROMIUM ? false : 'chromium not found (install Debian\'s package: apt-get install -y chromium; or set CHROMIUM_BIN)';

interface CdpMessage { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string }

/** A minimal DevTools-protocol client over Chromium's debugging pipe. */
class Cdp {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  private buffer = '';
  readonly events: CdpMessage[] = [];
  private waiters: { pred: (m: CdpMessage) => boolean; resolve: (m: CdpMessage) => void }[] = [];

  constructor(private readonly input: Writable, output: Readable) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let z = this.buffer.indexOf('\0'); z >= 0; z = this.buffer.indexOf('\0')) {
        const msg = JSON.parse(this.buffer.slice(0, z)) as CdpMessage;
        this.buffer = this.buffer.slice(z + 1);
        this.dispatch(msg);
      }
    });
  }

  private dispatch(msg: CdpMessage): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`)); else p?.resolve(msg.result);
      return;
    }
    this.events.push(msg);
    this.waiters = this.waiters.filter((w) => (w.pred(msg) ? (w.resolve(msg), false) : true));
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  waitFor(pred: (m: CdpMessage) => boolean, ms: number, what: string): Promise<CdpMessage> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      this.waiters.push({ pred, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }
}

/** Console errors, uncaught exceptions and error log entries seen in a session. */
function problems(cdp: Cdp, sessionId: string): string[] {
  const out: string[] = [];
  for (const e of cdp.events) {
    if (e.sessionId !== sessionId) continue;
    if (e.method === 'Runtime.consoleAPICalled' && (e.params.type === 'error' || e.params.type === 'assert')) {
      out.push(`console.${e.params.type}: ${e.params.args.map((a: any) => a.value ?? a.description).join(' ')}`);
    } else if (e.method === 'Runtime.exceptionThrown') {
      out.push(`exception: ${e.params.exceptionDetails.exception?.description ?? e.params.exceptionDetails.text}`);
    } else if (e.method === 'Log.entryAdded' && e.params.entry.level === 'error') {
      out.push(`log ${e.params.entry.source}: ${e.params.entry.text} ${e.params.entry.url ?? ''}`);
    }
  }
  return out;
}

describe('report in headless Chromium', { skip: SKIP }, () => {
  let dir = '';
  let proc: ChildProcess | undefined;
  let cdp: Cdp;
  let stderr = '';
  const sample = sampleReport();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlflow-report-'));
    writeFileSync(join(dir, 'report.html'), sample.html);
    writeFileSync(join(dir, 'bad.html'), '<!DOCTYPE html><title>bad</title><script>console.error("boom")</script>'
      + '<img src="http://127.0.0.1:9/x.png" alt="">');
    writeFileSync(join(dir, 'architecture.svg'), `<?xml version="1.0" encoding="UTF-8"?>\n${sample.architecture}\n`);
    proc = spawn(CHROMIUM!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--mute-audio',
      `--user-data-dir=${join(dir, 'profile')}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (s: string) => { stderr = (stderr + s).slice(-4000); });
    cdp = new Cdp(proc.stdio[3] as Writable, proc.stdio[4] as Readable);
    let timer: NodeJS.Timeout | undefined;
    const version = await Promise.race([
      cdp.send('Browser.getVersion'),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`chromium did not answer in 20 s; stderr: ${stderr}`)), 20000); }),
    ]).finally(() => clearTimeout(timer));
    assert.ok(version);
  });

  after(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((resolve) => proc!.once('exit', resolve));
      await cdp.send('Browser.close').catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `file` in a fresh tab at the given viewport width; returns the session id. */
  async function open(file: string, width = 1280): Promise<string> {
    const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
    for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await cdp.send(`${domain}.enable`, {}, sessionId);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: width < 800 }, sessionId);
    await cdp.send('Page.navigate', { url: pathToFileURL(join(dir, file)).href }, sessionId);
    await cdp.waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', 20000, `load of ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // late console messages
    return sessionId;
  }

  async function evaluate<T>(sessionId: string, expression: string): Promise<T> {
    const r = await cdp.send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
    if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  test('report.html renders every chart with no console errors and no network requests', async () => {
    const s = await open('report.html');
    assert.deepEqual(problems(cdp, s), []);
    const requests = cdp.events.filter((e) => e.sessionId === s && e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url as string);
    assert.ok(requests.every((u) => u.startsWith('file:')), `non-file requests: ${requests.filter((u) => !u.startsWith('file:'))}`);
    const svgs = await evaluate<{ cls: string; title: string; w: number; h: number }[]>(s, `[...document.querySelectorAll('svg')].map((e) => {
      const r = e.getBoundingClientRect();
      return { cls: e.getAttribute('class'), title: e.querySelector('title')?.textContent ?? '', w: r.width, h: r.height };
    })`);
    const expected = Object.keys(sample.charts).length + 1;
    assert.equal(svgs.length, expected, `expected ${expected} <svg> elements, found ${svgs.length}`);
    for (const g of svgs) assert.ok(g.w > 50 && g.h > 50, `<svg class="${g.cls}"> "${g.title}" has size ${g.w}×${g.h}`);
    const titles = new Set(svgs.map((g) => g.title));
    for (const t of ['Loss per epoch', 'Confusion matrix', 'ROC (one-vs-rest)', 'Predicted vs actual', 'Residuals', 'Target distribution', 'Per-class F1', 'MLP <auto>']) {
      assert.ok(titles.has(t), `no chart titled ${t}`);
    }
    const page = await evaluate<{ title: string; anchors: boolean }>(s, `({ title: document.title,
      anchors: [...document.querySelectorAll('nav a')].every((a) => document.getElementById(a.getAttribute('href').slice(1))) })`);
    assert.equal(page.title, 'Sample run <"report"> & co');
    assert.ok(page.anchors, 'a table-of-contents link has no target');
  });

  test('the report.html of a real `dlflow train` run renders its charts with no errors', async () => {
    const bin = fileURLToPath(new URL('../bin/dlflow.js', import.meta.url));
    const run = spawnSync(process.execPath, [bin, 'train', '--epochs', '3', '--name', 'browser', '--log', 'plain'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, `dlflow train failed: ${run.stderr}`);
    const s = await open('runs/browser/report.html');
    assert.deepEqual(problems(cdp, s), []);
    const requests = cdp.events.filter((e) => e.sessionId === s && e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url as string);
    assert.ok(requests.every((u) => u.startsWith('file:')), `non-file requests: ${requests.filter((u) => !u.startsWith('file:'))}`);
    const svgs = await evaluate<{ title: string; w: number; h: number }[]>(s, `[...document.querySelectorAll('svg')].map((e) => {
      const r = e.getBoundingClientRect();
      return { title: e.querySelector('title')?.textContent ?? '', w: r.width, h: r.height };
    })`);
    assert.ok(svgs.length >= 4, `expected the data, architecture, curve and evaluation charts, found ${svgs.length} <svg>`);
    for (const g of svgs) assert.ok(g.w > 50 && g.h > 50, `"${g.title}" has size ${g.w}×${g.h}`);
    const sections = await evaluate<string[]>(s, `[...document.querySelectorAll('section h2')].map((h) => h.textContent)`);
    for (const name of ['Data', 'Architecture', 'Training', 'Evaluation']) assert.ok(sections.includes(name), `no ${name} section in ${sections}`);
  });

  test('the report.html of a real `dlflow tune` study renders its charts and trials table with no errors', async () => {
    const bin = fileURLToPath(new URL('../bin/dlflow.js', import.meta.url));
    const run = spawnSync(process.execPath, [bin, 'tune', '--trials', '5', '--epochs', '2', '--no-retrain', '--study', 'browser-study'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
    assert.equal(run.status, 0, `dlflow tune failed: ${run.stderr}`);
    const s = await open('runs/browser-study/report.html');
    assert.deepEqual(problems(cdp, s), []);
    const requests = cdp.events.filter((e) => e.sessionId === s && e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url as string);
    assert.ok(requests.every((u) => u.startsWith('file:')), `non-file requests: ${requests.filter((u) => !u.startsWith('file:'))}`);
    const svgs = await evaluate<{ title: string; w: number; h: number; lines: number }[]>(s, `[...document.querySelectorAll('svg')].map((e) => {
      const r = e.getBoundingClientRect();
      return { title: e.querySelector('title')?.textContent ?? '', w: r.width, h: r.height, lines: e.querySelectorAll('.dl-lines path').length };
    })`);
    const titles = svgs.map((g) => g.title);
    for (const t of ['Optimisation history', 'Parameters of the complete trials', 'Parameter importances']) assert.ok(titles.includes(t), `no chart titled ${t} in ${titles}`);
    for (const g of svgs) assert.ok(g.w > 50 && g.h > 50, `"${g.title}" has size ${g.w}×${g.h}`);
    const parallel = svgs.find((g) => g.title === 'Parameters of the complete trials');
    const page = await evaluate<{ sections: string[]; rows: number; best: number; complete: number }>(s, `({
      sections: [...document.querySelectorAll('section h2')].map((h) => h.textContent),
      rows: document.querySelectorAll('#trials tbody tr').length,
      best: [...document.querySelectorAll('#trials tbody tr td:first-child')].filter((td) => td.textContent.endsWith('(best)')).length,
      complete: [...document.querySelectorAll('#trials tbody tr td:nth-child(2)')].filter((td) => td.textContent === 'complete').length })`);
    for (const name of ['Summary', 'Optimisation history', 'Parameters', 'Parameter importances', 'Trials']) assert.ok(page.sections.includes(name), `no ${name} section in ${page.sections}`);
    assert.equal(page.rows, 5);
    assert.equal(page.best, 1);
    // Every complete trial is a line; the best one is drawn again on top, highlighted.
    assert.equal((parallel?.lines ?? 0), page.complete);
  });

  test('narrow screens: charts shrink and the page does not scroll sideways', async () => {
    const s = await open('report.html', 390);
    assert.deepEqual(problems(cdp, s), []);
    const layout = await evaluate<{ scroll: number; inner: number; widest: number }>(s, `({ scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth, widest: Math.max(...[...document.querySelectorAll('svg')].map((e) => e.getBoundingClientRect().width)) })`);
    assert.ok(layout.scroll <= layout.inner + 1, `page is ${layout.scroll}px wide in a ${layout.inner}px viewport`);
    assert.ok(layout.widest > 0 && layout.widest <= layout.inner, `widest chart ${layout.widest}px`);
  });

  test('architecture.svg opens as a standalone SVG document', async () => {
    const s = await open('architecture.svg');
    assert.deepEqual(problems(cdp, s), []);
    const doc = await evaluate<{ root: string; parseErrors: number; w: number; h: number; boxes: number }>(s, `(() => {
      const r = document.documentElement.getBoundingClientRect();
      return { root: document.documentElement.localName, parseErrors: document.getElementsByTagName('parsererror').length,
        w: r.width, h: r.height, boxes: document.querySelectorAll('.dl-layer').length };
    })()`);
    assert.equal(doc.root, 'svg');
    assert.equal(doc.parseErrors, 0);
    assert.ok(doc.w > 0 && doc.h > 0);
    assert.equal(doc.boxes, 5);
  });

  test('the checks catch console errors and external requests (control page)', async () => {
    const s = await open('bad.html');
    assert.ok(problems(cdp, s).some((p) => p.includes('boom')), 'console.error not seen');
    const requests = cdp.events.filter((e) => e.sessionId === s && e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url as string);
    assert.ok(requests.includes('http://127.0.0.1:9/x.png'), `external request not seen: ${requests}`);
  });
});
