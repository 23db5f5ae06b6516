/**
 * `dlflow train` with its untuned defaults (seeds 0–2) and `dlflow tune` with 16 trials against
 * scikit-learn's logistic regression on small tables from
 * scikit-learn's bundled datasets (breast cancer, wine, iris, digits), written and split 75/25 by
 * scripts/make_sklearn_tables.py in this run, which also fits the logistic regression (default
 * C, C by 5-fold cross-validation, and the range over C = 0.01 ... 100). Both tools see the same
 * split: dlflow tunes on the train file (k-fold cross-validation over it for these small tables,
 * or its own validation split; `validation` in the --json output says which), retrains the best
 * config and is scored once on the test file, which neither tool trains or tunes on. The goal:
 * within 0.01 of logistic regression's held-out accuracy.
 * Run: npx tsx bench/tune_tables.ts  (also part of bench/tune.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referenceEnv } from './openblas.js';

const TRIALS = 16;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dlflow.js');

interface TableInfo { rows_train: number; rows_test: number; columns: number; classes: number; logreg_accuracy: number; logreg_cv_accuracy: number; logreg_c_range: [number, number] }

const DEFAULT_SEEDS = [0, 1, 2];

/** The test accuracy a run directory's evaluation.json holds. */
function testAccuracy(runDir: string): number {
  return (JSON.parse(readFileSync(join(runDir, 'evaluation.json'), 'utf8')) as { metrics: { accuracy: number } }).metrics.accuracy;
}

/** Trains one table with the defaults (no config, no flags but the files and the seed); returns the test accuracy. */
function trainDefaults(dir: string, name: string, seed: number): number {
  const args = [BIN, 'train', '--data', join(dir, `${name}_train.csv`), '--target', 'target', '--data.test', join(dir, `${name}_test.csv`),
    '--seed', String(seed), '--name', `defaults-${name}-${seed}`, '--log', 'plain'];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`dlflow train on ${name} failed: ${r.stderr.slice(-2000)}`);
  return testAccuracy(join(dir, 'runs', `defaults-${name}-${seed}`));
}

/** Tunes one table; returns the retrained best model's test accuracy and the study's summary. */
function tuneTable(dir: string, name: string): { accuracy: number; bestValue: number; seconds: number; summary: string } {
  const t0 = performance.now();
  const args = [BIN, 'tune', '--data', join(dir, `${name}_train.csv`), '--target', 'target', '--data.test', join(dir, `${name}_test.csv`),
    '--trials', String(TRIALS), '--json', '--log', 'plain'];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`dlflow tune on ${name} failed: ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout) as { best_run: string; best_value: number; complete: number; pruned: number; failed: number; best_params: object; validation: { method: string; folds?: number } };
  return {
    accuracy: testAccuracy(join(dir, out.best_run)), bestValue: out.best_value, seconds: (performance.now() - t0) / 1000,
    summary: `${out.validation.method === 'kfold' ? `${out.validation.folds}-fold` : 'holdout'} trials: ${out.complete} complete, ${out.pruned} pruned, ${out.failed} failed; best ${JSON.stringify(out.best_params)}`,
  };
}

export async function benchTuneTables(): Promise<void> {
  console.log(`\n== dlflow train (untuned defaults, mean of seeds ${DEFAULT_SEEDS.join(', ')}) and dlflow tune (${TRIALS} trials, default space) vs scikit-learn logistic regression: held-out accuracy on the test split`);
  const dir = mkdtempSync(join(tmpdir(), 'dlflow-bench-tables-'));
  try {
    const py = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts', 'make_sklearn_tables.py'), dir], { encoding: 'utf8', env: referenceEnv() });
    if (py.status !== 0) {
      console.log(`scikit-learn could not run (${py.stderr.trim().split('\n').at(-1)}); is python3-sklearn installed?`);
      return;
    }
    const tables = JSON.parse(py.stdout) as Record<string, TableInfo>;
    console.log(`${'table'.padEnd(14)} ${'rows'.padStart(10)} ${'logreg'.padStart(7)} ${'default'.padStart(7)} ${'(range)'.padStart(13)} ${'tuned'.padStart(7)} ${'gap'.padStart(7)}  within 0.01  ${'cv/val'.padStart(6)} ${'(s)'.padStart(4)}  logreg with C by 5-fold CV; over C = 0.01..100`);
    for (const [name, info] of Object.entries(tables)) {
      const defaults = DEFAULT_SEEDS.map((seed) => trainDefaults(dir, name, seed));
      const mean = defaults.reduce((a, b) => a + b, 0) / defaults.length;
      const range = `${Math.min(...defaults).toFixed(3)}-${Math.max(...defaults).toFixed(3)}`;
      const r = tuneTable(dir, name);
      const gap = info.logreg_accuracy - r.accuracy;
      console.log(`${name.padEnd(14)} ${`${info.rows_train}/${info.rows_test}`.padStart(10)} ${info.logreg_accuracy.toFixed(4).padStart(7)} ${mean.toFixed(4).padStart(7)} ${range.padStart(13)} ${r.accuracy.toFixed(4).padStart(7)} ${gap.toFixed(4).padStart(7)}  ${(gap <= 0.01 ? 'yes' : 'no').padEnd(11)}  ${r.bestValue.toFixed(4)} ${r.seconds.toFixed(0).padStart(4)}  ${info.logreg_cv_accuracy.toFixed(4)}; ${info.logreg_c_range.map((v) => v.toFixed(3)).join('-')}`);
      console.log(`${''.padEnd(14)} ${r.summary}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTuneTables();
