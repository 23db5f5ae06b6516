/**
 * `node --import tsx bench/serve.ts [seconds] [--run runs/<name>] [--onnx model.onnx [--mode network]] [--max-wait-ms ms]`: serving
 * throughput on loopback. autocannon sends single-row V1 requests (`{ "instances": [record] }`)
 * from 32 connections to (1) `dlflow serve` (dynamic batching) and (2) a minimal Fastify route
 * running the run's exported ONNX model (preprocessing inside the graph) in onnxruntime-node,
 * one session.run per request. Prints req/s, p50 and p99 latency for both, their ratio, the CPU,
 * and dlflow's batch-size distribution under that load. Each server runs in its own process;
 * autocannon runs in this one.
 *
 * Without --run, a small penguins run is trained first; without --onnx it is exported with
 * dl.onnx.exportRun (src/onnx).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** What this bench uses of autocannon (which ships no types). */
interface CannonResult { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number }
const autocannon = createRequire(import.meta.url)('autocannon') as (o: Record<string, unknown>) => Promise<CannonResult>;

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..');
const CONNECTIONS = 32;

/** What the ORT child needs besides the model file. */
interface BenchMeta {
  /** `run`: preprocessing inside the graph (raw columns in); `network`: the network alone, preprocessing in JavaScript. */
  mode: 'run' | 'network';
  run: string;
  inputs: { name: string; dtype: string }[];
  labels: string[];
}

const RECORD = { island: 'Dream', bill_length_mm: 39.1, bill_depth_mm: 18.7, flipper_length_mm: 181, body_mass_g: 3750, sex: 'male', year: 2007 };

/** Child mode: a minimal Fastify route over onnxruntime-node, answering V1 requests like dlflow. */
async function ortServer(file: string, port: number): Promise<void> {
  const [{ default: fastify }, ort] = await Promise.all([import('fastify'), import('onnxruntime-node')]);
  const session = await ort.InferenceSession.create(file);
  const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as BenchMeta;
  // Network-only export: the run's preprocessing in JavaScript (dlflow's transform), then ORT.
  const pre = meta.mode === 'network' ? await (await import('../src/cli/run/inference.js')).RunPredictor.load(meta.run) : null;
  const { scoresOf } = await import('../src/train/outputs.js');
  const app = fastify({ logger: false });
  app.post('/v1/models/:name(^[A-Za-z0-9_.-]+)::predict', async (req) => {
    const instances = (req.body as { instances: Record<string, string | number | null>[] }).instances;
    const n = instances.length;
    const k = meta.labels.length;
    let label: string[], probs: ArrayLike<number>;
    if (pre === null) {
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const input of meta.inputs) {
        feeds[input.name] = input.dtype === 'string'
          ? new ort.Tensor('string', instances.map((r) => String(r[input.name] ?? '')), [n, 1])
          : new ort.Tensor('float32', Float32Array.from(instances, (r) => (r[input.name] === null ? NaN : Number(r[input.name]))), [n, 1]);
      }
      const out = await session.run(feeds);
      label = out.label.data as string[];
      probs = out.probabilities.data as Float32Array;
    } else {
      const columns = new Map((pre.columns() ?? []).map((c) => [c.name, instances.map((r) => r[c.name])]));
      const t = pre.transformColumns(columns, n);
      const out = await session.run({ input: new ort.Tensor('float32', t.x, [n, ...pre.inputShape]) });
      const logits = out.output.data as Float32Array;
      probs = scoresOf({ data: logits, rows: n, cols: logits.length / n });
      label = Array.from({ length: n }, (_, i) => { let b = 0; for (let j = 1; j < k; j++) if (probs[i * k + j] > probs[i * k + b]) b = j; return meta.labels[b]; });
    }
    return { predictions: label.map((l, i) => ({ label: l, probabilities: Object.fromEntries(meta.labels.map((c, j) => [c, probs[i * k + j]])) })) };
  });
  app.get('/v2/health/ready', async () => ({ ready: true }));
  await app.listen({ port, host: '127.0.0.1' });
}

/** Child mode: `dlflow serve` (the CLI's code, run from src/ so no build is needed). */
async function dlflowServer(args: string[]): Promise<void> {
  const { main } = await import('../src/cli/main.js');
  process.exitCode = await main(['serve', ...args]);
}

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => { const srv = createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address() as { port: number }; srv.close(() => res(port)); }); });
}

/** Starts this file in a child mode on `port`; resolves once it answers. */
async function startChild(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  for (;;) {
    if (exited !== undefined) throw new Error(`${args.join(' ')} exited ${exited}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/health/ready`)).ok) return child;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Load { rps: number; p50: number; p99: number; errors: number; non2xx: number }

