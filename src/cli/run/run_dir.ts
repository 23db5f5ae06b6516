/**
 * The run directory `runs/<name>/`: name choice, a writability check before any work, creation,
 * and removal when a run fails before its first checkpoint (no half-written run directories).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';

/** The files of a run. */
export function runFiles(dir: string) {
  return {
    dir,
    config: path.join(dir, 'config.resolved.yaml'),
    weights: path.join(dir, 'model.safetensors'),
    modelJson: path.join(dir, 'model.json'),
    metrics: path.join(dir, 'metrics.jsonl'),
    history: path.join(dir, 'history.csv'),
    architecture: path.join(dir, 'architecture.svg'),
    report: path.join(dir, 'report.html'),
    evaluation: path.join(dir, 'evaluation.json'),
    checkpoints: path.join(dir, 'checkpoints'),
    lastCheckpoint: path.join(dir, 'checkpoints', 'last.safetensors'),
  };
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * `<data name>-<yyyymmdd-hhmmss>` unless the config names the run; a generated name that a run
 * of the same second already holds gets `-2`, `-3`, … (a name the user gave is kept as is, and
 * checkRunDir refuses it if taken).
 */
export function runName(config: DlflowConfig, now = new Date()): string {
  if (config.name !== null) return config.name;
  const base = path.basename(config.data.path).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'run';
  const stem = `${base}-${stamp(now)}`;
  let name = stem;
  for (let k = 2; fs.existsSync(path.join(config.runsDir, name)); k++) name = `${stem}-${k}`;
  return name;
}

/** Checks that `runsDir` can hold a new run `name` (creating runsDir if needed) without creating the run. */
export function checkRunDir(runsDir: string, name: string): string {
  const dir = path.join(runsDir, name);
  if (fs.existsSync(dir)) throw new UsageError(`run directory ${dir} already exists; pick another --name, or continue it with --resume ${dir}`);
  try {
    fs.mkdirSync(runsDir, { recursive: true });
    fs.accessSync(runsDir, fs.constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write the run directory under ${runsDir}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a file is in the way' : (e as Error).message}; choose another place with --runs-dir`);
  }
  return dir;
}

/** Creates the run directory and its checkpoints folder. */
export function createRunDir(dir: string): void {
  try {
    fs.mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the run directory ${dir}: ${(e as Error).message}`);
  }
}

/** Removes a run directory that holds no checkpoint (a run that failed before finishing an epoch). */
export function removeIfEmptyRun(dir: string): void {
  if (!fs.existsSync(runFiles(dir).lastCheckpoint)) fs.rmSync(dir, { recursive: true, force: true });
}
