/**
 * Dynamic batching: concurrent requests for one model are gathered into one preprocessing call
 * (their raw columns joined) and one forward pass (their network input joined). A batch runs
 * when it holds `maxBatchSize` rows, or `maxWaitMs` after its first request arrived (0: at the
 * end of the current turn of the event loop, so every request read in that turn joins). A
 * request larger than `maxBatchSize` runs alone. At most `maxQueue` requests wait; one more is
 * refused with 503 and Retry-After, so overload gives quick answers instead of a growing queue.
 * A request with rows the preprocessing refuses is answered 400 naming them; the others in its
 * batch are not affected.
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import { RequestError, badRequest } from './errors.js';
import type { Cell, RowProblem, ServedModel } from './types.js';

/** The batching options, which createServer takes too (for the batcher of each model). */
export const BATCHER_FIELDS = {
  /** Most rows in one forward pass (default 64). */
  maxBatchSize: option.number({ default: 64, min: 1, integer: true }),
  /**
   * Longest a request waits for others before its batch runs, in milliseconds (default 0: until
   * the end of the event loop's turn). At most setTimeout's limit, about 24.8 days.
   */
  maxWaitMs: option.number({ default: 0, min: 0, max: 2 ** 31 - 1 }),
  /** Most requests waiting; one more is answered 503 (default 256). */
  maxQueue: option.number({ default: 256, min: 1, integer: true }),
};
const BATCHER_OPTIONS = defineOptions('Batcher', BATCHER_FIELDS);

export type BatcherOptions = OptionsInput<typeof BATCHER_OPTIONS>;

/** What a batcher reports, for metrics. */
export interface BatcherEvents {
  /** A forward pass of `rows` rows took `seconds`. */
  batch(rows: number, seconds: number): void;
  /** Requests waiting changed. */
  queue(depth: number): void;
}

/** A request's rows: network input, or raw columns (with how the protocol names a row, for errors). */
export type BatchInput =
  | { x: Float32Array; rows: number }
  | { columns: ReadonlyMap<string, readonly Cell[]>; rows: number; where: (row: number) => string };

interface Pending {
  input: BatchInput;
  resolve: (out: Float32Array) => void;
  reject: (e: unknown) => void;
}

/** At most this many problems are spelled out in one message. */
const LISTED = 5;

/** One message for rows the preprocessing refused; `where(row)` names a row as the protocol does (`instances[2]`). */
export function problemsMessage(problems: readonly RowProblem[], where: (row: number) => string): string {
  const text = problems.slice(0, LISTED).map((p) => `${where(p.row)}: column '${p.column}': ${p.value !== undefined ? `'${p.value}' ` : ''}${p.reason}`);
  const more = problems.length > LISTED ? `; and ${problems.length - LISTED} more` : '';
  return `${text.join('; ')}${more}`;
}

/**
 * Runs a model over gathered requests and hands each its own rows of the output.
 *
 * @example
 * const b = new Batcher(model, { maxBatchSize: 64, maxWaitMs: 2, maxQueue: 256 });
 * const out = await b.submit({ x: new Float32Array([0.1, 0.2]), rows: 1 }); // shares a pass with concurrent calls
 */
export class Batcher {
  private readonly pending: Pending[] = [];
  private pendingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly options: ResolvedOptions<typeof BATCHER_OPTIONS>;

  constructor(
    private readonly model: Pick<ServedModel, 'encode' | 'forward' | 'columns'>,
    options: BatcherOptions = {},
    private readonly events: BatcherEvents = { batch: () => undefined, queue: () => undefined },
  ) {
    this.options = BATCHER_OPTIONS.parse(options);
  }

  /** Requests waiting for a forward pass. */
  get depth(): number {
    return this.pending.length;
  }

