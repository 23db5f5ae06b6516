/**
 * Date and date-time recognition. Times are kept as milliseconds since the
 * Unix epoch, UTC (a value without a zone is read as UTC).
 *
 * Formats recognised:
 * - ISO 8601: `2024-03-05`, `2024-03-05T14:30`, `2024-03-05 14:30:15.250`,
 *   with optional `Z` or `±HH:MM` / `±HHMM` zone;
 * - `2024/03/05` with an optional time as above;
 * - day-first or month-first slashed dates, `05/03/2024` (which one is decided
 *   per column by {@link slashOrder}) with an optional time;
 * - `5 Mar 2024`, `Mar 5, 2024` and `March 5 2024` (English month names).
 */

/** How a slashed `a/b/yyyy` date is read. */
export type SlashOrder = 'mdy' | 'dmy';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  return h < 24 && mi < 60 && s < 61;
}

/**
 * Parse an ISO-like date or date-time from bytes `buf[start, end)` (fast path
 * used while reading files). Returns epoch milliseconds or undefined.
 */
export function parseIsoBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  while (start < end && buf[start] === 32) start++;
  while (end > start && buf[end - 1] === 32) end--;
  const len = end - start;
  if (len < 10) return undefined;
  const y = dig(buf, start, 4); const sep = buf[start + 4];
  if (y < 0 || (sep !== 45 && sep !== 47) || buf[start + 7] !== sep) return undefined;
  const mo = dig(buf, start + 5, 2); const d = dig(buf, start + 8, 2);
  if (mo < 0 || d < 0) return undefined;
  let h = 0, mi = 0, s = 0, ms = 0, off = 0;
  let i = start + 10;
  if (i < end) {
    const t = buf[i];
    if ((t !== 84 && t !== 32) || end - i < 6) return undefined;
    h = dig(buf, i + 1, 2); if (buf[i + 3] !== 58) return undefined;
    mi = dig(buf, i + 4, 2);
    if (h < 0 || mi < 0) return undefined;
    i += 6;
    if (i < end && buf[i] === 58) {
      s = dig(buf, i + 1, 2); if (s < 0) return undefined; i += 3;
      if (i < end && (buf[i] === 46 || buf[i] === 44)) {
        i++; let scale = 100; const f0 = i;
        while (i < end && buf[i] >= 48 && buf[i] <= 57) { ms += (buf[i] - 48) * scale; scale /= 10; i++; }
        if (i === f0) return undefined;
      }
    }
    if (i < end) {
      const z = buf[i];
      if (z === 90 && i + 1 === end) i++;
      else if (z === 43 || z === 45) {
        const oh = dig(buf, i + 1, 2); let k = i + 3;
        if (k < end && buf[k] === 58) k++;
        const om = dig(buf, k, 2);
        if (oh < 0 || om < 0 || k + 2 !== end) return undefined;
        off = (z === 43 ? 1 : -1) * (oh * 60 + om);
        i = end;
      }
    }
    if (i !== end) return undefined;
  }
  if (!valid(y, mo, d, h, mi, s)) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s, Math.round(ms)) - off * 60000;
}

function dig(buf: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = buf[i + k];
    if (c === undefined || c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const TIME = '(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?';
const SLASH = new RegExp(`^(\\d{1,2})[/.-](\\d{1,2})[/.-](\\d{4})${TIME}$`);
const DMY_NAME = /^(\d{1,2})[ -]([A-Za-z]{3,9})[ -](\d{4})$/;
const MDY_NAME = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/;

/**
 * Parse a date or date-time string in any recognised format; slashed dates
 * are read in `order`. Returns epoch milliseconds (UTC) or undefined.
 */
export function parseDateTime(text: string, order: SlashOrder = 'mdy'): number | undefined {
  const s = text.trim();
  if (s.length >= 10 && s.charCodeAt(4) >= 45 && s.charCodeAt(4) <= 47) {
    const b = Buffer.from(s, 'latin1');
    if (b.length === s.length) { const v = parseIsoBytes(b, 0, b.length); if (v !== undefined) return v; }
  }
  let m = SLASH.exec(s);
  if (m !== null) {
    const a = +m[1], b = +m[2], y = +m[3];
    const [mo, d] = order === 'mdy' ? [a, b] : [b, a];
    return build(y, mo, d, m[4], m[5], m[6], m[7]);
  }
  m = DMY_NAME.exec(s);
  if (m !== null) { const mo = MONTHS[m[2].toLowerCase()]; return mo === undefined ? undefined : build(+m[3], mo, +m[1]); }
  m = MDY_NAME.exec(s);
  if (m !== null) { const mo = MONTHS[m[1].toLowerCase()]; return mo === undefined ? undefined : build(+m[3], mo, +m[2]); }
  return undefined;
}

function build(y: number, mo: number, d: number, hh?: string, mm?: string, ss?: string, frac?: string): number | undefined {
  const h = hh === undefined ? 0 : +hh, mi = mm === undefined ? 0 : +mm, s = ss === undefined ? 0 : +ss;
  if (!valid(y, mo, d, h, mi, s)) return undefined;
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  return Date.UTC(y, mo - 1, d, h, mi, s, ms);
}

/**
 * Decide how slashed dates `a/b/yyyy` in a column are read: day-first when some
 * first part exceeds 12, month-first otherwise (also when no value decides it;
 * `ambiguous` then says so).
 */
export function slashOrder(values: Iterable<string>): { order: SlashOrder; ambiguous: boolean } {
  let firstOver12 = false, secondOver12 = false, any = false;
  for (const v of values) {
    const m = SLASH.exec(v.trim());
    if (m === null) continue;
    any = true;
    if (+m[1] > 12) firstOver12 = true;
    if (+m[2] > 12) secondOver12 = true;
  }
  if (firstOver12 && !secondOver12) return { order: 'dmy', ambiguous: false };
  return { order: 'mdy', ambiguous: any && !secondOver12 && !firstOver12 };
}

/** True when any time in `ms` has a non-midnight time of day. */
export function hasTimeOfDay(ms: Float64Array): boolean {
  for (let i = 0; i < ms.length; i++) { const v = ms[i]; if (v === v && v % 86400000 !== 0) return true; }
  return false;
}

/** ISO 8601 text of epoch milliseconds (date only when the time is midnight). */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 86400000 === 0 ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}
