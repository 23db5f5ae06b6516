/**
 * Fuzzing the file readers (issue 14): valid small files of each format, mutated by fast-check
 * with a fixed seed (truncated, bytes flipped, ranges spliced in or cut out, and 4- or 8-byte
 * fields overwritten with huge sizes), are fed to their reader. Every outcome must be a result
 * or the reader's documented error (DataError for data files, FileFormatError for safetensors
 * and checkpoints, a CliError of exit code 1 for model.json, UsageError for config files) — never a RangeError, a
 * TypeError, a crash or a hang. A hang fails through each test's timeout.
 *
 * NIfTI is seeded from the nibabel-written fixtures of test/fixtures/nifti.
 *
 * The number of inputs per reader is modest so the suite runs in seconds; a long campaign runs
 * the same properties with more inputs and another seed:
 *   DLFLOW_FUZZ_RUNS=20000 DLFLOW_FUZZ_SEED=7 node --import tsx --test test/fuzz_readers.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { stringify } from 'yaml';
import * as dl from '../src/index.js';
import { readConfigFile } from '../src/cli/config/load.js';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { defaultConfig } from '../src/cli/config/defaults.js';
import { CliError, UsageError } from '../src/cli/errors.js';
import { parseModelInfo, type ModelInfo } from '../src/cli/run/model_json.js';
import { DataError } from '../src/data/errors.js';
import { DataRequestError } from '../src/data/prepare/errors.js';
import { decodeImage } from '../src/data/image/decode.js';
import { parseCsv } from '../src/data/sources/csv.js';
import { encodeIdx, parseIdx } from '../src/data/sources/idx.js';
import { parseJsonl } from '../src/data/sources/jsonl.js';
import { parseNpy } from '../src/data/sources/npy.js';
import { parseNifti } from '../src/data/sources/nifti.js';
import { readParquet } from '../src/data/sources/parquet.js';
import { parseWav } from '../src/data/sources/wav.js';
import { FileFormatError } from '../src/io/errors.js';
import { parseSafetensors, serializeSafetensors } from '../src/io/safetensors.js';
import { parseCheckpoint, type CheckpointMeta } from '../src/train/checkpoint.js';

const RUNS = Number(process.env.DLFLOW_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.DLFLOW_FUZZ_SEED ?? 14);
/** A hang guard, not a speed bound: generous enough for a slow shared machine. */
const TIMEOUT = 600_000;

const scratch = mkdtempSync(join(tmpdir(), 'dlflow-fuzz-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// ---- mutations ---------------------------------------------------------------------------------

type Mutation = (b: Uint8Array) => Uint8Array;

/** Sizes a header may claim that a damaged file would: past the end, the largest 32-bit values. */
const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00ffffff, 65536];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f): Mutation => (b) => b.subarray(0, Math.floor(b.length * f))),
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => (b) => {
    const out = Uint8Array.from(b);
    for (const [at, x] of flips) if (out.length > 0) out[at % out.length] ^= x;
    return out;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 32 })).map(([at, bytes]): Mutation => (b) => {
    const p = b.length === 0 ? 0 : at % (b.length + 1);
    return Uint8Array.from([...b.subarray(0, p), ...bytes, ...b.subarray(p)]);
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 64 })).map(([at, n]): Mutation => (b) => {
    const p = b.length === 0 ? 0 : at % b.length;
    return Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + n)]);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...HUGE), fc.boolean(), fc.boolean()).map(([at, v, little, wide]): Mutation => (b) => {
    const width = wide ? 8 : 4;
    if (b.length < width) return b;
    const out = Uint8Array.from(b);
    const view = new DataView(out.buffer);
    const p = at % (out.length - width + 1);
    if (wide) view.setBigUint64(p, BigInt(v) * (little ? 1n : 0x100000000n), true);
    else view.setUint32(p, v, little);
    return out;
  }),
);

