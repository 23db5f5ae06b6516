/**
 * dl.metrics: classification and regression metrics over whole splits,
 * matching scikit-learn's definitions. Inputs are number arrays, typed arrays
 * or dlflow tensors.
 *
 * @example
 * import { metrics } from 'dlflow';
 * metrics.accuracyScore([0, 1, 1], [0, 1, 0]); // 0.6667
 * metrics.computeMetrics('binary', [0, 1, 1], { pred: [0, 1, 0], scores: [0.2, 0.9, 0.4] });
 */
export { MetricError } from './errors.js';
export type { TensorLike, VectorInput, MatrixInput } from './input.js';
export { accuracyScore, balancedAccuracyScore, topKAccuracyScore } from './accuracy.js';
export type { BalancedAccuracyOptions, TopKOptions } from './accuracy.js';
export { confusionMatrix } from './confusion.js';
export type { ConfusionMatrixOptions } from './confusion.js';
export { precisionRecallFscoreSupport, precisionRecallFscore, precisionScore, recallScore, f1Score, fbetaScore } from './prf.js';
export type { Average, ZeroDivision, PrfOptions, PrfPerClass, PrfAverage } from './prf.js';
export { matthewsCorrcoef } from './mcc.js';
export { rocCurve, rocAucScore } from './roc.js';
export type { RocCurve, RocCurveOptions, RocAucOptions } from './roc.js';
export { precisionRecallCurve, averagePrecisionScore } from './average_precision.js';
export type { PrecisionRecallCurve, PrecisionRecallCurveOptions, AveragePrecisionOptions } from './average_precision.js';
export { logLoss } from './log_loss.js';
export type { LogLossOptions } from './log_loss.js';
export { classificationReport, formatClassificationReport, reportToDict } from './report.js';
export type { ClassificationReport, ClassificationReportOptions, ReportRow } from './report.js';
export {
  meanSquaredError, rootMeanSquaredError, meanAbsoluteError, r2Score, meanAbsolutePercentageError, explainedVarianceScore,
} from './regression.js';
export { computeMetrics, defaultMetricNames, METRIC_NAMES } from './compute.js';
export type { Task, Predictions, ComputeOptions } from './compute.js';
