/**
 * Evaluation over a whole loader: mean loss, outputs gathered into one array, and metrics
 * computed on the whole split with `dl.metrics.computeMetrics` (scikit-learn's names).
 */
import { noGrad } from '../autograd/grad_mode.js';
import { tidy } from '../core/tensor.js';
import { computeMetrics } from '../metrics/compute.js';
import type { Module } from '../nn/module.js';
import { unpackBatch } from './loader_adapter.js';
import { argmaxRows, scoresOf, type Outputs } from './outputs.js';
import type { BatchLoader, LossFn, TrainTask } from './types.js';

export interface EvaluationResult {
  /** Mean loss over the rows (NaN without a loss function). */
  loss: number;
  /** Metrics by scikit-learn name (empty when no task is given). */
  metrics: Record<string, number>;
  outputs: Outputs;
  /** Targets as numbers (class index or value), one per row (first column for multi-target). */
  targets: Float64Array;
  rows: number;
}

/** Calls a loss given as a function or a module. */
export const callLoss = (loss: LossFn, out: import('../core/tensor.js').Tensor, y: import('../core/tensor.js').Tensor) =>
  typeof loss === 'function' ? loss(out, y) : loss.forward(out, y);

/** Metrics of gathered outputs against targets for a task. */
export function metricsFor(task: TrainTask, outputs: Outputs, targets: Float64Array, names?: readonly string[]): Record<string, number> {
  if (outputs.rows === 0) return {};
  if (task === 'regression') {
    const pred = outputs.cols === 1 ? Float64Array.from(outputs.data) : Float64Array.from({ length: outputs.rows }, (_, i) => outputs.data[i * outputs.cols]);
    return computeMetrics('regression', targets, pred, names);
  }
  const scores = scoresOf(outputs);
  const cols = scores.length / outputs.rows;
  if (cols === 2) task = 'binary';
  const pred = argmaxRows(scores, outputs.rows);
  const labels = Array.from({ length: cols }, (_, i) => i);
  const matrix = { dataSync: () => scores, shape: [outputs.rows, cols] };
  const scoreArg = task === 'binary' ? { dataSync: () => Float64Array.from({ length: outputs.rows }, (_, i) => scores[2 * i + 1]), shape: [outputs.rows] } : matrix;
  return computeMetrics(task, targets, { pred, scores: scoreArg }, names, { labels });
}

/**
 * Runs `model` over `loader` in eval mode without gradients.
 *
 * @example
 * const r = evaluateModel(model, testLoader, new dl.nn.CrossEntropyLoss(), 'multiclass');
 * r.metrics.accuracy;
 */
export function evaluateModel(model: Module, loader: BatchLoader, loss: LossFn | null, task: TrainTask | null, metricNames?: readonly string[]): EvaluationResult {
  const wasTraining = model.training;
  model.eval();
  const chunks: Float32Array[] = [];
  const targets: number[] = [];
  let lossSum = 0;
  let rows = 0;
  let cols = 0;
  try {
    noGrad(() => {
      // Batches are drawn inside tidy so that they are freed with the step's temporaries.
      const it = loader[Symbol.iterator]();
      for (let done = false; !done;) {
        tidy(() => {
          const next = it.next();
          if (next.done) { done = true; return; }
          const [x, y] = unpackBatch(next.value);
          const out = model.forward(x);
          const n = out.shape[0];
          if (loss !== null) lossSum += callLoss(loss, out, y).item() * n;
          cols = out.numel() / Math.max(1, n);
          chunks.push(Float32Array.from(out.contiguous().dataSync() as Float32Array));
          const yd = y.dataSync();
          const per = y.numel() / Math.max(1, n);
          for (let i = 0; i < n; i++) targets.push(Number(yd[i * per]));
          rows += n;
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const data = new Float32Array(rows * cols);
  let at = 0;
  for (const c of chunks) { data.set(c, at); at += c.length; }
  const outputs = { data, rows, cols };
  const t = Float64Array.from(targets);
  return {
    loss: loss === null || rows === 0 ? Number.NaN : lossSum / rows,
    metrics: task === null ? {} : metricsFor(task, outputs, t, metricNames),
    outputs, targets: t, rows,
  };
}
