/**
 * WAV (RIFF/WAVE) reader: integer PCM of 8 (unsigned), 16, 24 and 32 bits and
 * IEEE float of 32 and 64 bits, any channel count, in plain `fmt ` chunks or
 * WAVE_FORMAT_EXTENSIBLE (the sub-format GUID's first two bytes give the
 * encoding). Samples come back per channel as float32 in [-1, 1): integers
 * are divided by 2^(bits-1) (8-bit is offset by 128 first), floats are kept.
 * Other encodings (ADPCM, A-law, µ-law, ...) raise an error naming the file
 * and the format code.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';

/** A decoded WAV file. */
export interface Wav {
  file: string;
  sampleRate: number;
  /** One array per channel, values in [-1, 1). */
  channels: Float32Array[];
  /** Samples per channel. */
  length: number;
  /** Seconds. */
  duration: number;
  encoding: 'pcm' | 'float';
  bitsPerSample: number;
  /** Format code as stored (the sub-format's code for WAVE_FORMAT_EXTENSIBLE). */
  formatCode: number;
  extensible: boolean;
}

/** Header facts, without decoding samples. */
export type WavInfo = Omit<Wav, 'channels'> & { channelCount: number };

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM', 0x0006: 'A-law', 0x0007: 'µ-law', 0x0011: 'IMA ADPCM', 0x0031: 'GSM 6.10', 0x0055: 'MPEG Layer 3', 0x0050: 'MPEG',
};

/**
 * The sample rates dlflow reads. A damaged header's rate (1 Hz, 4 GHz) would make resampling to
 * 16 kHz build a filter of millions of taps per output sample; real recordings lie between
 * telephone-band sensors (a few hundred Hz) and 768 kHz studio audio.
 */
export const MIN_WAV_RATE = 100;
export const MAX_WAV_RATE = 1_536_000;

interface Fmt { code: number; channels: number; rate: number; bits: number; blockAlign: number; extensible: boolean }

function chunks(bytes: Uint8Array, file: string): { fmt: Fmt; dataStart: number; dataBytes: number } {
  const fail = (msg: string): never => { throw new DataError(file, undefined, undefined, msg); };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number): string => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 12) fail(`truncated WAV file: ${bytes.length} bytes, the RIFF header needs 12`);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') fail(`not a RIFF/WAVE file (starts ${JSON.stringify(tag(0))} … ${JSON.stringify(tag(8))})`);
  let fmt: Fmt | null = null;
  let o = 12;
  while (o + 8 <= bytes.length) {
    const id = tag(o), size = view.getUint32(o + 4, true), body = o + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) fail(`truncated or short fmt chunk (${size} bytes)`);
      let code = view.getUint16(body, true);
      const extensible = code === 0xfffe;
      if (extensible) {
        if (size < 40) fail(`WAVE_FORMAT_EXTENSIBLE fmt chunk of ${size} bytes, expected 40`);
        code = view.getUint16(body + 24, true);
      }
      fmt = { code, extensible, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (fmt === null) fail('data chunk before the fmt chunk');
      const avail = bytes.length - body;
      // 0xFFFFFFFF: a writer that streamed and never filled in the size; the data runs to the end
      if (size === 0xffffffff) return { fmt: fmt!, dataStart: body, dataBytes: avail };
      if (size > avail) fail(`truncated data chunk: header says ${size} bytes, found ${avail}`);
      return { fmt: fmt!, dataStart: body, dataBytes: size };
    }
    o = body + size + (size & 1);
  }
  return fail(fmt === null ? 'no fmt chunk' : 'no data chunk');
}