  /** Queues a request's rows; resolves to their outputs. @throws RequestError 503 when the queue is full. */
  submit(input: BatchInput): Promise<Float32Array> {
    if (this.pending.length >= this.options.maxQueue) {
      throw new RequestError(503, `the model's queue is full (${this.options.maxQueue} requests waiting); retry shortly`, { 'retry-after': '1' });
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.pendingRows += input.rows;
      this.events.queue(this.pending.length);
      if (this.pendingRows >= this.options.maxBatchSize) this.runSoon();
      else if (this.timer === null && this.immediate === null) {
        if (this.options.maxWaitMs > 0) this.timer = setTimeout(() => { this.timer = null; this.runSoon(); }, this.options.maxWaitMs);
        else this.runSoon();
      }
    });
  }

  /** Runs everything waiting now (shutdown: in-flight requests are answered without waiting out `maxWaitMs`). */
  flush(): void {
    while (this.pending.length > 0) this.runBatch();
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.immediate !== null) { clearImmediate(this.immediate); this.immediate = null; }
  }

  private runSoon(): void {
    if (this.immediate !== null) return;
    // setImmediate, not a direct call: requests whose bodies arrive in this turn still join the batch.
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.runBatch();
      if (this.pending.length === 0) return;
      if (this.pendingRows >= this.options.maxBatchSize || this.options.maxWaitMs <= 0) this.runSoon();
      else if (this.timer === null) this.timer = setTimeout(() => { this.timer = null; this.runSoon(); }, this.options.maxWaitMs);
    });
  }

  /** One pass over the oldest requests that fit in `maxBatchSize` rows (at least one). */
  private runBatch(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    let n = 0, rows = 0;
    while (n < this.pending.length && (n === 0 || rows + this.pending[n].input.rows <= this.options.maxBatchSize)) rows += this.pending[n++].input.rows;
    if (n === 0) return;
    const batch = this.pending.splice(0, n);
    this.pendingRows -= rows;
    this.events.queue(this.pending.length);
    try {
      this.run(batch);
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  /** Encodes the raw columns of `batch` in one call, runs one forward pass, answers each request. */
  private run(batch: Pending[]): void {
    const xs = new Map<Pending, Float32Array>();
    const raw = batch.filter((p) => 'columns' in p.input);
    if (raw.length > 0) this.encodeAll(raw, xs);
    const live = batch.filter((p) => 'x' in p.input || xs.has(p));
    if (live.length === 0) return;
    const parts = live.map((p) => ('x' in p.input ? p.input.x : xs.get(p)!));
    let x = parts[0];
    if (parts.length > 1) {
      x = new Float32Array(parts.reduce((s, a) => s + a.length, 0));
      let at = 0;
      for (const a of parts) { x.set(a, at); at += a.length; }
    }
    const rows = live.reduce((s, p) => s + p.input.rows, 0);
    const start = process.hrtime.bigint();
    const out = this.model.forward(x, rows);
    this.events.batch(rows, Number(process.hrtime.bigint() - start) / 1e9);
    const width = rows > 0 ? out.length / rows : 0;
    let row = 0;
    for (const p of live) {
      p.resolve(live.length === 1 ? out : out.subarray(row * width, (row + p.input.rows) * width));
      row += p.input.rows;
    }
  }

  /** The network input of each raw-column request (one encode call for all); those with refused rows are answered 400. */
  private encodeAll(raw: Pending[], xs: Map<Pending, Float32Array>): void {
    const total = raw.reduce((s, p) => s + p.input.rows, 0);
    let columns: ReadonlyMap<string, readonly Cell[]>;
    if (raw.length === 1) columns = (raw[0].input as { columns: ReadonlyMap<string, readonly Cell[]> }).columns;
    else {
      const joined = new Map<string, Cell[]>();
      for (const c of this.model.columns ?? []) joined.set(c.name, raw.flatMap((p) => (p.input as { columns: ReadonlyMap<string, readonly Cell[]> }).columns.get(c.name) ?? []));
      columns = joined;
    }
    const e = this.model.encode(columns, total);
    const problemsOf = new Map<number, RowProblem[]>(); // request index → its problems (rows local to it)
    const bad = new Uint8Array(total);
    const starts: number[] = [];
    let at = 0;
    for (const p of raw) { starts.push(at); at += p.input.rows; }
    for (const pr of e.problems) {
      bad[pr.row] = 1;
      let i = starts.length - 1;
      while (starts[i] > pr.row) i--;
      const list = problemsOf.get(i) ?? [];
      list.push({ ...pr, row: pr.row - starts[i] });
      problemsOf.set(i, list);
    }
    const goodRows = total - bad.reduce((s, b) => s + b, 0);
    const width = goodRows > 0 ? e.x.length / goodRows : 0;
    let good = 0; // rows of e.x before the current request
    raw.forEach((p, i) => {
      const rows = p.input.rows;
      let okRows = 0;
      for (let r = starts[i]; r < starts[i] + rows; r++) if (bad[r] === 0) okRows++;
      const problems = problemsOf.get(i);
      if (problems !== undefined) p.reject(badRequest(problemsMessage(problems, (p.input as { where: (row: number) => string }).where)));
      else xs.set(p, e.x.subarray(good * width, (good + rows) * width));
      good += okRows;
    });
  }
}
