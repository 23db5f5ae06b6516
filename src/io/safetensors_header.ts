/**
 * Reading and validating a safetensors header against the format's rules: a size bound, valid
 * UTF-8 JSON, a known dtype and non-negative integer shape for every tensor, data offsets that
 * tile the data section exactly (in order, no gaps or overlaps), byte counts equal to
 * elements × dtype size, no duplicate names, and string-to-string `__metadata__`.
 */
import { FileFormatError } from './errors.js';
import { findDuplicateKey } from './json_keys.js';

/** Largest header accepted (the reference implementation's bound). */
export const MAX_HEADER_BYTES = 100_000_000;

/** Bytes per element of every dtype of the format. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** One tensor's entry in the header. */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte range [begin, end) within the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: TensorEntry[];
  metadata: Record<string, string>;
  /** Byte position where the data section starts (8 + header length). */
  dataStart: number;
}

/** Sets `obj[key]` as an own property, even for `__proto__` (a legal tensor or metadata name). */
export function define<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Parse and validate the header of a safetensors file held in `bytes`; `source` names the file
 * in errors. Nothing is allocated from what the header claims before it is checked against the
 * real size of `bytes`.
 * @throws FileFormatError naming the file, and the tensor and byte offset where there is one.
 *
 * @example
 * const { entries } = parseSafetensorsHeader(fs.readFileSync('model.safetensors'), 'model.safetensors');
 */
export function parseSafetensorsHeader(bytes: Uint8Array, source: string): SafetensorsHeader {
  const fail = (msg: string, where: { offset?: number; key?: string } = {}): never => { throw new FileFormatError(source, msg, where); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length of a safetensors file (truncated?)`, { offset: 0 });
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`safetensors header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`, { offset: 0 });
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`safetensors header length ${n} runs past the end of the ${bytes.length}-byte file (truncated?)`, { offset: 0 });
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('safetensors header is not valid UTF-8', { offset: 8 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`safetensors header is not valid JSON: ${(e as Error).message}`, { offset: 8 });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('safetensors header must be a JSON object', { offset: 8 });
  const dup = findDuplicateKey(text);
  if (dup !== null) fail(dup.path === '' ? `duplicate tensor name ${JSON.stringify(dup.key)} in the header` : `duplicate key ${JSON.stringify(dup.key)} in ${JSON.stringify(dup.path)}`, { key: dup.key });

  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('__metadata__ must be an object of strings', { key: name });
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value of ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)?.slice(0, 40)}`, { key: `__metadata__.${k}` });
        define(metadata, k, v as string);
      }
      continue;
    }
    const what = `tensor ${JSON.stringify(name)}`;
    const at = { key: name };
    if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${what}: entry must be an object with dtype, shape and data_offsets`, at);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPE_BYTES, dtype)) fail(`${what}: unknown dtype ${JSON.stringify(dtype)?.slice(0, 40)}`, at);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${what}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)?.slice(0, 80)}`, at);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      fail(`${what}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)?.slice(0, 80)}`, at);
    }
    const [begin, end] = offsets as number[];
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = elements * SAFETENSORS_DTYPE_BYTES[dtype as string];
    if (end - begin !== expected) {
      fail(`${what}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${expected}`, at);
    }
    entries.push({ name, dtype: dtype as string, shape: shape as number[], begin, end });
  }
  const dataSize = bytes.length - 8 - n;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin !== at) {
      fail(e.begin > at
        ? `tensor ${JSON.stringify(e.name)}: data_offsets start at ${e.begin}, leaving a gap after byte ${at}`
        : `tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (which ends at ${at})`, { key: e.name, offset: 8 + n + Math.min(e.begin, at) });
    }
    at = e.end;
  }
  if (at !== dataSize) {
    fail(at > dataSize
      ? `tensor ${JSON.stringify(sorted[sorted.length - 1].name)}: data ends at byte ${at} but the data section has ${dataSize} bytes (truncated file?)`
      : `data section has ${dataSize} bytes but the tensors cover only ${at} (trailing bytes)`, { offset: 8 + n + Math.min(at, dataSize) });
  }
  return { entries, metadata, dataStart: 8 + n };
}
