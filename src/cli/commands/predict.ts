/**
 * `dlflow predict <run> --data file [--out preds.csv]`: applies the run's saved preprocessing and
 * writes one output row per input row: the predicted class and each class's probability, or the
 * predicted value. Rows that cannot be transformed are listed by line on stderr and get an
 * `error` cell instead of a prediction — never dropped silently.
 */
import { noGrad } from '../../autograd/grad_mode.js';
import { tidy } from '../../core/tensor.js';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { scoresOf } from '../../train/outputs.js';
import { parseArgs, rejectUnknown, takeFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { readRunData } from '../run/data.js';
import { inputTensor, loadRun } from '../run/setup.js';

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function runPredict(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const dataFile = takeFlag(args, 'data');
  const outFile = takeFlag(args, 'out');
  rejectUnknown(args, ['data', 'out'], 'predict');
  if (args.positionals.length !== 1 || dataFile === undefined) throw new UsageError('usage: dlflow predict <run> --data file [--out preds.csv]');
  const { info, model } = await loadRun(args.positionals[0]);
  const d = await readRunData(dataFile, info.preprocessing, false);
  for (const n of d.notes) process.stderr.write(`note: ${n}\n`);
  const rows = d.rows;
  const outputRow = new Int32Array(d.totalRows).fill(-1);
  d.sourceRows.forEach((src, i) => { outputRow[src] = i; });
  const out = noGrad(() => tidy(() => {
    const o = model.forward(inputTensor(d.x, rows, d.inputShape));
    return Float32Array.from(o.contiguous().dataSync() as Float32Array);
  }));
  const cols = rows > 0 ? out.length / rows : 0;
  const labels = info.labels;
  const lines: string[] = [];
  const t = info.preprocessing.target;
  if (labels !== null) {
    const scores = scoresOf({ data: out, rows, cols });
    const k = scores.length / Math.max(1, rows);
    lines.push(['row', 'prediction', ...labels.map((l) => `prob_${l}`), 'error'].map(csvCell).join(','));
    for (let r = 0; r < d.totalRows; r++) {
      const i = outputRow[r];
      if (i < 0) { lines.push([String(r + 1), '', ...labels.map(() => ''), csvCell(d.problems.get(r)?.reason ?? 'not transformed')].join(',')); continue; }
      let best = 0;
      for (let j = 1; j < k; j++) if (scores[i * k + j] > scores[i * k + best]) best = j;
      lines.push([String(r + 1), csvCell(labels[best]), ...Array.from({ length: k }, (_, j) => scores[i * k + j].toPrecision(6)), ''].join(','));
    }
  } else {
    lines.push(['row', 'prediction', 'error'].join(','));
    for (let r = 0; r < d.totalRows; r++) {
      const i = outputRow[r];
      lines.push(i < 0 ? [String(r + 1), '', csvCell(d.problems.get(r)?.reason ?? 'not transformed')].join(',') : [String(r + 1), (out[i * cols] * t.scale + t.center).toPrecision(8), ''].join(','));
    }
  }
  for (const p of d.problems.values()) process.stderr.write(`${dataFile}: line ${p.line}: ${p.reason} (no prediction)\n`);
  const text = `${lines.join('\n')}\n`;
  if (outFile === undefined) process.stdout.write(text);
  else {
    writeFileAtomicSync(outFile, text);
    process.stderr.write(`wrote ${d.totalRows} row(s) to ${outFile}${d.problems.size > 0 ? ` (${d.problems.size} without a prediction, see above)` : ''}\n`);
  }
  return 0;
}
