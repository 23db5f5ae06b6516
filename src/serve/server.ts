/**
 * The HTTP server: Fastify with validated JSON bodies, the KServe/TF-Serving V1 and Open
 * Inference Protocol (KServe V2, Triton) endpoints over {@link ServedModel}s, one dynamic
 * batcher per model, Prometheus metrics, pino's structured logs, an optional bearer key, and a
 * graceful close (stop accepting, answer what is in flight). Fastify and prom-client are loaded
 * when a server is created, so importing dlflow stays light.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineOptions, isPlainObject, option, type OptionsInput, type OptionsSchema, type ResolvedOptions } from '../base/options.js';
import { bearerCheck } from './auth.js';
import { Batcher, BATCHER_FIELDS } from './batcher.js';
import { MODEL_NAME, type RouteConfig, type ServerContext } from './context.js';
import { RequestError } from './errors.js';
import { serverMetrics } from './metrics.js';
import { schemaMessage, type SchemaError } from './schemas.js';
import type { ServedModel } from './types.js';
import { v1Routes } from './v1.js';
import { v2Routes } from './v2.js';

/** pino's levels, most severe first; 'silent' logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];


/** Models the server can call: a name and the three steps (the rest is checked when requests arrive). */
function isModelList(v: unknown): v is readonly ServedModel[] {
  return Array.isArray(v) && v.every((m) => isPlainObject(m) && typeof m.name === 'string'
    && typeof m.encode === 'function' && typeof m.forward === 'function' && typeof m.decode === 'function');
}

function isLoggerOption(v: unknown): v is boolean | { level: LogLevel } {
  if (typeof v === 'boolean') return true;
  return isPlainObject(v) && Object.keys(v).every((k) => k === 'level') && (LOG_LEVELS as readonly unknown[]).includes(v.level);
}

const LISTEN_OPTIONS = defineOptions('listen', {
  /** The TCP port (0: any free port). */
  port: option.required(option.number({ min: 0, max: 65535, integer: true })),
  /** The address to listen on (default 127.0.0.1: this machine only). */
  host: option.string('127.0.0.1'),
});

/** Where {@link InferenceServer.listen} accepts connections. */
export type ListenOptions = OptionsInput<typeof LISTEN_OPTIONS>;

/**
 * A running (or ready) inference server. Its declarations need no Node or Fastify types, so a
 * user's code that imports dlflow type-checks without `@types/node`.
 */
export interface InferenceServer {
  /** Starts accepting connections (port 0: any free port); resolves to the URL, e.g. `http://127.0.0.1:8080`. */
  listen(options: ListenOptions): Promise<string>;
  /** The URL it listens on, or null before `listen`. */
  readonly url: string | null;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
  /** Writes one structured line to the server's log (nothing when the logger is off). */
  log(level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void;
}

const SERVER_FIELDS = {
  /** The models, by their names (distinct). */
  models: option.required(option.custom<readonly ServedModel[]>('a list of served models (name, encode, forward, decode)', isModelList)),
  /** Most rows in one request (default 1024); more is a 400. */
  maxRows: option.number({ default: 1024, min: 1, integer: true }),
  /** Largest request body in bytes (default 4 MiB); more is a 413. */
  bodyLimit: option.number({ default: 4 * 1024 * 1024, min: 1, integer: true }),
  /** When set, every endpoint but the health checks needs `Authorization: Bearer <apiKey>`. */
  apiKey: option.custom<string>('a non-empty string', (v): v is string => typeof v === 'string' && v.length > 0),
  /** Structured request logs (pino, on stdout): false (default), true, or `{ level }`. */
  logger: option.custom<boolean | { level: LogLevel }, false>(`a boolean or { level: ${LOG_LEVELS.map((l) => `'${l}'`).join(' | ')} }`, isLoggerOption, false),
  /** Server name in `GET /v2` (default 'dlflow'). */
  serverName: option.string('dlflow'),
  /** Server version in `GET /v2` (default 'unknown'). */
  serverVersion: option.string('unknown'),
};
// Typed by name, not left to inference: the batcher's fields then keep their doc comments in the .d.ts.
const SERVER_OPTIONS: OptionsSchema<typeof SERVER_FIELDS & typeof BATCHER_FIELDS> = defineOptions('createServer', { ...SERVER_FIELDS, ...BATCHER_FIELDS });

/** The options of {@link createServer}: the models, the batching of each, the request limits, the key and the logs. */
export type ServerOptions = OptionsInput<typeof SERVER_OPTIONS>;
type ResolvedServerOptions = ResolvedOptions<typeof SERVER_OPTIONS>;

/** The model of a request's `:name`, for the metrics' label ('' when it names none, so names sent by clients add no series). */
function modelLabel(ctx: ServerContext, req: FastifyRequest): string {
  const name = (req.params as { name?: string } | undefined)?.name;
  return name !== undefined && ctx.models.has(name) ? name : '';
}

/** The message and status of a Fastify error a client caused (bad JSON, body too large, schema), or null. */
function clientError(e: FastifyError, bodyLimit: number): { status: number; message: string } | null {
  if (e.validation !== undefined) return { status: 400, message: schemaMessage(e.validation as SchemaError[], e.validationContext ?? 'body') };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, message: `request body over the server's limit of ${bodyLimit} bytes` };
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) return { status: 400, message: `malformed JSON body: ${e.message}` };
  const status = e.statusCode ?? 500;
  return status >= 400 && status < 500 ? { status, message: e.message } : null;
}