async function load(port: number, seconds: number): Promise<Load> {
  const opts = {
    url: `http://127.0.0.1:${port}/v1/models/p:predict`, method: 'POST' as const, connections: CONNECTIONS, duration: seconds,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [RECORD] }),
  };
  await autocannon({ ...opts, duration: Math.max(1, Math.round(seconds / 4)) }); // warm-up (JIT, pools)
  const r = await autocannon(opts);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

/** dlflow_batch_size bucket counts (cumulative, by `le`) from /metrics. */
async function batchBuckets(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return new Map([...text.matchAll(/^dlflow_batch_size_bucket\{le="([^"]+)",model="p"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
}

async function benchServe(argv: string[]): Promise<void> {
  const seconds = Number(argv.find((a, i) => /^\d+$/.test(a) && !argv[i - 1]?.startsWith('--')) ?? 10);
  const flag = (name: string): string | undefined => { const i = argv.indexOf(`--${name}`); return i < 0 ? undefined : argv[i + 1]; };
  const maxWait = flag('max-wait-ms') === undefined ? [] : ['--max-wait-ms', flag('max-wait-ms')!];
  const work = mkdtempSync(join(tmpdir(), 'dlflow-bench-serve-'));
  const { main } = await import('../src/cli/main.js');
  let run = flag('run');
  if (run === undefined) {
    symlinkSync(join(ROOT, 'datasets'), join(work, 'datasets'));
    run = join(work, 'runs', 'p');
    const code = await main(['train', '--data', join(ROOT, 'datasets', 'penguins.csv'), '--name', 'p', '--epochs', '3', '--hidden', '32,16', '--log', 'plain', '--runsDir', join(work, 'runs')]);
    if (code !== 0) throw new Error(`training failed (${code})`);
  }
  const { loadRun } = await import('../src/cli/run/setup.js');
  const loaded = await loadRun(run);
  let onnx = flag('onnx');
  const mode: BenchMeta['mode'] = flag('mode') === 'network' ? 'network' : 'run';
  let inputs: { name: string; dtype: string }[] = [];
  if (onnx === undefined) {
    const { exportRun } = await import('../src/onnx/index.js');
    onnx = join(work, 'model.onnx');
    ({ inputs } = await exportRun(loaded, onnx, { preprocessing: true }));
  } else if (mode === 'run') {
    inputs = (loaded.info.preprocessing.type === 'table' ? loaded.info.preprocessing.preprocessor.features : []).map((f) => ({ name: f.column, dtype: f.kind === 'categorical' ? 'string' : 'float32' }));
  }
  const meta: BenchMeta = { mode, run, inputs, labels: loaded.info.labels ?? [] };
  writeFileSync(`${onnx}.json`, JSON.stringify(meta));

  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n== serving: single-row V1 requests from ${CONNECTIONS} connections, ${seconds} s each (autocannon, loopback)`);
  console.log(`CPU: ${cpu}, ${cpus().length} cores; run ${run}; ONNX ${onnx} (${mode === 'run' ? 'preprocessing in the graph' : 'network only; preprocessing in JavaScript'})`);
  const results: { name: string; r: Load }[] = [];
  let buckets: [string, number][] = [];
  for (const side of ['dlflow', 'ort'] as const) {
    const port = await freePort();
    const child = side === 'dlflow'
      ? await startChild(['--dlflow-server', run, '--name', 'p', '--port', String(port), '--log-level', 'warn', ...maxWait], port)
      : await startChild(['--ort-server', onnx, String(port)], port);
    try {
      const before = side === 'dlflow' ? await batchBuckets(port) : new Map<string, number>();
      results.push({ name: side === 'dlflow' ? 'dlflow serve (batching)' : 'Fastify + onnxruntime-node', r: await load(port, seconds) });
      if (side === 'dlflow') {
        const after = await batchBuckets(port);
        let prev = 0;
        buckets = [...after].map(([le, c]) => { const n = c - (before.get(le) ?? 0); const d = n - prev; prev = n; return [le, d] as [string, number]; }).filter(([, d]) => d > 0);
      }
    } finally {
      child.kill('SIGTERM');
    }
  }
  for (const { name, r } of results) {
    console.log(`${name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms${r.errors + r.non2xx > 0 ? `   (${r.errors} errors, ${r.non2xx} non-2xx)` : ''}`);
  }
  console.log(`ratio dlflow / ORT: ${(results[0].r.rps / results[1].r.rps).toFixed(2)}× throughput`);
  console.log(`dlflow forward passes by rows (measured run): ${buckets.map(([le, n]) => `≤${le}: ${n}`).join(', ')}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--ort-server') await ortServer(argv[1], Number(argv[2]));
else if (argv[0] === '--dlflow-server') await dlflowServer(argv.slice(1));
else await benchServe(argv);
