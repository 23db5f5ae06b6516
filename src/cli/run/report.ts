/**
 * report.html of a run, rebuilt from the run's files (model.json, config, metrics.jsonl,
 * evaluation.json): data summary, architecture, hyperparameters, loss and metric curves, and the
 * evaluation (confusion matrix, per-class table, ROC curves, or predicted-vs-actual and residuals;
 * for a forecaster, its metrics next to the naive baselines and the forecast plot).
 * Self-contained and offline.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import * as r from '../../report/index.js';
import type { EpochLogs } from '../../train/types.js';
import type { DlflowConfig } from '../config/types.js';
import type { EvaluationJSON } from './evaluation.js';
import { FORECAST_METRICS, isForecastEvaluation, type ForecastEvaluationJSON } from './forecast.js';
import { readModelInfo, type ModelInfo } from './model_json.js';
import { runFiles } from './run_dir.js';
import { architectureTitle } from './setup.js';

const grid = (figs: string[]): string => `<div class="dl-grid">${figs.join('')}</div>`;

function dataSection(info: ModelInfo): string {
  const d = info.data;
  const kv = r.keyValueTable({
    source: d.source, kind: d.kind, rows: d.rows, columns: d.columns, target: d.target, task: d.task,
    'input units': d.inputUnits, 'train rows': d.splits.train, 'validation rows': d.splits.val, 'test rows': d.splits.test,
  }, 'Data summary');
  const bars = d.classCounts ? r.figure(r.barChart(d.classCounts.map((c) => c.label), d.classCounts.map((c) => c.count), { title: 'Class balance', yLabel: 'rows' }), 'Rows per class') : '';
  const notes = d.notes.length > 0 ? `<ul>${d.notes.map((n) => `<li>${r.escapeXml(n)}</li>`).join('')}</ul>` : '';
  return kv + bars + notes + skippedTable(d.skipped);
}

/** The damaged files training left out (data.skipBadFiles), each with its reason; empty when none was. */
function skippedTable(skipped: ModelInfo['data']['skipped']): string {
  if (skipped === undefined || skipped.count === 0) return '';
  const unlisted = skipped.count - skipped.files.length;
  const caption = `Skipped ${skipped.count} damaged file(s) (data.skipBadFiles)${unlisted > 0 ? `; ${unlisted} more not listed` : ''}`;
  return `<div id="skipped-files">${r.htmlTable(['file', 'reason'], skipped.files.map((f) => [f.file, f.reason]), { caption })}</div>`;
}

