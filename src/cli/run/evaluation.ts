/**
 * The evaluation of a model on one split: metrics (scikit-learn names), and for the report the
 * confusion matrix, per-class table and ROC curves, or predicted-vs-actual pairs for regression.
 * Regression values are back in the target's units.
 */
import * as m from '../../metrics/index.js';
import { metricsFor } from '../../train/evaluate.js';
import { argmaxRows, scoresOf, type Outputs } from '../../train/outputs.js';
import type { TrainTask } from '../../train/types.js';
import type { TargetEncoding } from '../../data/prepare/target.js';

export interface EvaluationJSON {
  split: string;
  rows: number;
  task: TrainTask;
  metrics: Record<string, number>;
  labels: string[] | null;
  confusion?: number[][];
  perClass?: { name: string; precision: number; recall: number; f1: number; support: number }[];
  reportText?: string;
  roc?: { name: string; fpr: number[]; tpr: number[]; auc: number }[];
  /** Regression: actual and predicted values (at most 4000 pairs). */
  actual?: number[];
  predicted?: number[];
}

const thin = (a: ArrayLike<number>, max = 200): number[] => {
  const step = Math.max(1, Math.ceil(a.length / max));
  const out: number[] = [];
  for (let i = 0; i < a.length; i += step) out.push(Number(Number(a[i]).toPrecision(6)));
  if (a.length > 0 && (a.length - 1) % step !== 0) out.push(a[a.length - 1]);
  return out;
};

/** Evaluates gathered outputs against encoded targets. */
export function evaluationOf(split: string, task: TrainTask, outputs: Outputs, targets: Float64Array, target: TargetEncoding, names?: readonly string[]): EvaluationJSON {
  const rows = outputs.rows;
  if (task === 'regression') {
    const actual = Array.from(targets, (v) => v * target.scale + target.center);
    const predicted = Array.from({ length: rows }, (_, i) => outputs.data[i * outputs.cols] * target.scale + target.center);
    const metrics = rows > 0 ? m.computeMetrics('regression', actual, predicted, names) : {};
    const step = Math.max(1, Math.ceil(rows / 4000));
    return { split, rows, task, metrics, labels: null, actual: actual.filter((_, i) => i % step === 0), predicted: predicted.filter((_, i) => i % step === 0) };
  }
  const labels = target.classes ?? [];
  const metrics = metricsFor(task, outputs, targets, names);
  if (rows === 0) return { split, rows, task, metrics, labels };
  const scores = scoresOf(outputs);
  const cols = scores.length / rows;
  const pred = argmaxRows(scores, rows);
  const idx = Array.from({ length: cols }, (_, i) => i);
  const confusion = m.confusionMatrix(targets, pred, { labels: idx });
  const report = m.classificationReport(targets, pred, { labels: idx, targetNames: labels, zeroDivision: 0 });
  const roc = idx.map((c) => {
    const y = Array.from(targets, (t) => (t === c ? 1 : 0));
    const s = Array.from({ length: rows }, (_, i) => scores[i * cols + c]);
    if (y.every((v) => v === y[0])) return null;
    const curve = m.rocCurve(y, s);
    return { name: labels[c] ?? String(c), fpr: thin(curve.fpr), tpr: thin(curve.tpr), auc: m.rocAucScore(y, s) };
  }).filter((r): r is NonNullable<typeof r> => r !== null);
  return {
    split, rows, task, metrics, labels, confusion,
    perClass: report.classes.map((c) => ({ name: c.name, precision: c.precision, recall: c.recall, f1: c['f1-score'], support: c.support })),
    reportText: m.formatClassificationReport(report, 4),
    roc: task === 'binary' ? roc.slice(1) : roc,
  };
}
