/** What the route handlers share: the models with their batchers, limits and metrics. */
import { didYouMean } from '../base/suggest.js';
import type { Batcher } from './batcher.js';
import { RequestError, badRequest } from './errors.js';
import type { ServerMetrics } from './metrics.js';
import type { ServedModel } from './types.js';

/** A model with its batcher, as the route handlers use it. */
export interface ModelEntry {
  model: ServedModel;
  batcher: Batcher;
}

/** What the routes share. */
export interface ServerContext {
  models: ReadonlyMap<string, ModelEntry>;
  maxRows: number;
  metrics: ServerMetrics;
  serverName: string;
  serverVersion: string;
}

/** Route settings the hooks read: the endpoint label of the metrics, and whether a key is needed. */
export interface RouteConfig {
  endpoint: string;
  public?: boolean;
}

/** What a model name may hold: it is part of URLs (`/v1/models/<name>:predict`). */
export const MODEL_NAME = /^[A-Za-z0-9_.-]+$/;

/** The model a URL names; 404 naming the models served otherwise. */
export function modelOf(ctx: ServerContext, name: string): ModelEntry {
  const e = ctx.models.get(name);
  if (e === undefined) {
    const names = [...ctx.models.keys()];
    throw new RequestError(404, `unknown model '${name}'${didYouMean(name, names)}; models served: ${names.join(', ')}`);
  }
  return e;
}

/** 400 unless 1 ≤ rows ≤ maxRows. */
export function checkRows(ctx: ServerContext, rows: number): void {
  if (rows === 0) throw badRequest('the request holds no rows');
  if (rows > ctx.maxRows) throw badRequest(`too many rows in one request: ${rows}, at most ${ctx.maxRows} (split the request)`);
}

