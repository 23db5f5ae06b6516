/**
 * Duplicate rows, found by hashing each row's typed values (float bits or
 * dictionary codes, missing values equal to each other) into a 53-bit key and
 * counting repeated keys after a radix sort. Two different rows share a key
 * with probability about n² / 2⁵⁴ (≈ 5·10⁻⁵ for a million rows).
 */
import { borrowScratch, sortFloat64 } from '../table/sort.js';
import { borrowSortBuffer } from '../table/infer.js';
import type { Table } from '../table/table.js';

/** Rows that repeat an earlier row (all columns equal). */
export function countDuplicateRows(table: Table): number {
  const n = table.rowCount;
  if (n < 2 || table.columns.length === 0) return 0;
  // the two hash words live in the sort's work buffers until the keys are built
  const [h1, h2] = borrowScratch(n);
  h1.fill(0x811c9dc5 | 0);
  h2.fill(0x2545f491);
  const scratch = new Float64Array(1);
  const words = new Int32Array(scratch.buffer);
  for (const c of table.columns) {
    const s = c.storage;
    if (s.type === 'dict') {
      const codes = s.codes;
      for (let i = 0; i < n; i++) mix(h1, h2, i, codes[i], 0x9e3779b9);
    } else {
      const v = s.values;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        scratch[0] = x !== x ? NaN : x === 0 ? 0 : x;
        mix(h1, h2, i, words[0], words[1]);
      }
    }
  }
  const keys = borrowSortBuffer(n); // the column sorts' output buffer: no new 8n bytes
  for (let i = 0; i < n; i++) keys[i] = (h1[i] >>> 0) * 2097152 + ((h2[i] >>> 0) & 0x1fffff);
  const sorted = sortFloat64(keys, keys); // in place: the keys are not needed unsorted
  let dup = 0;
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) dup++;
  return dup;
}

function mix(h1: Int32Array, h2: Int32Array, i: number, a: number, b: number): void {
  let x = h1[i];
  x = Math.imul(x ^ a, 0x01000193); x = Math.imul(x ^ b, 0x01000193);
  h1[i] = x;
  let y = h2[i];
  y = Math.imul(y ^ a, 0x5bd1e995); y ^= y >>> 13; y = Math.imul(y ^ b, 0x5bd1e995); y ^= y >>> 15;
  h2[i] = y;
}
