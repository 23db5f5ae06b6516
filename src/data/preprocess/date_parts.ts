/** Calendar parts of epoch-millisecond times (UTC); day of week Monday = 0 as pandas' `dayofweek`. */
import type { DatePart } from './spec.js';

/** Part `p` of time `ms` (NaN when ms is NaN). */
export function datePart(ms: number, p: DatePart): number {
  if (ms !== ms) return NaN;
  const d = new Date(ms);
  switch (p) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'dayofweek': return (d.getUTCDay() + 6) % 7;
    case 'hour': return d.getUTCHours();
  }
}
