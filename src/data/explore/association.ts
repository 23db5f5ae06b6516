/**
 * Association between a feature and the target: Pearson correlation for two
 * numeric variables, and the plug-in mutual information (natural log, as
 * scikit-learn's `mutual_info_score`) when either is categorical. Numeric
 * variables entering a mutual information are first cut into equal-frequency
 * bins. Rows where either side is missing are left out (and counted).
 */

/** Pearson correlation of `x` and `y` over rows where both are present; NaN when undefined. */
export function pearson(x: Float64Array, y: Float64Array): { r: number; n: number } {
  let n = 0, sx = 0, sy = 0;
  for (let i = 0; i < x.length; i++) { const a = x[i], b = y[i]; if (a === a && b === b) { n++; sx += a; sy += b; } }
  if (n < 2) return { r: NaN, n };
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i], b = y[i];
    if (a === a && b === b) { const dx = a - mx, dy = b - my; sxy += dx * dy; sxx += dx * dx; syy += dy * dy; }
  }
  if (sxx === 0 || syy === 0) return { r: NaN, n };
  return { r: sxy / Math.sqrt(sxx * syy), n };
}

/**
 * Codes 0..k-1 for a numeric column cut into at most `bins` equal-frequency
 * bins (bin edges at quantiles of the present values; equal edges merge);
 * -1 for missing.
 */
export function binCodes(v: Float64Array, sorted: Float64Array, bins: number): { codes: Int32Array; k: number } {
  const n = sorted.length;
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const c = sorted[Math.min(n - 1, Math.floor((b * n) / bins))];
    if (n > 0 && (cuts.length === 0 || c > cuts[cuts.length - 1]) && c > sorted[0]) cuts.push(c);
  }
  const codes = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) { codes[i] = -1; continue; }
    let lo = 0, hi = cuts.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (x >= cuts[m]) lo = m + 1; else hi = m; }
    codes[i] = lo;
  }
  return { codes, k: cuts.length + 1 };
}

/** Mutual information (nats) of two code arrays with `ka` and `kb` levels, over rows where both are ≥ 0. */
export function mutualInformation(a: Int32Array, ka: number, b: Int32Array, kb: number): { mi: number; ha: number; hb: number; n: number } {
  const joint = new Float64Array(ka * kb);
  const pa = new Float64Array(ka), pb = new Float64Array(kb);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x < 0 || y < 0) continue;
    joint[x * kb + y]++; pa[x]++; pb[y]++; n++;
  }
  if (n === 0) return { mi: NaN, ha: NaN, hb: NaN, n };
  let mi = 0;
  for (let x = 0; x < ka; x++) {
    if (pa[x] === 0) continue;
    for (let y = 0; y < kb; y++) {
      const c = joint[x * kb + y];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (pa[x] * pb[y]));
    }
  }
  return { mi: Math.max(0, mi), ha: entropy(pa, n), hb: entropy(pb, n), n };
}

function entropy(p: Float64Array, n: number): number {
  let h = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) { const q = p[i] / n; h -= q * Math.log(q); }
  return h;
}
