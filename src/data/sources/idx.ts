/**
 * IDX files (the MNIST family): a 4-byte magic (two zero bytes, an element
 * type code, the number of dimensions), big-endian uint32 dimensions, then the
 * elements, big-endian. Gzipped files (`.gz`, or gzip magic bytes) are
 * decompressed with node:zlib.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { gunzipBounded, isGzip } from './gzip.js';

/** Element types of the IDX format, by type code. */
const IDX_TYPES = {
  0x08: { name: 'uint8', size: 1 },
  0x09: { name: 'int8', size: 1 },
  0x0b: { name: 'int16', size: 2 },
  0x0c: { name: 'int32', size: 4 },
  0x0d: { name: 'float32', size: 4 },
  0x0e: { name: 'float64', size: 8 },
} as const;

/** Element type name of an IDX array. */
export type IdxDType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** Typed array of each IDX element type (host byte order). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX array, row-major. */
export interface IdxArray {
  file: string;
  dtype: IdxDType;
  dims: number[];
  data: IdxData;
}

export { isGzip } from './gzip.js';

/** The largest (inflated) IDX file read: 20 times MNIST's training images. A gzip bomb stops here. */
export const MAX_IDX_BYTES = 1 << 30;

/**
 * Decode IDX bytes. `file` names the source in errors.
 * @throws DataError for a bad magic number, an unknown type code, or a truncated or oversized body.
 */
export function parseIdx(raw: Uint8Array, file = '<input>'): IdxArray {
  let bytes = raw;
  if (isGzip(bytes)) {
    bytes = gunzipBounded(bytes, MAX_IDX_BYTES, (why) => {
      throw new DataError(file, undefined, undefined, why.tooLarge ? `gzip data inflates past ${MAX_IDX_BYTES} bytes, more than an IDX file dlflow reads` : `gzip data is corrupt (${why.message})`);
    });
  }
  if (bytes.length < 4) throw new DataError(file, undefined, undefined, `truncated IDX header: ${bytes.length} bytes, expected at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DataError(file, undefined, undefined, `not an IDX file: magic number starts 0x${hex(bytes[0])}${hex(bytes[1])}, expected 0x0000`);
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (type === undefined) throw new DataError(file, undefined, undefined, `unknown IDX element type code 0x${hex(bytes[2])} (known: 08 uint8, 09 int8, 0b int16, 0c int32, 0d float32, 0e float64)`);
  const ndim = bytes[3];
  if (ndim === 0) throw new DataError(file, undefined, undefined, 'IDX header declares 0 dimensions');
  const start = 4 + 4 * ndim;
  if (bytes.length < start) throw new DataError(file, undefined, undefined, `truncated IDX header: ${bytes.length} bytes, expected ${start} for ${ndim} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = start + count * type.size;
  if (bytes.length < expected) {
    throw new DataError(file, undefined, undefined, `truncated IDX file: expected ${expected} bytes (${start} header + ${count} × ${type.size}-byte ${type.name} for dims [${dims.join(', ')}]), found ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new DataError(file, undefined, undefined, `IDX file has ${bytes.length - expected} bytes after the data: expected ${expected} bytes, found ${bytes.length}`);
  }
  return { file, dtype: type.name, dims, data: decode(view, start, count, type.name) };
}

function decode(view: DataView, start: number, n: number, dtype: IdxDType): IdxData {
  switch (dtype) {
    case 'uint8': return new Uint8Array(view.buffer, view.byteOffset + start, n).slice();
    case 'int8': return new Int8Array(view.buffer, view.byteOffset + start, n).slice();
    case 'int16': { const a = new Int16Array(n); for (let i = 0; i < n; i++) a[i] = view.getInt16(start + 2 * i); return a; }
    case 'int32': { const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = view.getInt32(start + 4 * i); return a; }
    case 'float32': { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat32(start + 4 * i); return a; }
    case 'float64': { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat64(start + 8 * i); return a; }
  }
}

/** Read an IDX file (gzipped or not). @throws DataError naming the file. */
export function loadIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return parseIdx(bytes, path);
}

/** Encode an array as IDX bytes (big-endian); used to write test files and caches. */
export function encodeIdx(dims: readonly number[], data: IdxData): Uint8Array {
  const code = data instanceof Uint8Array ? 0x08 : data instanceof Int8Array ? 0x09 : data instanceof Int16Array ? 0x0b
    : data instanceof Int32Array ? 0x0c : data instanceof Float32Array ? 0x0d : 0x0e;
  const size = IDX_TYPES[code].size;
  const start = 4 + 4 * dims.length;
  const out = new Uint8Array(start + data.length * size);
  const view = new DataView(out.buffer);
  out[2] = code; out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < data.length; i++) {
    const o = start + i * size, v = data[i];
    if (code === 0x08) view.setUint8(o, v); else if (code === 0x09) view.setInt8(o, v);
    else if (code === 0x0b) view.setInt16(o, v); else if (code === 0x0c) view.setInt32(o, v);
    else if (code === 0x0d) view.setFloat32(o, v); else view.setFloat64(o, v);
  }
  return out;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