/** Seed files, each mutated 1 to 3 times. */
const mutated = (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([i, ms]) => ms.reduce((b, m) => m(b), seeds[i]));

type ErrorClass = abstract new (...args: never[]) => Error;

/** Runs `read` on every mutated input: each either succeeds or throws one of `allowed`. */
async function fuzz(seeds: readonly Uint8Array[], allowed: readonly ErrorClass[], read: (b: Uint8Array) => unknown, runs = RUNS): Promise<void> {
  for (const s of seeds) await read(s); // the seeds themselves are valid
  const tally = { ok: 0, rejected: 0 };
  await fc.assert(fc.asyncProperty(mutated(seeds), async (bytes) => {
    try {
      await read(bytes);
      tally.ok++;
    } catch (e) {
      if (!allowed.some((c) => e instanceof c)) {
        throw new Error(`unexpected ${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack}`);
      }
      tally.rejected++;
    }
  }), { seed: SEED, numRuns: runs, endOnFailure: true });
  assert.equal(tally.ok + tally.rejected, runs);
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

// ---- seed files --------------------------------------------------------------------------------

function safetensorsSeeds(): Uint8Array[] {
  return [
    serializeSafetensors({ w: dl.tensor([[1, 2], [3, 4]]), b: dl.tensor([1, 2, 3], { dtype: 'int32' }), m: dl.tensor([true, false]) }, { format: 'pt' }),
    serializeSafetensors({ big: dl.tensor([1, 2], { dtype: 'int64' }), e: dl.zeros([0, 3]) }),
  ];
}

function checkpointSeed(): Uint8Array {
  const meta: CheckpointMeta = {
    format: 'dlflow-checkpoint', version: 1, epoch: 2, globalStep: 8, history: [{ epoch: 1, loss: 0.5 }],
    optimizer: { paramGroups: [{ lr: 0.001, params: [0, 1] }], scalars: { 0: { step: 8 } } },
    scheduler: null, generators: { default: { seed: '0', offset: 12 }, loader: { epoch: 2 } }, callbacks: { early: { best: 0.4 } }, extra: { run: 'a' },
  };
  return serializeSafetensors({ 'model.0.weight': dl.ones([2, 3]), 'optim.0.exp_avg': dl.zeros([2, 3]) }, { 'dlflow.checkpoint': JSON.stringify(meta) });
}

/** A model.json as `dlflow train` writes it (typed, so a new field of ModelInfo must appear here). */
function modelInfoSeed(): ModelInfo {
  return {
    dlflow: '0.1.0', status: 'complete', message: 'trained 2 epoch(s)', created: '2026-01-01T00:00:00.000Z', task: 'multiclass', loss: 'cross_entropy',
    architecture: { kind: 'sequential', layers: [{ type: 'linear', in: 4, out: 8 }, { type: 'activation', name: 'relu' }, { type: 'dropout', p: 0.2 }, { type: 'linear', in: 8, out: 3 }] },
    inputShape: [4], totalParams: 67,
    layers: [{ name: '0', type: 'Linear', params: 40, outputShape: [-1, 8] }, { name: '3', type: 'Linear', params: 27, outputShape: [-1, 3] }],
    labels: ['a', 'b', 'c'], target: 'y',
    preprocessing: {
      type: 'table',
      preprocessor: {
        format: 'dlflow.preprocessor', version: 1,
        features: [
          { kind: 'numeric', column: 'x', boolean: false, impute: 'mean', fill: 1.5, indicator: false, scaler: { type: 'standard', center: 1.5, scale: 2 } },
          { kind: 'categorical', column: 'k', encoding: 'onehot', categories: ['p', 'q'], impute: 'unknown', fill: null, indicator: true },
        ],
        target: { kind: 'classes', column: 'y', classes: ['a', 'b', 'c'] },
        droppedColumns: [{ column: 'id', reason: 'identifier-like' }],
      },
      target: { column: 'y', task: 'multiclass', classes: ['a', 'b', 'c'], center: 0, scale: 1 },
    },
    data: {
      source: 'data.csv', kind: 'table', rows: 30, columns: 3, task: 'multiclass', target: 'y', classCounts: [{ label: 'a', count: 10 }],
      splits: { train: 20, val: 5, test: 5 }, inputUnits: 4, notes: [],
    },
    epochsCompleted: 2, bestEpoch: 2,
  };
}

function pngSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [w, h, colorType] of [[5, 4, 6], [3, 3, 0], [8, 2, 2]] as const) {
    const png = new PNG({ width: w, height: h, colorType, inputColorType: 6 });
    for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 255;
    out.push(PNG.sync.write(png, { colorType }));
  }
  return out;
}

