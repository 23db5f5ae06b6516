/**
 * What the server needs of a model, and nothing more: it knows no runs, files or Modules. The CLI
 * implements {@link ServedModel} with the inference path that `dlflow predict` uses
 * (src/cli/run/inference.ts); a library user can implement it over any model.
 */

/** One cell of a raw record, as JSON carries it; `null` is a missing value. */
export type Cell = string | number | boolean | null;

/**
 * What a raw column holds, which decides the values it accepts and its Open Inference Protocol
 * datatype: `number` (FP64), `boolean` (BOOL; also 0/1 and words like yes/no), `text` (BYTES;
 * numbers are taken as their text), `datetime` (BYTES: ISO 8601 text).
 */
export type ColumnKind = 'number' | 'boolean' | 'text' | 'datetime';

/** A raw column the model's preprocessing reads. */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}

/** A row the model could not turn into network input, by row (0-based within the request). */
export interface RowProblem {
  row: number;
  column: string;
  /** The offending value as text, when there is one. */
  value?: string;
  reason: string;
}

/** Network input from raw columns: the rows that could be transformed (in order, flat) and why the others could not. */
export interface Encoded {
  x: Float32Array;
  problems: RowProblem[];
}

/** Predictions of `rows` rows: class probabilities (`rows × labels.length`, row-major) or values. */
export type Decoded = { probabilities: Float64Array } | { values: Float64Array };

/**
 * A model the server can serve. The server validates requests against `columns`/`inputShape`,
 * gathers concurrent requests (dynamic batching) into one `encode` call (their raw columns
 * joined) and one `forward` call (their network input joined), and answers each with `decode`'s
 * predictions of its rows. A request with rows `encode` refuses is answered 400.
 *
 * @example
 * const served: ServedModel = {
 *   name: 'xor', inputShape: [2], columns: null, labels: ['no', 'yes'],
 *   encode: () => ({ problems: [] }),
 *   forward: (x, rows) => myNet(x, rows), // Float32Array of rows × 2 logits
 *   decode: (out, rows) => ({ probabilities: softmaxRows(out, rows) }),
 * };
 * const server = await createServer({ models: [served] });
 */
export interface ServedModel {
  /** Name in the URLs (`/v2/models/<name>`): letters, digits, `_`, `-`, `.`. */
  readonly name: string;
  /** Shape of one example of the network input (`[features]`, `[C, H, W]`). */
  readonly inputShape: readonly number[];
  /** The raw columns `encode` reads, in order; null when the model takes only the network input (images, audio). */
  readonly columns: readonly ColumnSpec[] | null;
  /** Columns a record may carry that are not read (the target, dropped columns); others are an error. */
  readonly ignoredColumns?: readonly string[];
  /** Class names in output order, or null when the model predicts values. */
  readonly labels: readonly string[] | null;
  /** Raw columns (one array of `rows` cells per column of `columns`) to network input rows; rows it cannot transform are left out and listed. */
  encode(columns: ReadonlyMap<string, readonly Cell[]>, rows: number): Encoded;
  /** Network input `[rows, ...inputShape]` (flat, row-major) to outputs (flat, `rows` rows); the batched step. */
  forward(x: Float32Array, rows: number): Float32Array;
  /** Outputs of `rows` rows to predictions. */
  decode(out: Float32Array, rows: number): Decoded;
}
