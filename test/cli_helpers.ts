/** Runs the dlflow CLI (bin/dlflow.js, the compiled dist/, rebuilt first when stale) in a scratch folder for the CLI tests. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureFreshDist } from './fresh_dist.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'dlflow.js');

ensureFreshDist(ROOT);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A fresh folder with `datasets/` linked to the bundled data. */
export function scratch(prefix = 'dlflow-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(ROOT, 'datasets'), join(dir, 'datasets'));
  return dir;
}

/** Runs `dlflow args...` in `cwd` and waits for it. */
export function dlflow(cwd: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `dlflow args...` without waiting. */
export function dlflowAsync(cwd: string, ...args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}
