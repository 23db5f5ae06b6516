/**
 * The layering of src/ (docs/architecture.md, "Layers"): a folder imports only from folders at
 * its own rank or below. The one intrinsic exception, Tensor's methods forwarding to the ops
 * and to the autograd engine, is listed by file so it cannot spread.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Rank of each top-level folder of src/, bottom up. */
const RANK: Readonly<Record<string, number>> = {
  base: 0, backends: 1, core: 2, autograd: 3, ops: 4,
  nn: 5, optim: 5, io: 5, metrics: 5, report: 5, distributed: 5,
  data: 6, train: 7, onnx: 7, tune: 8, serve: 9,
  cli: 10, 'index.ts': 10,
};

/** Upward imports that are intrinsic, each with its reason in docs/architecture.md. */
const ALLOWED_UPWARD: ReadonlySet<string> = new Set([
  'core/tensor.ts -> ops', // x.add(y), x.sum(): Tensor methods forward to the ops
  'core/tensor.ts -> autograd', // x.backward() runs the engine
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function topFolder(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0];
}

describe('layering of src/', () => {
  it('every top-level folder has a rank', () => {
    const tops = new Set(sourceFiles(SRC).map(topFolder));
    for (const t of tops) assert.ok(t in RANK, `src/${t} has no rank in test/layers.test.ts and docs/architecture.md`);
  });

  it('no folder imports from a folder above it', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = topFolder(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = topFolder(normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts'))));
        const key = `${relative(SRC, file).replaceAll('\\', '/')} -> ${to}`;
        if ((RANK[to] ?? Infinity) > (RANK[from] ?? -Infinity) && !ALLOWED_UPWARD.has(key)) violations.push(`${key} ('${m[1]}')`);
      }
    }
    assert.deepEqual(violations, []);
  });
});
