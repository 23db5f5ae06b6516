/**
 * Decimal number parsing straight from bytes, without making a string per cell.
 *
 * Grammar: optional ASCII spaces, optional sign, digits with an optional
 * decimal separator, optional exponent (e/E, sign, digits), optional spaces.
 * Also `inf`, `infinity` (any case, signed). Values with at most 15 significant
 * digits and a small decimal exponent are computed exactly (the classic fast
 * path: an integer below 2^53 times or divided by an exact power of ten is
 * correctly rounded); anything else falls back to `Number()` on the text,
 * so results always equal `parseFloat` of the same text.
 */

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parse `buf[start, end)` as a decimal number. `decimal` is the byte of the
 * decimal separator (46 for '.', 44 for ','). Returns a number, or `undefined`
 * when the bytes are not a number.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number, decimal = 46): number | undefined {
  let i = start;
  while (i < end && buf[i] === 32) i++;
  while (end > i && buf[end - 1] === 32) end--;
  if (i >= end) return undefined;
  let neg = false;
  const s0 = buf[i];
  if (s0 === 45 || s0 === 43) { neg = s0 === 45; i++; if (i >= end) return undefined; }
  let mant = 0;
  let sig = 0; // significant digits accumulated into mant
  let dropped = 0; // significant digits not accumulated (too many)
  let fracDigits = 0;
  let digits = 0;
  let c = buf[i];
  while (c >= 48 && c <= 57) {
    if (sig < 15) { if (mant !== 0 || c !== 48) { mant = mant * 10 + (c - 48); sig++; } } else dropped++;
    digits++; i++; c = i < end ? buf[i] : -1;
  }
  if (c === decimal) {
    i++; c = i < end ? buf[i] : -1;
    while (c >= 48 && c <= 57) {
      if (sig < 15) { if (mant !== 0 || c !== 48) { mant = mant * 10 + (c - 48); sig++; } fracDigits++; } else dropped++;
      digits++; i++; c = i < end ? buf[i] : -1;
    }
  }
  if (digits === 0) return parseSpecial(buf, start, end);
  let exp = 0;
  if (c === 101 || c === 69) {
    i++; if (i >= end) return undefined;
    let eneg = false;
    c = buf[i];
    if (c === 45 || c === 43) { eneg = c === 45; i++; if (i >= end) return undefined; c = buf[i]; }
    let ed = 0;
    while (c >= 48 && c <= 57) { if (exp < 100000) exp = exp * 10 + (c - 48); ed++; i++; c = i < end ? buf[i] : -1; }
    if (ed === 0) return undefined;
    if (eneg) exp = -exp;
  }
  if (i !== end) return undefined;
  if (dropped === 0) {
    const e10 = exp - fracDigits;
    if (mant === 0) return neg ? -0 : 0;
    if (e10 >= 0 && e10 <= 22) { const v = mant * POW10[e10]; return neg ? -v : v; }
    if (e10 < 0 && e10 >= -22) { const v = mant / POW10[-e10]; return neg ? -v : v; }
  }
  return slowParse(buf, start, end, decimal);
}

function slowParse(buf: Uint8Array, start: number, end: number, decimal: number): number {
  let s = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1').trim();
  if (decimal !== 46) s = s.replace(String.fromCharCode(decimal), '.');
  return Number(s);
}

function parseSpecial(buf: Uint8Array, start: number, end: number): number | undefined {
  if (end - start > 10) return undefined;
  const s = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1').trim().toLowerCase();
  if (s === 'inf' || s === '+inf' || s === 'infinity' || s === '+infinity') return Infinity;
  if (s === '-inf' || s === '-infinity') return -Infinity;
  return undefined;
}

/** Parse a JS string with the same grammar as {@link parseNumber}. */
export function parseNumberString(s: string, decimal = '.'): number | undefined {
  const b = Buffer.from(s, 'latin1');
  if (b.length !== s.length || /[^\x20-\x7e]/.test(s)) return undefined;
  return parseNumber(b, 0, b.length, decimal.charCodeAt(0));
}
