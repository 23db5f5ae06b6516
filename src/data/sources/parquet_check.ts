/**
 * Checks a Parquet file's claims before hyparquet decodes it. hyparquet trusts its page headers:
 * a data page v2 header without `repetition_levels_byte_length` sends its level decoder to byte
 * NaN, where it re-reads byte 0 for ever (a 377-byte fuzzed file hung the reader), and a
 * run-length run claiming 2^31 values makes it fill 2^31 array slots. So every column chunk is
 * walked here first: chunk ranges inside the file, each page header complete and inside its
 * chunk, page sizes within what the codec can expand to, value counts within the chunk's and a
 * fixed limit, and every run of the level and dictionary-index streams within the values left.
 * The walk reads each byte a bounded number of times and always advances.
 */
import { decompressPage } from 'hyparquet/src/datapage.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetSchema } from 'hyparquet/src/metadata.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import { readVarInt } from 'hyparquet/src/thrift.js';
import type { ColumnMetaData, FileMetaData, PageHeader } from 'hyparquet';
import { DataError } from '../errors.js';

/** The most values one page may hold: writers cut pages at about 1 MiB or 20 000 rows. */
export const MAX_PARQUET_PAGE_VALUES = 1 << 24;
/** The most values (cells, all columns) a file may hold: its table would take 2 GiB as float64. */
export const MAX_PARQUET_VALUES = 1 << 28;
/** Snappy's largest expansion: a 3-byte copy element writes 64 bytes. */
const SNAPPY_MAX_RATIO = 22;

/** Reads one byte range of the file (hyparquet's AsyncBuffer.slice). */
export type SliceReader = (start: number, end: number) => Promise<ArrayBuffer> | ArrayBuffer;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const bitWidth = (max: number): number => 32 - Math.clz32(max);

/**
 * Throws a {@link DataError} naming the file, column and byte offset when `meta` claims what
 * the file cannot hold or what hyparquet's decoders would not survive.
 *
 * @example
 * const file = await asyncBufferFromFile('data.parquet');
 * const meta = await parquetMetadataAsync(file);
 * await checkParquet('data.parquet', file.byteLength, meta, (s, e) => file.slice(s, e));
 */
export async function checkParquet(file: string, byteLength: number, meta: FileMetaData, slice: SliceReader): Promise<void> {
  const fail = (detail: string): never => { throw new DataError(file, undefined, undefined, detail); };
  const rows = Number(meta.num_rows);
  if (!isCount(rows)) fail(`the footer's row count ${String(meta.num_rows)} is not a count`);
  const dataEnd = byteLength - 8 - (meta.metadata_length ?? 0);
  const tree = parquetSchema(meta);
  let groupRows = 0;
  let values = 0;
  for (const [g, group] of meta.row_groups.entries()) {
    const n = Number(group.num_rows);
    if (!isCount(n)) fail(`row group ${g} claims ${String(group.num_rows)} rows`);
    groupRows += n;
    for (const chunk of group.columns) {
      const md = chunk.meta_data;
      if (md === undefined) { fail(`row group ${g} has a column without metadata`); continue; }
      const name = md.path_in_schema.join('.');
      const where = `row group ${g}, column '${name}'`;
      const start = Number(md.dictionary_page_offset || md.data_page_offset);
      const size = Number(md.total_compressed_size);
      if (!isCount(start) || !isCount(size) || start < 4 || start + size > dataEnd) {
        fail(`${where}: its bytes ${start}..${start + size} lie outside the file's data (4..${dataEnd})`);
      }
      const chunkValues = Number(md.num_values);
      if (!isCount(chunkValues)) fail(`${where}: value count ${String(md.num_values)} is not a count`);
      values += chunkValues;
      if (values > MAX_PARQUET_VALUES) fail(`the file claims more than ${MAX_PARQUET_VALUES} values, more than dlflow reads into memory`);
      const path = getTreePath(tree, md.path_in_schema);
      const levels = { def: getMaxDefinitionLevel(path), rep: getMaxRepetitionLevel(path) };
      const bytes = new Uint8Array(await slice(start, start + size));
      if (bytes.length !== size) fail(`${where}: the file ends inside the column's bytes`);
      checkChunk(bytes, md, levels, (at, detail) => fail(`${where}, page at byte ${start + at}: ${detail}`));
    }
  }
  if (groupRows !== rows) fail(`the row groups hold ${groupRows} rows but the footer says ${rows}`);
}

