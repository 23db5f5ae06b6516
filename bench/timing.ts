/** Timing helpers shared by the benches: the same best-of-loops method the Python references use. */

/** Best seconds per call: 3 warm-up calls, then the best of `rounds` loops of at least `minSeconds` each. */
export function bestSeconds(fn: () => void, rounds = 7, minSeconds = 0.1): number {
  for (let i = 0; i < 3; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let iters = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      fn();
      iters++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < minSeconds || iters < 3);
    best = Math.min(best, elapsed / iters);
  }
  return best;
}

/** Print rows as an aligned text table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [k, row] of cells.entries()) {
    console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
