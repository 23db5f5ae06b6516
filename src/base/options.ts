/** Checks of option objects, shared by every layer of the engine (tensors, ops, modules, optimizers). */

/**
 * Throws when `options` has a key outside `known`: a misspelt option is an error, never ignored.
 *
 * @example
 * checkOptionKeys('Adam', { betas1: 0.9 }, ['lr', 'betas', 'eps']); // Error: Adam: unknown option 'betas1' (known: lr, betas, eps)
 */
export function checkOptionKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`${owner}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
}

/** A value's type as an error message says it: `null`, `an array`, `the string "a"`, `a Tensor`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'Object'}`;
  return `a ${typeof v}`; // number, boolean, bigint, symbol, function
}
