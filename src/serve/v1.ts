/**
 * KServe / TF-Serving V1 (the "predict protocol"): `GET /` (alive), `GET /v1/models`,
 * `GET /v1/models/<name>` (ready) and `POST /v1/models/<name>:predict` with
 * `{ "instances": [...] }`, each instance a raw record (`{ column: value }`, through the
 * model's preprocessing) or, for models without columns, an array of network-input numbers.
 * Answers `{ "predictions": [...] }`: `{ label, probabilities: { class: p } }` per row for
 * classifiers, the value for regressors.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';
import { predictRows } from './infer.js';
import { columnsFromRecords, networkInputFromInstances } from './inputs.js';
import { V1_PREDICT_BODY } from './schemas.js';
import { modelOf, type ServerContext } from './context.js';
import type { Decoded } from './types.js';

interface NameParams { name: string }
interface PredictBody { instances: unknown[] }

/** The V1 `predictions` array of decoded outputs. */
export function v1Predictions(labels: readonly string[] | null, d: Decoded, rows: number): unknown[] {
  if ('values' in d) return Array.from(d.values);
  const names = labels ?? [];
  const k = names.length;
  return Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let j = 1; j < k; j++) if (d.probabilities[i * k + j] > d.probabilities[i * k + best]) best = j;
    const probabilities: Record<string, number> = {};
    for (let j = 0; j < k; j++) probabilities[names[j]] = d.probabilities[i * k + j];
    return { label: names[best], probabilities };
  });
}

/** Registers the V1 endpoints. */
export function v1Routes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/', { config: { endpoint: 'v1_alive', public: true } }, async () => ({ status: 'alive' }));
  app.get('/v1/models', { config: { endpoint: 'v1_models' } }, async () => ({ models: [...ctx.models.keys()] }));
  app.get<{ Params: NameParams }>('/v1/models/:name', { config: { endpoint: 'v1_model' } }, async (req) => ({ name: modelOf(ctx, req.params.name).model.name, ready: true }));
  // The name as a regex parameter, then a literal ':predict' (`::` in a Fastify path).
  app.post<{ Params: NameParams; Body: PredictBody }>('/v1/models/:name(^[A-Za-z0-9_.-]+)::predict', { schema: { body: V1_PREDICT_BODY }, config: { endpoint: 'v1_predict' } }, async (req) => {
    const entry = modelOf(ctx, req.params.name);
    const { instances } = req.body;
    const arrays = instances.filter(Array.isArray).length;
    if (arrays !== 0 && arrays !== instances.length) throw badRequest('instances mix records and arrays; send all of one kind');
    const input = arrays > 0 ? networkInputFromInstances(entry.model, instances)
      : { ...columnsFromRecords(entry.model, instances as Record<string, unknown>[]), where: (i: number) => `instances[${i}]` };
    const d = await predictRows(ctx, entry, input);
    return { predictions: v1Predictions(entry.model.labels, d, instances.length) };
  });
}
