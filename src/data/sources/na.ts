/**
 * Missing-value tokens. A cell whose whole text equals one of the tokens
 * (after trimming ASCII spaces) is missing. Matching works on bytes.
 */

/** The default tokens, as pandas mostly does: empty, NA, N/A, null, NaN, ? and a few spellings. */
export const DEFAULT_NA_TOKENS: readonly string[] = [
  '', 'NA', 'N/A', 'n/a', 'na', 'null', 'NULL', 'Null', 'NaN', 'nan', '-NaN', '-nan', 'None', '?', '#N/A',
];

/** Byte-level matcher for a set of missing-value tokens. */
export class NaMatcher {
  private readonly byLength: Uint8Array[][] = [];
  private readonly emptyIsNa: boolean;

  /** Build a matcher for `tokens` (compared as UTF-8 bytes). */
  constructor(tokens: readonly string[]) {
    this.emptyIsNa = tokens.includes('');
    for (const t of tokens) {
      if (t === '') continue;
      const b = Buffer.from(t, 'utf8');
      (this.byLength[b.length] ??= []).push(b);
    }
  }

  /** True when `buf[start, end)`, trimmed of ASCII spaces, is a missing-value token. */
  isNa(buf: Uint8Array, start: number, end: number): boolean {
    while (start < end && buf[start] === 32) start++;
    while (end > start && buf[end - 1] === 32) end--;
    const len = end - start;
    if (len === 0) return this.emptyIsNa;
    const cands = this.byLength[len];
    if (cands === undefined) return false;
    outer: for (const t of cands) {
      for (let k = 0; k < len; k++) if (t[k] !== buf[start + k]) continue outer;
      return true;
    }
    return false;
  }

  /** True when the string `s` is a missing-value token. */
  isNaString(s: string): boolean {
    const b = Buffer.from(s, 'utf8');
    return this.isNa(b, 0, b.length);
  }
}