type Fail = (at: number, detail: string) => never;

/** Walks the pages of one column chunk, as hyparquet's readColumn would, checking each. */
function checkChunk(bytes: Uint8Array, md: ColumnMetaData, levels: { def: number; rep: number }, fail: Fail): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  let values = 0;
  while (reader.offset < bytes.length - 1) {
    const at = reader.offset;
    let header: PageHeader;
    try { header = parquetHeader(reader); } catch { return fail(at, 'the page header is cut off or not valid Thrift'); }
    const body = reader.offset;
    const { compressed_page_size: csize, uncompressed_page_size: usize } = header;
    if (!isCount(csize) || body + csize > bytes.length) fail(at, `compressed size ${String(csize)} runs past the column's ${bytes.length} bytes`);
    if (!isCount(usize)) fail(at, `uncompressed size ${String(usize)} is not a count`);
    reader.offset = body + csize; // strictly past the header: the walk always advances
    const page = bytes.subarray(body, body + csize);
    if (header.type === 'DATA_PAGE_V2') {
      values += checkPageV2(page, header, md, levels, (d) => fail(at, d));
    } else if (header.type === 'DATA_PAGE') {
      const d = header.data_page_header;
      if (d === undefined || !isCount(d.num_values)) return fail(at, 'data page header without a value count');
      checkCount(d.num_values, (x) => fail(at, x));
      const data = decompress(page, usize, md, (x) => fail(at, x));
      const r = { view: new DataView(data.buffer, data.byteOffset, data.byteLength), offset: 0 };
      // v1 levels: a 4-byte length, then the runs, each stream exactly num_values long
      for (const max of [levels.rep, levels.def]) {
        if (max === 0) continue;
        if (r.offset + 4 > data.length) fail(at, 'the page ends before its levels');
        const len = r.view.getUint32(r.offset, true);
        r.offset += 4;
        if (r.offset + len > data.length) fail(at, `levels of ${len} bytes run past the page's ${data.length}`);
        checkRuns(data, r.offset, r.offset + len, bitWidth(max), d.num_values, true, (x) => fail(at, x));
        r.offset += len;
      }
      checkValues(data, r.offset, d.encoding, md, d.num_values, (x) => fail(at, x));
      values += d.num_values;
    } else if (header.type === 'DICTIONARY_PAGE') {
      const d = header.dictionary_page_header;
      if (d === undefined || !isCount(d.num_values)) return fail(at, 'dictionary page header without a value count');
      checkCount(d.num_values, (x) => fail(at, x));
      // a dictionary is plain-encoded: at least one bit a value
      if (d.num_values > 8 * usize) fail(at, `a dictionary of ${d.num_values} values cannot fit in ${usize} bytes`);
      decompress(page, usize, md, (x) => fail(at, x));
    } else if (header.type !== 'INDEX_PAGE') {
      fail(at, 'unknown page type');
    }
    if (values > Number(md.num_values)) fail(at, `the pages hold more values than the column's ${String(md.num_values)}`);
  }
}

function checkCount(n: number, fail: (d: string) => never): void {
  if (n > MAX_PARQUET_PAGE_VALUES) fail(`the page claims ${n} values, more than the ${MAX_PARQUET_PAGE_VALUES} a page may hold`);
}

/** A data page v2: levels uncompressed in front, then the (maybe compressed) values. */
function checkPageV2(page: Uint8Array, header: PageHeader, md: ColumnMetaData, levels: { def: number; rep: number }, fail: (d: string) => never): number {
  const d = header.data_page_header_v2;
  if (d === undefined) return fail('data page v2 header missing');
  const { num_values: n, num_nulls: nulls, num_rows: rows } = d;
  const repLen = d.repetition_levels_byte_length, defLen = d.definition_levels_byte_length;
  if (![n, nulls, rows, repLen, defLen].every(isCount)) fail('data page v2 header lacks a value, null or row count or a level length');
  checkCount(n, fail);
  if (nulls > n || rows > n) fail(`${nulls} nulls or ${rows} rows in a page of ${n} values`);
  if (repLen + defLen > page.length || repLen + defLen > header.uncompressed_page_size) fail(`levels of ${repLen + defLen} bytes run past the page's ${page.length}`);
  if (levels.rep > 0) checkRuns(page, 0, repLen, bitWidth(levels.rep), n, true, fail);
  if (levels.def > 0) checkRuns(page, repLen, repLen + defLen, bitWidth(levels.def), n, true, fail);
  const usize = header.uncompressed_page_size - repLen - defLen;
  let data = page.subarray(repLen + defLen);
  if (d.is_compressed !== false && usize) data = decompress(data, usize, md, fail);
  checkValues(data, 0, d.encoding, md, n - nulls, fail);
  return n;
}

