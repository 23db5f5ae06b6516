/**
 * dl.metrics against scikit-learn 1.2 (fixtures from
 * scripts/make_metrics_fixtures.py). Tolerance: 1e-9 (absolute + relative)
 * for float64 inputs; 1e-6 where the fixture's probabilities are float32,
 * because scikit-learn then clips and sums in float32 while dlflow widens to
 * float64 first (same eps, different rounding).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import * as m from '../src/metrics/index.js';

const DIR = join('test', 'fixtures', 'metrics');

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
interface Fixture {
  task: 'binary' | 'multiclass' | 'regression';
  float32?: boolean;
  y_true: number[];
  y_pred: number[] | number[][];
  scores?: number[] | number[][];
  extra_labels?: number[];
  expected: Record<string, any>;
}

function load(name: string): Fixture {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Fixture;
}

/** Compares numbers and nested arrays/objects; "NaN" in the fixture means NaN. */
function close(actual: unknown, expected: Json, tol: number, what: string): void {
  if (expected === 'NaN') {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${String(actual)}`);
  } else if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${what}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= tol * (1 + Math.abs(expected)), `${what}: expected ${expected}, got ${a} (tol ${tol})`);
  } else if (Array.isArray(expected)) {
    const a = actual as ArrayLike<unknown>;
    assert.equal(a.length, expected.length, `${what}: length ${a.length} vs ${expected.length}`);
    expected.forEach((e, i) => close(a[i], e, tol, `${what}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(expected).sort(), `${what}: keys`);
    for (const k of Object.keys(expected)) close(a[k], expected[k], tol, `${what}.${k}`);
  } else {
    assert.equal(actual, expected, what);
  }
}

/** A stand-in with the Tensor's structural interface. */
function fakeTensor(data: ArrayLike<number>, shape: number[]): m.TensorLike {
  return { dataSync: () => data, shape };
}

function scoresInput(f: Fixture): number[] | Float32Array | Float32Array[] | number[][] {
  const s = f.scores!;
  if (!f.float32) return s;
  return Array.isArray(s[0]) ? (s as number[][]).map((r) => Float32Array.from(r)) : Float32Array.from(s as number[]);
}

const files = readdirSync(DIR).filter((n) => n.endsWith('.json')).sort();

