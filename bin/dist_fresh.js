// Whether the compiled dist/ of a checkout is older than its TypeScript sources: each
// src/**/*.ts must have a dist/**/*.js written after it. Used by bin/dlflow.js (a warning) and
// by the CLI tests (which rebuild first).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The first source file (relative to `root`) whose compiled file is missing or older, or null.
 *
 * @example
 * staleSource('/work/dlflow'); // null, or 'src/cli/main.ts'
 */
export function staleSource(root) {
  const src = join(root, 'src');
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const out = join(root, 'dist', relative(src, file).replace(/\.ts$/, '.js'));
    let built;
    try { built = statSync(out).mtimeMs; } catch { return relative(root, file); }
    if (statSync(file).mtimeMs > built) return relative(root, file);
  }
  return null;
}
