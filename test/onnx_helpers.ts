/** Shared by the ONNX tests: ONNX's checker (python3-onnx, scripts/check_onnx.py) and onnxruntime-node sessions. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ort from 'onnxruntime-node';

const ROOT = resolve(import.meta.dirname, '..');
export const SCRATCH = mkdtempSync(join(tmpdir(), 'dlflow-onnx-'));

/** Runs onnx.checker.check_model(full_check=True) on each file; returns one result per file. */
export function checkModels(files: readonly string[]): { file: string; ok: boolean; error: string | null; opset?: Record<string, number>; ir_version?: number }[] {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts', 'check_onnx.py'), ...files], { encoding: 'utf8' });
  if (r.stdout.trim() === '') throw new Error(`check_onnx.py failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

/** Writes bytes to a scratch file and returns its path. */
export function scratchFile(name: string, bytes: Uint8Array): string {
  const file = join(SCRATCH, name);
  writeFileSync(file, bytes);
  return file;
}

/** Largest absolute difference of two float arrays (lengths must match). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export { ort };
