/**
 * Escaping for text placed in SVG/HTML (XML 1.0): the five markup characters
 * become entities and characters XML forbids are dropped, so any label —
 * a column name, a class name from user data — yields well-formed markup.
 */

// Control characters other than tab/newline/CR, U+FFFE/U+FFFF and unpaired surrogates.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for element content or a quoted attribute value.
 *
 * @example
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: unknown): string {
  return String(text).replace(INVALID, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A coordinate for SVG output: rounded to 2 decimals, never NaN/Infinity.
 *
 * @example
 * coord(12.3456); // '12.35'
 */
export function coord(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 100) / 100;
  return String(Object.is(r, -0) ? 0 : r);
}

/**
 * A short id-safe slug plus a hash of `content`, for unique, deterministic
 * element ids when several charts share one HTML page.
 *
 * @example
 * uniqueId('Loss curve', '<path d="M0 0"/>'); // 'loss-curve-1a2b3c4d'
 */
export function uniqueId(label: string, content: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < content.length; i++) {
    h ^= content.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'chart';
  return `${/^[a-z]/.test(slug) ? slug : 'c-' + slug}-${h.toString(16).padStart(8, '0')}`;
}
