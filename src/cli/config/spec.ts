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

/** Builders that keep the schema file short. */
export const S = {
  num: (o: Omit<Extract<Spec, { t: 'number' }>, 't'> = {}): Spec => ({ t: 'number', ...o }),
  int: (min = 0, doc?: string): Spec => ({ t: 'number', int: true, min, doc }),
  /** An integer >= min or one of `or` (`'auto'`). */
  intOr: (min: number, or: readonly string[], doc?: string): Spec => ({ t: 'number', int: true, min, or, doc }),
  str: (o: Omit<Extract<Spec, { t: 'string' }>, 't'> = {}): Spec => ({ t: 'string', ...o }),
  oneOf: (values: readonly string[], doc?: string): Spec => ({ t: 'string', oneOf: values, doc }),
  bool: (doc?: string): Spec => ({ t: 'boolean', doc }),
  /** true, false or one of `or` (`'auto' | true | false`). */
  boolOr: (or: readonly string[], doc?: string): Spec => ({ t: 'boolean', or, doc }),
  list: (of: Spec, minItems?: number): Spec => ({ t: 'list', of, minItems }),
  obj: (fields: Record<string, Spec>, doc?: string): Spec => ({ t: 'object', fields, doc }),
  map: (of: Spec): Spec => ({ t: 'map', of }),
  opt: (of: Spec): Spec => ({ t: 'nullable', of }),
  any: (doc?: string): Spec => ({ t: 'any', doc }),
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
