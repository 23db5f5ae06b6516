/**
 * Option objects, declared once: a schema of fields gives both the TypeScript type of the
 * options a constructor or function accepts and the run-time check of what it was given, so the
 * two cannot drift. Every check names the owner (class or function), the key and what was
 * expected; an unknown key is an error with a did-you-mean suggestion, never ignored.
 *
 * @example
 * const ADAM = defineOptions('Adam', {
 *   lr: option.number({ default: 1e-3, min: 0 }),
 *   betas: option.numbers(2, { default: [0.9, 0.999], min: 0, max: 1, maxExclusive: true }),
 *   amsgrad: option.boolean(false),
 * });
 * type AdamOptions = OptionsInput<typeof ADAM>;   // { lr?: number; betas?: [number, number]; amsgrad?: boolean }
 * ADAM.parse({ betas1: 0.9 }); // Error: Adam: unknown option 'betas1' (did you mean 'betas'?; known: lr, betas, amsgrad)
 */
import { didYouMean } from './suggest.js';

/** One declared option: its type in messages, its check, its default and whether it is required. */
export interface Field<T, Required extends boolean = boolean> {
  /** What a valid value is, as messages say it: `a number ≥ 0`, `one of 'mean', 'sum'`. */
  readonly expected: string;
  /** True when `v` (never undefined) is a valid value. */
  readonly valid: (v: unknown) => v is T;
  readonly default: T | undefined;
  readonly required: Required;
}

/** The value type of a field. */
export type FieldValue<F> = F extends { valid: (v: unknown) => v is infer T } ? T : never;
type Schema = Record<string, Field<unknown>>;
type IsRequired<F> = F extends Field<unknown, true> ? true : false;
type HasDefault<F> = F extends { default: infer D } ? (D extends undefined ? false : true) : false;

/**
 * What callers may pass: required fields, every other field optional. (Key remapping keeps the
 * mapped types homomorphic, so each field's doc comment reaches the editor.)
 */
export type OptionsInput<D> = D extends OptionsSchema<infer S>
  ? { -readonly [K in keyof S as IsRequired<S[K]> extends true ? K : never]: FieldValue<S[K]> }
    & { -readonly [K in keyof S as IsRequired<S[K]> extends true ? never : K]?: FieldValue<S[K]> }
  : never;
/** What `parse` returns: required and defaulted fields always set, the others possibly undefined. */
export type ResolvedOptions<D> = D extends OptionsSchema<infer S>
  ? { -readonly [K in keyof S as IsRequired<S[K]> extends true ? K : HasDefault<S[K]> extends true ? K : never]: FieldValue<S[K]> }
    & { -readonly [K in keyof S as IsRequired<S[K]> extends true ? never : HasDefault<S[K]> extends true ? never : K]?: FieldValue<S[K]> }
  : never;

/** A value's type as an error message says it: `null`, `an array`, `the string "a"`, `a Tensor`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `a ${typeof v}`; // number, boolean, bigint, symbol, function
}

/** True for an object that is neither null nor an array: what an options object or a JSON mapping must be. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as a message quotes it: numbers and strings literally, anything else described. */
function quote(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length <= 8 && v.every((x) => typeof x === 'number')) return `[${v.join(', ')}]`;
  return describeValue(v);
}

/** Throws when `options` has a key outside `known` (a misspelt option is an error, never ignored). */
export function checkOptionKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = didYouMean(key, known);
      throw new Error(`${owner}: unknown option '${key}' (${hint === '' ? '' : `${hint.slice(2, -1)}; `}known: ${known.join(', ')})`);
    }
  }
}

