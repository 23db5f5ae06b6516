/**
 * Axis scales: "nice" tick values (steps of 1, 2 or 5 × 10^k) and compact
 * tick labels.
 */

/** A finite [min, max] domain; widened when empty or a single value. */
export function domainOf(values: Iterable<number>, includeZero = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  if (includeZero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/**
 * Nice tick values covering [min, max] with about `count` ticks; the domain
 * to draw is [ticks[0], ticks[last]].
 *
 * @example
 * niceTicks(0.03, 0.97, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.sqrt(2) ? 2 : 1) * mag;
  const start = Math.floor(min / step + 1e-9);
  const stop = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = start; i <= stop && ticks.length < 1000; i++) ticks.push(cleanFloat(i * step));
  return ticks;
}

function cleanFloat(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * A short label for a tick or value: integers as is, large or tiny
 * magnitudes in exponent form, otherwise up to 4 significant digits.
 *
 * @example
 * formatTick(0.30000000000000004); // '0.3'
 * formatTick(1500000); // '1.5e6'
 */
export function formatTick(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

/** Linear map from a domain to a pixel range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}