/** Decompresses as hyparquet will, after bounding the size the header claims by the codec. */
function decompress(page: Uint8Array, usize: number, md: ColumnMetaData, fail: (d: string) => never): Uint8Array {
  if (md.codec === 'SNAPPY' && usize > SNAPPY_MAX_RATIO * page.length + 16) {
    fail(`claims ${usize} bytes uncompressed from ${page.length} compressed, more than Snappy can expand to`);
  }
  if (md.codec !== 'SNAPPY' && md.codec !== 'UNCOMPRESSED') fail(`compression codec ${md.codec} is not supported (SNAPPY and UNCOMPRESSED are)`);
  try {
    return decompressPage(page, usize, md.codec, undefined);
  } catch (e) {
    return fail((e as Error).message);
  }
}

/** The value streams whose counts come from the data: dictionary indices, RLE booleans, delta headers. */
function checkValues(data: Uint8Array, at: number, encoding: string, md: ColumnMetaData, most: number, fail: (d: string) => never): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY' || (encoding === 'RLE' && md.type !== 'BOOLEAN')) {
    if (at >= data.length) return;
    checkRuns(data, at + 1, data.length, view.getUint8(at), most, false, fail);
  } else if (encoding === 'RLE') {
    checkRuns(data, at + 4, data.length, 1, most, false, fail);
  } else if (encoding === 'DELTA_BINARY_PACKED' || encoding === 'DELTA_LENGTH_BYTE_ARRAY' || encoding === 'DELTA_BYTE_ARRAY') {
    try {
      const r = { view, offset: at };
      const block = readVarInt(r), miniblocks = readVarInt(r);
      // the format's rules: blocks of a multiple of 128 values, miniblocks of a multiple of 32
      if (block <= 0 || block % 128 !== 0 || miniblocks <= 0 || block % miniblocks !== 0 || (block / miniblocks) % 32 !== 0 || miniblocks > data.length) {
        fail(`delta encoding with blocks of ${block} values in ${miniblocks} miniblocks`);
      }
    } catch (e) {
      if (e instanceof DataError) throw e;
      fail('the delta-encoded values are cut off');
    }
  }
}

/**
 * Walks an RLE/bit-packed hybrid stream in [start, end): every run within the `count` values
 * left (a bit-packed run may pad its last group of 8). `exact`: the stream must reach `count`
 * inside its bytes (level streams, whose decoder would otherwise read on into the values);
 * otherwise it may stop at the end of the page, where the decoder's own reads stop.
 */
function checkRuns(data: Uint8Array, start: number, end: number, width: number, count: number, exact: boolean, fail: (d: string) => never): void {
  if (width > 32) fail(`a bit width of ${width}`);
  const r = { view: new DataView(data.buffer, data.byteOffset + start, Math.max(0, end - start)), offset: 0 };
  const len = end - start;
  let seen = 0;
  while (seen < count && r.offset < len) {
    let header: number;
    try { header = readVarInt(r); } catch { return fail('a run header is cut off'); }
    if (header & 1) {
      const n = (header >> 1) << 3; // hyparquet's own (32-bit) reading of the header
      if (n <= 0 || n > count - seen + 7) fail(`a bit-packed run of ${n} values where ${count - seen} are left`);
      r.offset += (n / 8) * width;
      seen += n;
    } else {
      const n = header >>> 1;
      if (n > count - seen) fail(`a run of ${n} values where ${count - seen} are left`);
      r.offset += (width + 7) >> 3;
      seen += n;
    }
  }
  if (exact && seen < count) fail(`levels end after ${seen} of ${count} values`);
  if (r.offset > len) fail('a run ends past its stream');
}
