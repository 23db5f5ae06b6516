/**
 * Issue 14, point 1: every public entry point that takes an options object checks it with the
 * one declared mechanism (src/base/options.ts): a misspelt key is an error with a did-you-mean,
 * a wrong type a TypeError and an out-of-range number a RangeError, each naming the owner and
 * the key; and a valid call gives what it gave before the options were declared (the expected
 * values were computed on the code before the change).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { AudioFolder } from '../src/data/audio/folder.js';
import { logMelSpectrogram, melFilterBank } from '../src/data/audio/mel.js';
import { resample } from '../src/data/audio/resample.js';
import { augment, drawAugment } from '../src/data/image/augment.js';
import { ImageFolder } from '../src/data/image/folder.js';
import { readCsv } from '../src/data/index.js';
import { Preprocessor } from '../src/data/preprocess/index.js';
import { inferColumn } from '../src/data/table/infer.js';
import { Table } from '../src/data/table/table.js';
import { Generator } from '../src/core/generator.js';
import * as m from '../src/metrics/index.js';
import { exportRunBytes } from '../src/onnx/run.js';
import { Batcher, createServer, type ServedModel } from '../src/serve/index.js';
import * as tune from '../src/tune/index.js';
import { sine, tempDir, wavBytes, writeImageFolder } from './data_files.js';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A misspelt key: an Error naming the owner, the key and the suggestion. */
const unknownKey = (owner: string, key: string, suggestion: string): { message: RegExp } =>
  ({ message: new RegExp(`^${escape(`${owner}: unknown option '${key}' (did you mean '${suggestion}'?; known: `)}`) });
/** A wrong value of option `key`: the error class, the owner and the key. */
const badValue = (name: 'TypeError' | 'RangeError', owner: string, key: string): { name: string; message: RegExp } =>
  ({ name, message: new RegExp(`^${escape(`${owner}: option '${key}' must be `)}`) });
const wrongType = (owner: string, key: string): { name: string; message: RegExp } => badValue('TypeError', owner, key);
const outOfRange = (owner: string, key: string): { name: string; message: RegExp } => badValue('RangeError', owner, key);
/** A wrong positional argument checked like an option. */
const badArgument = (name: 'TypeError' | 'RangeError', owner: string, arg: string): { name: string; message: RegExp } =>
  ({ name, message: new RegExp(`^${escape(`${owner}: ${arg} must be `)}`) });

const never = <T>(v: T): never => v as never;

describe('metrics', () => {
  const yt = [0, 1, 2, 2, 1, 0, 2, 1];
  const yp = [0, 2, 2, 2, 1, 0, 1, 1];
  const scores = [[0.7, 0.2, 0.1], [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.2, 0.2, 0.6], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3], [0.2, 0.5, 0.3]];
  const bt = [0, 1, 1, 0, 1, 0, 1, 1];
  const bs = [0.1, 0.8, 0.6, 0.4, 0.35, 0.2, 0.9, 0.55];

  test('misspelt keys name the metric (scikit-learn\'s name) and suggest the option', () => {
    assert.throws(() => m.balancedAccuracyScore(yt, yp, never({ adjust: true })), unknownKey('balanced_accuracy_score', 'adjust', 'adjusted'));
    assert.throws(() => m.topKAccuracyScore(yt, scores, never({ lables: [0, 1, 2] })), unknownKey('top_k_accuracy_score', 'lables', 'labels'));
    assert.throws(() => m.confusionMatrix(yt, yp, never({ normalise: 'true' })), unknownKey('confusion_matrix', 'normalise', 'normalize'));
    assert.throws(() => m.precisionRecallFscoreSupport(yt, yp, never({ zeroDivison: 1 })), unknownKey('precision_recall_fscore_support', 'zeroDivison', 'zeroDivision'));
    assert.throws(() => m.precisionScore(bt, bt, 'binary', never({ posLable: 1 })), unknownKey('precision_score', 'posLable', 'posLabel'));
    assert.throws(() => m.recallScore(bt, bt, 'binary', never({ posLable: 1 })), unknownKey('recall_score', 'posLable', 'posLabel'));
    assert.throws(() => m.f1Score(yt, yp, 'macro', never({ label: [0, 1, 2] })), unknownKey('f1_score', 'label', 'labels'));
    assert.throws(() => m.fbetaScore(yt, yp, 2, 'macro', never({ label: [0, 1, 2] })), unknownKey('fbeta_score', 'label', 'labels'));
    assert.throws(() => m.rocCurve(bt, bs, never({ dropIntermediates: false })), unknownKey('roc_curve', 'dropIntermediates', 'dropIntermediate'));
    assert.throws(() => m.rocAucScore(yt, scores, never({ averag: 'macro' })), unknownKey('roc_auc_score', 'averag', 'average'));
    assert.throws(() => m.precisionRecallCurve(bt, bs, never({ pos_label: 1 })), unknownKey('precision_recall_curve', 'pos_label', 'posLabel'));
    assert.throws(() => m.averagePrecisionScore(yt, scores, never({ label: [0, 1, 2] })), unknownKey('average_precision_score', 'label', 'labels'));
    assert.throws(() => m.logLoss(yt, scores, never({ esp: 1e-7 })), unknownKey('log_loss', 'esp', 'eps'));
    assert.throws(() => m.classificationReport(yt, yp, never({ target_names: ['a', 'b', 'c'] })), unknownKey('classification_report', 'target_names', 'targetNames'));
    assert.throws(() => m.computeMetrics('multiclass', yt, scores, undefined, never({ label: [0, 1, 2] })), unknownKey('computeMetrics', 'label', 'labels'));
  });

  test('wrong types are TypeErrors and out-of-range numbers RangeErrors, naming the key', () => {
    assert.throws(() => m.balancedAccuracyScore(yt, yp, never({ adjusted: 'yes' })), wrongType('balanced_accuracy_score', 'adjusted'));
    assert.throws(() => m.topKAccuracyScore(yt, scores, never({ k: '2' })), wrongType('top_k_accuracy_score', 'k'));
    assert.throws(() => m.topKAccuracyScore(yt, scores, { k: 0 }), outOfRange('top_k_accuracy_score', 'k'));
    assert.throws(() => m.confusionMatrix(yt, yp, never({ labels: 'abc' })), wrongType('confusion_matrix', 'labels'));
    assert.throws(() => m.confusionMatrix(yt, yp, never({ normalize: 'rows' })), wrongType('confusion_matrix', 'normalize'));
    assert.throws(() => m.precisionRecallFscoreSupport(yt, yp, never({ beta: '2' })), wrongType('precision_recall_fscore_support', 'beta'));
    assert.throws(() => m.precisionRecallFscoreSupport(yt, yp, { beta: -1 }), outOfRange('precision_recall_fscore_support', 'beta'));
    assert.throws(() => m.precisionScore(yt, yp, never('samples')), badArgument('TypeError', 'precision_score', 'average'));
    assert.throws(() => m.recallScore(bt, bt, 'binary', never({ zeroDivision: 2 })), wrongType('recall_score', 'zeroDivision'));
    assert.throws(() => m.fbetaScore(yt, yp, -1, 'macro'), badArgument('RangeError', 'fbeta_score', 'beta'));
    assert.throws(() => m.rocCurve(bt, bs, never({ posLabel: '1' })), wrongType('roc_curve', 'posLabel'));
    assert.throws(() => m.rocAucScore(yt, scores, never({ average: 'micro' })), wrongType('roc_auc_score', 'average'));
    assert.throws(() => m.averagePrecisionScore(yt, scores, never({ average: 'samples' })), wrongType('average_precision_score', 'average'));
    assert.throws(() => m.logLoss(yt, scores, never({ eps: 'none' })), wrongType('log_loss', 'eps'));
    assert.throws(() => m.logLoss(yt, scores, { eps: 2 }), outOfRange('log_loss', 'eps'));
    assert.throws(() => m.classificationReport(yt, yp, never({ targetNames: 'abc' })), wrongType('classification_report', 'targetNames'));
    assert.throws(() => m.classificationReport(yt, yp, { digits: -1 }), outOfRange('classification_report', 'digits'));
    assert.throws(() => m.computeMetrics('multiclass', yt, scores, undefined, { k: 0 }), outOfRange('computeMetrics', 'k'));
    assert.throws(() => m.computeMetrics('multiclass', yt, scores, undefined, never({ labels: 'x' })), wrongType('computeMetrics', 'labels'));
  });

  test('valid calls give the values they gave before', () => {
    assert.equal(m.balancedAccuracyScore(yt, yp, { adjusted: true }), 0.6666666666666665);
    assert.equal(m.topKAccuracyScore(yt, scores, { k: 1, labels: [0, 1, 2] }), 0.75);
    assert.deepEqual(m.confusionMatrix(yt, yp, { normalize: 'pred', labels: [2, 1, 0] }),
      [[0.6666666666666666, 0.3333333333333333, 0], [0.3333333333333333, 0.6666666666666666, 0], [0, 0, 1]]);
    assert.deepEqual(m.precisionRecallFscoreSupport(yt, yp, { beta: 2, zeroDivision: 1 }), {
      labels: [0, 1, 2], precision: [1, 0.6666666666666666, 0.6666666666666666], recall: [1, 0.6666666666666666, 0.6666666666666666],
      fscore: [1, 0.6666666666666666, 0.6666666666666666], support: [2, 3, 3],
    });
    assert.deepEqual(m.precisionRecallFscore(yt, yp, 'weighted', { beta: 0.5 }), { precision: 0.75, recall: 0.75, fscore: 0.75 });
    assert.equal(m.precisionScore(bt, bs.map((s) => (s > 0.5 ? 1 : 0)), 'binary', { posLabel: 0 }), 0.75);
    assert.equal(m.recallScore(yt, yp, 'macro', { labels: [2, 1, 0] }), 0.7777777777777777);
    assert.equal(m.f1Score(yt, yp, 'micro'), 0.75);
    assert.equal(m.fbetaScore(yt, yp, 2, 'macro', { zeroDivision: 0 }), 0.7777777777777777);
    assert.deepEqual(m.rocCurve(bt, bs, { dropIntermediate: false }), {
      fpr: [0, 0, 0, 0, 0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 1],
      tpr: [0, 0.2, 0.4, 0.6, 0.8, 0.8, 1, 1, 1], thresholds: [1.9, 0.9, 0.8, 0.6, 0.55, 0.4, 0.35, 0.2, 0.1],
    });
    assert.equal(m.rocAucScore(yt, scores, { average: 'weighted', labels: [0, 1, 2] }), 0.9249999999999998);
    assert.deepEqual(m.precisionRecallCurve(bt, bs, { posLabel: 1 }), {
      precision: [0.625, 0.7142857142857143, 0.8333333333333334, 0.8, 1, 1, 1, 1, 1],
      recall: [1, 1, 1, 0.8, 0.8, 0.6, 0.4, 0.2, 0], thresholds: [0.1, 0.2, 0.35, 0.4, 0.55, 0.6, 0.8, 0.9],
    });
    assert.equal(m.averagePrecisionScore(yt, scores, { average: 'weighted' }), 0.8999999999999999);
    assert.equal(m.logLoss(yt, scores, { eps: 1e-7, labels: [0, 1, 2] }), 0.6324046844919341);
    assert.equal(m.classificationReport(yt, yp, { targetNames: ['a', 'b', 'c'], digits: 3, zeroDivision: 0 }).text,
      '              precision    recall  f1-score   support\n\n'
      + '           a      1.000     1.000     1.000         2\n'
      + '           b      0.667     0.667     0.667         3\n'
      + '           c      0.667     0.667     0.667         3\n\n'
      + '    accuracy                          0.750         8\n'
      + '   macro avg      0.778     0.778     0.778         8\n'
      + 'weighted avg      0.750     0.750     0.750         8\n');
    assert.deepEqual(m.computeMetrics('multiclass', yt, scores, ['top_k_accuracy', 'roc_auc_ovr'], { k: 1, labels: [0, 1, 2] }),
      { top_k_accuracy: 0.75, roc_auc_ovr: 0.9333333333333332 });
  });
});