describe('metrics match scikit-learn on fixtures', () => {
  for (const file of files) {
    const f = load(file);
    const tol = f.float32 ? 1e-6 : 1e-9;
    const e = f.expected;
    if (f.task === 'regression') {
      test(`${file}: regression`, () => {
        const yt = f.y_true;
        const yp = f.y_pred;
        close(m.meanSquaredError(yt, yp), e.mean_squared_error, tol, 'mse');
        close(m.rootMeanSquaredError(yt, yp), e.root_mean_squared_error, tol, 'rmse');
        close(m.meanAbsoluteError(yt, yp), e.mean_absolute_error, tol, 'mae');
        close(m.r2Score(yt, yp), e.r2, tol, 'r2');
        close(m.meanAbsolutePercentageError(yt, yp), e.mean_absolute_percentage_error, tol, 'mape');
        close(m.explainedVarianceScore(yt, yp), e.explained_variance, tol, 'explained_variance');
        close(m.computeMetrics('regression', yt, yp), e, tol, 'computeMetrics');
      });
      continue;
    }
    const binary = f.task === 'binary';
    const yt = f.y_true;
    const yp = f.y_pred as number[];
    const scores = scoresInput(f);
    test(`${file}: label metrics`, () => {
      close(m.accuracyScore(yt, yp), e.accuracy, tol, 'accuracy');
      close(m.balancedAccuracyScore(yt, yp), e.balanced_accuracy, tol, 'balanced_accuracy');
      close(m.balancedAccuracyScore(yt, yp, { adjusted: true }), e.balanced_accuracy_adjusted, tol, 'balanced_accuracy adjusted');
      close(m.matthewsCorrcoef(yt, yp), e.matthews_corrcoef, tol, 'mcc');
      const per = m.precisionRecallFscoreSupport(yt, yp);
      close({ precision: per.precision, recall: per.recall, fscore: per.fscore, support: per.support }, e.prf.per_class, tol, 'per class');
      for (const avg of ['micro', 'macro', 'weighted'] as const) close(m.precisionRecallFscore(yt, yp, avg), e.prf[avg], tol, avg);
      if (binary) close(m.precisionRecallFscore(yt, yp, 'binary'), e.prf.binary, tol, 'binary');
      close(m.fbetaScore(yt, yp, 0.5, 'macro'), e.prf.fbeta_half_macro, tol, 'fbeta 0.5');
      const z1 = m.precisionRecallFscore(yt, yp, 'macro', { zeroDivision: 1 });
      close([z1.precision, z1.recall, z1.fscore], e.prf.zero_division_1_macro, tol, 'zero_division=1');
      close(m.confusionMatrix(yt, yp), e.confusion_matrix, 0, 'confusion');
      for (const n of ['true', 'pred', 'all'] as const) close(m.confusionMatrix(yt, yp, { normalize: n }), e[`confusion_matrix_${n}`], tol, n);
    });
    test(`${file}: classification report`, () => {
      const r = m.classificationReport(yt, yp);
      close(m.reportToDict(r), e.report, tol, 'report');
      assert.equal(r.text, e.report_text);
      assert.equal(m.classificationReport(yt, yp, { digits: 4 }).text, e.report_text_4);
      if (f.extra_labels) {
        const rx = m.classificationReport(yt, yp, { labels: f.extra_labels });
        close(m.reportToDict(rx), e.report_extra, tol, 'report with extra labels');
        assert.equal(rx.text, e.report_extra_text);
        close(m.confusionMatrix(yt, yp, { labels: f.extra_labels }), e.confusion_matrix_extra, 0, 'confusion extra');
      }
    });
    test(`${file}: score metrics`, () => {
      for (const k of ['1', '2', '3']) {
        if (binary && k === '3') continue;
        close(m.topKAccuracyScore(yt, scores, { k: Number(k) }), e.top_k[k], tol, `top-${k}`);
      }
      close(m.logLoss(yt, scores), e.log_loss, tol, 'log_loss');
      if (binary) {
        close(m.rocAucScore(yt, scores as number[]), e.roc_auc, tol, 'roc_auc');
        close(m.rocCurve(yt, scores as number[]), e.roc_curve, tol, 'roc_curve');
        close(m.rocCurve(yt, scores as number[], { dropIntermediate: false }), e.roc_curve_all, tol, 'roc_curve all');
        close(m.precisionRecallCurve(yt, scores as number[]), e.pr_curve, tol, 'pr_curve');
        close(m.averagePrecisionScore(yt, scores as number[]), e.average_precision, tol, 'average_precision');
      } else {
        close(m.rocAucScore(yt, scores), e.roc_auc_ovr, tol, 'roc_auc ovr');
        close(m.rocAucScore(yt, scores, { average: 'weighted' }), e.roc_auc_ovr_weighted, tol, 'roc_auc ovr weighted');
        close(m.averagePrecisionScore(yt, scores), e.average_precision_macro, tol, 'ap macro');
        close(m.averagePrecisionScore(yt, scores, { average: 'weighted' }), e.average_precision_weighted, tol, 'ap weighted');
      }
      const names = Object.keys(e.compute_metrics);
      close(m.computeMetrics(f.task, yt, { pred: yp, scores }, names), e.compute_metrics, tol, 'computeMetrics');
    });
  }
});

