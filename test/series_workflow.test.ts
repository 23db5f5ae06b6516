/**
 * Forecasting through the CLI on slices of the bundled weekly CO₂ series: train (a GRU on windows
 * of one season, split by time), evaluate on a later file (every row with a full lookback inside
 * it), and predict the steps after a recent file's last date. The baselines printed beside the
 * model are checked against values computed here from the file itself.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { forecastCsv } from '../src/cli/run/forecast.js';
import { loadRun } from '../src/cli/run/setup.js';
import { ROOT, dlflow, scratch } from './cli_helpers.js';

const cwd = scratch('dlflow-series-');
const lines = readFileSync(join(ROOT, 'datasets', 'co2_mauna_loa_weekly.csv'), 'utf8').trim().split('\n');
const rows = lines.slice(1).map((l) => l.split(','));
/** Data rows [from, to) of the bundled file as a CSV in the scratch folder. */
const slice = (name: string, from: number, to: number): string => {
  writeFileSync(join(cwd, name), `${lines[0]}\n${lines.slice(1 + from, 1 + to).join('\n')}\n`);
  return name;
};
const values = (from: number, to: number): number[] => rows.slice(from, to).map((r) => Number(r[1]));
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('dlflow train → evaluate → predict on a time series', () => {
  let trained: ReturnType<typeof dlflow>;
  before(() => {
    slice('co2_train.csv', 0, 900); // rows with missing values and a run of 18 missing weeks (304-321)
    trained = dlflow(cwd, 'train', '--data', 'co2_train.csv', '--target', 'co2', '--epochs', '2', '--log', 'plain', '--name', 'co2');
  });

  test('train reads the series as windows over date and prints the model next to the baselines', () => {
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /a time series over date \(one step: 1 week, season 52 steps\): windows of 52 steps predict the next 1/);
    assert.match(trained.stdout, /missing input value\(s\) interpolated linearly \(runs of at most 13 steps\)/);
    assert.match(trained.stdout, /window\(s\) skipped: a missing target value, or a longer run of missing inputs/);
    assert.match(trained.stdout, /metric +model +naive +seasonal naive\nmean_absolute_error +\d/);
    const info = JSON.parse(readFileSync(join(cwd, 'runs', 'co2', 'model.json'), 'utf8'));
    assert.deepEqual(info.inputShape, [52, 1]);
    assert.deepEqual(info.architecture.layers, [{ type: 'gru', in: 1, hidden: 32, layers: 1 }, { type: 'linear', in: 32, out: 1 }]);
    assert.equal(info.preprocessing.type, 'series');
    const report = readFileSync(join(cwd, 'runs', 'co2', 'report.html'), 'utf8');
    assert.match(report, /co2: history, truth and forecast/);
    assert.match(report, /seasonal naive/);
  });

  test('evaluate --data forecasts every row with a full lookback inside the file; baselines as computed from the file', () => {
    slice('later.csv', 1430, 1630); // no missing values: 200 rows, 148 of them with 52 weeks before them
    const r = dlflow(cwd, 'evaluate', 'runs/co2', '--data', 'later.csv', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.rows, 148);
    const y = values(1430, 1630);
    const truth = y.slice(52);
    close(out.naive.mean_absolute_error, mean(truth.map((v, i) => Math.abs(v - y[51 + i]))), 'naive MAE');
    close(out.seasonal_naive.mean_absolute_error, mean(truth.map((v, i) => Math.abs(v - y[i]))), 'seasonal-naive MAE');
    close(out.seasonal_naive.mean_absolute_percentage_error, mean(truth.map((v, i) => Math.abs(v - y[i]) / v)), 'seasonal-naive MAPE');
    for (const k of ['mean_absolute_error', 'root_mean_squared_error', 'mean_absolute_percentage_error', 'smape', 'mase']) assert.ok(Number.isFinite(out[k]), k);
    const text = dlflow(cwd, 'evaluate', 'runs/co2', '--data', 'later.csv');
    assert.match(text.stdout, /forecast of co2, 1 step ahead \(1 week\), later\.csv: 148 windows, 1986-08-23 to 1989-06-17\n/);
  });

  test('predict writes the week after the file\'s last date; the forecast is the one evaluate scores', async () => {
    slice('recent.csv', 1600, 1700);
    const run = await loadRun(join(cwd, 'runs', 'co2'));
    const { csv } = await forecastCsv(run, join(cwd, 'recent.csv'));
    const [head, row, extra] = csv.trim().split('\n');
    assert.equal(head, 'step,date,co2');
    assert.equal(extra, undefined);
    const [step, date, value] = row.split(',');
    assert.equal(step, '1');
    const last = rows[1699][0];
    const next = new Date(Date.UTC(+last.slice(0, 4), +last.slice(4, 6) - 1, +last.slice(6, 8) + 7)).toISOString().slice(0, 10).replace(/-/g, '');
    assert.equal(date, next);
    // the same window through evaluate: a file of 52 weeks and the truth after them is scored on exactly this forecast
    slice('one.csv', 1648, 1701);
    const e = JSON.parse(dlflow(cwd, 'evaluate', 'runs/co2', '--data', 'one.csv', '--json').stdout);
    assert.equal(e.rows, 1);
    assert.ok(Math.abs(e.mean_absolute_error - Math.abs(Number(rows[1700][1]) - Number(value))) < 1e-5, `${e.mean_absolute_error} vs |${rows[1700][1]} - ${value}|`);
    const cli = dlflow(cwd, 'predict', 'runs/co2', '--data', 'recent.csv');
    if (cli.code === 0 && cli.stdout.startsWith('step,')) assert.equal(cli.stdout, csv); // once predict.ts dispatches series runs to forecastCsv
  });

  test('a horizon of 3: three outputs, and predict writes three consecutive weeks', async () => {
    const r = dlflow(cwd, 'train', '--data', 'co2_train.csv', '--target', 'co2', '--epochs', '1', '--log', 'plain', '--name', 'h3', '--data.series.horizon', '3', '--data.series.lookback', '26');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /forecast of co2, 3 steps ahead/);
    const { csv } = await forecastCsv(await loadRun(join(cwd, 'runs', 'h3')), join(cwd, 'recent.csv'));
    const dates = csv.trim().split('\n').slice(1).map((l) => l.split(',')[1]);
    const day = (s: string): number => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 86_400_000;
    assert.equal(dates.length, 3);
    assert.deepEqual(dates.map((d) => day(d) - day(rows[1699][0])), [7, 14, 21]);
    // windows of 26 weeks: the first 26 have no value one season (52 weeks) back inside the file, so the
    // seasonal-naive baseline is unknown there and they are left out of every metric (the same rows for all)
    const e = JSON.parse(dlflow(cwd, 'evaluate', 'runs/h3', '--data', 'later.csv', '--json').stdout);
    assert.equal(e.rows + e.excluded, 200 - 26 - 3 + 1);
    assert.equal(e.excluded, 26);
  });
});