describe('tune', () => {
  const PARZEN = { considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: tune.defaultWeights };

  test('studies: createStudy, loadStudy and optimize', async () => {
    assert.throws(() => tune.createStudy(never({ directon: 'maximize' })), unknownKey('createStudy', 'directon', 'direction'));
    assert.throws(() => tune.createStudy(never({ loadIfExists: 'yes' })), wrongType('createStudy', 'loadIfExists'));
    assert.throws(() => tune.createStudy(never({ sampler: {} })), wrongType('createStudy', 'sampler'));
    assert.throws(() => tune.createStudy({ heartbeat: { intervalSeconds: 0, graceSeconds: 10 } }), outOfRange('createStudy: heartbeat', 'intervalSeconds'));
    assert.throws(() => tune.createStudy(never({ heartbeat: { intervalSeconds: 1, graceSecond: 10 } })), unknownKey('createStudy: heartbeat', 'graceSecond', 'graceSeconds'));
    await assert.rejects(tune.loadStudy(never({ storage: new tune.InMemoryStorage() })), { name: 'TypeError', message: /^loadStudy: option 'studyName' is required/ });
    const study = tune.createStudy({ sampler: new tune.RandomSampler({ seed: 1 }) });
    await assert.rejects(study.optimize(() => 0, never({ ntrials: 3 })), unknownKey('optimize', 'ntrials', 'nTrials'));
    await assert.rejects(study.optimize(() => 0, never({ onTrialFinished: 5 })), wrongType('optimize', 'onTrialFinished'));
    await assert.rejects(study.optimize(() => 0, { timeout: 0 }), outOfRange('optimize', 'timeout'));
    await assert.rejects(study.optimize(() => 0, { nTrials: 1.5 }), outOfRange('optimize', 'nTrials'));
  });

  test('samplers and pruners', () => {
    assert.throws(() => new tune.TPESampler(never({ nStartupTrial: 5 })), unknownKey('TPESampler', 'nStartupTrial', 'nStartupTrials'));
    assert.throws(() => new tune.TPESampler(never({ considerPrior: 1 })), wrongType('TPESampler', 'considerPrior'));
    assert.throws(() => new tune.TPESampler({ nEiCandidates: 0 }), outOfRange('TPESampler', 'nEiCandidates'));
    assert.throws(() => new tune.RandomSampler(never({ sed: 1 })), unknownKey('RandomSampler', 'sed', 'seed'));
    assert.throws(() => new tune.RandomSampler(never({ seed: '1' })), wrongType('RandomSampler', 'seed'));
    assert.throws(() => new tune.RandomSampler({ seed: 1.5 }), outOfRange('RandomSampler', 'seed'));
    assert.throws(() => new tune.GridSampler({ x: [1] }, never({ seeds: 1 })), unknownKey('GridSampler', 'seeds', 'seed'));
    assert.throws(() => new tune.GridSampler({ x: [1] }, { seed: 0.5 }), outOfRange('GridSampler', 'seed'));
    assert.throws(() => new tune.MedianPruner(never({ nWarmupStep: 1 })), unknownKey('MedianPruner', 'nWarmupStep', 'nWarmupSteps'));
    assert.throws(() => new tune.MedianPruner(never({ nMinTrials: '1' })), wrongType('MedianPruner', 'nMinTrials'));
    assert.throws(() => new tune.MedianPruner({ intervalSteps: 0 }), outOfRange('MedianPruner', 'intervalSteps'));
    assert.throws(() => new tune.PercentilePruner(101), badArgument('RangeError', 'PercentilePruner', 'percentile'));
    assert.throws(() => new tune.PercentilePruner(25, { nStartupTrials: -1 }), outOfRange('PercentilePruner', 'nStartupTrials'));
    assert.throws(() => new tune.SuccessiveHalvingPruner(never({ reduction_factor: 3 })), unknownKey('SuccessiveHalvingPruner', 'reduction_factor', 'reductionFactor'));
    assert.throws(() => new tune.SuccessiveHalvingPruner({ reductionFactor: 1 }), outOfRange('SuccessiveHalvingPruner', 'reductionFactor'));
    assert.throws(() => new tune.SuccessiveHalvingPruner(never({ minResource: 'x' })), wrongType('SuccessiveHalvingPruner', 'minResource'));
    assert.throws(() => new tune.SuccessiveHalvingPruner({ minResource: 0 }), outOfRange('SuccessiveHalvingPruner', 'minResource'));
    assert.throws(() => new tune.HyperbandPruner(never({ maxResources: 10 })), unknownKey('HyperbandPruner', 'maxResources', 'maxResource'));
    assert.throws(() => new tune.HyperbandPruner(never({ bootstrapCount: true })), wrongType('HyperbandPruner', 'bootstrapCount'));
    assert.throws(() => new tune.HyperbandPruner({ maxResource: 0 }), outOfRange('HyperbandPruner', 'maxResource'));
    const dist: tune.FloatDistribution = { kind: 'float', low: 0, high: 1, log: false, step: null };
    assert.throws(() => new tune.ParzenEstimator([0.5], dist, never({ ...PARZEN, priorWeigth: 1 })), unknownKey('ParzenEstimator', 'priorWeigth', 'priorWeight'));
    assert.throws(() => new tune.ParzenEstimator([0.5], dist, { ...PARZEN, priorWeight: -1 }), outOfRange('ParzenEstimator', 'priorWeight'));
    assert.throws(() => new tune.MultivariateParzenEstimator({ x: [0.5] }, { x: dist }, never({ ...PARZEN, weights: 1 })), wrongType('MultivariateParzenEstimator', 'weights'));
  });

  test('suggestFloat / suggestInt options; the bounds keep their TuneErrors naming the parameter', async () => {
    const failures: unknown[] = [];
    const study = tune.createStudy({ sampler: new tune.RandomSampler({ seed: 2 }) });
    await study.optimize((t) => {
      try {
        assert.throws(() => t.suggestFloat('x', 0, 1, never({ stp: 0.1 })), unknownKey("suggestFloat('x')", 'stp', 'step'));
        assert.throws(() => t.suggestInt('n', 1, 9, never({ log: 'yes' })), wrongType("suggestInt('n')", 'log'));
        assert.throws(() => t.suggestFloat('x', 0, 1, { step: 0 }), (e: unknown) => e instanceof tune.TuneError && e.message === "parameter 'x': step must be > 0, got 0");
        assert.throws(() => t.suggestInt('n', 1, 9, { step: 0.5 }), (e: unknown) => e instanceof tune.TuneError && /^parameter 'n': step must be an integer for suggestInt/.test(e.message));
      } catch (e) {
        failures.push(e);
      }
      return 0;
    }, { nTrials: 1 });
    assert.deepEqual(failures, []);
  });

  test('parameterImportances and studyReport', async () => {
    assert.throws(() => tune.parameterImportances([], never({ ntree: 8 })), unknownKey('parameterImportances', 'ntree', 'nTrees'));
    assert.throws(() => tune.parameterImportances([], { nTrees: 0 }), outOfRange('parameterImportances', 'nTrees'));
    assert.throws(() => tune.studyReport(never({ direction: 'minimize', trials: [] })), { name: 'TypeError', message: /^studyReport: option 'studyName' is required/ });
    assert.throws(() => tune.studyReport(never({ studyName: 's', direction: 'minimize', trials: [], metrics: 'loss' })), unknownKey('studyReport', 'metrics', 'metric'));
    const s = tune.createStudy({ sampler: new tune.RandomSampler({ seed: 9 }) });
    await s.optimize((t) => t.suggestFloat('a', 0, 1) * 3 + t.suggestFloat('b', 0, 1) + t.suggestCategorical('c', [0, 1]), { nTrials: 12 });
    assert.deepEqual(tune.parameterImportances(s.trials, { nTrees: 8, seed: 4 }), { a: 0.997245068671487, b: 0.0027549313285130535, c: 0 });
  });

  test('seeded studies draw and prune as before', async () => {
    const run = async (sampler: tune.Sampler, pruner: tune.Pruner): Promise<unknown[]> => {
      const s = tune.createStudy({ direction: 'minimize', sampler, pruner, studyName: 'b' });
      await s.optimize((t) => {
        const x = t.suggestFloat('x', -5, 5, { step: 0.5 });
        const n = t.suggestInt('n', 1, 64, { log: true });
        for (let i = 0; i < 6; i++) {
          t.report(x * x + n / (i + 1), i);
          if (t.shouldPrune()) throw new tune.TrialPruned();
        }
        return x * x + n;
      }, { nTrials: 14, nJobs: 1 });
      return s.trials.map((t) => [t.state, t.params.x, t.params.n]);
    };
    const c = 'complete', p = 'pruned';
    assert.deepEqual(await run(new tune.TPESampler({ seed: 3, nStartupTrials: 4, nEiCandidates: 12, priorWeight: 0.8, considerEndpoints: true }),
      new tune.MedianPruner({ nStartupTrials: 2, nWarmupSteps: 1, intervalSteps: 2, nMinTrials: 1 })),
    [[c, -1.5, 1], [c, 3, 9], [p, -3, 3], [p, -2.5, 37], [c, 1.5, 1], [c, -1.5, 1], [p, 5, 1], [p, -4.5, 5], [c, 0, 3], [p, 1, 17], [p, 5, 3], [c, -0.5, 2], [c, 0, 3], [p, 2.5, 7]]);
    assert.deepEqual(await run(new tune.RandomSampler({ seed: 5 }), new tune.SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 0, bootstrapCount: 0 })),
      [[c, 4, 28], [c, 1.5, 5], [c, -0.5, 1], [p, 2, 4], [p, -5, 9], [p, -1.5, 55], [p, 5, 3], [p, 2.5, 4], [p, 4.5, 28], [p, 2.5, 3], [p, 3.5, 7], [p, -3, 5], [p, -3.5, 1], [p, 1.5, 7]]);
    assert.deepEqual(await run(new tune.GridSampler({ x: [-1, 0, 1.5], n: [2, 8] }, { seed: 2 }), new tune.HyperbandPruner({ minResource: 1, maxResource: 6, reductionFactor: 3 })),
      [[c, 1.5, 8], [c, -1, 2], [c, 1.5, 2], [c, 0, 2], [p, 0, 8], [p, -1, 8]]);
  });
});