/**
 * An inference server for `models`; call `listen` on it (and `close` to stop: requests in flight
 * are answered first).
 *
 * @example
 * const server = await createServer({ models: [served], maxBatchSize: 64, maxWaitMs: 2 });
 * const url = await server.listen({ port: 8080, host: '127.0.0.1' });
 * // POST /v1/models/<name>:predict, POST /v2/models/<name>/infer, GET /metrics
 * await server.close();
 */
export async function createServer(options: ServerOptions): Promise<InferenceServer> {
  const app = await fastifyServer(SERVER_OPTIONS.parse(options));
  let url: string | null = null;
  return {
    async listen(listenOptions) {
      const { port, host } = LISTEN_OPTIONS.parse(listenOptions);
      await app.listen({ port, host });
      const a = app.server.address();
      const where = a !== null && typeof a === 'object' ? a : { address: host, port, family: 'IPv4' };
      url = `http://${where.family === 'IPv6' ? `[${where.address}]` : where.address}:${where.port}`;
      return url;
    },
    get url() { return url; },
    close: () => app.close(),
    log: (level, message, fields = {}) => app.log[level](fields, message),
  };
}

/** The Fastify app behind {@link createServer}. */
async function fastifyServer(o: ResolvedServerOptions): Promise<FastifyInstance> {
  const names = o.models.map((m) => m.name);
  for (const n of names) if (!MODEL_NAME.test(n)) throw new Error(`createServer: model name '${n}' may hold only letters, digits, '_', '-' and '.'`);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`createServer: two models are named '${dup}'`);
  const check = o.apiKey === undefined ? null : bearerCheck(o.apiKey);

  const [{ default: fastify }, prom] = await Promise.all([import('fastify'), import('prom-client')]);
  const metrics = serverMetrics(prom, names);
  const models = new Map(o.models.map((model) => {
    const label = { model: model.name };
    const batcher = new Batcher(model, { maxBatchSize: o.maxBatchSize, maxWaitMs: o.maxWaitMs, maxQueue: o.maxQueue }, {
      batch: (rows, seconds) => { metrics.batchSize.observe(label, rows); metrics.inference.observe(label, seconds); },
      queue: (depth) => metrics.queueDepth.set(label, depth),
    });
    return [model.name, { model, batcher }];
  }));
  const ctx: ServerContext = { models, maxRows: o.maxRows, metrics, serverName: o.serverName, serverVersion: o.serverVersion };

  const app = fastify({
    logger: o.logger,
    bodyLimit: o.bodyLimit,
    // No coercion and no silent removal: a wrong type or an unknown key is the client's to fix.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allowUnionTypes: true } },
    forceCloseConnections: 'idle',
  });

  app.addHook('onRequest', async (req) => {
    const config = req.routeOptions.config as Partial<RouteConfig>;
    if (check === null || config.public === true) return;
    if (!check(req.headers.authorization)) {
      const message = req.headers.authorization === undefined ? 'this server needs an API key: Authorization: Bearer <key>' : 'wrong API key';
      throw new RequestError(401, message, { 'www-authenticate': 'Bearer' });
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const endpoint = (req.routeOptions.config as Partial<RouteConfig>).endpoint ?? 'unmatched';
    const labels = { model: modelLabel(ctx, req), endpoint, status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.latency.observe(labels, reply.elapsedTime / 1000);
  });
  // Shutdown: answer the requests waiting for a batch now instead of after their wait.
  app.addHook('preClose', async () => { for (const e of models.values()) e.batcher.flush(); });

  app.setErrorHandler((e: FastifyError | RequestError, req: FastifyRequest, reply: FastifyReply) => {
    if (e instanceof RequestError) return reply.code(e.statusCode).headers(e.headers).send({ error: e.message });
    const c = clientError(e, o.bodyLimit);
    if (c !== null) return reply.code(c.status).send({ error: c.message });
    req.log.error(e);
    return reply.code(500).send({ error: 'internal error (see the server log)' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no endpoint ${req.method} ${req.url.split('?')[0]}` }));

  app.get('/metrics', { config: { endpoint: 'metrics' } }, async (_req, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  v1Routes(app, ctx);
  v2Routes(app, ctx);
  return app;
}
