/**
 * Radix sort for float64 values (LSD, four 16-bit digits of an order-preserving
 * 64-bit key; digits on which all keys agree are skipped). Several times faster
 * than `Float64Array.prototype.sort` on large columns. Input must hold no NaN.
 */

/** A sorted copy of `src` (ascending; -0 sorts before 0). */
export function sortFloat64(src: Float64Array): Float64Array {
  const n = src.length;
  if (n < 2048) return src.slice().sort();
  const words = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  const hist = new Uint32Array(4 * 65536);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + 1];
    let l = words[2 * i];
    if (h & 0x80000000) { h = ~h >>> 0; l = ~l >>> 0; } else h = (h | 0x80000000) >>> 0;
    hi[i] = h; lo[i] = l;
    hist[l & 0xffff]++;
    hist[65536 + (l >>> 16)]++;
    hist[131072 + (h & 0xffff)]++;
    hist[196608 + (h >>> 16)]++;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 65536;
    let skip = false;
    for (let d = 0; d < 65536; d++) { const c = hist[base + d]; if (c !== 0) { skip = c === n; break; } }
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) { const c = hist[base + d]; hist[base + d] = sum; sum += c; }
    const useHi = pass >= 2;
    const shift = (pass & 1) === 1 ? 16 : 0;
    for (let i = 0; i < n; i++) {
      const key = useHi ? hi[i] : lo[i];
      const d = (key >>> shift) & 0xffff;
      const j = hist[base + d]++;
      hi2[j] = hi[i]; lo2[j] = lo[i];
    }
    let t = hi; hi = hi2; hi2 = t;
    t = lo; lo = lo2; lo2 = t;
  }
  const out = new Float64Array(n);
  const ow = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    let h = hi[i];
    let l = lo[i];
    if (h & 0x80000000) h = (h & 0x7fffffff) >>> 0; else { h = ~h >>> 0; l = ~l >>> 0; }
    ow[2 * i + 1] = h; ow[2 * i] = l;
  }
  return out;
}
