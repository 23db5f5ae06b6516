/**
 * NumPy's default argsort (introsort: median-of-three quicksort, insertion sort below 16
 * elements) for float64, reproduced because TPE's kernel widths are assigned through it: with
 * tied observations (integer and step spaces) which kernel gets which width depends on the
 * sort's order of ties, and dlflow makes the same choice as Optuna.
 */
const SMALL_QUICKSORT = 15;

/** NumPy's float order: NaN last. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

export function numpyArgsort(v: readonly number[]): number[] {
  const idx = v.map((_, i) => i);
  const swap = (i: number, j: number): void => { const t = idx[i]; idx[i] = idx[j]; idx[j] = t; };
  const stack: number[] = [];
  let pl = 0;
  let pr = v.length - 1;
  for (;;) {
    // The depth limit's heapsort fallback needs ~2·log2(n) bad pivots in a row; the arrays
    // here (at most a few hundred observations) do not reach it, so it is not reproduced.
    while (pr - pl > SMALL_QUICKSORT) {
      const pm = pl + ((pr - pl) >> 1);
      if (less(v[idx[pm]], v[idx[pl]])) swap(pm, pl);
      if (less(v[idx[pr]], v[idx[pm]])) swap(pr, pm);
      if (less(v[idx[pm]], v[idx[pl]])) swap(pm, pl);
      const vp = v[idx[pm]];
      let pi = pl;
      let pj = pr - 1;
      swap(pm, pj);
      for (;;) {
        do ++pi; while (less(v[idx[pi]], vp));
        do --pj; while (less(vp, v[idx[pj]]));
        if (pi >= pj) break;
        swap(pi, pj);
      }
      swap(pi, pr - 1);
      if (pi - pl < pr - pi) {
        stack.push(pi + 1, pr);
        pr = pi - 1;
      } else {
        stack.push(pl, pi - 1);
        pl = pi + 1;
      }
    }
    for (let pi = pl + 1; pi <= pr; ++pi) {
      const vi = idx[pi];
      const vp = v[vi];
      let pj = pi;
      while (pj > pl && less(vp, v[idx[pj - 1]])) {
        idx[pj] = idx[pj - 1];
        pj--;
      }
      idx[pj] = vi;
    }
    if (stack.length === 0) break;
    pr = stack.pop() as number;
    pl = stack.pop() as number;
  }
  return idx;
}
