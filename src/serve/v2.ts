/**
 * The Open Inference Protocol (KServe V2, Triton) over HTTP/JSON: server metadata and health,
 * model metadata and readiness, and `infer` with typed tensors — the raw columns (one tensor per
 * column, shape `[N]` or `[N, 1]`) or the network input (one FP32 tensor `[N, ...inputShape]`,
 * named `input`). Outputs: `label` (BYTES `[N]`) and `probabilities` (FP64 `[N, classes]`) for
 * classifiers, `prediction` (FP64 `[N]`) for regressors. Errors are `{ "error": message }`.
 * Model versions: each model has the one version "1".
 */
import type { FastifyInstance } from 'fastify';
import { modelOf, type ModelEntry, type ServerContext } from './context.js';
import { RequestError, badRequest } from './errors.js';
import type { BatchInput } from './batcher.js';
import { predictRows } from './infer.js';
import { columnsFromTensors, networkInputFromTensor } from './inputs.js';
import { inputMetadata, networkInputName, outputMetadata, type TensorMetadata } from './metadata.js';
import { V2_INFER_BODY } from './schemas.js';
import type { RequestTensor } from './tensors.js';
import type { Decoded, ServedModel } from './types.js';

/** A response tensor. */
interface ResponseTensor extends TensorMetadata {
  data: (number | string)[];
}

interface ModelParams { name: string; version?: string }
interface InferBody {
  id?: string;
  inputs: RequestTensor[];
  outputs?: { name: string }[];
}

const VERSION = '1';

/** Decoded predictions as the protocol's output tensors. */
function outputTensors(m: ServedModel, d: Decoded, rows: number): ResponseTensor[] {
  if ('values' in d) return [{ name: 'prediction', datatype: 'FP64', shape: [rows], data: Array.from(d.values) }];
  const labels = m.labels ?? [];
  const k = labels.length;
  const label: string[] = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (d.probabilities[i * k + j] > d.probabilities[i * k + best]) best = j;
    label[i] = labels[best];
  }
  return [
    { name: 'label', datatype: 'BYTES', shape: [rows], data: label },
    { name: 'probabilities', datatype: 'FP64', shape: [rows, k], data: Array.from(d.probabilities) },
  ];
}

/** The model of `:name` (and `:version`, which must be "1"). */
function entryOf(ctx: ServerContext, p: ModelParams): ModelEntry {
  const e = modelOf(ctx, p.name);
  if (p.version !== undefined && p.version !== VERSION) throw new RequestError(404, `model '${p.name}' has no version '${p.version}' (its one version is "${VERSION}")`);
  return e;
}

/** Network input of an infer request: the one network-input tensor, or the raw columns through the preprocessing. */
function requestInput(entry: ModelEntry, inputs: readonly RequestTensor[]): BatchInput {
  const m = entry.model;
  const net = networkInputName(m);
  const direct = inputs.find((t) => t.name === net);
  if (direct !== undefined || m.columns === null) {
    if (direct === undefined || inputs.length !== 1) {
      throw badRequest(`model '${m.name}' takes one input: '${net}' (FP32, shape [N, ${m.inputShape.join(', ')}])${m.columns !== null ? ', or its raw columns' : ''}; got ${inputs.map((t) => `'${t.name}'`).join(', ')}`);
    }
    return networkInputFromTensor(m, direct);
  }
  return { ...columnsFromTensors(m, inputs), where: (i) => `row ${i}` };
}

/** Registers the Open Inference Protocol endpoints (with and without `/versions/<v>`). */
export function v2Routes(app: FastifyInstance, ctx: ServerContext): void {
  const pub = (endpoint: string) => ({ config: { endpoint, public: true } });
  app.get('/v2', { config: { endpoint: 'v2_server' } }, async () => ({ name: ctx.serverName, version: ctx.serverVersion, extensions: [] }));
  app.get('/v2/health/live', pub('v2_live'), async () => ({ live: true }));
  app.get('/v2/health/ready', pub('v2_ready'), async () => ({ ready: true }));
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get<{ Params: ModelParams }>(base, { config: { endpoint: 'v2_metadata' } }, async (req) => {
      const m = entryOf(ctx, req.params).model;
      return { name: m.name, versions: [VERSION], platform: 'dlflow', inputs: inputMetadata(m), outputs: outputMetadata(m) };
    });
    app.get<{ Params: ModelParams }>(`${base}/ready`, { config: { endpoint: 'v2_model_ready' } }, async (req) => ({ name: entryOf(ctx, req.params).model.name, ready: true }));
    app.post<{ Params: ModelParams; Body: InferBody }>(`${base}/infer`, { schema: { body: V2_INFER_BODY }, config: { endpoint: 'v2_infer' } }, async (req) => {
      const entry = entryOf(ctx, req.params);
      const m = entry.model;
      const known = new Set(outputMetadata(m).map((t) => t.name));
      const asked = req.body.outputs?.map((t) => t.name);
      for (const name of asked ?? []) if (!known.has(name)) throw badRequest(`unknown output '${name}'; the model's outputs: ${[...known].join(', ')}`);
      const input = requestInput(entry, req.body.inputs);
      const rows = input.rows;
      const d = await predictRows(ctx, entry, input);
      const outputs = outputTensors(m, d, rows).filter((t) => asked === undefined || asked.includes(t.name));
      return { model_name: m.name, model_version: VERSION, ...(req.body.id !== undefined ? { id: req.body.id } : {}), outputs };
    });
  }
}
