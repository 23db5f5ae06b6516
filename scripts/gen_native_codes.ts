/**
 * Writes native/src/op_codes.h: the C++ enums of the native op codes and the optimizer scalar
 * layout, generated from the kernel contract (src/backends/ops.ts, and DTYPES of
 * src/base/dtype.ts). A code is the position of its name in its TypeScript tuple, which is also
 * what src/backends/cpu/abi.ts sends, so the two sides cannot drift apart.
 *
 * It also writes the op kinds as an X-macro (`DLFLOW_OP_KINDS`) and declares each kind's two
 * entry points, `run_<kind>` and `supports_<kind>`: the addon's dispatch expands the macro, so a
 * new kind needs only its definitions in a native/src/kernels_<family>.cc.
 *
 * Run it after changing one of those tuples (`npm run gen:codes`, or
 * `npx tsx scripts/gen_native_codes.ts`), then rebuild the addon (`npm run build:native`).
 * test/op_codes.test.ts fails while the committed header differs from what this renders.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DTYPES, type DType } from '../src/base/dtype.js';
import {
  BINARY_OPS, COMPARISON_OPS, LOSS_REDUCTIONS, MATMUL_EPILOGUES, OP_KINDS, OPTIMIZER_ALGOS, OPTIMIZER_FLAG_FIELDS,
  OPTIMIZER_SCALAR_FIELDS, POOL_OPS, PREDICATE_UNARY_OPS, RANDOM_DISTRIBUTIONS, RECURRENT_MODES, REDUCE_OPS, UNARY_OPS,
} from '../src/backends/ops.js';
import { writeFileAtomicSync } from '../src/io/atomic_write.js';

/** The generated header, relative to the repository root. */
export const OP_CODES_HEADER = 'native/src/op_codes.h';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LINE_WIDTH = 100;

/** One C++ enum generated from one tuple. */
interface EnumSpec {
  /** Where the tuple is defined, for the header's comment. */
  readonly source: string;
  readonly cppName: string;
  /** The enumerators, in code order. */
  readonly enumerators: readonly string[];
  /** The enumerator (or, for a scoped enum, the constant) holding the number of codes. */
  readonly count: string;
  /** `enum class` (the count becomes a separate constant). */
  readonly scoped?: boolean;
}

function pascal(name: string): string {
  if (!/^[a-z][A-Za-z0-9]*$/.test(name)) throw new Error(`gen_native_codes: ${JSON.stringify(name)} is not a camelCase identifier`);
  return name[0].toUpperCase() + name.slice(1);
}

