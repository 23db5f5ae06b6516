/**
 * The whole workflow on Fashion-MNIST — `dlflow train --data <folder> --epochs 15` (explore,
 * preprocess, build the auto MLP, train with validation, evaluate, write the run directory and
 * report) — against the same training written directly against PyTorch, both timed as a whole
 * process in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './timing.js';
import { referenceEnv } from './openblas.js';

const DATA_DIR = '/usr/share/datasets/fashion-mnist';
const EPOCHS = 15;

export function benchWorkflow(): void {
  console.log(`\n== workflow: dlflow train --data ${DATA_DIR} --epochs ${EPOCHS}, vs the same training in PyTorch`);
  if (!existsSync(DATA_DIR)) {
    console.log(`skipped: ${DATA_DIR} not found (apt-get install dataset-fashion-mnist)`);
    return;
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  const work = join(root, '.bench-tmp', 'workflow');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const t0 = process.hrtime.bigint();
  const ours = spawnSync(process.execPath, [join(root, 'bin', 'dlflow.js'), 'train', '--data', DATA_DIR, '--epochs', String(EPOCHS), '--name', 'bench', '--log', 'plain'],
    { cwd: work, encoding: 'utf8' });
  const oursSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (ours.status !== 0) {
    console.log(`dlflow train failed: ${ours.stderr}`);
    return;
  }
  const evaluation = JSON.parse(readFileSync(join(work, 'runs', 'bench', 'evaluation.json'), 'utf8')) as { metrics: Record<string, number> };
  const torch = spawnSync('/usr/bin/python3', [fileURLToPath(new URL('./reference/torch_workflow.py', import.meta.url)), DATA_DIR, String(EPOCHS)],
    { env: referenceEnv(), encoding: 'utf8' });
  const t = torch.status === 0 ? JSON.parse(torch.stdout) as { seconds: number; accuracy: number } : { seconds: NaN, accuracy: NaN };
  if (torch.status !== 0) console.log(`PyTorch reference unavailable: ${torch.stderr.trim().split('\n').pop()} (install python3-torch)`);
  printTable(['', 'seconds (whole run)', 'test accuracy'], [
    ['dlflow train (CLI, explore → report)', oursSeconds.toFixed(1), (evaluation.metrics.accuracy ?? NaN).toFixed(4)],
    ['PyTorch 1.13 script (training only)', t.seconds.toFixed(1), t.accuracy.toFixed(4)],
    ['ratio dlflow / PyTorch', (oursSeconds / t.seconds).toFixed(2), ''],
  ]);
}
