/**
 * `model.summary(inputShape)`: per-layer output shapes and parameter counts, found by running
 * one forward pass on zeros with each submodule's `forward` temporarily wrapped to record its
 * output (per-module tracing; nothing is left patched afterwards).
 */
import { noGrad } from '../autograd/grad_mode.js';
import { BYTES_PER_ELEMENT, type DType } from '../base/dtype.js';
import { tidy, Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import type { Module } from './module.js';

export interface SummaryOptions {
  /** dtype of the zero input (int64 for models that start with an Embedding). Default float32. */
  dtype?: DType;
  /**
   * Shows the first (batch) dimension of every shape in the table as this name, e.g. `'N'` for
   * `[N, 32, 14, 14]` (default: the traced size). The rows keep the numbers.
   */
  batchName?: string;
}

/** One executed layer. */
export interface SummaryRow {
  /** Dotted name in the model (`layers.0`). */
  name: string;
  /** Class name (`Linear`). */
  type: string;
  /** Shape of the output (one shape per tensor when the layer returns several). */
  outputShape: number[] | number[][];
  /** Parameters the layer owns directly. */
  params: number;
  /** Of which require grad. */
  trainableParams: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  /** Bytes of parameters + bytes of buffers. */
  paramBytes: number;
  bufferBytes: number;
  sizeBytes: number;
  /** The table, torchsummary-style. */
  toString(): string;
}

function shapeOf(out: unknown): number[] | number[][] {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out)) return out.filter((t): t is Tensor => t instanceof Tensor).map((t) => [...t.shape]);
  return [];
}

const bytesOf = (t: Tensor): number => t.numel() * BYTES_PER_ELEMENT[t.dtype];
const group = (n: number): string => n.toLocaleString('en-US');

/** Run the traced forward pass and build the summary (see `Module.summary`). */
export function summarize(model: Module, inputShape: readonly number[], options: SummaryOptions): ModelSummary {
  const rows: SummaryRow[] = [];
  const patched: [Module, PropertyDescriptor | undefined][] = [];
  for (const [name, m] of model.namedModules()) {
    if (m === model || m.isContainer()) continue;
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const original = m.forward;
    const params = m.parameters(false);
    Object.defineProperty(m, 'forward', {
      configurable: true, enumerable: false, writable: true,
      value: (...args: unknown[]) => {
        const out = original.apply(m, args);
        rows.push({
          name, type: m.constructor.name, outputShape: shapeOf(out),
          params: params.reduce((n, p) => n + p.numel(), 0),
          trainableParams: params.reduce((n, p) => n + (p.requiresGrad ? p.numel() : 0), 0),
        });
        return out;
      },
    });
    patched.push([m, own]);
  }
  const wasTraining = model.training;
  model.eval();
  try {
    tidy(() => noGrad(() => {
      model.forward(zeros(inputShape, { dtype: options.dtype ?? 'float32' }));
    }));
  } finally {
    for (const [m, own] of patched) {
      if (own === undefined) delete (m as unknown as Record<string, unknown>).forward;
      else Object.defineProperty(m, 'forward', own);
    }
    model.train(wasTraining);
  }
  const params = model.parameters();
  const totalParams = params.reduce((n, p) => n + p.numel(), 0);
  const trainableParams = params.reduce((n, p) => n + (p.requiresGrad ? p.numel() : 0), 0);
  const paramBytes = params.reduce((n, p) => n + bytesOf(p), 0);
  const bufferBytes = model.buffers().reduce((n, b) => n + bytesOf(b), 0);
  const summary: ModelSummary = {
    rows, totalParams, trainableParams, nonTrainableParams: totalParams - trainableParams,
    paramBytes, bufferBytes, sizeBytes: paramBytes + bufferBytes,
    toString: () => formatSummary(summary, options.batchName),
  };
  return summary;
}

/** `[1, 32, 14, 14]`, or `[N, 32, 14, 14]` with a batch name; one shape per output of a layer with several. */
function formatShape(shape: number[] | number[][], batchName: string | undefined): string {
  const one = (s: number[]): string => `[${s.map((d, i) => (i === 0 && batchName !== undefined ? batchName : String(d))).join(', ')}]`;
  return shape.length > 0 && Array.isArray(shape[0]) ? `[${(shape as number[][]).map(one).join(', ')}]` : one(shape as number[]);
}

function formatSummary(s: ModelSummary, batchName: string | undefined): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Trainable'];
  const body = s.rows.map((r) => [
    `${r.name} (${r.type})`,
    formatShape(r.outputShape, batchName),
    group(r.params),
    group(r.trainableParams),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)) + 2);
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('');
  const total = widths.reduce((a, b) => a + b, 0);
  return [
    '-'.repeat(total), line(header), '='.repeat(total), ...body.map(line), '='.repeat(total),
    `Total params: ${group(s.totalParams)}`,
    `Trainable params: ${group(s.trainableParams)}`,
    `Non-trainable params: ${group(s.nonTrainableParams)}`,
    `Params size (bytes): ${group(s.paramBytes)}`,
    `Buffers size (bytes): ${group(s.bufferBytes)}`,
    `Model size (bytes): ${group(s.sizeBytes)}`,
    '-'.repeat(total),
  ].join('\n');
}
