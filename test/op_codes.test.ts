/**
 * One source of truth for the native op codes: the committed native/src/op_codes.h is what
 * scripts/gen_native_codes.ts renders from the contract's tuples, the native sources declare no
 * code enums of their own, and the codes abi.ts sends are the tuple positions. Each op kind's two
 * native entry points live together in one kernel file, and nothing else names them, so a new
 * kind needs no edit to the addon's dispatch.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DTYPES } from '../src/base/dtype.js';
import {
  BINARY_CODES, DTYPE_CODES, EPILOGUE_CODES, KIND_CODES, LOSS_REDUCTION_CODES, OPTIMIZER_CODES, RANDOM_CODES,
  REDUCE_CODES, UNARY_CODES,
} from '../src/backends/cpu/abi.js';
import {
  BINARY_OPS, LOSS_REDUCTIONS, MATMUL_EPILOGUES, OP_KINDS, OPTIMIZER_ALGOS, OPTIMIZER_FLAG_FIELDS,
  OPTIMIZER_SCALAR_FIELDS, RANDOM_DISTRIBUTIONS, REDUCE_OPS, UNARY_OPS,
} from '../src/backends/ops.js';
import { nativeEntryPoints, OP_CODES_HEADER, renderOpCodesHeader, snakeCase } from '../scripts/gen_native_codes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NATIVE_DIR = join(ROOT, 'native', 'src');

/** An optional parameter name, or a commented-out one, in a C++ signature. */
const NAME = String.raw`(?: \w+| /\*\w+\*/)?`;

/** The native sources by file name. */
function nativeSources(): Map<string, string> {
  return new Map(readdirSync(NATIVE_DIR).map((f) => [f, readFileSync(join(NATIVE_DIR, f), 'utf8')]));
}

/** The files among `sources` whose text matches `pattern`. */
function filesMatching(sources: ReadonlyMap<string, string>, pattern: RegExp): string[] {
  return [...sources].filter(([, text]) => pattern.test(text)).map(([file]) => file);
}

describe('native op codes', () => {
  it(`${OP_CODES_HEADER} is up to date with the contract`, () => {
    const committed = readFileSync(join(ROOT, OP_CODES_HEADER), 'utf8');
    assert.ok(committed === renderOpCodesHeader(),
      `${OP_CODES_HEADER} differs from what scripts/gen_native_codes.ts renders from src/backends/ops.ts: ` +
      'run `npm run gen:codes`, then `npm run build:native`');
  });

  it('no native source declares a code enum of its own', () => {
    const generated = [...renderOpCodesHeader().matchAll(/^enum (?:class )?(\w+)/gm)].map((m) => m[1]);
    const offenders: string[] = [];
    for (const [file, text] of nativeSources()) {
      if (file === 'op_codes.h') continue;
      for (const name of generated) if (new RegExp(`\\benum (?:class )?${name}\\b`).test(text)) offenders.push(`${file}: ${name}`);
    }
    assert.deepEqual(offenders, [], 'these enums belong in the generated op_codes.h');
  });

  it('snake_case names of the op kinds', () => {
    assert.equal(snakeCase('crossEntropyBackward'), 'cross_entropy_backward');
    assert.equal(snakeCase('fill'), 'fill');
    assert.throws(() => snakeCase('Fill'), /not a camelCase identifier/);
  });

  it('each op kind defines run_<kind> and supports_<kind> in one kernels_<family>.cc', () => {
    const sources = nativeSources();
    const problems: string[] = [];
    for (const { kind, run, supports } of nativeEntryPoints()) {
      // Definitions only (a body follows); parameter names (or their comments) vary with what `sub` means.
      const runFiles = filesMatching(sources, new RegExp(`^bool ${run}\\(ArgReader&${NAME}, int${NAME}\\) \\{`, 'm'));
      const supportsFiles = filesMatching(sources, new RegExp(`^bool ${supports}\\(int${NAME}, int${NAME}\\) \\{`, 'm'));
      if (runFiles.length !== 1 || supportsFiles.length !== 1 || runFiles[0] !== supportsFiles[0] || !/^kernels_\w+\.cc$/.test(runFiles[0])) {
        problems.push(`${kind}: ${run} in [${runFiles.join(', ')}], ${supports} in [${supportsFiles.join(', ')}]`);
      }
    }
    assert.deepEqual(problems, [], 'each kind needs both entry points, defined once, in the same native/src/kernels_<family>.cc');
  });

  it('outside the kernel files only the generated header names an entry point', () => {
    const names = nativeEntryPoints().flatMap((e) => [e.run, e.supports]);
    const offenders: string[] = [];
    for (const [file, text] of nativeSources()) {
      if (file === 'op_codes.h' || /^kernels_\w+\.cc$/.test(file)) continue;
      for (const name of names) if (new RegExp(`\\b${name}\\b`).test(text)) offenders.push(`${file}: ${name}`);
    }
    assert.deepEqual(offenders, [], 'dispatch goes through DLFLOW_OP_KINDS, so adding a kind edits no shared file');
  });

  it('abi.ts sends the position of each name in its tuple', () => {
    const cases: [string, readonly string[], Readonly<Record<string, number>>][] = [
      ['DTYPES', DTYPES, DTYPE_CODES], ['OP_KINDS', OP_KINDS, KIND_CODES], ['UNARY_OPS', UNARY_OPS, UNARY_CODES],
      ['BINARY_OPS', BINARY_OPS, BINARY_CODES], ['REDUCE_OPS', REDUCE_OPS, REDUCE_CODES],
      ['OPTIMIZER_ALGOS', OPTIMIZER_ALGOS, OPTIMIZER_CODES], ['RANDOM_DISTRIBUTIONS', RANDOM_DISTRIBUTIONS, RANDOM_CODES],
      ['LOSS_REDUCTIONS', LOSS_REDUCTIONS, LOSS_REDUCTION_CODES], ['MATMUL_EPILOGUES', MATMUL_EPILOGUES, EPILOGUE_CODES],
    ];
    for (const [name, tuple, codes] of cases) {
      assert.equal(new Set(tuple).size, tuple.length, `${name} lists a name twice`);
      assert.deepEqual(codes, Object.fromEntries(tuple.map((n, i) => [n, i])), name);
    }
  });

  it('optimizer scalar fields are unique per algorithm and every flag is used', () => {
    const used = new Set<string>();
    for (const algo of OPTIMIZER_ALGOS) {
      const fields: readonly string[] = OPTIMIZER_SCALAR_FIELDS[algo];
      assert.equal(new Set(fields).size, fields.length, `${algo} lists a scalar twice`);
      for (const f of fields) used.add(f);
    }
    for (const flag of OPTIMIZER_FLAG_FIELDS) assert.ok(used.has(flag), `flag ${flag} is no algorithm's scalar`);
  });
});
