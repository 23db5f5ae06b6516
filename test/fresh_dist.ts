/**
 * The CLI runs the compiled dist/, so the CLI tests first bring dist/ up to date with src/: one
 * build (tsc -p tsconfig.build.json) when any source is newer than its output, under a lock so
 * that test files started together build once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { staleSource } from '../bin/dist_fresh.js';

/** Builds dist/ of the checkout at `root` unless it is newer than every source file. */
export function ensureFreshDist(root: string): void {
  if (staleSource(root) === null) return;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // Checked again under the lock: another test file may have just built it.
  const script = `import { staleSource } from ${JSON.stringify(join(root, 'bin', 'dist_fresh.js'))};
import { spawnSync } from 'node:child_process';
if (staleSource(${JSON.stringify(root)}) !== null) process.exitCode = spawnSync(process.execPath, [${JSON.stringify(tsc)}, '-p', 'tsconfig.build.json'], { cwd: ${JSON.stringify(root)}, stdio: 'inherit' }).status ?? 1;`;
  const lock = join(tmpdir(), `dlflow-dist-${root.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
  const node = [process.execPath, '--input-type=module', '-e', script];
  let r = spawnSync('flock', [lock, ...node], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error !== undefined) r = spawnSync(node[0], node.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] }); // no flock(1)
  // A source edited while tsc ran (other work in the same tree) leaves it stale again: say so, it is seconds old.
  const still = staleSource(root);
  if (still !== null) process.stderr.write(`fresh_dist: ${still} changed during the build of dist/ (tsc status ${r.status})\n`);
}

/**
 * Deletes what an earlier build left in dist/ for a source that no longer exists (moved or
 * removed files), so a tarball packed from this checkout holds only current code.
 */
export function pruneDist(root: string): string[] {
  const dist = join(root, 'dist');
  const removed: string[] = [];
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const source = join(root, 'src', relative(dist, file).replace(/(\.d)?\.[jt]s(\.map)?$/, '.ts'));
    if (!existsSync(source)) {
      rmSync(file);
      removed.push(relative(root, file));
    }
  }
  return removed;
}
