/**
 * A 31-bit FNV-1a hash of a string's UTF-16 code units: non-negative, so it travels in an int32
 * tensor (the ranks of a job compare their settings and model shapes by all-gathering it).
 *
 * @example
 * fnv1a31('abc') === fnv1a31('abc'); // true; any other string almost surely differs
 */
export function fnv1a31(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h & 0x7fffffff;
}
