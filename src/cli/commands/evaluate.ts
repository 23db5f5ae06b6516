/**
 * `dlflow evaluate <run> [--data file] [--json]`: metrics of a trained run on its test split
 * (recreated from the run's config and seed) or on a new file; a classification report in the
 * terminal or one JSON object with scikit-learn metric names; the report gains the evaluation.
 * A forecasting run is scored next to the naive and seasonal-naive forecasts (run/forecast.ts).
 */
import * as fs from 'node:fs';
import { evaluateModel } from '../../train/evaluate.js';
import type { BatchLoader } from '../../train/types.js';
import { parseArgs, rejectUnknown, takeFlag, takeSwitch } from '../args.js';
import { UsageError } from '../errors.js';
import { evaluationOf } from '../run/evaluation.js';
import { evaluateForecastFile, forecastTable, modelOutputs, seriesTestEvaluation, type ForecastEvaluationJSON } from '../run/forecast.js';
import { prepareRunData, readRunData, skippedLines } from '../run/data.js';
import { writeRunReport } from '../run/report.js';
import { runFiles } from '../run/run_dir.js';
import { loadRun, loaderOf, type LoadedRun } from '../run/setup.js';

/**
 * A forecasting run: its test span (rebuilt from the config) or every window of `dataFile`, the
 * model next to the naive and seasonal-naive forecasts of the same rows.
 */
async function evaluateSeries(run: LoadedRun, dataFile: string | undefined, json: boolean): Promise<number> {
  let evaluation: ForecastEvaluationJSON;
  if (dataFile === undefined) {
    const data = await prepareRunData(run.config);
    evaluation = seriesTestEvaluation(data, modelOutputs(run.model, data.series!.test, run.info.inputShape))!;
  } else {
    const r = await evaluateForecastFile(run, dataFile);
    for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
    evaluation = r.evaluation;
  }
  if (evaluation.rows === 0) throw new UsageError(`${evaluation.split}: no window could be evaluated`);
  const { baselines: { naive, seasonal_naive }, excluded } = evaluation.forecast;
  if (json) process.stdout.write(`${JSON.stringify({ run: run.dir, split: evaluation.split, rows: evaluation.rows, ...evaluation.metrics, naive, seasonal_naive, excluded })}\n`);
  else process.stdout.write(`evaluation of ${run.dir}\n\n${forecastTable(evaluation)}\n`);
  fs.writeFileSync(runFiles(run.dir).evaluation, `${JSON.stringify(evaluation)}\n`);
  writeRunReport(run.dir);
  return 0;
}

export async function runEvaluate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['json']));
  const dataFile = takeFlag(args, 'data');
  const json = takeSwitch(args, 'json');
  rejectUnknown(args, ['data', 'json'], 'evaluate');
  if (args.positionals.length !== 1) throw new UsageError('usage: dlflow evaluate <run> [--data file] [--json]');
  const run = await loadRun(args.positionals[0]);
  if (run.info.preprocessing.type === 'series') return evaluateSeries(run, dataFile, json);
  const { info, model, loss } = run;
  let loader: BatchLoader;
  let split: string;
  let rows: number;
  if (dataFile === undefined) {
    const data = await prepareRunData(run.config);
    for (const line of skippedLines(data.summary.skipped)) process.stderr.write(`${line}\n`); // as in training (data.skipBadFiles)
    if (data.test.rows === 0) throw new UsageError(`${run.dir} has an empty test split; pass --data <file>`);
    loader = loaderOf(data.test, info.inputShape, loss, 1024, false, 0); // the model's shape: runs of older versions may flatten
    split = 'test';
    rows = data.test.rows;
  } else {
    const d = await readRunData(dataFile, info.preprocessing, true);
    for (const p of d.problems.values()) process.stderr.write(`${dataFile}: line ${p.line}: ${p.reason} (row left out)\n`);
    for (const n of d.notes) process.stderr.write(`note: ${n}\n`);
    if (d.rows === 0) throw new UsageError(`${dataFile}: no row could be evaluated`);
    loader = loaderOf({ x: d.x, y: d.y!, rows: d.rows }, info.inputShape, loss, 1024, false, 0);
    split = dataFile;
    rows = d.rows;
  }
  const r = evaluateModel(model, loader, loss.fn, info.task);
  const evaluation = evaluationOf(split, info.task, r.outputs, r.targets, info.preprocessing.target);
  const metrics = { ...evaluation.metrics, loss: r.loss };
  if (json) {
    process.stdout.write(`${JSON.stringify({ run: run.dir, split, rows, ...metrics })}\n`);
  } else {
    process.stdout.write(`evaluation of ${run.dir} on ${split} (${rows} rows)\n\n`);
    if (evaluation.reportText) process.stdout.write(`${evaluation.reportText}\n`);
    for (const [k, v] of Object.entries(metrics)) process.stdout.write(`${k.padEnd(32)} ${v.toFixed(4)}\n`);
  }
  fs.writeFileSync(runFiles(run.dir).evaluation, `${JSON.stringify(evaluation)}\n`);
  writeRunReport(run.dir);
  return 0;
}
