/**
 * Prometheus metrics of one server (prom-client, its own registry, so several servers in one
 * process do not mix): requests and their latency per model, endpoint and status; rows per
 * forward pass and its duration; requests waiting per model; and prom-client's process metrics.
 */
import type * as Prom from 'prom-client';

export interface ServerMetrics {
  registry: Prom.Registry;
  requests: Prom.Counter<'model' | 'endpoint' | 'status'>;
  latency: Prom.Histogram<'model' | 'endpoint' | 'status'>;
  batchSize: Prom.Histogram<'model'>;
  inference: Prom.Histogram<'model'>;
  queueDepth: Prom.Gauge<'model'>;
}

/** Rows per forward pass: powers of two up to 4096. */
const BATCH_BUCKETS = Array.from({ length: 13 }, (_, i) => 2 ** i);
/** Seconds, 100 µs to 10 s. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics of a server serving `models`, registered in a fresh registry.
 *
 * @example
 * const m = serverMetrics(await import('prom-client'), ['wines']);
 * m.batchSize.observe({ model: 'wines' }, 12);
 * await m.registry.metrics(); // Prometheus text
 */
export function serverMetrics(prom: typeof Prom, models: readonly string[]): ServerMetrics {
  const registry = new prom.Registry();
  prom.collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const m: ServerMetrics = {
    registry,
    requests: new prom.Counter({ name: 'dlflow_requests_total', help: 'HTTP requests answered, by model, endpoint and status code', labelNames: ['model', 'endpoint', 'status'], registers }),
    latency: new prom.Histogram({ name: 'dlflow_request_duration_seconds', help: 'time from receiving a request to answering it', labelNames: ['model', 'endpoint', 'status'], buckets: LATENCY_BUCKETS, registers }),
    batchSize: new prom.Histogram({ name: 'dlflow_batch_size', help: 'rows per forward pass (dynamic batching gathers concurrent requests)', labelNames: ['model'], buckets: BATCH_BUCKETS, registers }),
    inference: new prom.Histogram({ name: 'dlflow_inference_duration_seconds', help: 'time of one forward pass', labelNames: ['model'], buckets: LATENCY_BUCKETS, registers }),
    queueDepth: new prom.Gauge({ name: 'dlflow_queue_depth', help: 'requests waiting for a forward pass', labelNames: ['model'], registers }),
  };
  for (const model of models) m.queueDepth.set({ model }, 0);
  return m;
}