/** `crossEntropyBackward` → `cross_entropy_backward`: the native sources' name of an op kind. */
export function snakeCase(name: string): string {
  pascal(name);  // the same identifier check
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function spec<T extends string>(
  source: string, cppName: string, names: readonly T[], enumerator: (name: T) => string, count: string, scoped = false,
): EnumSpec {
  return { source, cppName, enumerators: names.map(enumerator), count, scoped };
}

/** The native sources' short names of the dtypes. */
const DTYPE_ENUMERATORS: { readonly [D in DType]: string } = { float32: 'kF32', int32: 'kI32', int64: 'kI64', bool: 'kBool' };

const ENUMS: readonly EnumSpec[] = [
  spec('DTYPES (src/base/dtype.ts)', 'DType', DTYPES, (d) => DTYPE_ENUMERATORS[d], 'kNumDTypes'),
  spec('OP_KINDS', 'OpKind', OP_KINDS, (k) => `k${pascal(k)}`, 'kNumOpKinds'),
  spec('UNARY_OPS', 'UnaryOp', UNARY_OPS, (o) => `u${pascal(o)}`, 'kNumUnary'),
  spec('BINARY_OPS', 'BinaryOp', BINARY_OPS, (o) => `b${pascal(o)}`, 'kNumBinary'),
  spec('REDUCE_OPS', 'ReduceOp', REDUCE_OPS, (o) => `r${pascal(o)}`, 'kNumReduce'),
  spec('OPTIMIZER_ALGOS', 'OptimizerAlgo', OPTIMIZER_ALGOS, (a) => `a${pascal(a)}`, 'kNumAlgos'),
  spec('RANDOM_DISTRIBUTIONS', 'Distribution', RANDOM_DISTRIBUTIONS, (d) => `k${pascal(d)}`, 'kNumDistributions'),
  spec('LOSS_REDUCTIONS', 'LossReduction', LOSS_REDUCTIONS, (r) => `kReduce${pascal(r)}`, 'kNumLossReductions'),
  spec('MATMUL_EPILOGUES', 'GemmEpilogue', MATMUL_EPILOGUES, (e) => `k${pascal(e)}`, 'kNumGemmEpilogues', true),
  spec('POOL_OPS', 'PoolOp', POOL_OPS, (o) => `p${pascal(o)}`, 'kNumPoolOps'),
  spec('RECURRENT_MODES', 'RecurrentMode', RECURRENT_MODES, (m) => `m${pascal(m)}`, 'kNumRecurrentModes'),
];

/** `head`, then `items` each followed by `sep` (the last by `tail`), wrapped at LINE_WIDTH with `indent`. */
function wrap(head: string, items: readonly string[], sep: string, tail: string, indent: string): string {
  const lines: string[] = [];
  let line = head;
  let fresh = true;  // nothing but the head or the indent on this line yet
  items.forEach((item, i) => {
    const piece = item + (i < items.length - 1 ? sep : tail);
    const joined = fresh ? line + piece : `${line} ${piece}`;
    if (!fresh && joined.length > LINE_WIDTH) {
      lines.push(line);
      line = indent + piece;
    } else {
      line = joined;
    }
    fresh = false;
  });
  lines.push(line);
  return lines.join('\n');
}

/** `open {` items `}close` on one line when it fits, else with the items on indented lines. */
function braced(open: string, items: readonly string[], close: string): string {
  const oneLine = `${open} { ${items.join(', ')} }${close}`;
  if (oneLine.length <= LINE_WIDTH) return oneLine;
  return `${open} {\n${wrap('  ', items, ',', '', '  ')}\n}${close}`;
}

function renderEnum(e: EnumSpec): string {
  const valued = e.enumerators.map((name, code) => `${name} = ${code}`);
  const n = e.enumerators.length;
  if (e.scoped) return `// ${e.source}\n${braced(`enum class ${e.cppName} : int`, valued, ';')}\nconstexpr int ${e.count} = ${n};\n`;
  return `// ${e.source}\n${braced(`enum ${e.cppName} : int`, [...valued, `${e.count} = ${n}`], ';')}\n`;
}

/** A constexpr predicate that is true for the codes `enumerators`. */
function renderMembership(source: string, fn: string, arg: string, enumerators: readonly string[]): string {
  const tests = enumerators.map((e) => `${arg} == ${e}`);
  return `// ${source}\nconstexpr bool ${fn}(int ${arg}) {\n${wrap('  return ', tests, ' ||', ';', '         ')}\n}\n`;
}

/** The native names of the op kinds' entry points, in code order. */
export function nativeEntryPoints(): readonly { readonly kind: string; readonly run: string; readonly supports: string }[] {
  return OP_KINDS.map((k) => ({ kind: k, run: `run_${snakeCase(k)}`, supports: `supports_${snakeCase(k)}` }));
}

function renderKindMacro(): string {
  const entries = OP_KINDS.map((k) => `  X(k${pascal(k)}, ${snakeCase(k)})`);
  const declarations = nativeEntryPoints().map((e) => `bool ${e.run}(ArgReader& r, int sub);\nbool ${e.supports}(int sub, int dtype);`);
  return [
    '// OP_KINDS as an X-macro: X(enumerator, snake_case name) per kind, in code order. addon.cc',
    '// expands it into the `run` and `supports` switches, so every kind must define the two entry',
    '// points declared below, in one native/src/kernels_<family>.cc (contract in kernels.h). A',
    '// missing one fails test/op_codes.test.ts, and the addon fails to load (binding.gyp: -z now).',
    `#define DLFLOW_OP_KINDS(X) \\\n${entries.join(' \\\n')}`,
    '',
    'class ArgReader;  // views.h',
    '',
    '// Per kind: run_<kind> runs the op (sub = its sub-op code; kinds without one ignore it) and',
    '// supports_<kind> says whether it can be native for inputs of `dtype`, a valid DType code.',
    ...declarations,
    '',
  ].join('\n');
}

function renderOptimizerScalars(): string {
  const structs = OPTIMIZER_ALGOS.map((algo) => {
    const fields: readonly string[] = OPTIMIZER_SCALAR_FIELDS[algo];
    const valued = [...fields.map((f, i) => `k${pascal(f)} = ${i}`), `kCount = ${fields.length}`];
    return `struct ${pascal(algo)}Scalar {\n  ${braced('enum : int', valued, ';').replaceAll('\n', '\n  ')}\n};`;
  });
  const counts = OPTIMIZER_ALGOS.map((algo) => `${pascal(algo)}Scalar::kCount`);
  const most = Math.max(...OPTIMIZER_ALGOS.map((algo) => OPTIMIZER_SCALAR_FIELDS[algo].length));
  return [
    '// OPTIMIZER_SCALAR_FIELDS: the scalars of optimizerStep per algorithm, in the order they are',
    `// passed. Flags (${OPTIMIZER_FLAG_FIELDS.join(', ')}) arrive as 0 or 1.`,
    ...structs,
    `${braced('constexpr int kOptimizerScalarCounts[kNumAlgos] =', counts, ';')}`,
    `constexpr int kMaxOptimizerScalars = ${most};`,
    '',
  ].join('\n');
}

/** The text of native/src/op_codes.h for the contract as it is now. */
export function renderOpCodesHeader(): string {
  const unary = (o: string): string => `u${pascal(o)}`;
  const binary = (o: string): string => `b${pascal(o)}`;
  return [
    '// Generated by scripts/gen_native_codes.ts from src/backends/ops.ts and src/base/dtype.ts: do not edit.',
    '// Regenerate with `npm run gen:codes` (test/op_codes.test.ts fails while this file is stale).',
    '//',
    '// Every code is the position of its name in the TypeScript tuple named above its enum, which is',
    '// also the number src/backends/cpu/abi.ts sends.',
    '#pragma once',
    '',
    'namespace dlflow {',
    '',
    ...ENUMS.map(renderEnum),
    renderMembership('PREDICATE_UNARY_OPS: unary ops whose output is bool', 'is_predicate', 'u', [...PREDICATE_UNARY_OPS].map(unary)),
    renderMembership('COMPARISON_OPS: binary ops whose output is bool', 'is_comparison', 'b', [...COMPARISON_OPS].map(binary)),
    renderOptimizerScalars(),
    renderKindMacro(),
    '}  // namespace dlflow',
    '',
  ].join('\n');
}

/** Writes the header when it differs from the committed one; returns whether it did. */
export function writeOpCodesHeader(): boolean {
  const file = join(REPO_ROOT, OP_CODES_HEADER);
  const text = renderOpCodesHeader();
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileAtomicSync(file, text);
  return true;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(writeOpCodesHeader() ? `wrote ${OP_CODES_HEADER}` : `${OP_CODES_HEADER} is up to date`);
}
