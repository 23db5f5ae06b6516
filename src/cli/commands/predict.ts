/**
 * `dlflow predict <run> --data file [--out preds.csv] [--skip-bad-files]`: applies the run's saved
 * preprocessing and writes one output row per input row: the predicted class and each class's
 * probability, or the predicted value; for a folder, a `file` column names each row's file
 * (relative to the folder). Rows that cannot be transformed are listed by line on
 * stderr and get an `error` cell instead of a prediction — never dropped silently. A damaged file
 * of an image or audio folder is an error naming it; with `--skip-bad-files` it has no row (the
 * rows number the usable files) and is listed on stderr. The model runs through the inference
 * path `dlflow serve` uses (run/inference.ts).
 */
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { parseArgs, rejectUnknown, takeFlag, takeSwitch } from '../args.js';
import { UsageError } from '../errors.js';
import { skippedLines } from '../run/data.js';
import { forecastCsv } from '../run/forecast.js';
import { RunPredictor } from '../run/inference.js';

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function runPredict(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['skip-bad-files']));
  const dataFile = takeFlag(args, 'data');
  const outFile = takeFlag(args, 'out');
  const skipBadFiles = takeSwitch(args, 'skip-bad-files');
  rejectUnknown(args, ['data', 'out', 'skip-bad-files'], 'predict');
  if (args.positionals.length !== 1 || dataFile === undefined) throw new UsageError('usage: dlflow predict <run> --data file [--out preds.csv] [--skip-bad-files]');
  const predictor = await RunPredictor.load(args.positionals[0]);
  if (predictor.info.preprocessing.type === 'series') {
    // A forecaster predicts the next `horizon` steps after the file's last timestamp.
    const { csv, notes } = await forecastCsv(predictor.run, dataFile);
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
    if (outFile === undefined) process.stdout.write(csv);
    else {
      writeFileAtomicSync(outFile, csv);
      process.stderr.write(`wrote ${csv.trim().split('\n').length - 1} forecast step(s) to ${outFile}\n`);
    }
    return 0;
  }
  const d = await predictor.readFile(dataFile, { skipBadFiles });
  for (const n of d.notes) process.stderr.write(`note: ${n}\n`);
  for (const line of skippedLines(d.skipped)) process.stderr.write(`${line}\n`);
  const outputRow = new Int32Array(d.totalRows).fill(-1);
  d.sourceRows.forEach((src, i) => { outputRow[src] = i; });
  const p = predictor.predict(d.x, d.rows);
  const lines: string[] = [];
  // A folder's rows are its files: name each (its row number alone does not say which file it is).
  const fileHead = d.files === null ? [] : ['file'];
  const fileCell = (r: number): string[] => (d.files === null ? [] : [csvCell(d.files[outputRow[r]] ?? '')]);
  const noPrediction = (r: number): string => csvCell(d.problems.get(r)?.reason ?? 'not transformed');
  if ('probabilities' in p) {
    const labels = predictor.labels ?? [];
    const { probabilities: scores, k } = p;
    lines.push(['row', ...fileHead, 'prediction', ...labels.map((l) => `prob_${l}`), 'error'].map(csvCell).join(','));
    for (let r = 0; r < d.totalRows; r++) {
      const i = outputRow[r];
      if (i < 0) { lines.push([String(r + 1), ...fileCell(r), '', ...labels.map(() => ''), noPrediction(r)].join(',')); continue; }
      let best = 0;
      for (let j = 1; j < k; j++) if (scores[i * k + j] > scores[i * k + best]) best = j;
      lines.push([String(r + 1), ...fileCell(r), csvCell(labels[best]), ...Array.from({ length: k }, (_, j) => scores[i * k + j].toPrecision(6)), ''].join(','));
    }
  } else {
    lines.push(['row', ...fileHead, 'prediction', 'error'].join(','));
    for (let r = 0; r < d.totalRows; r++) {
      const i = outputRow[r];
      lines.push(i < 0 ? [String(r + 1), ...fileCell(r), '', noPrediction(r)].join(',') : [String(r + 1), ...fileCell(r), p.values[i].toPrecision(8), ''].join(','));
    }
  }
  for (const prob of d.problems.values()) process.stderr.write(`${dataFile}: line ${prob.line}: ${prob.reason} (no prediction)\n`);
  const text = `${lines.join('\n')}\n`;
  if (outFile === undefined) process.stdout.write(text);
  else {
    writeFileAtomicSync(outFile, text);
    const without = d.problems.size > 0 ? ` (${d.problems.size} without a prediction, see above)` : '';
    const leftOut = d.skipped.count > 0 ? ` (${d.skipped.count} damaged file(s) left out, see above)` : '';
    process.stderr.write(`wrote ${d.totalRows} row(s) to ${outFile}${without}${leftOut}\n`);
  }
  return 0;
}