describe('serve', () => {
  const model: ServedModel = {
    name: 'echo', inputShape: [1], columns: null, labels: null,
    encode: () => ({ x: new Float32Array(0), problems: [] }),
    forward: (x) => x,
    decode: (out) => ({ values: Float64Array.from(out) }),
  };

  test('createServer names itself and the key', async () => {
    await assert.rejects(createServer(never({ models: [model], maxBatchsize: 8 })), unknownKey('createServer', 'maxBatchsize', 'maxBatchSize'));
    await assert.rejects(createServer({ models: [model], maxBatchSize: 0 }), outOfRange('createServer', 'maxBatchSize'));
    await assert.rejects(createServer({ models: [model], maxWaitMs: -1 }), outOfRange('createServer', 'maxWaitMs'));
    await assert.rejects(createServer({ models: [model], bodyLimit: 1.5 }), outOfRange('createServer', 'bodyLimit'));
    await assert.rejects(createServer({ models: [model], maxRows: 0 }), outOfRange('createServer', 'maxRows'));
    await assert.rejects(createServer(never({ models: [model], logger: 'info' })), wrongType('createServer', 'logger'));
    await assert.rejects(createServer(never({ models: [model], logger: { level: 'loud' } })), wrongType('createServer', 'logger'));
    await assert.rejects(createServer({ models: [model], apiKey: '' }), wrongType('createServer', 'apiKey'));
    await assert.rejects(createServer(never({ models: [{ name: 'x' }] })), wrongType('createServer', 'models'));
    await assert.rejects(createServer(never({})), { name: 'TypeError', message: /^createServer: option 'models' is required/ });
  });

  test('listen and the Batcher check theirs; a valid server answers with its defaults', async () => {
    assert.throws(() => new Batcher(model, never({ maxQueu: 3 })), unknownKey('Batcher', 'maxQueu', 'maxQueue'));
    assert.throws(() => new Batcher(model, { maxQueue: 0 }), outOfRange('Batcher', 'maxQueue'));
    assert.deepEqual(Array.from(await new Batcher(model).submit({ x: new Float32Array([3]), rows: 1 })), [3]);
    const server = await createServer({ models: [model], maxBatchSize: 4 });
    try {
      await assert.rejects(server.listen(never({ prot: 0 })), unknownKey('listen', 'prot', 'port'));
      await assert.rejects(server.listen({ port: 70000 }), outOfRange('listen', 'port'));
      await assert.rejects(server.listen(never({ port: 0, host: 1 })), wrongType('listen', 'host'));
      const url = await server.listen({ port: 0 });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const meta = await (await fetch(`${url}/v2`)).json() as { name: string; version: string };
      assert.deepEqual([meta.name, meta.version], ['dlflow', 'unknown']);
    } finally {
      await server.close();
    }
  });
});