describe('metric inputs', () => {
  const f = load('multiclass3.json');
  const n = f.y_true.length;
  const flat = (f.scores as number[][]).flat();
  test('typed arrays, tensor-likes and dlflow tensors give the same values', () => {
    const ref = m.computeMetrics('multiclass', f.y_true, { pred: f.y_pred as number[], scores: f.scores });
    const viaTyped = m.computeMetrics('multiclass', Int32Array.from(f.y_true), { pred: Float64Array.from(f.y_pred as number[]), scores: fakeTensor(Float64Array.from(flat), [n, 3]) });
    close(viaTyped, ref as unknown as Json, 1e-12, 'typed');
    // dlflow tensors here are float32, so compare at the float32 tolerance.
    const yt = dl.tensor(f.y_true, { dtype: 'int64' });
    const probs = dl.tensor(Float32Array.from(flat), { dtype: 'float32' }).reshape([n, 3]);
    const viaTensor = m.computeMetrics('multiclass', yt, probs, Object.keys(ref).filter((k) => k !== 'balanced_accuracy' && !k.includes('macro') && !k.includes('micro') && !k.includes('weighted') && k !== 'accuracy' && k !== 'matthews_corrcoef'));
    close(viaTensor, Object.fromEntries(Object.keys(viaTensor).map((k) => [k, ref[k]])) as Json, 1e-6, 'tensor');
    // Predictions from a tensor are the argmax of the probabilities.
    const argmax = (f.scores as number[][]).map((r) => r.indexOf(Math.max(...r)));
    assert.equal(m.accuracyScore(yt, dl.tensor(argmax, { dtype: 'int64' })), m.computeMetrics('multiclass', yt, probs, ['accuracy']).accuracy);
  });
  test('binary [n, 1] and [n, 2] score tensors', () => {
    const b = load('binary.json');
    const s = b.scores as number[];
    const one = m.computeMetrics('binary', b.y_true, fakeTensor(Float64Array.from(s), [s.length, 1]), ['roc_auc', 'accuracy']);
    close(one.roc_auc, b.expected.roc_auc, 1e-9, 'roc_auc [n,1]');
    close(one.accuracy, b.expected.accuracy, 1e-9, 'accuracy from P>0.5');
    const two = m.computeMetrics('binary', b.y_true, s.map((p) => [1 - p, p]), ['roc_auc', 'log_loss', 'average_precision']);
    close(two.roc_auc, b.expected.roc_auc, 1e-9, 'roc_auc [n,2]');
    close(two.log_loss, b.expected.log_loss, 1e-9, 'log_loss [n,2]');
    close(two.average_precision, b.expected.average_precision, 1e-9, 'ap [n,2]');
  });
  test('default names per task', () => {
    assert.deepEqual(Object.keys(m.computeMetrics('regression', [1, 2, 3], [1, 2, 4])),
      ['r2', 'mean_squared_error', 'root_mean_squared_error', 'mean_absolute_error', 'mean_absolute_percentage_error', 'explained_variance']);
    assert.ok('roc_auc_ovr' in m.computeMetrics('multiclass', f.y_true, f.scores!));
    assert.ok(!('roc_auc' in m.computeMetrics('binary', [0, 1, 1], [0, 1, 0])));
  });
  test('doc examples', () => {
    assert.equal(m.accuracyScore([0, 1, 2, 2], [0, 2, 2, 2]), 0.75);
    assert.deepEqual(m.confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1]), [[1, 0, 0], [0, 0, 1], [0, 1, 1]]);
    close(m.logLoss([1, 0, 0, 1], [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]), 0.21616187468057912, 1e-12, 'log_loss');
    assert.equal(m.rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
    close(m.averagePrecisionScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.8333333333333333, 1e-12, 'ap');
  });
});

