/** Every TypeScript example in the README runs as written (against this checkout). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const entry = join(root, 'src', 'index.ts');
/** tsx's loader, resolved from this checkout (the examples run from a temp dir). */
const tsxLoader = import.meta.resolve('tsx');

describe('README examples', () => {
  it('has TypeScript examples', () => assert.ok(blocks.length >= 5));
  blocks.forEach((code, i) => {
    const title = code.split('\n').find((l) => l.trim() !== '' && !l.startsWith('import')) ?? '';
    it(`example ${i + 1}: ${title.slice(0, 60)}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'dlflow-readme-'));
      try {
        const source = (code.includes("from 'dlflow'") ? code : `import * as dl from 'dlflow';\n${code}`)
          .replace("from 'dlflow'", `from ${JSON.stringify(entry)}`)
          .replaceAll("'datasets/", `'${join(root, 'datasets')}/`);
        const file = join(dir, 'example.mts'); // ES module: examples may use top-level await
        writeFileSync(file, source);
        const run = spawnSync(process.execPath, ['--import', tsxLoader, file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
        assert.equal(run.status, 0, `example ${i + 1} failed:\n${run.stderr}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
