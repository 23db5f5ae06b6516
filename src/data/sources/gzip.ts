/**
 * Gzipped input for the binary readers (IDX, NIfTI): recognised by its magic bytes and inflated
 * with a bound on the output, so a gzip bomb stops at the bound instead of exhausting memory.
 */
import { gunzipSync } from 'node:zlib';

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * `gz` inflated, at most `limit` bytes of it. Past the bound, or on damaged data, `fail` is
 * called with why (`'too large'`, or zlib's message) and must throw the reader's own error.
 */
export function gunzipBounded(gz: Uint8Array, limit: number, fail: (why: { tooLarge: true } | { tooLarge: false; message: string }) => never): Uint8Array {
  try {
    return gunzipSync(gz, { maxOutputLength: limit });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return fail(err.code === 'ERR_BUFFER_TOO_LARGE' ? { tooLarge: true } : { tooLarge: false, message: err.message });
  }
}