function jpegSeed(): Uint8Array {
  const width = 8, height = 8;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13) & 255;
  return jpeg.encode({ data, width, height }, 80).data;
}

function wavSeed(bits: 16 | 24 | 8, channels: number, frames: number): Uint8Array {
  const bytes = bits / 8, dataBytes = frames * channels * bytes;
  const b = new Uint8Array(44 + dataBytes + (dataBytes & 1));
  const v = new DataView(b.buffer);
  const tag = (o: number, s: string): void => { for (let i = 0; i < 4; i++) b[o + i] = s.charCodeAt(i); };
  tag(0, 'RIFF'); v.setUint32(4, b.length - 8, true); tag(8, 'WAVE');
  tag(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, channels, true);
  v.setUint32(24, 8000, true); v.setUint32(28, 8000 * channels * bytes, true); v.setUint16(32, channels * bytes, true); v.setUint16(34, bits, true);
  tag(36, 'data'); v.setUint32(40, dataBytes, true);
  for (let i = 0; i < dataBytes; i++) b[44 + i] = (i * 29) & 255;
  return b;
}

function npySeed(descr: string, shape: number[], itemBytes: number, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const count = shape.reduce((a, c) => a * c, 1);
  const b = new Uint8Array(10 + header.length + count * itemBytes);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(b.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) b[10 + i] = header.charCodeAt(i);
  for (let i = 10 + header.length; i < b.length; i++) b[i] = (i * 7) & 63;
  return b;
}

// ---- the properties ----------------------------------------------------------------------------

