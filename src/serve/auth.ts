/**
 * The optional API key: `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests
 * with crypto.timingSafeEqual, so the comparison takes the same time whatever the key's length
 * or how much of it matches.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A check of Authorization headers against `key`.
 *
 * @example
 * const allowed = bearerCheck('s3cret');
 * allowed('Bearer s3cret'); // true
 * allowed('Bearer guess'); // false
 */
export function bearerCheck(key: string): (authorization: string | undefined) => boolean {
  if (key.length === 0) throw new Error('bearerCheck: the API key is empty');
  const expected = digest(key);
  return (authorization) => {
    const m = /^Bearer +(.+)$/i.exec(authorization ?? '');
    // Digest even without a key, so a missing header costs what a wrong one does.
    const given = digest(m === null ? '' : m[1].trim());
    return timingSafeEqual(given, expected) && m !== null;
  };
}