function checkFormat(f: Fmt, file: string): 'pcm' | 'float' {
  const fail = (msg: string): never => { throw new DataError(file, undefined, undefined, msg); };
  const hex = `0x${f.code.toString(16).padStart(4, '0')}`;
  if (f.code !== 1 && f.code !== 3) fail(`unsupported WAV encoding: format code ${hex}${FORMAT_NAMES[f.code] ? ` (${FORMAT_NAMES[f.code]})` : ''}${f.extensible ? ' in WAVE_FORMAT_EXTENSIBLE' : ''}; supported: 0x0001 integer PCM, 0x0003 IEEE float`);
  if (f.code === 1 && ![8, 16, 24, 32].includes(f.bits)) fail(`unsupported PCM sample size: ${f.bits} bits (format code ${hex}); supported: 8, 16, 24, 32`);
  if (f.code === 3 && f.bits !== 32 && f.bits !== 64) fail(`unsupported float sample size: ${f.bits} bits (format code ${hex}); supported: 32, 64`);
  if (f.channels < 1) fail('fmt chunk declares 0 channels');
  if (f.rate < MIN_WAV_RATE || f.rate > MAX_WAV_RATE) {
    fail(`fmt chunk declares a sample rate of ${f.rate} Hz, outside the ${MIN_WAV_RATE} Hz to ${MAX_WAV_RATE / 1000} kHz dlflow reads`);
  }
  if (f.blockAlign !== f.channels * (f.bits / 8)) fail(`block align ${f.blockAlign} does not match ${f.channels} channels × ${f.bits / 8} bytes`);
  return f.code === 1 ? 'pcm' : 'float';
}

/** Decode WAV bytes; `file` names the source in errors. @throws DataError for bad, truncated or unsupported input. */
export function parseWav(bytes: Uint8Array, file = '<input>'): Wav {
  const { fmt, dataStart, dataBytes } = chunks(bytes, file);
  const encoding = checkFormat(fmt, file);
  const nch = fmt.channels, bps = fmt.bits / 8;
  const length = Math.floor(dataBytes / fmt.blockAlign);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, length * fmt.blockAlign);
  const channels = Array.from({ length: nch }, () => new Float32Array(length));
  const read = sampleReader(view, encoding, fmt.bits);
  for (let c = 0; c < nch; c++) {
    const out = channels[c];
    for (let i = 0, o = c * bps; i < length; i++, o += fmt.blockAlign) out[i] = read(o);
  }
  return { file, sampleRate: fmt.rate, channels, length, duration: length / fmt.rate, encoding, bitsPerSample: fmt.bits, formatCode: fmt.code, extensible: fmt.extensible };
}

function sampleReader(view: DataView, encoding: 'pcm' | 'float', bits: number): (o: number) => number {
  if (encoding === 'float') return bits === 32 ? (o) => view.getFloat32(o, true) : (o) => view.getFloat64(o, true);
  switch (bits) {
    case 8: return (o) => (view.getUint8(o) - 128) / 128;
    case 16: return (o) => view.getInt16(o, true) / 32768;
    case 24: return (o) => ((view.getUint8(o) | (view.getUint8(o + 1) << 8) | (view.getInt8(o + 2) << 16))) / 8388608;
    default: return (o) => view.getInt32(o, true) / 2147483648;
  }
}

/** Read a WAV file. @throws DataError naming the file. */
export function readWav(path: string): Wav {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return parseWav(bytes, path);
}

/** Header facts of a WAV file (rate, channels, duration) without decoding samples. @throws DataError naming the file. */
export function wavInfo(path: string): WavInfo {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  const { fmt, dataBytes } = chunks(bytes, path);
  const encoding = checkFormat(fmt, path);
  const length = Math.floor(dataBytes / fmt.blockAlign);
  return { file: path, sampleRate: fmt.rate, channelCount: fmt.channels, length, duration: length / fmt.rate, encoding, bitsPerSample: fmt.bits, formatCode: fmt.code, extensible: fmt.extensible };
}

/** Mix channels down to one by averaging. */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const n = channels[0].length, out = new Float32Array(n);
  for (const ch of channels) for (let i = 0; i < n; i++) out[i] += ch[i];
  for (let i = 0; i < n; i++) out[i] /= channels.length;
  return out;
}