describe('data: images, audio, preprocessing, tables', () => {
  test('ImageFolder, augment and drawAugment', () => {
    assert.throws(() => new ImageFolder('/nonexistent', never({ chanels: 1 })), unknownKey('ImageFolder', 'chanels', 'channels'));
    assert.throws(() => new ImageFolder('/nonexistent', never({ channels: '1' })), wrongType('ImageFolder', 'channels'));
    assert.throws(() => new ImageFolder('/nonexistent', never({ channels: 2 })), outOfRange('ImageFolder', 'channels'));
    assert.throws(() => new ImageFolder('/nonexistent', { size: [0, 4] }), outOfRange('ImageFolder', 'size'));
    // a list of any length is described, not bounded, so base/options.ts calls a bad one a TypeError
    assert.throws(() => new ImageFolder('/nonexistent', { std: [0] }), wrongType('ImageFolder', 'std'));
    assert.throws(() => new ImageFolder('/nonexistent', never({ augment: { flipProbabilty: 0.5 } })), unknownKey('ImageFolder: augment', 'flipProbabilty', 'flipProbability'));
    const g = new Generator(1);
    assert.throws(() => drawAugment(never({ cropPading: 2 }), g), unknownKey('drawAugment', 'cropPading', 'cropPadding'));
    assert.throws(() => drawAugment({ flipProbability: 2 }, g), outOfRange('drawAugment', 'flipProbability'));
    assert.throws(() => drawAugment({ cropPadding: 1.5 }, g), outOfRange('drawAugment', 'cropPadding'));
    const img = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array(4) };
    assert.throws(() => augment(img, never({ rotationDegree: 5 }), g), unknownKey('augment', 'rotationDegree', 'rotationDegrees'));
    assert.deepEqual(drawAugment({ cropPadding: 2, flipProbability: 0.5, rotationDegrees: 10 }, new Generator(3)),
      { crop: { left: 3, top: 4, pad: 2 }, flip: true, degrees: 1.676672013121161 });
    const root = writeImageFolder(tempDir(), ['cat', 'dog'], 2);
    const ds = new ImageFolder(root, { channels: 1, size: [4, 5], mean: [0.5], std: [0.25], augment: { flipProbability: 0.5, cropPadding: 1 }, seed: 7 });
    assert.deepEqual(Array.from(ds.getItem(1)[0].data.slice(0, 8)),
      [-0.32156863808631897, -0.572549045085907, -0.8392156958580017, -1.1215686798095703, -2, 0.4000000059604645, 0.13333334028720856, -0.13333334028720856]);
  });

  test('AudioFolder, logMelSpectrogram, melFilterBank and resample', () => {
    assert.throws(() => new AudioFolder('/nonexistent', never({ sampleRat: 8000 })), unknownKey('AudioFolder', 'sampleRat', 'sampleRate'));
    assert.throws(() => new AudioFolder('/nonexistent', { seconds: 0 }), outOfRange('AudioFolder', 'seconds'));
    assert.throws(() => new AudioFolder('/nonexistent', never({ mel: { nMel: 8 } })), unknownKey('AudioFolder: mel', 'nMel', 'nMels'));
    assert.throws(() => new AudioFolder('/nonexistent', never({ mel: { sampleRate: 8000 } })), { message: /^AudioFolder: mel: unknown option 'sampleRate'/ });
    const x = Float32Array.from({ length: 2048 }, (_, i) => Math.sin(i / 5));
    assert.throws(() => logMelSpectrogram(x, never({ sampleRate: 8000, nMel: 16 })), unknownKey('logMelSpectrogram', 'nMel', 'nMels'));
    assert.throws(() => logMelSpectrogram(x, { sampleRate: 8000, nFft: 100 }), outOfRange('logMelSpectrogram', 'nFft'));
    assert.throws(() => logMelSpectrogram(x, never({ sampleRate: 8000, center: 'yes' })), wrongType('logMelSpectrogram', 'center'));
    assert.throws(() => logMelSpectrogram(x, { sampleRate: 8000, topDb: -1 }), outOfRange('logMelSpectrogram', 'topDb'));
    assert.throws(() => logMelSpectrogram(x, never({})), { name: 'TypeError', message: /^logMelSpectrogram: option 'sampleRate' is required/ });
    assert.throws(() => logMelSpectrogram(x, { sampleRate: 8000, nFft: 256, winLength: 300 }), { name: 'RangeError', message: 'logMelSpectrogram: winLength (300) must not exceed nFft (256)' });
    assert.throws(() => melFilterBank(never({ sampleRate: 8000, nFft: 64, fmax: 4000 })), unknownKey('melFilterBank', 'fmax', 'fMax'));
    assert.throws(() => melFilterBank({ sampleRate: 8000, nFft: 64, nMels: 0 }), outOfRange('melFilterBank', 'nMels'));
    assert.throws(() => melFilterBank(never({ sampleRate: 8000, nFft: 64, norm: 'htk' })), wrongType('melFilterBank', 'norm'));
    const y = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 3));
    assert.throws(() => resample(y, 16000, 8000, never({ rollof: 0.9 })), unknownKey('resample', 'rollof', 'rolloff'));
    assert.throws(() => resample(y, 16000, 8000, { rolloff: 1.5 }), outOfRange('resample', 'rolloff'));
    assert.throws(() => resample(y, 16000, 8000, never({ beta: '8' })), wrongType('resample', 'beta'));
    const close = (got: ArrayLike<number>, want: number[]): void => assert.deepEqual(Array.from(got).slice(0, want.length), want);
    close(resample(y, 16000, 8000, { rolloff: 0.9, zeroCrossings: 8, beta: 6 }),
      [0.0642472580075264, 0.6006916761398315, 0.9826506972312927, 0.9018107056617737, 0.4616985619068146, -0.19292035698890686]);
    close(logMelSpectrogram(x, { sampleRate: 8000, nFft: 256, hop: 128, nMels: 16, topDb: 60 }).data,
      [11.274025917053223, 8.62194538116455, 8.621994018554688, 8.622030258178711, 8.622024536132812, 8.621980667114258]);
    close(melFilterBank({ sampleRate: 8000, nFft: 64, nMels: 4, scale: 'htk', norm: null }),
      [0, 0.385247105774694, 0.770494211549388, 0.8935847474077393, 0.6303523003227919, 0.3671198532378445, 0.10388740615289711, 0]);
    const root = tempDir();
    for (const c of ['a', 'b']) { mkdirSync(join(root, c)); writeFileSync(join(root, c, 'x.wav'), wavBytes([sine(440, 8000, 4000)], 8000, 16)); }
    const ds = new AudioFolder(root, { sampleRate: 4000, seconds: 0.5, mel: { nMels: 8, nFft: 256, winLength: 200, hop: 64 } });
    assert.deepEqual(ds.itemShape, [8, 32]);
    close(ds.getItem(0)[0].data, [-6.131155014038086, -16.975934982299805, -51.768917083740234, -51.800472259521484, -51.83297348022461, -51.858428955078125]);
  });

  test('Preprocessor.fit and transform, inferColumn and Table.fromStorage', async () => {
    const train = (await readCsv('datasets/penguins.csv')).table;
    assert.throws(() => Preprocessor.fit(train, never({ scalling: 'standard' })), unknownKey('Preprocessor.fit', 'scalling', 'scaling'));
    assert.throws(() => Preprocessor.fit(train, never({ scaling: 'zscore' })), wrongType('Preprocessor.fit', 'scaling'));
    assert.throws(() => Preprocessor.fit(train, { maxCategories: 0 }), outOfRange('Preprocessor.fit', 'maxCategories'));
    assert.throws(() => Preprocessor.fit(train, never({ columns: { island: { encodeing: 'ordinal' } } })),
      unknownKey('Preprocessor.fit: columns["island"]', 'encodeing', 'encoding'));
    assert.throws(() => Preprocessor.fit(train, never({ columns: { island: { impute: 'average' } } })), wrongType('Preprocessor.fit: columns["island"]', 'impute'));
    const p = Preprocessor.fit(train, {
      target: 'species', numericImpute: 'median', scaling: 'minmax', maxCategories: 2, indicator: false,
      columns: { island: { encoding: 'ordinal' }, bill_length_mm: { impute: 'constant', fill: 40, scaling: 'robust' } },
    });
    assert.throws(() => p.transform(train, never({ firstline: 3 })), unknownKey('transform', 'firstline', 'firstLine'));
    assert.throws(() => p.transform(train, { firstLine: 0 }), outOfRange('transform', 'firstLine'));
    const r = p.transform(train, { firstLine: 3 });
    assert.deepEqual(p.featureNames, ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex=female', 'sex=male', 'sex=<unknown>', 'year']);
    assert.deepEqual(Array.from(r.x.subarray(0, p.numFeatures)), [-1, -0.5582655668258667, 0.6666666865348816, 0.1525423675775528, 0.2916666567325592, 0, 1, 0, 0]);
    assert.equal(r.rows, 344);

    const ids = { type: 'float64' as const, values: Float64Array.from({ length: 25 }, (_, i) => i) };
    assert.throws(() => inferColumn('id', ids, never({ minIdentifierRow: 10 })), unknownKey('inferColumn', 'minIdentifierRow', 'minIdentifierRows'));
    assert.throws(() => inferColumn('id', ids, { minIdentifierRows: 0 }), outOfRange('inferColumn', 'minIdentifierRows'));
    assert.throws(() => Table.fromStorage([{ name: 'id', storage: ids }], never({ textMinLength: '30' })), wrongType('Table.fromStorage', 'textMinLength'));
    assert.throws(() => Table.fromStorage([{ name: 'id', storage: ids }], { minIdentifierRows: 0 }, 'readCsv'), outOfRange('readCsv', 'minIdentifierRows'));
    // a reader hands over its whole options object: its own keys are not the table's to refuse
    assert.equal(Table.fromStorage([{ name: 'id', storage: ids }], never({ delimiter: ',', minIdentifierRows: 30 })).columns[0].kind, 'integer');
    assert.equal(inferColumn('id', ids, { minIdentifierRows: 10 }).kind, 'identifier');
  });
});

