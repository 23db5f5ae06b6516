/**
 * Save and load tensors in the safetensors format: an 8-byte little-endian header length, a
 * JSON header (`dtype`, `shape`, `data_offsets` per tensor, optional `__metadata__`) padded
 * with spaces to 8-byte alignment, then the raw little-endian data of each tensor, contiguous.
 * Files interoperate with PyTorch's `safetensors.torch.save_file`/`load_file`.
 */
import { writeFileAtomicSync } from './atomic_write.js';
import { emptyTensor } from '../core/dispatch.js';
import type { AnyTypedArray, DType } from '../base/dtype.js';
import { isTensor, type Tensor } from '../core/tensor.js';
import { FileFormatError, readFileBytes } from './errors.js';
import { define, parseSafetensorsHeader, type TensorEntry } from './safetensors_header.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('dlflow safetensors: big-endian hosts are not supported');
}

const DTYPE_TO_CODE: { readonly [D in DType]: string } = { float32: 'F32', int32: 'I32', int64: 'I64', bool: 'BOOL' };
const CODE_TO_DTYPE: Readonly<Record<string, DType>> = { F32: 'float32', I32: 'int32', I64: 'int64', BOOL: 'bool' };

/** Tensors by name: a plain object (a model's `stateDict()`) or a Map. */
export type TensorDict = Record<string, Tensor> | Map<string, Tensor>;

/** A parsed file: its tensors and its `__metadata__`. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function entriesOf(dict: TensorDict): [string, Tensor][] {
  const list = dict instanceof Map ? [...dict] : Object.entries(dict);
  for (const [name, t] of list) {
    if (!isTensor(t)) throw new TypeError(`save: value of ${JSON.stringify(name)} is not a Tensor`);
    if (name === '__metadata__') throw new Error('save: "__metadata__" is reserved and cannot name a tensor');
  }
  return list;
}

/**
 * The bytes of a safetensors file holding `tensors` (written contiguous, in the given order).
 *
 * @example
 * const bytes = dl.serializeSafetensors({ w: dl.ones([2, 2]) }, { format: 'pt' });
 */
export function serializeSafetensors(tensors: TensorDict, metadata?: Record<string, string>): Uint8Array {
  const list = entriesOf(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`save: metadata value of ${JSON.stringify(k)} must be a string`);
    }
    header.__metadata__ = metadata;
  }
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of list) {
    const data = t.dataSync();
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: DTYPE_TO_CODE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + raw.length] };
    datas.push(raw);
    offset += raw.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const d of datas) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/** Widen a dtype dlflow does not store (F64, F16, BF16, small ints) to float32/int32. */
function widen(e: TensorEntry, raw: Uint8Array): { dtype: DType; data: AnyTypedArray } | null {
  const buf = new Uint8Array(raw).buffer;
  const count = e.shape.reduce((a, b) => a * b, 1);
  const f32 = (fn: (i: number) => number): { dtype: DType; data: AnyTypedArray } => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = fn(i);
    return { dtype: 'float32', data: out };
  };
  const i32 = (src: ArrayLike<number>): { dtype: DType; data: AnyTypedArray } => ({ dtype: 'int32', data: Int32Array.from(src) });
  const dv = new DataView(buf);
  switch (e.dtype) {
    case 'F64': return f32((i) => dv.getFloat64(i * 8, true));
    case 'BF16': return f32((i) => new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]);
    case 'F16': return f32((i) => halfToFloat(dv.getUint16(i * 2, true)));
    case 'U8': return i32(new Uint8Array(buf));
    case 'I8': return i32(new Int8Array(buf));
    case 'I16': return i32(new Int16Array(buf));
    case 'U16': return i32(new Uint16Array(buf));
    default: return null;
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Tensors and metadata from the bytes of a safetensors file, after validating the header
 * (see `safetensors_header.ts`). F32/I32/I64/BOOL load as-is; F64/F16/BF16 widen to float32 and
 * U8/I8/I16/U16 to int32; other dtypes are rejected. `source` names the file in errors.
 * @throws FileFormatError for a corrupt, truncated or unsupported file, naming `source`.
 *
 * @example
 * const { tensors, metadata } = dl.parseSafetensors(bytes);
 */
export function parseSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsContents {
  const header = parseSafetensorsHeader(bytes, source);
  const tensors: Record<string, Tensor> = {};
  const created: Tensor[] = [];
  try {
    for (const e of header.entries) {
      const raw = bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end);
      let dtype = Object.hasOwn(CODE_TO_DTYPE, e.dtype) ? CODE_TO_DTYPE[e.dtype] : undefined;
      let data: AnyTypedArray;
      if (dtype !== undefined) {
        const copy = new Uint8Array(raw); // a copy (Buffer#slice would share the pool)
        data = dtype === 'float32' ? new Float32Array(copy.buffer) : dtype === 'int32' ? new Int32Array(copy.buffer)
          : dtype === 'int64' ? new BigInt64Array(copy.buffer) : copy;
      } else {
        const w = widen(e, raw);
        if (w === null) throw new FileFormatError(source, `tensor ${JSON.stringify(e.name)} has dtype ${e.dtype}, which dlflow cannot load`, { key: e.name });
        ({ dtype, data } = w);
      }
      const t = emptyTensor(e.shape, dtype);
      created.push(t);
      if (data.length > 0) t.storage.backend.write(t.storage.handle, data, 0);
      define(tensors, e.name, t);
    }
  } catch (err) {
    for (const t of created) t.dispose();
    throw err;
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Write `tensors` to `file` in the safetensors format, atomically (a temporary file in the same
 * directory, renamed over the target), so a crash never leaves a half-written file.
 *
 * @example
 * dl.save(model.stateDict(), 'model.safetensors', { epoch: '10' });
 */
export function save(tensors: TensorDict, file: string, metadata?: Record<string, string>): void {
  writeFileAtomicSync(file, serializeSafetensors(tensors, metadata));
}

/**
 * Read the tensors of a safetensors file (validated; a corrupt or truncated file is an Error
 * naming the file and the offending tensor or field).
 *
 * @example
 * model.loadStateDict(dl.load('model.safetensors'));
 */
export function load(file: string): Record<string, Tensor> {
  return parseSafetensors(readFileBytes(file), file).tensors;
}

/** The `__metadata__` of a safetensors file (the tensors are validated but not created). */
export function loadMetadata(file: string): Record<string, string> {
  return parseSafetensorsHeader(readFileBytes(file), file).metadata;
}
