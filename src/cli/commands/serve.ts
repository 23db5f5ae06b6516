/**
 * `dlflow serve runs/<name> [runs/<other> ...] [--name n] [--port 8080] [--host 127.0.0.1]`:
 * serves trained runs over HTTP (src/serve: KServe V1, Open Inference Protocol, dynamic
 * batching, /metrics), each through the inference path `dlflow predict` uses, so a row gets the
 * same prediction either way. Runs until SIGTERM or SIGINT, then stops accepting, answers the
 * requests in flight and exits 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODEL_NAME } from '../../serve/context.js';
import { createServer, LOG_LEVELS, type InferenceServer, type LogLevel } from '../../serve/server.js';
import type { ServedModel } from '../../serve/types.js';
import { parseArgs, rejectUnknown, takeFlag } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { RunPredictor } from '../run/inference.js';
import { dlflowVersion } from '../version.js';

const FLAGS = ['name', 'port', 'host', 'api-key-file', 'max-batch-size', 'max-wait-ms', 'max-queue', 'max-rows', 'body-limit', 'log-level'] as const;

/** A served model over a run's inference path. */
export function servedRun(name: string, p: RunPredictor): ServedModel {
  return {
    name, inputShape: p.inputShape, columns: p.columns(), ignoredColumns: p.ignoredColumns(), labels: p.labels,
    encode: (columns, rows) => {
      const t = p.transformColumns(columns, rows);
      return { x: t.x, problems: t.problems.map(({ row, column, value, reason }) => ({ row, column, value, reason })) };
    },
    forward: (x, rows) => p.forward(x, rows),
    decode: (out, rows) => {
      const d = p.decode(out, rows);
      return 'values' in d ? { values: d.values } : { probabilities: d.probabilities };
    },
  };
}

/** A numeric flag: an integer (or number) within range, else a usage error naming the flag. */
function numberFlag(value: string | undefined, flag: string, fallback: number, min: number, max: number, integer = true): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`--${flag} takes ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got '${value}'`);
  }
  return n;
}

/** The key in `file`, read once; a missing or empty file is a usage error. */
function readKey(file: string): string {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`--api-key-file: no such file: ${file}`);
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length === 0) throw new UsageError(`--api-key-file: ${file} is empty; put the API key in it`);
  return key;
}

/** Model names: `--name` for the first run, else each run folder's name; distinct and URL-safe. */
function modelNames(runs: readonly string[], first: string | undefined): string[] {
  const names = runs.map((r, i) => (i === 0 && first !== undefined ? first : path.basename(path.resolve(r))));
  names.forEach((n, i) => {
    if (!MODEL_NAME.test(n)) throw new UsageError(`model name '${n}' (${i === 0 && first !== undefined ? '--name' : runs[i]}) may hold only letters, digits, '_', '-' and '.'${i === 0 ? '; choose one with --name' : ''}`);
    const j = names.indexOf(n);
    if (j !== i) throw new UsageError(`two runs would be served as '${n}' (${runs[j]} and ${runs[i]}); name the first with --name or serve runs with distinct folder names`);
  });
  return names;
}

/** Resolves when SIGTERM or SIGINT has closed `app` (requests in flight answered). */
function closeOnSignal(app: InferenceServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      app.log('info', 'closing: no new connections; answering the requests in flight', { signal });
      app.close().then(() => { app.log('info', 'closed'); resolve(); }, reject);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export async function runServe(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const flag = Object.fromEntries(FLAGS.map((f) => [f, takeFlag(args, f)])) as Record<(typeof FLAGS)[number], string | undefined>;
  rejectUnknown(args, FLAGS, 'serve');
  const runs = args.positionals;
  if (runs.length === 0) throw new UsageError('usage: dlflow serve <run> [<run> ...] [--name name] [--port 8080] [--host 127.0.0.1]');
  const logLevel = (flag['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level takes one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const port = numberFlag(flag.port, 'port', 8080, 0, 65535);
  const options = {
    maxBatchSize: numberFlag(flag['max-batch-size'], 'max-batch-size', 64, 1, 1 << 20),
    maxWaitMs: numberFlag(flag['max-wait-ms'], 'max-wait-ms', 0, 0, 60000, false),
    maxQueue: numberFlag(flag['max-queue'], 'max-queue', 256, 1, 1 << 20),
    maxRows: numberFlag(flag['max-rows'], 'max-rows', 1024, 1, 1 << 20),
    bodyLimit: Math.round(numberFlag(flag['body-limit'], 'body-limit', 4, 0.001, 1024, false) * 1024 * 1024),
  };
  const apiKey = flag['api-key-file'] === undefined ? undefined : readKey(flag['api-key-file']);
  const names = modelNames(runs, flag.name);
  const models = await Promise.all(runs.map(async (r, i) => servedRun(names[i], await RunPredictor.load(r))));
  const app = await createServer({ models, ...options, apiKey, logger: { level: logLevel }, serverVersion: dlflowVersion() });
  try {
    await app.listen({ port, host: flag.host ?? '127.0.0.1' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is in use (choose another with --port)`);
    if (err.code === 'EACCES') throw new CliError(`no permission to listen on port ${port} (ports below 1024 need privileges; choose another with --port)`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new UsageError(`--host ${flag.host}: not an address of this machine`);
    throw e;
  }
  const closed = closeOnSignal(app);
  app.log('info', `serving ${names.join(', ')}: POST /v1/models/<name>:predict, POST /v2/models/<name>/infer, GET /metrics`, { models: names, auth: apiKey !== undefined, ...options });
  await closed;
  return 0;
}
