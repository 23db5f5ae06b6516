/**
 * dl.serve: an HTTP inference server for any model that implements {@link ServedModel} —
 * KServe/TF-Serving V1 (`:predict` with records), the Open Inference Protocol (KServe V2,
 * Triton: typed tensors), dynamic batching, Prometheus metrics, an optional API key. `dlflow
 * serve runs/<name>` serves trained runs through it.
 *
 * @example
 * const server = await dl.serve.createServer({ models: [served], maxBatchSize: 64 });
 * const url = await server.listen({ port: 8080, host: '127.0.0.1' });
 */
export { createServer, LOG_LEVELS } from './server.js';
export type { InferenceServer, ListenOptions, LogLevel, ServerOptions } from './server.js';
export type { BatcherOptions } from './batcher.js';
export { Batcher } from './batcher.js';
export { RequestError } from './errors.js';
export { DATATYPES } from './tensors.js';
export type { Datatype, RequestTensor } from './tensors.js';
export { inputMetadata, outputMetadata, networkInputName } from './metadata.js';
export type { TensorMetadata } from './metadata.js';
export type { Cell, ColumnKind, ColumnSpec, Decoded, Encoded, RowProblem, ServedModel } from './types.js';