describe('metric errors name the metric and the sizes/values', () => {
  const throwsLike = (fn: () => unknown, re: RegExp): void => {
    assert.throws(fn, (err: unknown) => err instanceof m.MetricError && re.test(err.message), String(re));
  };
  test('length mismatch', () => {
    throwsLike(() => m.accuracyScore([0, 1, 1], [0, 1]), /^accuracy_score: .*y_true has 3, y_pred has 2/);
    throwsLike(() => m.meanSquaredError([1, 2], [1, 2, 3]), /^mean_squared_error: .*2.*3/);
    throwsLike(() => m.rocAucScore([0, 1], [0.5]), /^roc_auc_score: .*y_score has 1/);
    throwsLike(() => m.accuracyScore([], []), /empty/);
  });
  test('label outside the given labels', () => {
    throwsLike(() => m.confusionMatrix([0, 1, 7], [0, 1, 1], { labels: [0, 1] }), /^confusion_matrix: y_true contains label 7 \(at index 2\) that is not in labels \[0, 1\]/);
    throwsLike(() => m.logLoss([0, 3], [[0.5, 0.5], [0.5, 0.5]], { labels: [0, 1] }), /^log_loss: y_true contains label 3/);
    throwsLike(() => m.rocAucScore([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { labels: [0, 1, 3] }), /label 2/);
  });
  test('probabilities must sum to 1', () => {
    throwsLike(() => m.logLoss([0, 1], [[0.5, 0.6], [0.5, 0.5]]), /^log_loss: y_pred rows must sum to 1 .*row 0 sums to 1\.1/);
    throwsLike(() => m.rocAucScore([0, 1, 2], [[0.5, 0.6, 0], [0, 1, 0], [0, 0, 1]]), /^roc_auc_score: .*row 0 sums to 1\.1/);
    throwsLike(() => m.logLoss([0, 1], [1.5, 0.5]), /probabilities in \[0, 1\]; row 0 has -0\.5|row 0 has 1\.5/);
  });
  test('single class for AUC and log loss', () => {
    throwsLike(() => m.rocAucScore([1, 1, 1], [0.2, 0.5, 0.9]), /^roc_auc_score: only one class present in y_true \(label 1\)/);
    throwsLike(() => m.rocAucScore([0, 1, 1], [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]], { labels: [0, 1, 2] }), /only one class present in y_true for class 2/);
    throwsLike(() => m.logLoss([1, 1], [0.3, 0.4]), /^log_loss: y_true contains only one label \(1\)/);
  });
  test('NaN, bad average, wrong number of classes, unknown metric, missing scores', () => {
    throwsLike(() => m.meanAbsoluteError([1, NaN], [1, 2]), /y_true contains NaN at index 1/);
    throwsLike(() => m.f1Score([0, 1, 2], [0, 1, 2]), /^f1_score: target is multiclass .*average='binary'/);
    throwsLike(() => m.rocAucScore([0, 1, 1], [[0.5, 0.5, 0], [0, 1, 0], [0, 0.5, 0.5]]), /number of classes in y_true \(2.*columns in y_score \(3\)/);
    throwsLike(() => m.computeMetrics('binary', [0, 1], [0, 1], ['f2']), /unknown metric 'f2'/);
    throwsLike(() => m.computeMetrics('binary', [0, 1], [0, 1], ['roc_auc']), /^roc_auc: needs scores/);
  });
});

describe('edge cases', () => {
  test('ties exactly at the rounding boundary format like Python', async () => {
    const { pyFixed } = await import('../src/metrics/py_format.js');
    assert.equal(pyFixed(0.125, 2), '0.12');
    assert.equal(pyFixed(0.375, 2), '0.38');
    assert.equal(pyFixed(2.5, 0), '2');
    assert.equal(pyFixed(0.1 + 0.2, 2), '0.30');
    assert.equal(pyFixed(0.6666666, 4), '0.6667');
  });
  test('ROC with no negatives gives NaN fpr, as scikit-learn', () => {
    const r = m.rocCurve([1, 1], [0.3, 0.6]);
    assert.ok(r.fpr.every(Number.isNaN));
    assert.deepEqual(r.tpr, [0, 0.5, 1]);
  });
  test('r2 with one sample is NaN; an exactly constant target is constant (scikit-learn: about -1.7e31 here)', () => {
    assert.ok(Number.isNaN(m.r2Score([1], [2])));
    assert.equal(m.r2Score([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]), 1);
    assert.equal(m.r2Score([0.1, 0.1, 0.1], [0.1, 0.2, 0.1]), 0);
    assert.equal(m.explainedVarianceScore([0.1, 0.1, 0.1], [0.1, 0.2, 0.1]), 0);
  });
  test('sort-based AUC handles 200k samples quickly', () => {
    const n = 200_000;
    const y = new Int32Array(n);
    const s = new Float64Array(n);
    let seed = 1;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      y[i] = seed & 1;
      s[i] = y[i] * 0.3 + (seed >>> 8) / 2 ** 24;
    }
    const t0 = performance.now();
    const auc = m.rocAucScore(y, s);
    assert.ok(auc > 0.5 && auc < 1);
    assert.ok(performance.now() - t0 < 2000, 'AUC over 200k samples took over 2 s');
  });
});
