/**
 * Python-compatible number formatting for the text report: `'{:.2f}'` rounds
 * the exact binary value half-to-even, while JS `toFixed` rounds exact ties
 * away from zero (0.125 → '0.12' in Python, '0.13' in JS).
 */

/**
 * `x` with `digits` decimals, rounded as Python's `format(x, '.{digits}f')`.
 *
 * @example
 * pyFixed(0.125, 2); // '0.12'
 * pyFixed(0.375, 2); // '0.38'
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const rounded = x.toFixed(digits);
  const longer = x.toFixed(Math.min(100, digits + 1));
  if (!longer.endsWith('5')) return rounded;
  const exact = x.toFixed(Math.min(100, digits + 40));
  if (!/^0*$/.test(exact.slice(longer.length))) return rounded; // not an exact tie
  const down = longer.slice(0, -1).replace(/\.$/, '');
  const lastDigit = Number(down[down.length - 1]);
  return lastDigit % 2 === 0 ? down : rounded;
}

/** Right-aligns `s` in `width` characters, as Python's `'{:>width}'`. */
export function padLeft(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}
