/**
 * `tsx bench/explore.ts [rows]`: exploring a 1,000,000-row, 20-column CSV
 * (~150 MB: 11 float and 2 integer columns, 4 categorical columns, a yes/no
 * column, an ISO date and a 3-class label; 5% missing in six columns) with
 * dlflow (`explore`: read + profile with the label as target + profile.json
 * and report.html) against pandas (`read_csv` + `describe(include='all')`,
 * Debian's python3-pandas through /usr/bin/python3), in the same run.
 *
 * The file is generated once (seeded) into `.bench-tmp/` (git-ignored). Each
 * side runs in its own process and times itself after its imports, so
 * start-up is not counted; dlflow's peak RSS is the child's maxRSS.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = '.bench-tmp';

/** A deterministic 32-bit generator (mulberry32) so the file is the same every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Write the bench CSV; returns its path. */
async function generate(rows: number): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `explore_${rows}.csv`);
  if (existsSync(file)) return file;
  const r = rng(20240501);
  const tmp = `${file}.part`;
  const out = createWriteStream(tmp);
  const cities = ['Lisbon', 'Porto', 'Braga', 'Faro', 'Coimbra'];
  const header = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'count', 'age', 'city', 'segment', 'product', 'channel', 'active', 'date', 'label'];
  out.write(header.join(',') + '\n');
  const na = (s: string): string => (r() < 0.05 ? '' : s);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const f: string[] = [];
    for (let k = 0; k < 11; k++) {
      const v = k % 3 === 0 ? (r() - 0.5) * 200 : k % 3 === 1 ? Math.exp(r() * 5) : r();
      const s = v.toFixed(k % 3 === 2 ? 6 : 4);
      f.push(k < 4 ? na(s) : s);
    }
    f.push(String(Math.floor(r() * 1000)), na(String(18 + Math.floor(r() * 60))));
    f.push(cities[Math.floor(r() * 5)], `seg${Math.floor(r() * 20)}`, na(`p${Math.floor(r() * 200)}`), ['web', 'store', 'phone'][Math.floor(r() * 3)]);
    f.push(r() < 0.5 ? 'yes' : 'no');
    const d = new Date(Date.UTC(2015, 0, 1) + Math.floor(r() * 3000) * 86400000);
    f.push(d.toISOString().slice(0, 10));
    f.push(['low', 'mid', 'high'][Math.floor(r() * 3)]);
    buf += f.join(',') + '\n';
    if (buf.length > 1 << 20) { if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res())); buf = ''; }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  renameSync(tmp, file);
  return file;
}

/** The dlflow side, in a child process: explore and report times and peak RSS. */
async function worker(file: string): Promise<void> {
  const { explore } = await import('../src/data/explore/explore.js');
  const t0 = performance.now();
  const r = await explore(file, { target: 'label', out: join(DIR, 'explore-out') });
  const total = (performance.now() - t0) / 1000;
  const read = (r.table!.read as { seconds: number }).seconds;
  console.log(JSON.stringify({ total, read, rows: r.table!.profile.rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

/** The same worker as plain JavaScript over the compiled package: argv = [module, csv file, out dir]. */
const WORKER_JS = `
const [mod, file, dir] = process.argv.slice(1);
const { explore } = await import(mod);
const t0 = performance.now();
const r = await explore(file, { target: 'label', out: dir + '/explore-out' });
const total = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ total, read: r.table.read.seconds, rows: r.table.profile.rows, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
`;

const PANDAS = `
import sys, time, resource
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
t1 = time.perf_counter()
d = df.describe(include='all')
t2 = time.perf_counter()
print(f'{t2 - t:.3f} {t1 - t:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}')
`;

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const g0 = performance.now();
  const file = await generate(rows);
  const size = statSync(file).size;
  console.log(`explore bench: ${file}, ${rows} rows, ${(size / 1e6).toFixed(1)} MB (ready in ${((performance.now() - g0) / 1000).toFixed(1)} s)`);
  const self = fileURLToPath(import.meta.url);
  // The worker runs the compiled package (dist/, built by npm install) as a user's program would;
  // from a checkout without dist/ it runs the sources through tsx.
  const compiled = fileURLToPath(new URL('../dist/data/explore/explore.js', import.meta.url));
  const workerArgs = existsSync(compiled)
    ? ['--input-type=module', '-e', WORKER_JS, compiled, file, DIR]
    : ['--import', 'tsx', self, '--worker', file];
  const dl = JSON.parse(execFileSync(process.execPath, workerArgs, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
  const [pdTotal, pdRead, pdRss] = execFileSync('/usr/bin/python3', ['-c', PANDAS, file], { encoding: 'utf8' }).trim().split(' ').map(Number);
  console.log(`pandas ${process.env.PANDAS_VERSION ?? ''}read_csv + describe(include='all'): ${pdTotal.toFixed(2)} s (read ${pdRead.toFixed(2)} s), peak RSS ${(pdRss / 1e6).toFixed(0)} MB`);
  console.log(`dlflow explore (read + profile + target + report): ${dl.total.toFixed(2)} s (read ${dl.read.toFixed(2)} s), peak RSS ${(dl.maxRssBytes / 1e6).toFixed(0)} MB = ${(dl.maxRssBytes / size).toFixed(2)}× the file`);
  console.log(`ratio dlflow / pandas: ${(dl.total / pdTotal).toFixed(2)}× (goal ≤ 1.0×); memory ${(dl.maxRssBytes / size).toFixed(2)}× file size (goal ≤ 2×)`);
  rmSync(join(DIR, 'explore-out'), { recursive: true, force: true });
}

if (process.argv[2] === '--worker') await worker(process.argv[3]);
else await main();
