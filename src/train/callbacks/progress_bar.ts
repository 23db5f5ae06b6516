/**
 * ProgressBar: on a TTY a live bar (the epoch's running loss and accuracy, samples/s, ETA)
 * redrawn at most ten times a second, on the batches where the Trainer offers running values
 * (`progressEvery`); otherwise one plain line per epoch, or one JSON object per epoch with
 * `mode: 'jsonl'`. Only the bar reads values during an epoch, and only when it redraws.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Callback } from '../callback.js';
import type { BatchInfo, EpochLogs, FitContext } from '../types.js';

/**
 * What the bar writes to: process.stdout, a file stream, or any object with `write`. Structural
 * (not Node's stream type), so the public types check in projects without @types/node.
 */
export interface TextSink {
  write(text: string): unknown;
  /** A terminal gets the live bar in `auto` mode. */
  isTTY?: boolean;
  /** Terminal width; lines are clipped to it (default 120). */
  columns?: number;
}

const PROGRESS_BAR_OPTIONS = defineOptions('ProgressBar', {
  /** Where to write (default process.stdout). */
  stream: option.custom<TextSink>('a stream with write(text)', (v): v is TextSink => typeof v === 'object' && v !== null && typeof (v as TextSink).write === 'function'),
  /** `auto` (bar on a TTY, plain otherwise), `bar`, `plain` or `jsonl`. */
  mode: option.choice(['auto', 'bar', 'plain', 'jsonl'], 'auto'),
});

export type ProgressBarOptions = OptionsInput<typeof PROGRESS_BAR_OPTIONS>;

const fmt = (v: number): string => (Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Log keys shown in the per-epoch line (when present). */
export const EPOCH_LINE_KEYS = [
  'train_loss', 'train_accuracy', 'val_loss', 'val_accuracy', 'val_f1_macro', 'val_f1', 'val_r2', 'val_mean_absolute_error', 'lr',
];

/** The one-line summary of an epoch. */
export function epochLine(logs: EpochLogs, total: number, keys: readonly string[] = EPOCH_LINE_KEYS): string {
  const parts = [`epoch ${String(logs.epoch).padStart(String(total).length)}/${total}`];
  for (const k of keys) {
    const v = logs[k];
    if (v === undefined) continue;
    parts.push(`${k} ${k === 'lr' ? v.toExponential(2) : fmt(v)}`);
  }
  parts.push(`${logs.seconds.toFixed(1)}s`);
  return parts.join('  ');
}

/**
 * @example
 * new dl.Trainer({ epochs: 10, callbacks: [new dl.train.ProgressBar()] });
 */
export class ProgressBar implements Callback {
  private readonly stream: TextSink;
  readonly mode: 'bar' | 'plain' | 'jsonl';
  private started = 0;
  private seen = 0;
  private lastDraw = 0;

  constructor(input: ProgressBarOptions = {}) {
    const options = PROGRESS_BAR_OPTIONS.parse(input);
    this.stream = options.stream ?? process.stdout;
    const mode = options.mode;
    this.mode = mode === 'auto' ? (this.stream.isTTY ? 'bar' : 'plain') : mode;
  }

  onEpochStart(): void {
    this.started = performance.now();
    this.seen = 0;
    this.lastDraw = 0;
  }

  onBatchEnd(ctx: FitContext, info: BatchInfo): void {
    this.seen += info.size;
    if (this.mode !== 'bar' || info.running === undefined) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && info.batch !== info.batches) return;
    this.lastDraw = now;
    const running = info.running();
    const secs = (now - this.started) / 1000;
    const rate = this.seen / Math.max(secs, 1e-9);
    const width = 24;
    const frac = info.batches ? info.batch / info.batches : 0;
    const filled = Math.round(frac * width);
    const bar = info.batches ? `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${info.batch}/${info.batches}` : `batch ${info.batch}`;
    const eta = info.batches ? duration((secs / info.batch) * (info.batches - info.batch)) : '?';
    const acc = running.accuracy !== undefined ? `  acc ${running.accuracy.toFixed(4)}` : '';
    const line = `epoch ${info.epoch}/${ctx.totalEpochs} ${bar}  loss ${fmt(running.loss)}${acc}  ${rate.toFixed(0)} samples/s  ETA ${eta}`;
    const cols = this.stream.columns ?? 120;
    this.stream.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
  }

  onEpochEnd(ctx: FitContext, logs: EpochLogs): void {
    if (this.mode === 'jsonl') { this.stream.write(`${JSON.stringify(logs)}\n`); return; }
    if (this.mode === 'bar') this.stream.write('\r\x1b[K');
    this.stream.write(`${epochLine(logs, ctx.totalEpochs)}\n`);
  }

  onInterrupt(): void {
    if (this.mode === 'bar') this.stream.write('\n');
  }
}
