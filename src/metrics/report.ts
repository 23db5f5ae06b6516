/**
 * Classification report: per-class precision, recall, F1 and support plus
 * accuracy and macro/weighted averages, as a structure and as text laid out
 * like scikit-learn's `classification_report`.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { countConfusion } from './confusion.js';
import { MetricError } from './errors.js';
import type { VectorInput } from './input.js';
import { LABELS_FIELD, ZERO_DIVISION_FIELD } from './options.js';
import { precisionRecallFscore, precisionRecallFscoreSupport, type Average } from './prf.js';
import { padLeft, pyFixed } from './py_format.js';

/** One line of the report. */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** The report as data. */
export interface ClassificationReport {
  /** One row per class, in label order. */
  classes: (ReportRow & { name: string; label: number })[];
  /** Accuracy, when micro-averaging equals it (all labels present are scored); else null. */
  accuracy: number | null;
  /** Micro average, shown instead of accuracy when `labels` is a strict subset/superset. */
  microAvg: ReportRow | null;
  macroAvg: ReportRow;
  weightedAvg: ReportRow;
  /** The text table (scikit-learn's layout). */
  text: string;
}

const REPORT_OPTIONS = defineOptions('classification_report', {
  /** Classes to report, in order (default: sorted labels present). */
  labels: LABELS_FIELD,
  /** Display names, one per label (default: the labels as strings). */
  targetNames: option.custom<readonly string[]>('a list of strings', (v): v is readonly string[] => Array.isArray(v) && v.every((n) => typeof n === 'string')),
  /** Decimals in the text (default 2). */
  digits: option.number({ default: 2, min: 0, integer: true }),
  /** The value of a 0/0 ratio: 'warn' (default: 0, as scikit-learn without the warning), 0 or 1. */
  zeroDivision: ZERO_DIVISION_FIELD,
});

/** Options of {@link classificationReport}. */
export type ClassificationReportOptions = OptionsInput<typeof REPORT_OPTIONS>;

/**
 * Builds the classification report.
 *
 * @example
 * const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['ant', 'bird', 'cat'] });
 * r.classes[2]['f1-score']; // 0.8
 * console.log(r.text);
 */
export function classificationReport(yTrue: VectorInput, yPred: VectorInput, options: ClassificationReportOptions = {}): ClassificationReport {
  const metric = 'classification_report';
  const { labels: givenLabels, targetNames, digits, zeroDivision } = REPORT_OPTIONS.parse(options);
  const cc = countConfusion(metric, yTrue, yPred, givenLabels);
  const labels = cc.classes;
  const names = targetNames ? [...targetNames] : labels.map(String);
  if (names.length !== labels.length) {
    throw new MetricError(metric, `number of classes, ${labels.length}, does not match size of target_names, ${names.length}; try specifying 'labels'`);
  }
  const per = precisionRecallFscoreSupport(yTrue, yPred, { labels, zeroDivision });
  const classes = labels.map((label, i) => ({
    name: names[i], label, precision: per.precision[i], recall: per.recall[i], 'f1-score': per.fscore[i], support: per.support[i],
  }));
  const total = per.support.reduce((a, b) => a + b, 0);
  const avg = (average: Average): ReportRow => {
    const r = precisionRecallFscore(yTrue, yPred, average, { labels, zeroDivision }, metric);
    return { precision: r.precision, recall: r.recall, 'f1-score': r.fscore, support: total };
  };
  let microIsAccuracy = true;
  if (cc.labelsGiven) {
    const present = new Set<number>();
    for (let i = 0; i < cc.k; i++) {
      for (let j = 0; j < cc.k; j++) if (cc.counts[i * cc.k + j] > 0) { present.add(labels[i]); present.add(labels[j]); }
    }
    microIsAccuracy = present.size === labels.length;
  }
  const micro = avg('micro');
  const report: ClassificationReport = {
    classes,
    accuracy: microIsAccuracy ? micro['f1-score'] : null,
    microAvg: microIsAccuracy ? null : micro,
    macroAvg: avg('macro'),
    weightedAvg: avg('weighted'),
    text: '',
  };
  report.text = formatClassificationReport(report, digits);
  return report;
}

/**
 * The report as scikit-learn's `output_dict=True` structure: class names,
 * then 'accuracy' (a number) or 'micro avg', 'macro avg', 'weighted avg'.
 *
 * @example
 * reportToDict(classificationReport([0, 1], [0, 1]))['macro avg'];
 */
export function reportToDict(r: ClassificationReport): Record<string, ReportRow | number> {
  const out: Record<string, ReportRow | number> = {};
  for (const c of r.classes) out[c.name] = { precision: c.precision, recall: c.recall, 'f1-score': c['f1-score'], support: c.support };
  if (r.accuracy !== null) out.accuracy = r.accuracy;
  if (r.microAvg !== null) out['micro avg'] = r.microAvg;
  out['macro avg'] = r.macroAvg;
  out['weighted avg'] = r.weightedAvg;
  return out;
}

/**
 * Text table with scikit-learn's layout (right-aligned columns of width 9).
 *
 * @example
 * formatClassificationReport(classificationReport([0, 1, 1], [0, 1, 0]), 3);
 */
export function formatClassificationReport(r: ClassificationReport, digits = 2): string {
  const width = Math.max(...r.classes.map((c) => c.name.length), 'weighted avg'.length, digits);
  const cell = (s: string): string => ' ' + padLeft(s, 9);
  const line = (name: string, row: ReportRow): string =>
    padLeft(name, width) + ' ' + cell(pyFixed(row.precision, digits)) + cell(pyFixed(row.recall, digits))
    + cell(pyFixed(row['f1-score'], digits)) + cell(String(row.support)) + '\n';
  let text = ' '.repeat(width) + ' ' + ['precision', 'recall', 'f1-score', 'support'].map(cell).join('') + '\n\n';
  for (const c of r.classes) text += line(c.name, c);
  text += '\n';
  if (r.accuracy !== null) {
    text += padLeft('accuracy', width) + ' ' + cell('') + cell('') + cell(pyFixed(r.accuracy, digits)) + cell(String(r.macroAvg.support)) + '\n';
  } else if (r.microAvg !== null) {
    text += line('micro avg', r.microAvg);
  }
  text += line('macro avg', r.macroAvg);
  text += line('weighted avg', r.weightedAvg);
  return text;
}
