/**
 * Radix sort for float64 values (LSD, four 16-bit digits of an order-preserving
 * 64-bit key; digits on which all keys agree are skipped). Several times faster
 * than `Float64Array.prototype.sort` on large columns. Whole numbers (or whole
 * days, for dates) spanning a small range are sorted by counting instead
 * (unless -0 is present: the radix path orders it before 0). NaN values are
 * left out, so a column with missing values needs no dense copy first. The
 * work buffer is kept between calls and reused, so sorting column after
 * column leaves no garbage for the collector.
 */

let scratch = new Float64Array(0);
const hist = new Uint32Array(4 * 65536);

function scratchFloat(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch.subarray(0, n);
}

/**
 * Two int32 work arrays of length n borrowed from the sort's key buffers
 * (no allocation); valid only until the next sort call.
 */
export function borrowScratch(n: number): [Int32Array, Int32Array] {
  const s = scratchFloat(n);
  return [new Int32Array(s.buffer, s.byteOffset, n), new Int32Array(s.buffer, s.byteOffset + 4 * n, n)];
}

/** Counting sort of the non-NaN values into `out`, when they are whole multiples of 1 or of a day in ms over a small range; false otherwise. */
function countingSort(src: Float64Array, out: Float64Array): boolean {
  const n = out.length;
  // a quick look at the first present values rules out most float columns before a full scan
  for (let i = 0, seen = 0; i < src.length && seen < 64; i++) { const x = src[i]; if (x === x) { if (x !== Math.floor(x)) return false; seen++; } }
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < src.length; i++) { const x = src[i]; if (x < min) min = x; if (x > max) max = x; if (x === 0 && 1 / x < 0) return false; }
  for (const unit of [1, 86400000]) {
    if (!Number.isFinite(min) || !Number.isFinite(max) || (max - min) / unit > 4 * n + 65536) continue;
    let whole = true;
    for (let i = 0; i < src.length; i++) { const q = (src[i] - min) / unit; if (q !== Math.floor(q) && q === q) { whole = false; break; } }
    if (!whole) continue;
    const counts = new Uint32Array((max - min) / unit + 1);
    for (let i = 0; i < src.length; i++) { const x = src[i]; if (x === x) counts[(x - min) / unit]++; }
    for (let k = 0, o = 0; k < counts.length; k++) { const c = counts[k]; if (c !== 0) { out.fill(min + k * unit, o, o + c); o += c; } }
    return true;
  }
  return false;
}

/**
 * The non-NaN values of `src`, ascending (-0 before 0), written into `out`,
 * whose length must be their count. `out` may be `src` itself when `src`
 * holds no NaN.
 *
 * Radix passes move whole float64 values between `out` and one scratch array;
 * each 16-bit digit is taken from the value's bits, made order-preserving on
 * the fly (negative values: all bits flipped; others: the sign bit set).
 */
export function sortPresent(src: Float64Array, out: Float64Array): Float64Array {
  const n = out.length;
  if (n < 2048) {
    if (out !== src) { let k = 0; for (let i = 0; i < src.length; i++) { const x = src[i]; if (x === x) out[k++] = x; } }
    return out.sort();
  }
  if (countingSort(src, out)) return out;
  hist.fill(0);
  const sw = new Uint32Array(src.buffer, src.byteOffset, 2 * src.length);
  let j = 0;
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (x !== x) continue;
    let h = sw[2 * i + 1], l = sw[2 * i];
    if (h & 0x80000000) { h = ~h >>> 0; l = ~l >>> 0; } else h = (h | 0x80000000) >>> 0;
    hist[l & 0xffff]++;
    hist[65536 + (l >>> 16)]++;
    hist[131072 + (h & 0xffff)]++;
    hist[196608 + (h >>> 16)]++;
    out[j++] = x;
  }
  if (j !== n) throw new RangeError(`sortPresent: output holds ${n} values but the input has ${j} present`);
  let a = out, b = scratchFloat(n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    let skip = false;
    for (let d = 0; d < 65536; d++) { const c = hist[base + d]; if (c !== 0) { skip = c === n; break; } }
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) { const c = hist[base + d]; hist[base + d] = sum; sum += c; }
    const aw = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
    const word = pass >= 2 ? 1 : 0, shift = (pass & 1) === 1 ? 16 : 0;
    const topFlip = pass === 3 ? 0x8000 : 0;
    for (let i = 0; i < n; i++) {
      const neg = aw[2 * i + 1] >>> 31;
      const d = ((aw[2 * i + word] >>> shift) & 0xffff) ^ (neg === 1 ? 0xffff : topFlip);
      b[hist[base + d]++] = a[i];
    }
    const t = a; a = b; b = t;
  }
  if (a !== out) out.set(a);
  return out;
}

/** A sorted copy of `src` (no NaN; ascending, -0 before 0), or sorted into `into` (length n; may be `src`). */
export function sortFloat64(src: Float64Array, into?: Float64Array): Float64Array {
  if (into !== undefined && into.length !== src.length) throw new RangeError(`sortFloat64: output holds ${into.length} values, expected ${src.length}`);
  return sortPresent(src, into ?? new Float64Array(src.length));
}
