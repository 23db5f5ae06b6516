/**
 * Validates a plain value against a {@link Spec}: every problem is reported with its key path,
 * what was expected and what was found, and an unknown key gets the closest known key.
 */
import { didYouMean } from '../../base/suggest.js';
import { describeSpec, type Spec } from './spec.js';
import { isPlainObject } from '../../base/options.js';

/** One problem found in a config. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A short rendering of a found value. */
export function showValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list (${JSON.stringify(v).slice(0, 40)})`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}


function check(value: unknown, spec: Spec, path: string, out: ConfigIssue[]): void {
  const bad = (): void => { out.push({ path, message: `expected ${describeSpec(spec)}, found ${showValue(value)}` }); };
  switch (spec.t) {
    case 'any': return;
    case 'nullable':
      if (value !== null) check(value, spec.of, path, out);
      return;
    case 'number': {
      if (typeof value === 'string' && spec.or?.includes(value)) return;
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad();
      if (spec.int && !Number.isInteger(value)) return bad();
      if (spec.positive && !(value > 0)) return bad();
      if (spec.min !== undefined && value < spec.min) return bad();
      if (spec.max !== undefined && value > spec.max) return bad();
      return;
    }
    case 'string':
      if (typeof value !== 'string') return bad();
      if (spec.oneOf && !spec.oneOf.includes(value)) {
        out.push({ path, message: `expected ${describeSpec(spec)}, found ${showValue(value)}${didYouMean(value, spec.oneOf)}` });
        return;
      }
      if (spec.pattern && !spec.pattern.test(value)) return bad();
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && !(typeof value === 'string' && spec.or?.includes(value))) bad();
      return;
    case 'list':
      if (!Array.isArray(value)) return bad();
      if (spec.minItems !== undefined && value.length < spec.minItems) return bad();
      value.forEach((v, i) => check(v, spec.of, `${path}[${i}]`, out));
      return;
    case 'map':
      if (!isPlainObject(value)) return bad();
      for (const [k, v] of Object.entries(value)) check(v, spec.of, join(path, k), out);
      return;
    case 'object': {
      if (!isPlainObject(value)) return bad();
      const known = Object.keys(spec.fields);
      for (const [k, v] of Object.entries(value)) {
        const field = spec.fields[k];
        if (field === undefined) {
          out.push({ path: join(path, k), message: `unknown key${didYouMean(k, known)}; known keys here: ${known.join(', ')}` });
        } else {
          check(v, field, join(path, k), out);
        }
      }
      return;
    }
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * All problems of `value` against `spec` (empty when valid).
 *
 * @example
 * validate({ epcohs: 3 }, S.obj({ epochs: S.int(1) }));
 * // [{ path: 'epcohs', message: "unknown key (did you mean 'epochs'?); known keys here: epochs" }]
 */
export function validate(value: unknown, spec: Spec, path = ''): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  check(value, spec, path, out);
  return out;
}
