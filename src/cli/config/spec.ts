/**
 * A small schema language for the config: each node says what a value must be, so one validator
 * can check a whole config and name the key path, the expectation and what was found.
 */
export type Spec =
  | { t: 'number'; min?: number; max?: number; int?: boolean; positive?: boolean; doc?: string; /** Strings accepted besides numbers (`'auto'`). */ or?: readonly string[] }
  | { t: 'string'; oneOf?: readonly string[]; pattern?: RegExp; describe?: string; doc?: string }
  | { t: 'boolean'; doc?: string; /** Strings accepted besides true and false (`'auto'`). */ or?: readonly string[] }
  | { t: 'list'; of: Spec; minItems?: number; doc?: string }
  | { t: 'object'; fields: Readonly<Record<string, Spec>>; doc?: string }
  | { t: 'map'; of: Spec; doc?: string }
  | { t: 'nullable'; of: Spec; doc?: string }
  | { t: 'any'; doc?: string };

/** Carries, at the type level only, the value a spec accepts (no such property exists at run time). */
declare const ACCEPTS: unique symbol;

/** A spec that knows the TypeScript type of what it accepts: the builders below return these. */
export type Typed<T> = Spec & { readonly [ACCEPTS]?: T };

/**
 * The TypeScript type of the values a spec built with {@link S} accepts: the config's types are
 * inferred from its schema (schema.ts), so the two cannot disagree.
 *
 * @example
 * const point = S.obj({ x: S.num(), tag: S.opt(S.oneOf(['a', 'b'])) });
 * type Point = Infer<typeof point>; // { x: number; tag: 'a' | 'b' | null }
 */
export type Infer<S> = S extends Typed<infer T> ? T : never;

type Fields = Record<string, Typed<unknown>>;

/** Builders that keep the schema file short; each returns a {@link Typed} spec. */
export const S = {
  num: (o: Omit<Extract<Spec, { t: 'number' }>, 't' | 'or'> = {}): Typed<number> => ({ t: 'number', ...o }),
  int: (min = 0, doc?: string): Typed<number> => ({ t: 'number', int: true, min, doc }),
  /** An integer >= min or one of `or` (`'auto'`). */
  intOr: <const O extends readonly string[]>(min: number, or: O, doc?: string): Typed<number | O[number]> => ({ t: 'number', int: true, min, or, doc }),
  str: (o: Omit<Extract<Spec, { t: 'string' }>, 't' | 'oneOf'> = {}): Typed<string> => ({ t: 'string', ...o }),
  oneOf: <const V extends readonly string[]>(values: V, doc?: string): Typed<V[number]> => ({ t: 'string', oneOf: values, doc }),
  bool: (doc?: string): Typed<boolean> => ({ t: 'boolean', doc }),
  /** true, false or one of `or` (`'auto' | true | false`). */
  boolOr: <const O extends readonly string[]>(or: O, doc?: string): Typed<boolean | O[number]> => ({ t: 'boolean', or, doc }),
  list: <T>(of: Typed<T>, minItems?: number, doc?: string): Typed<T[]> => ({ t: 'list', of, minItems, doc }),
  obj: <F extends Fields>(fields: F, doc?: string): Typed<{ [K in keyof F]: Infer<F[K]> }> => ({ t: 'object', fields, doc }),
  /** An object whose keys are `keys`, each accepting `of`. */
  objOf: <K extends string, T>(keys: readonly K[], of: Typed<T>, doc?: string): Typed<{ [P in K]: T }> =>
    ({ t: 'object', fields: Object.fromEntries(keys.map((k) => [k, of])), doc }),
  map: <T>(of: Typed<T>, doc?: string): Typed<Record<string, T>> => ({ t: 'map', of, doc }),
  opt: <T>(of: Typed<T>, doc?: string): Typed<T | null> => ({ t: 'nullable', of, doc }),
  /**
   * Any value, checked by the code that reads it (a layer list, a metric list): `T` is the type
   * that code guarantees, stated here because the schema language cannot say it.
   */
  any: <T = unknown>(doc?: string): Typed<T> => ({ t: 'any', doc }),
};

/** What a spec accepts, in words. */
export function describeSpec(spec: Spec): string {
  switch (spec.t) {
    case 'number': {
      const kind = spec.int ? 'an integer' : 'a number';
      const or = spec.or === undefined ? '' : ` or ${spec.or.map((v) => `'${v}'`).join(', ')}`;
      if (spec.positive) return `${kind} > 0${or}`;
      if (spec.min !== undefined && spec.max !== undefined) return `${kind} in [${spec.min}, ${spec.max}]${or}`;
      if (spec.min !== undefined) return `${kind} >= ${spec.min}${or}`;
      return `${kind}${or}`;
    }
    case 'string':
      if (spec.oneOf) return `one of ${spec.oneOf.map((v) => `'${v}'`).join(', ')}`;
      return spec.describe ?? 'a string';
    case 'boolean': return spec.or === undefined ? 'true or false' : `true, false or ${spec.or.map((v) => `'${v}'`).join(', ')}`;
    case 'list': return `a list of ${describeSpec(spec.of).replace(/^an? /, '')}${spec.of.t === 'number' ? 's' : ''}`;
    case 'object': return 'a mapping';
    case 'map': return `a mapping of names to ${describeSpec(spec.of)}`;
    case 'nullable': return `${describeSpec(spec.of)} or null`;
    case 'any': return 'any value';
  }
}

/** The spec at a dotted path (`hyperparameters.lr`), or undefined with the keys one level up. */
export function specAt(root: Spec, path: readonly string[]): { spec?: Spec; known: string[]; at: number } {
  let spec: Spec = root;
  for (let i = 0; i < path.length; i++) {
    while (spec.t === 'nullable') spec = spec.of;
    if (spec.t === 'map' || spec.t === 'any') { spec = spec.t === 'map' ? spec.of : spec; continue; }
    if (spec.t !== 'object') return { known: [], at: i };
    const next: Spec | undefined = spec.fields[path[i]];
    if (next === undefined) return { known: Object.keys(spec.fields), at: i };
    spec = next;
  }
  return { spec, known: [], at: path.length };
}
