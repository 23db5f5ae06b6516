/**
 * A sample of every chart kind and the architecture diagram, for the SVG
 * unit tests and the headless-browser test. Labels include markup
 * characters and the data includes NaN to exercise escaping and gaps.
 */
import * as m from '../src/metrics/index.js';
import * as r from '../src/report/index.js';

/** Chart name → SVG string. */
export function sampleCharts(): Record<string, string> {
  const epochs = 12;
  const train = Array.from({ length: epochs }, (_, i) => 1.2 * Math.exp(-i / 4) + 0.1);
  const val = train.map((v, i) => (i === 5 ? NaN : v + 0.05 + 0.01 * i));
  const yTrue = [0, 0, 1, 1, 2, 2, 2, 1, 0, 2, 1, 0];
  const yPred = [0, 1, 1, 1, 2, 0, 2, 1, 0, 2, 2, 0];
  const probs = yTrue.map((t, i) => [0, 1, 2].map((c) => (c === yPred[i] ? 0.6 : 0.2) + (c === t ? 0.0 : 0)));
  const names = ['cat', 'dog <b>&', 'bird "x"'];
  const roc = names.map((name, c) => {
    const s = probs.map((p) => p[c]);
    const y = yTrue.map((t) => (t === c ? 1 : 0));
    const curve = m.rocCurve(y, s);
    return { name, fpr: curve.fpr, tpr: curve.tpr, auc: m.rocAucScore(y, s) };
  });
  const actual = Array.from({ length: 80 }, (_, i) => Math.sin(i / 7) * 10 + i / 4);
  const predicted = actual.map((a, i) => a + Math.cos(i * 1.7) * 1.5);
  const per = m.precisionRecallFscoreSupport(yTrue, yPred);
  return {
    loss: r.lineChart([{ name: 'train loss', y: train }, { name: 'val loss', y: val, dashed: true }], { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss' }),
    lineEmpty: r.lineChart([], { title: 'No history yet' }),
    lineAllNaN: r.lineChart([{ name: 'val', y: [NaN, NaN] }], { title: 'All missing' }),
    classBalance: r.barChart(names, [4, 4, 4], { title: 'Class balance', yLabel: 'rows' }),
    f1: r.barChart(names, per.fscore, { title: 'Per-class F1', yLabel: 'F1' }),
    association: r.barChart(Array.from({ length: 15 }, (_, i) => `feature_${i} <${i}>`), Array.from({ length: 15 }, (_, i) => (i === 3 ? NaN : Math.cos(i) * 0.8)), { title: 'Association with target', xLabel: 'correlation' }),
    histogram: r.histogram([...actual, NaN, Infinity], { title: 'Target distribution', xLabel: 'value' }),
    histogramEmpty: r.histogram([], { title: 'Empty' }),
    confusion: r.heatmap(m.confusionMatrix(yTrue, yPred), { title: 'Confusion matrix', rowLabels: names, colLabels: names, xLabel: 'Predicted', yLabel: 'True' }),
    confusionNormalized: r.heatmap(m.confusionMatrix(yTrue, yPred, { normalize: 'true' }).map((row, i) => (i === 1 ? [row[0], NaN, row[2]] : row)), { title: 'Confusion matrix (recall)', rowLabels: names, colLabels: names }),
    roc: r.rocChart(roc, { title: 'ROC (one-vs-rest)' }),
    predVsActual: r.scatterChart(actual, predicted, { title: 'Predicted vs actual', xLabel: 'actual', yLabel: 'predicted', reference: 'identity' }),
    residuals: r.scatterChart(actual, predicted.map((p, i) => p - actual[i]), { title: 'Residuals', xLabel: 'actual', yLabel: 'residual', reference: 'zero' }),
  };
}

/** A model summary like the one the Trainer prints. */
export const SAMPLE_LAYERS: r.LayerInfo[] = [
  { name: 'fc1', type: 'Linear', outputShape: [-1, 256], params: 200960, detail: 'ReLU, dropout 0.2' },
  { name: 'bn1', type: 'BatchNorm1d', outputShape: [-1, 256], params: 512 },
  { name: 'fc2', type: 'Linear', outputShape: [-1, 128], params: 32896, detail: 'ReLU' },
  { name: 'out', type: 'Linear', outputShape: [-1, 10], params: 1290 },
];

/** The full sample report page. */
export function sampleReport(): { html: string; charts: Record<string, string>; architecture: string } {
  const charts = sampleCharts();
  const architecture = r.architectureSvg(SAMPLE_LAYERS, { title: 'MLP <auto>', inputShape: [-1, 784] });
  const grid = (keys: string[]): string => `<div class="dl-grid">${keys.map((k) => r.figure(charts[k], k)).join('')}</div>`;
  const html = r.buildReport({
    title: 'Sample run <"report"> & co',
    subtitle: 'dlflow report rendering test',
    sections: [
      { id: 'data', title: 'Data', html: r.keyValueTable({ rows: 12, features: 784, target: 'label' }, 'Data summary') + grid(['classBalance', 'histogram', 'histogramEmpty', 'association']) },
      { id: 'architecture', title: 'Architecture', html: r.figure(architecture, 'Model architecture') },
      { id: 'hyperparameters', title: 'Hyperparameters', html: r.keyValueTable({ epochs: 12, lr: 0.001, optimizer: 'adam', hidden: [256, 128] }) },
      { id: 'training', title: 'Training', html: grid(['loss', 'lineEmpty', 'lineAllNaN']) },
      {
        id: 'evaluation', title: 'Evaluation',
        html: grid(['confusion', 'confusionNormalized', 'f1', 'roc', 'predVsActual', 'residuals'])
          + r.htmlTable(['class', 'precision', 'recall', 'f1-score', 'support'], [['cat', 0.75, 1, 0.857, 4], ['dog <b>&', 0.8, 1, 0.889, 4], ['bird "x"', 0.75, 0.75, NaN, 4]], { caption: 'Per-class metrics' }),
      },
    ],
  });
  return { html, charts, architecture };
}