/** Bounds of a number option. */
export interface NumberSpec<D extends number | undefined = number | undefined> {
  default?: D;
  min?: number;
  max?: number;
  /** The bound itself is outside the range (`p` of dropout: `max: 1, maxExclusive: true`). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

function numberExpected(spec: NumberSpec): string {
  const kind = spec.integer === true ? 'an integer' : 'a number';
  const lo = spec.min === undefined ? '' : `${spec.minExclusive === true ? '>' : '≥'} ${spec.min}`;
  const hi = spec.max === undefined ? '' : `${spec.maxExclusive === true ? '<' : '≤'} ${spec.max}`;
  if (lo !== '' && hi !== '') return `${kind} in ${spec.minExclusive === true ? '(' : '['}${spec.min}, ${spec.max}${spec.maxExclusive === true ? ')' : ']'}`;
  return [kind, lo, hi].filter((s) => s !== '').join(' ');
}

function numberValid(spec: NumberSpec): (v: unknown) => v is number {
  return (v): v is number => typeof v === 'number' && !Number.isNaN(v)
    && (spec.integer !== true || Number.isInteger(v))
    && (spec.min === undefined || (spec.minExclusive === true ? v > spec.min : v >= spec.min))
    && (spec.max === undefined || (spec.maxExclusive === true ? v < spec.max : v <= spec.max));
}

/** The field constructors. A field without a default is optional unless made `required`. */
export const option = {
  number<D extends number | undefined = undefined>(spec: NumberSpec<D> = {}): Field<number, false> & { default: D } {
    return { expected: numberExpected(spec), valid: numberValid(spec), default: spec.default as D, required: false };
  },
  /** A fixed-length list of numbers, each within the bounds (Adam's `betas`). */
  numbers<N extends number, D extends number[] | undefined = undefined>(length: N, spec: Omit<NumberSpec, 'default'> & { default?: D } = {}): Field<TupleOf<N>, false> & { default: D } {
    const bounds: NumberSpec = { ...spec, default: undefined };
    const one = numberValid(bounds);
    return {
      expected: `a list of ${length} numbers, each ${numberExpected(bounds)}`,
      valid: (v): v is TupleOf<N> => Array.isArray(v) && v.length === length && v.every(one),
      default: spec.default as D, required: false,
    } as Field<TupleOf<N>, false> & { default: D };
  },
  boolean<D extends boolean | undefined = undefined>(def?: D): Field<boolean, false> & { default: D } {
    return { expected: 'a boolean', valid: (v): v is boolean => typeof v === 'boolean', default: def as D, required: false };
  },
  string<D extends string | undefined = undefined>(def?: D): Field<string, false> & { default: D } {
    return { expected: 'a string', valid: (v): v is string => typeof v === 'string', default: def as D, required: false };
  },
  /** One of a list of strings (`reduction: 'mean' | 'sum' | 'none'`). */
  choice<const C extends readonly string[], D extends C[number] | undefined = undefined>(choices: C, def?: D): Field<C[number], false> & { default: D } {
    return { expected: `one of ${choices.map((c) => `'${c}'`).join(', ')}`, valid: (v): v is C[number] => typeof v === 'string' && choices.includes(v), default: def as D, required: false };
  },
  /** Any value the predicate accepts (tensors, functions, unions): `expected` says what it is. */
  custom<T, D extends T | undefined = undefined>(expected: string, valid: (v: unknown) => v is T, def?: D): Field<T, false> & { default: D } {
    return { expected, valid, default: def as D, required: false };
  },
  /** The same field, but the caller must give it. */
  required<T>(field: Field<T, boolean>): Field<T, true> & { default: undefined } {
    return { ...field, default: undefined, required: true };
  },
};

type TupleOf<N extends number, Acc extends number[] = []> = Acc['length'] extends N ? Acc : TupleOf<N, [...Acc, number]>;

/**
 * `v` when it is a valid value of `field`; otherwise an error naming `owner` and `what` (`option
 * 'lr'` in `parse`; a positional argument's name, so that argument and option share one check):
 * a number out of a numeric field's range is a RangeError, anything else a TypeError.
 */
export function checkField<T>(owner: string, what: string, field: Field<T>, v: unknown): T {
  if (field.valid(v)) return v;
  const numeric = typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number'));
  const Err = numeric && /^(a number|an integer|a list of \d+ numbers)/.test(field.expected) ? RangeError : TypeError;
  throw new Err(`${owner}: ${what} must be ${field.expected}, got ${quote(v)}`);
}

/** A declared options object: `parse` checks and fills in defaults. */
export interface OptionsSchema<S extends Schema> {
  readonly owner: string;
  readonly fields: S;
  /** The known keys, in declaration order. */
  readonly keys: readonly string[];
  /**
   * Checks `input` (undefined means `{}`) and returns it with defaults filled in. `owner`
   * overrides the schema's name in messages (a subclass sharing its parent's options).
   */
  parse(input: unknown, owner?: string): ResolvedOptions<OptionsSchema<S>>;
}

/** Declares the options of `owner` (a class or function name, as messages show it). */
export function defineOptions<const S extends Schema>(owner: string, fields: S): OptionsSchema<S> {
  const keys = Object.keys(fields);
  return {
    owner, fields, keys,
    parse(input: unknown, as = owner) {
      if (input === undefined) input = {};
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new TypeError(`${as}: options must be an object, got ${describeValue(input)}`);
      }
      checkOptionKeys(as, input, keys);
      const given = input as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const field = fields[key];
        const v: unknown = given[key];
        if (v === undefined) {
          if (field.required) throw new TypeError(`${as}: option '${key}' is required (${field.expected})`);
          if (field.default !== undefined) out[key] = Array.isArray(field.default) ? [...field.default] : field.default;
          continue;
        }
        out[key] = checkField(as, `option '${key}'`, field, v);
      }
      return out as ResolvedOptions<OptionsSchema<S>>;
    },
  };
}
