/**
 * Duplicate-key detection for JSON text. `JSON.parse` silently keeps the last of two equal keys;
 * a file format that names tensors by key must reject them instead.
 */

/**
 * The first key that appears twice in one JSON object of `text` (at any depth), with the path of
 * that object, or null. `text` must already be valid JSON.
 *
 * @example
 * findDuplicateKey('{"a": 1, "a": 2}'); // { key: 'a', path: '' }
 */
export function findDuplicateKey(text: string): { key: string; path: string } | null {
  // one entry per open container: the keys seen (null for arrays) and the key that opened it
  const stack: { keys: Set<string> | null; name: string }[] = [];
  let lastKey = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j + 1;
      let k = i;
      while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\n' || text[k] === '\r')) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top !== undefined && top.keys !== null) {
        const key = JSON.parse(raw) as string;
        if (top.keys.has(key)) return { key, path: stack.map((s) => s.name).filter((s) => s !== '').join('.') };
        top.keys.add(key);
        lastKey = key;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push({ keys: c === '{' ? new Set() : null, name: stack.length === 0 ? '' : lastKey });
    } else if (c === '}' || c === ']') {
      stack.pop();
    }
    i++;
  }
  return null;
}
