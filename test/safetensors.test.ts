/** safetensors save/load: round trips, interop with files written/read by PyTorch's side, validation errors. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';

const FIXTURE = new URL('./fixtures/optim/init.safetensors', import.meta.url).pathname;
const SCRIPT = new URL('../scripts/make_optim_fixtures.py', import.meta.url).pathname;

/** A file from a header object and a data section. */
function fileOf(header: unknown, data: Uint8Array, rawHeader?: string): Uint8Array {
  const json = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const torchAvailable = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

describe('safetensors', () => {
  test('reads a file written by the PyTorch fixture script (F32, I64, I32, BOOL, metadata)', () => {
    const t = dl.load(FIXTURE);
    assert.deepEqual(Object.keys(t).sort(), ['bias', 'counts', 'mask', 'steps', 'weight']);
    assert.deepEqual(t.weight.shape, [4, 3]);
    assert.equal(t.steps.dtype, 'int64');
    assert.deepEqual(t.steps.toArray(), [[0, 1e12, 2e12], [3e12, 4e12, 5e12]]);
    assert.deepEqual(t.mask.toArray(), [true, false, true]);
    assert.deepEqual(t.counts.toArray(), [[1, -2]]);
    assert.equal(dl.loadMetadata(FIXTURE).format, 'pt');
  });

  test('round trip of every dtype, layout and metadata; header aligned; atomic write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-st-'));
    try {
      const file = join(dir, 'm.safetensors');
      const src = {
        w: dl.arange(0, 6).float().reshape(2, 3).t(),
        i: dl.tensor([[1, -2], [3, 4]], { dtype: 'int32' }),
        l: dl.tensor([2 ** 40, -5]),
        m: dl.tensor([true, false]),
        e: dl.zeros([0, 3]),
        s: dl.full([], 2.5),
      };
      dl.save(src, file, { epoch: '3' });
      assert.deepEqual(readdirSync(dir), ['m.safetensors'], 'no temporary file left behind');
      const bytes = readFileSync(file);
      assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'header padded to 8 bytes');
      const back = dl.parseSafetensors(bytes, file);
      assert.deepEqual(back.metadata, { epoch: '3' });
      for (const [k, t] of Object.entries(src)) {
        assert.equal(back.tensors[k].dtype, t.dtype, k);
        assert.deepEqual(back.tensors[k].shape, t.shape, k);
        assert.deepEqual(back.tensors[k].toArray(), t.toArray(), k);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file written by dlflow reads back in the PyTorch-side reader', { skip: torchAvailable ? false : 'python3-torch/numpy not installed for /usr/bin/python3' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-st-'));
    try {
      const file = join(dir, 'x.safetensors');
      dl.save({ a: dl.tensor([[1.5, -2], [3, 4]]), b: dl.tensor([7, 2 ** 40]), c: dl.tensor([false, true]), d: dl.tensor([5], { dtype: 'int32' }) }, file, { note: 'hi' });
      const out = JSON.parse(execFileSync('/usr/bin/python3', [SCRIPT, '--read', file], { encoding: 'utf8' })) as
        { metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: unknown[] }> };
      assert.deepEqual(out.metadata, { note: 'hi' });
      assert.deepEqual(out.tensors.a, { dtype: 'F32', shape: [2, 2], values: [1.5, -2, 3, 4] });
      assert.deepEqual(out.tensors.b, { dtype: 'I64', shape: [2], values: [7, 2 ** 40] });
      assert.deepEqual(out.tensors.c, { dtype: 'BOOL', shape: [2], values: [false, true] });
      assert.deepEqual(out.tensors.d, { dtype: 'I32', shape: [1], values: [5] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('corrupt, truncated and inconsistent files are rejected with clear errors', () => {
    const eight = new Uint8Array(8);
    const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', new Uint8Array(5), /f\.st: file is 5 bytes, too short/],
      ['huge header', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true); return b; })(), /exceeds the 100000000-byte limit/],
      ['header past end', fileOf(ok, eight).subarray(0, 20), /runs past the end/],
      ['truncated data', fileOf(ok, eight).subarray(0, fileOf(ok, eight).length - 3), /tensor "a": data ends at byte 8 but the data section has 5 bytes \(truncated/],
      ['bad utf-8', fileOf(null, eight, '{"\xff"}').map((v, i) => (i === 10 ? 0xff : v)), /not valid UTF-8|not valid JSON/],
      ['bad json', fileOf(null, eight, '{"a": '), /not valid JSON/],
      ['not an object', fileOf([1], new Uint8Array(0)), /must be a JSON object/],
      ['duplicate name', fileOf(null, new Uint8Array(16), '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}'), /duplicate tensor name "a"/],
      ['duplicate field', fileOf(null, eight, '{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}'), /duplicate key "dtype" in "a"/],
      ['unknown dtype', fileOf({ a: { dtype: 'F33', shape: [2], data_offsets: [0, 8] } }, eight), /tensor "a": unknown dtype "F33"/],
      ['negative dim', fileOf({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eight), /tensor "a": shape must be a list of non-negative integers/],
      ['byte count', fileOf({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eight), /tensor "a": data_offsets \[0, 8\] hold 8 bytes but shape \[3\] of F32 needs 12/],
      ['gap', fileOf({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /tensor "a": data_offsets start at 4, leaving a gap/],
      ['overlap', fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eight), /overlap/],
      ['trailing bytes', fileOf(ok, new Uint8Array(12)), /trailing bytes/],
      ['bad offsets', fileOf({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, eight), /tensor "a": data_offsets must be \[begin, end\]/],
      ['bad metadata', fileOf({ __metadata__: { k: 1 }, ...ok }, eight), /__metadata__ value of "k" must be a string/],
      ['unsupported dtype', fileOf({ a: { dtype: 'U64', shape: [1], data_offsets: [0, 8] } }, eight), /tensor "a" has dtype U64, which dlflow cannot load/],
    ];
    for (const [what, bytes, re] of cases) {
      assert.throws(() => dl.parseSafetensors(bytes, 'f.st'), re, what);
    }
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-st-'));
    try {
      const file = join(dir, 'cut.safetensors');
      writeFileSync(file, readFileSync(FIXTURE).subarray(0, 300));
      assert.throws(() => dl.load(file), new RegExp(`${file}.*truncated`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('F64/F16/BF16 widen to float32', () => {
    const data = new Uint8Array(8 + 2 + 2);
    new DataView(data.buffer).setFloat64(0, 1.25, true);
    new DataView(data.buffer).setUint16(8, 0x3c00, true); // F16 1.0
    new DataView(data.buffer).setUint16(10, 0xc040, true); // BF16 -3.0
    const { tensors } = dl.parseSafetensors(fileOf({
      d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      h: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
    }, data));
    assert.deepEqual([tensors.d.item(), tensors.h.item(), tensors.b.item()], [1.25, 1, -3]);
  });
});
