/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): the magic string
 * `\x93NUMPY`, a version, a header length (uint16 in v1, uint32 in v2/v3), a
 * Python-literal header dict (`descr`, `fortran_order`, `shape`; latin-1 in
 * v1/v2, UTF-8 in v3), then the raw elements. Supported dtypes: f4, f8, i4,
 * i8, u1, b1 in either byte order. Fortran-ordered arrays are returned in C
 * (row-major) order.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';

/** Element types read from `.npy` files. */
export type NpyDType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** Host typed array for each dtype. */
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** A decoded array in C order. */
export interface NpyArray {
  file: string;
  dtype: NpyDType;
  shape: number[];
  /** The header said `fortran_order: True` (the data has been reordered to C order). */
  fortranOrder: boolean;
  version: string;
  data: NpyData;
}

const DESCR: Record<string, { dtype: NpyDType; size: number }> = {
  f4: { dtype: 'float32', size: 4 }, f8: { dtype: 'float64', size: 8 }, i4: { dtype: 'int32', size: 4 },
  i8: { dtype: 'int64', size: 8 }, u1: { dtype: 'uint8', size: 1 }, b1: { dtype: 'bool', size: 1 },
};
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Parse `.npy` bytes; `file` names the source in errors. @throws DataError for bad or truncated input. */
export function parseNpy(bytes: Uint8Array, file = '<input>'): NpyArray {
  const fail = (msg: string): never => { throw new DataError(file, undefined, undefined, msg); };
  if (bytes.length < 10) fail(`truncated .npy file: ${bytes.length} bytes, the preamble alone needs 10`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('not a .npy file (missing the \\x93NUMPY magic string)');
  const major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}.${minor} (known: 1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(`truncated .npy preamble: ${bytes.length} bytes`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLen;
  if (bytes.length < start) fail(`truncated .npy header: expected ${start} bytes, found ${bytes.length}`);
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + 8 + lenBytes, headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`corrupt .npy header (need descr, fortran_order and shape): ${JSON.stringify(header.trim())}`);
  const order = descr![0];
  const type = DESCR[descr!.slice(1)];
  if (type === undefined || !'<>|='.includes(order)) fail(`unsupported dtype ${JSON.stringify(descr)} (supported: <f4 <f8 <i4 <i8 |u1 |b1, either byte order)`);
  const shape = shapeText!.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) fail(`corrupt .npy shape (${shapeText})`);
    return n;
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = start + count * type.size;
  if (bytes.length < expected) fail(`truncated .npy file: expected ${expected} bytes (${start} header + ${count} × ${type.size}-byte ${type.dtype} for shape [${shape.join(', ')}]), found ${bytes.length}`);
  const little = order !== '>';
  let data = decode(view, start, count, type.dtype, little);
  const fortranOrder = fortran === 'True';
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  return { file, dtype: type.dtype, shape, fortranOrder, version: `${major}.${minor}`, data };
}

function decode(view: DataView, start: number, n: number, dtype: NpyDType, little: boolean): NpyData {
  switch (dtype) {
    case 'uint8': case 'bool': return new Uint8Array(view.buffer, view.byteOffset + start, n).slice();
    case 'float32': { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat32(start + 4 * i, little); return a; }
    case 'float64': { const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = view.getFloat64(start + 8 * i, little); return a; }
    case 'int32': { const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = view.getInt32(start + 4 * i, little); return a; }
    case 'int64': { const a = new BigInt64Array(n); for (let i = 0; i < n; i++) a[i] = view.getBigInt64(start + 8 * i, little); return a; }
  }
}

/** Reorder column-major data of `shape` to row-major. */
function fortranToC<T extends NpyData>(src: T, shape: readonly number[]): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const nd = shape.length;
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let d = 0; d < nd; d++) { fStride[d] = s; s *= shape[d]; }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < src.length; c++) {
    out[c] = src[f];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++; f += fStride[d];
      if (idx[d] < shape[d]) break;
      f -= idx[d] * fStride[d]; idx[d] = 0;
    }
  }
  return out;
}

/** Read a `.npy` file. @throws DataError naming the file. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return parseNpy(bytes, path);
}

/** A volume as float32, shape [C, D, H, W]. */
export interface Volume {
  file: string;
  shape: [number, number, number, number];
  data: Float32Array;
  /** dtype in the file. */
  dtype: NpyDType;
}

/**
 * Read a 3-D (`[D, H, W]`, given C = 1) or 4-D (`[C, D, H, W]`) `.npy` array as a float32 volume.
 * @throws DataError for other ranks.
 */
export function loadVolume(path: string): Volume {
  const a = readNpy(path);
  let shape: [number, number, number, number];
  if (a.shape.length === 3) shape = [1, a.shape[0], a.shape[1], a.shape[2]];
  else if (a.shape.length === 4) shape = [a.shape[0], a.shape[1], a.shape[2], a.shape[3]];
  else throw new DataError(path, undefined, undefined, `a volume needs a 3-D [D, H, W] or 4-D [C, D, H, W] array, found shape [${a.shape.join(', ')}]`);
  const data = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data as ArrayLike<number | bigint>, Number);
  return { file: path, shape, data, dtype: a.dtype };
}