describe('onnx', () => {
  test('export and exportRun', () => {
    const model = new dl.nn.Linear(2, 1);
    assert.throws(() => dl.onnx.exportBytes(model, dl.randn([1, 2]), never({ dynamicBatc: true })), unknownKey('onnx.export', 'dynamicBatc', 'dynamicBatch'));
    assert.throws(() => dl.onnx.exportBytes(model, dl.randn([1, 2]), never({ inputNames: 'x' })), wrongType('onnx.export', 'inputNames'));
    assert.throws(() => dl.onnx.exportBytes(model, dl.randn([1, 2]), { opset: 13 }), outOfRange('onnx.export', 'opset'));
    assert.throws(() => exportRunBytes(never({}), never({ preprocesing: false })), unknownKey('exportRun', 'preprocesing', 'preprocessing'));
    assert.throws(() => exportRunBytes(never({}), never({ preprocessing: 'no' })), wrongType('exportRun', 'preprocessing'));
  });
});

describe('table readers', () => {
  test('readCsv, parseCsv, readJsonl, parseJsonl and readParquet check their options', async () => {
    const dir = tempDir();
    const csv = join(dir, 't.csv');
    writeFileSync(csv, 'a,b\n1,2\n3,4\n');
    await assert.rejects(readCsv(csv, never({ delimter: ';' })), unknownKey('readCsv', 'delimter', 'delimiter'));
    await assert.rejects(readCsv(csv, never({ delimiter: ';;' })), wrongType('readCsv', 'delimiter'));
    await assert.rejects(readCsv(csv, { maxColumns: 0 }), outOfRange('readCsv', 'maxColumns'));
    assert.throws(() => dl.data.parseCsv('a\n1\n', never({ onRaggedRows: 'skip' })), unknownKey('parseCsv', 'onRaggedRows', 'onRaggedRow'));
    assert.throws(() => dl.data.parseCsv('a\n1\n', never({ header: 'yes' })), wrongType('parseCsv', 'header'));
    assert.deepEqual(dl.data.parseCsv('a;b\n1;2\n', { delimiter: ';', file: 'x.csv' }).table.columns.map((c) => c.name), ['a', 'b']);
    const jsonl = join(dir, 't.jsonl');
    writeFileSync(jsonl, '{"a": 1}\n{"a": 2}\n');
    await assert.rejects(dl.data.readJsonl(jsonl, never({ maxLineByte: 10 })), unknownKey('readJsonl', 'maxLineByte', 'maxLineBytes'));
    assert.throws(() => dl.data.parseJsonl('{"a": 1}\n', { maxLineBytes: -1 }), outOfRange('parseJsonl', 'maxLineBytes'));
    assert.equal((await dl.data.readJsonl(jsonl)).table.rowCount, 2);
    await assert.rejects(dl.data.readParquet(join(dir, 'none.parquet'), never({ textMinLenght: 3 })), unknownKey('readParquet', 'textMinLenght', 'textMinLength'));
  });
});

describe('callbacks', () => {
  test('ProgressBar checks its options', () => {
    assert.throws(() => new dl.train.ProgressBar(never({ mod: 'plain' })), unknownKey('ProgressBar', 'mod', 'mode'));
    assert.throws(() => new dl.train.ProgressBar(never({ mode: 'fancy' })), wrongType('ProgressBar', 'mode'));
    assert.throws(() => new dl.train.ProgressBar(never({ stream: 'stdout' })), wrongType('ProgressBar', 'stream'));
    const lines: string[] = [];
    assert.equal(new dl.train.ProgressBar({ mode: 'auto', stream: { write: (s: string) => lines.push(s) } }).mode, 'plain');
  });
});
