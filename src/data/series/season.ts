/**
 * The season of a regular series from its step (the cycle a calendar gives that step: a year of
 * weeks, a week of days, a day of hours) and the lookback a forecaster reads by default: one
 * season when it is long (52 weeks), a few when it is short (4 weeks of days, 2 days of hours),
 * so a window always holds the value one season back — the seasonal-naive forecast.
 */

const MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/**
 * Steps per season for a step in milliseconds; 1 when the step has no calendar cycle.
 *
 * @example
 * seasonOf(7 * 86_400_000); // 52 (weekly data, yearly cycle)
 * seasonOf(86_400_000);     // 7 (daily data, weekly cycle)
 */
export function seasonOf(stepMs: number): number {
  if (stepMs === 7 * DAY) return 52;
  if (stepMs === DAY) return 7;
  if (stepMs === HOUR) return 24;
  if (stepMs === 30 * MINUTE) return 48;
  if (stepMs === 15 * MINUTE) return 96;
  if (stepMs === MINUTE) return 60;
  return 1;
}

/**
 * The default lookback: one season for weekly data (52), four weeks of days (28), otherwise two
 * seasons (48 hours), or 32 steps without a season; at most a tenth of the rows and at least 2
 * (explore recommends the same sizes).
 *
 * @example
 * autoLookback(52, 2284); // 52
 * autoLookback(7, 2000);  // 28
 */
export function autoLookback(season: number, rows: number): number {
  const guess = season === 52 ? 52 : season === 7 ? 28 : season > 1 ? 2 * season : 32;
  return Math.max(2, Math.min(guess, Math.floor(rows / 10)));
}