/** `crop 4, flip` / `off`: the augmentation of the run (older runs' configs have none). */
function augmentText(a: DlflowConfig['data']['augment'] | undefined): string {
  const parts = [a?.crop ? `crop ${a.crop.padding}` : '', a?.flip === 'horizontal' ? 'horizontal flip' : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'off';
}

function hyperSection(config: DlflowConfig, info: ModelInfo): string {
  const h = config.hyperparameters;
  return r.keyValueTable({
    epochs: h.epochs, 'epochs completed': info.epochsCompleted, 'batch size': h.batchSize, 'learning rate': h.lr,
    optimizer: h.optimizer, 'weight decay': h.weightDecay, dropout: h.dropout, scheduler: h.scheduler.type,
    'early stopping patience': h.earlyStopping.patience, 'gradient clipping': h.gradClip || 'off', loss: info.loss,
    seed: config.seed, device: config.device, model: config.model.arch, hidden: config.model.hidden ?? '(auto)', activation: config.model.activation,
    augment: augmentText(config.data.augment),
  }, 'Hyperparameters');
}

function trainingSection(history: EpochLogs[]): string {
  const col = (k: string): number[] => history.map((h) => h[k] ?? Number.NaN);
  const x = col('epoch');
  const figs = [r.figure(r.lineChart([{ name: 'train', x, y: col('train_loss') }, { name: 'validation', x, y: col('val_loss'), dashed: true }], { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss' }), 'Loss (train vs validation)')];
  for (const metric of ['accuracy', 'f1_macro', 'r2', 'mean_absolute_error']) {
    if (!history.some((h) => h[`val_${metric}`] !== undefined)) continue;
    const series = [{ name: 'validation', x, y: col(`val_${metric}`) }];
    if (history.some((h) => h[`train_${metric}`] !== undefined)) series.unshift({ name: 'train', x, y: col(`train_${metric}`) });
    figs.push(r.figure(r.lineChart(series, { title: `${metric} per epoch`, xLabel: 'epoch', yLabel: metric }), metric));
  }
  figs.push(r.figure(r.lineChart([{ name: 'lr', x, y: col('lr') }], { title: 'Learning rate', xLabel: 'epoch', yLabel: 'lr' }), 'Learning rate'));
  return grid(figs);
}

/** Epoch ms as a decimal year (the forecast plot's x axis). */
const year = (ms: number): number => 1970 + ms / (365.2425 * 86_400_000);

/** A forecaster: its metrics beside the baselines', the series with the forecast, and the span close up. */
function forecastSection(e: ForecastEvaluationJSON): string {
  const f = e.forecast;
  const rows = FORECAST_METRICS.map((m) => [m, e.metrics[m] ?? null, f.baselines.naive[m] ?? null, f.baselines.seasonal_naive[m] ?? null]);
  const caption = `${f.target}, ${f.horizon} step(s) ahead, on the ${e.split} span (${f.windows} windows${f.span ? `, ${f.span[0]} to ${f.span[1]}` : ''}); ` +
    `mase scales by the seasonal-naive MAE of the training span (season ${f.season})`;
  const table = r.htmlTable(['metric', 'model', 'naive (last value)', 'seasonal naive'], rows, { caption, digits: 4 });
  const p = f.plot;
  const start = p.times[0] ?? Number.POSITIVE_INFINITY;
  const before = p.historyTimes.map((t, i) => [t, p.history[i]]).filter(([t]) => t < start);
  const history = { name: 'history', x: before.map(([t]) => year(t)), y: before.map(([, v]) => v), color: '#888888' };
  const truth = { name: 'truth', x: p.times.map(year), y: p.truth };
  const forecast = { name: 'forecast (1 step ahead)', x: p.times.map(year), y: p.predicted, dashed: true };
  return table + grid([
    r.figure(r.lineChart([history, truth, forecast], { title: `${f.target}: history, truth and forecast`, xLabel: 'year', yLabel: f.target, markers: false }), 'The series and the forecast of the evaluated span'),
    r.figure(r.lineChart([truth, forecast], { title: `The ${e.split} span`, xLabel: 'year', yLabel: f.target, markers: false }), 'Truth and forecast, close up'),
  ]);
}

function evaluationSection(e: EvaluationJSON): string {
  if (isForecastEvaluation(e)) return forecastSection(e);
  const metrics = r.keyValueTable(e.metrics, `Metrics on the ${e.split} split (${e.rows} rows)`);
  if (e.task === 'regression') {
    const a = e.actual ?? [], p = e.predicted ?? [];
    return metrics + grid([
      r.figure(r.scatterChart(a, p, { title: 'Predicted vs actual', xLabel: 'actual', yLabel: 'predicted', reference: 'identity' }), 'Predicted vs actual'),
      r.figure(r.scatterChart(p, p.map((v, i) => a[i] - v), { title: 'Residuals', xLabel: 'predicted', yLabel: 'actual − predicted', reference: 'zero' }), 'Residuals'),
    ]);
  }
  const labels = e.labels ?? [];
  const figs: string[] = [];
  if (e.confusion) figs.push(r.figure(r.heatmap(e.confusion, { title: 'Confusion matrix', rowLabels: labels, colLabels: labels, xLabel: 'Predicted', yLabel: 'True' }), 'Confusion matrix'));
  if (e.roc && e.roc.length > 0) figs.push(r.figure(r.rocChart(e.roc, { title: e.task === 'binary' ? 'ROC' : 'ROC (one-vs-rest)' }), 'ROC curves'));
  if (e.perClass) figs.push(r.figure(r.barChart(e.perClass.map((c) => c.name), e.perClass.map((c) => c.f1), { title: 'Per-class F1', yLabel: 'F1' }), 'Per-class F1'));
  const table = e.perClass ? r.htmlTable(['class', 'precision', 'recall', 'f1-score', 'support'], e.perClass.map((c) => [c.name, c.precision, c.recall, c.f1, c.support]), { caption: 'Per-class metrics' }) : '';
  return metrics + grid(figs) + table;
}

/** Reads a run's history from metrics.jsonl (empty when absent). */
export function readHistory(dir: string): EpochLogs[] {
  const file = runFiles(dir).metrics;
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EpochLogs);
}

/**
 * Writes `<run>/report.html` from the run's files.
 *
 * @example
 * writeRunReport('runs/penguins-20260101-120000');
 */
export function writeRunReport(dir: string): string {
  const f = runFiles(dir);
  const info = readModelInfo(dir);
  const config = parse(fs.readFileSync(f.config, 'utf8')) as DlflowConfig;
  const history = readHistory(dir);
  const evaluation = fs.existsSync(f.evaluation) ? JSON.parse(fs.readFileSync(f.evaluation, 'utf8')) as EvaluationJSON : null;
  const arch = r.architectureSvg(info.layers, { title: architectureTitle(info.architecture, info.totalParams), inputShape: [-1, ...info.inputShape] });
  const sections = [
    { id: 'data', title: 'Data', html: dataSection(info) },
    { id: 'architecture', title: 'Architecture', html: r.figure(arch, 'Layers, output shapes and parameter counts') },
    { id: 'hyperparameters', title: 'Hyperparameters', html: hyperSection(config, info) },
    { id: 'training', title: 'Training', html: `<p>${r.escapeXml(info.message)}</p>${trainingSection(history)}` },
  ];
  if (evaluation !== null) sections.push({ id: 'evaluation', title: 'Evaluation', html: evaluationSection(evaluation) });
  const html = r.buildReport({ title: `dlflow run ${dir.split(/[\\/]/).filter(Boolean).pop()}`, subtitle: `${info.task} on ${info.data.source} · dlflow ${info.dlflow} · ${info.created}`, sections });
  writeFileAtomicSync(f.report, html);
  return f.report;
}