describe('fuzzed files get a result or the reader\'s own error', { timeout: TIMEOUT }, () => {
  test('safetensors: FileFormatError', async () => {
    await fuzz(safetensorsSeeds(), [FileFormatError], (b) => {
      for (const t of Object.values(parseSafetensors(b, 'fuzz.safetensors').tensors)) t.dispose();
    });
  });

  test('checkpoint: FileFormatError', async () => {
    await fuzz([checkpointSeed()], [FileFormatError], (b) => {
      for (const t of Object.values(parseCheckpoint(b, 'last.safetensors').tensors)) t.dispose();
    });
  });

  test('model.json bytes: a CliError (exit code 1) naming the file', async () => {
    const seed = new TextEncoder().encode(JSON.stringify(modelInfoSeed(), null, 2));
    await fuzz([seed], [CliError], (b) => parseModelInfo(text(b), 'runs/a/model.json'));
  });

  test('model.json values: any sub-value replaced, a CliError (exit code 1) naming the key', async () => {
    const seed = modelInfoSeed();
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]): void => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    };
    walk(seed, []);
    parseModelInfo(JSON.stringify(seed), 'model.json');
    await fc.assert(fc.property(fc.constantFrom(...paths.slice(1)), fc.option(fc.jsonValue({ maxDepth: 2 })), (p, value) => {
      const copy = structuredClone(seed) as unknown as Record<string | number, unknown>;
      let at = copy;
      for (const k of p.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
      if (value === null) delete at[p[p.length - 1]]; else at[p[p.length - 1]] = value;
      try {
        parseModelInfo(JSON.stringify(copy), 'model.json');
      } catch (e) {
        assert.ok(e instanceof CliError && e.exitCode === 1, `unexpected ${(e as Error).name}: ${(e as Error).message}`);
        // the message names a key on the path that was changed
        const top = String(p[0]);
        assert.ok((e as Error).message.includes(top), `${(e as Error).message} does not name ${top}`);
      }
    }), { seed: SEED, numRuns: RUNS });
  });

  test('config YAML: UsageError', async () => {
    const file = join(scratch, 'config.yaml');
    const seed = new TextEncoder().encode(stringify({ ...defaultConfig(), data: { ...defaultConfig().data, path: 'data.csv', target: 'y' } }));
    await fuzz([seed], [UsageError], (b) => {
      writeFileSync(file, b);
      resolveConfig({ raw: readConfigFile(file) });
    }, Math.ceil(RUNS / 2));
  });

  test('PNG and JPEG: DataError', async () => {
    await fuzz([...pngSeeds(), jpegSeed()], [DataError], (b) => decodeImage(b, 'fuzz.png'));
  });

  test('WAV: DataError', async () => {
    await fuzz([wavSeed(16, 1, 20), wavSeed(24, 2, 7), wavSeed(8, 3, 5)], [DataError], (b) => parseWav(b, 'fuzz.wav'));
  });

  test('NPY: DataError', async () => {
    await fuzz([npySeed('<f4', [3, 2], 4), npySeed('>i8', [2, 2], 8, true), npySeed('|u1', [5], 1), npySeed('<f8', [], 8)], [DataError], (b) => parseNpy(b, 'fuzz.npy'));
  });

  test('NIfTI, plain and gzipped, NIfTI-1 and -2, both byte orders: DataError', async () => {
    const dir = fileURLToPath(new URL('fixtures/nifti/', import.meta.url));
    const seeds = ['int16_scaled.nii', 'uint8_big_endian.nii', 'float64_nifti2.nii', 'int32.nii.gz', 'float32_4d_scaled.nii.gz']
      .map((f) => new Uint8Array(readFileSync(join(dir, f))));
    await fuzz(seeds, [DataError], (b) => parseNifti(b, 'fuzz.nii'));
  });

  test('IDX, plain and gzipped: DataError', async () => {
    const images = encodeIdx([2, 3, 3], Uint8Array.from({ length: 18 }, (_, i) => i * 11));
    const floats = encodeIdx([4], Float32Array.from([1.5, -2, 3, 0]));
    await fuzz([images, floats, gzipSync(images)], [DataError], (b) => parseIdx(b, 'fuzz-idx3-ubyte'));
  });

  test('CSV: DataError', async () => {
    const csv = new TextEncoder().encode('x,k,"q"\n1.5,a,"he said ""hi"""\n2,b,\n,"c, d",3\n-4e2,a,2024-01-02\n');
    const tsv = new TextEncoder().encode('a\tb\n1\t2\n3\t4\n');
    await fuzz([csv, tsv], [DataError], (b) => parseCsv(b, { file: 'fuzz.csv' }));
  });

  test('JSON Lines: DataError', async () => {
    const seed = new TextEncoder().encode('{"x": 1, "k": "a", "t": true}\n{"x": 2.5, "k": null}\n\n{"x": -3, "k": "b", "n": {"d": 1}}\n');
    await fuzz([seed], [DataError], (b) => parseJsonl(text(b), { file: 'fuzz.jsonl' }));
  });

  test('Parquet: DataError', async () => {
    const file = join(scratch, 'fuzz.parquet');
    const seed = parquetWriteBuffer({
      columnData: [
        { name: 'x', data: [1.5, null, 3, 4], type: 'DOUBLE' },
        { name: 'k', data: ['a', 'b', 'a', null], type: 'STRING' },
        { name: 'n', data: [1, 2, 3, 4], type: 'INT32' },
      ],
    });
    await fuzz([new Uint8Array(seed)], [DataError, DataRequestError], async (b) => {
      writeFileSync(file, b);
      await readParquet(file);
    }, Math.ceil(RUNS / 2));
  });
});
