/**
 * A small XML well-formedness checker for the report tests: balanced tags,
 * one root, quoted and unique attributes, valid entity references, no stray
 * '<' or '&'. Returns the elements found, for content assertions.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Text directly inside the element (entities left as written). */
  text: string;
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/;

function checkText(s: string, where: number): void {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    if (!ENTITY.test(s.slice(i))) throw new Error(`bad entity reference at ${where + i}: ${JSON.stringify(s.slice(i, i + 12))}`);
  }
}

/** Parses `xml`; throws an Error with the offset on the first problem. */
export function parseXml(xml: string): XmlElement[] {
  const stack: XmlElement[] = [];
  const all: XmlElement[] = [];
  let roots = 0;
  let i = 0;
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    checkText(text, i);
    if (stack.length) stack[stack.length - 1].text += text;
    else if (text.trim()) throw new Error(`text outside the root element at ${i}`);
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end < 0) throw new Error(`unterminated comment at ${lt}`);
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', lt)) {
      const m = NAME.exec(xml.slice(lt + 2));
      const close = xml.indexOf('>', lt);
      if (!m || close < 0 || xml.slice(lt + 2 + m[0].length, close).trim()) throw new Error(`bad end tag at ${lt}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`end tag </${m[0]}> at ${lt} does not match <${open?.name ?? '(none)'}>`);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(xml.slice(lt + 1));
    if (!m) throw new Error(`stray '<' at ${lt}`);
    const el: XmlElement = { name: m[0], attrs: {}, text: '' };
    let j = lt + 1 + m[0].length;
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(j))![0].length;
      j += ws;
      if (xml.startsWith('/>', j) || xml[j] === '>') break;
      if (ws === 0) throw new Error(`expected whitespace before attribute at ${j} in <${el.name}>`);
      const a = /^([A-Za-z_:][\w:.-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(xml.slice(j));
      if (!a) throw new Error(`bad attribute at ${j} in <${el.name}>: ${JSON.stringify(xml.slice(j, j + 30))}`);
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} in <${el.name}> at ${j}`);
      const value = a[3] ?? a[4];
      checkText(value, j);
      el.attrs[a[1]] = value;
      j += a[0].length;
    }
    if (stack.length === 0 && ++roots > 1) throw new Error(`second root element <${el.name}> at ${lt}`);
    all.push(el);
    if (xml.startsWith('/>', j)) { i = j + 2; continue; }
    stack.push(el);
    i = j + 1;
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (roots !== 1) throw new Error('no root element');
  return all;
}
