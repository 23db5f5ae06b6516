/**
 * Colours: a categorical palette safe for colour-blind readers (Okabe–Ito)
 * and a sequential white → blue scale for heatmaps.
 */

/** Categorical colours, cycled for series and classes. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'] as const;

/** The i-th categorical colour. */
export function seriesColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

const STOPS: [number, number, number][] = [[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];

/**
 * Colour for `t` in [0, 1] on the sequential scale (NaN → light grey).
 *
 * @example
 * sequentialColor(0);   // '#f7fbff'
 * sequentialColor(1);   // '#08306b'
 */
export function sequentialColor(t: number): string {
  if (!Number.isFinite(t)) return '#dddddd';
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i].map((v, k) => Math.round(v + (STOPS[i + 1][k] - v) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** Whether text on `t`'s colour should be white for contrast. */
export function darkOnScale(t: number): boolean {
  return Number.isFinite(t) && t > 0.55;
}
