/**
 * Parquet headers are checked before hyparquet decodes them (src/data/sources/parquet_check.ts):
 * the file the fuzz harness found hanging the reader, page headers and runs claiming more than
 * they hold, and real files (Snappy, dictionary pages, many pages, nulls) still read.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DataError } from '../src/data/errors.js';
import { readParquet } from '../src/data/sources/parquet.js';
import { tempDir } from './data_files.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'harden', name);

test('Parquet: the fuzzed file that hung the reader (a v2 page without its level length) is a DataError', async () => {
  // found by test/fuzz_readers.test.ts: hyparquet set its level reader to byte NaN and re-read byte 0 for ever
  const f = join(tempDir(), 'v2.parquet');
  copyFileSync(fixture('v2_page_without_level_length.parquet'), f);
  await assert.rejects(readParquet(f), (e: Error) => e instanceof DataError && e.message.startsWith(`${f}: row group 0, column 'x', page at byte 4:`)
    && /lacks .* level length/.test(e.message));
});

/** A file of one nullable DOUBLE column of `n` nulls: its definition levels are one run of n zeros. */
function nullColumn(n: number): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: Array.from({ length: n }, () => null), type: 'DOUBLE' }], codec: 'UNCOMPRESSED' }));
}

test('Parquet: a level run claiming more values than the page holds is refused before decoding', async () => {
  const bytes = nullColumn(200);
  const meta = parquetMetadata(bytes);
  const start = Number(meta.row_groups[0].columns[0].meta_data!.data_page_offset);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: start };
  parquetHeader(reader);
  // the definition levels: RLE header varint 400 (200 << 1) = 0x90 0x03, then the value byte
  assert.deepEqual([...bytes.subarray(reader.offset, reader.offset + 2)], [0x90, 0x03]);
  bytes[reader.offset] = 0xfe; bytes[reader.offset + 1] = 0x7f; // a run of 8191
  const f = join(tempDir(), 'run.parquet');
  writeFileSync(f, bytes);
  await assert.rejects(readParquet(f), (e: Error) => e instanceof DataError && /a run of 8191 values where 200 are left/.test(e.message));
});

test('Parquet: a column chunk said to lie past the end of the file is refused', async () => {
  const bytes = nullColumn(3);
  const f = join(tempDir(), 'far.parquet');
  // cut the column's bytes out, keep the footer: the chunk the footer describes now runs into it
  const cut = Uint8Array.from([...bytes.subarray(0, 6), ...bytes.subarray(bytes.length - 8 - parquetMetadata(bytes).metadata_length - 8)]);
  writeFileSync(f, cut);
  await assert.rejects(readParquet(f), (e: Error) => e instanceof DataError
    && e.message.startsWith(`${f}: row group 0, column 'x': its bytes 4..`) && /lie outside the file's data/.test(e.message));
});

test('Parquet: Snappy pages, dictionary pages, many pages and nulls all pass the checks', async () => {
  const n = 5000;
  const x = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i * 0.25));
  const k = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : ['red', 'green', 'blue'][i % 3]));
  const b = Array.from({ length: n }, (_, i) => i % 3 === 0);
  const dir = tempDir();
  for (const codec of ['SNAPPY', 'UNCOMPRESSED'] as const) {
    const f = join(dir, `${codec}.parquet`);
    writeFileSync(f, new Uint8Array(parquetWriteBuffer({
      codec, pageSize: 1024, rowGroupSize: 2000,
      columnData: [{ name: 'x', data: x, type: 'DOUBLE' }, { name: 'k', data: k, type: 'STRING' }, { name: 'b', data: b, type: 'BOOLEAN' }],
    })));
    const meta = parquetMetadata(readFileSync(f));
    assert.ok(meta.row_groups.length > 1, 'several row groups');
    assert.ok(meta.row_groups[0].columns[1].meta_data!.dictionary_page_offset !== undefined, 'k is dictionary-encoded');
    const { table } = await readParquet(f);
    assert.equal(table.rowCount, n);
    for (const i of [0, 1, 11, 4999]) {
      assert.equal(table.get(i, 'x'), x[i] ?? null, `x[${i}] (${codec})`);
      assert.equal(table.get(i, 'k'), k[i] ?? null, `k[${i}] (${codec})`);
    }
  }
});
