/**
 * Writers of small real files for the data-source tests: WAV files in every
 * encoding (written byte by byte here), PNG/JPEG images (encoded with pngjs and
 * jpeg-js), IDX files. Everything goes into a fresh temporary folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** A fresh temporary folder. */
export function tempDir(prefix = 'dlflow-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** WAV encodings the writer knows: integer PCM bits, 'f32', 'f64', or another raw format code (body left as 16-bit). */
export type WavEncoding = 8 | 16 | 24 | 32 | 'f32' | 'f64' | { code: number; bits: number };

/** Bytes of a WAV file holding `channels` (values in [-1, 1]) at `rate`; `extensible` writes WAVE_FORMAT_EXTENSIBLE. */
export function wavBytes(channels: Float64Array[], rate: number, enc: WavEncoding, extensible = false): Buffer {
  const nch = channels.length, n = channels[0].length;
  const bits = typeof enc === 'number' ? enc : enc === 'f32' ? 32 : enc === 'f64' ? 64 : enc.bits;
  const code = typeof enc === 'number' ? 1 : enc === 'f32' || enc === 'f64' ? 3 : enc.code;
  const bps = bits / 8, block = nch * bps;
  const fmtSize = extensible ? 40 : 16;
  const data = Buffer.alloc(n * block);
  for (let i = 0; i < n; i++) for (let c = 0; c < nch; c++) {
    const v = channels[c][i], o = i * block + c * bps;
    if (enc === 'f32') data.writeFloatLE(v, o);
    else if (enc === 'f64') data.writeDoubleLE(v, o);
    else if (bits === 8) data.writeUInt8(Math.max(0, Math.min(255, Math.round(v * 128 + 128))), o);
    else if (bits === 16) data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32768))), o);
    else if (bits === 24) data.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(v * 8388608))), o, 3);
    else if (bits === 32) data.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(v * 2147483648))), o);
  }
  const fmt = Buffer.alloc(fmtSize);
  fmt.writeUInt16LE(extensible ? 0xfffe : code, 0);
  fmt.writeUInt16LE(nch, 2); fmt.writeUInt32LE(rate, 4); fmt.writeUInt32LE(rate * block, 8);
  fmt.writeUInt16LE(block, 12); fmt.writeUInt16LE(bits, 14);
  if (extensible) {
    fmt.writeUInt16LE(22, 16); fmt.writeUInt16LE(bits, 18); fmt.writeUInt32LE(nch === 2 ? 3 : 0, 20);
    fmt.writeUInt16LE(code, 24);
    Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]).copy(fmt, 26);
  }
  const list = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1'); // an unrelated chunk the reader must skip
  const chunks = [Buffer.from('WAVE'), Buffer.from('fmt '), u32(fmtSize), fmt, list, Buffer.from('data'), u32(data.length), data];
  const body = Buffer.concat(chunks);
  return Buffer.concat([Buffer.from('RIFF'), u32(body.length), body]);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4); b.writeUInt32LE(v); return b;
}

/** A sine of `freq` Hz, `n` samples at `rate`, amplitude `amp`. */
export function sine(freq: number, rate: number, n: number, amp = 0.5, phase = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => amp * Math.sin(2 * Math.PI * freq * i / rate + phase));
}

/** RGBA pixels of a `w × h` test pattern: red ramp left→right, green top→bottom, blue constant. */
export function pattern(w: number, h: number, blue = 64): Buffer {
  const px = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = (y * w + x) * 4;
    px[o] = Math.round((255 * x) / Math.max(1, w - 1)); px[o + 1] = Math.round((255 * y) / Math.max(1, h - 1)); px[o + 2] = blue; px[o + 3] = 255;
  }
  return px;
}

/** PNG bytes of RGBA pixels. */
export function pngBytes(rgba: Buffer, w: number, h: number): Buffer {
  const png = new PNG({ width: w, height: h });
  rgba.copy(png.data);
  return PNG.sync.write(png);
}

/** JPEG bytes of RGBA pixels (quality 95). */
export function jpegBytes(rgba: Buffer, w: number, h: number): Buffer {
  return Buffer.from(jpeg.encode({ data: rgba, width: w, height: h }, 95).data);
}

/** An image folder `root/<class>/<i>.<png|jpg>` with `perClass` images per class; returns the root. */
export function writeImageFolder(root: string, classes: string[], perClass: number, w = 8, h = 6): string {
  classes.forEach((c, k) => {
    mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const px = pattern(w, h, 40 * k + 10 * i);
      writeFileSync(join(root, c, `${i}.${i % 2 === 0 ? 'png' : 'jpg'}`), i % 2 === 0 ? pngBytes(px, w, h) : jpegBytes(px, w, h));
    }
  });
  return root;
}
