/** Checks shared by the layers' and functions' option objects and size arguments. */

import { defineOptions, describeValue, option, type OptionsInput } from '../base/options.js';

export { checkOptionKeys } from '../base/options.js';

/** A layer size argument (features, channels, embeddings): a positive integer. */
export function checkSize(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(`${owner}: ${name} must be a positive integer, got ${typeof value === 'number' ? value : describeValue(value)}`);
  }
  return value;
}

const BIAS_OPTIONS = defineOptions('Linear', {
  /** Learn an additive bias (default true). */
  bias: option.boolean(true),
});

/** `bias` given positionally (`new nn.Linear(3, 4, false)`) or as PyTorch's keyword (`{ bias: false }`). */
export type BiasArgument = boolean | OptionsInput<typeof BIAS_OPTIONS>;

/** The bias flag of a `BiasArgument`; anything else is an error (an object is not silently true). */
export function biasOf(owner: string, arg: BiasArgument | undefined): boolean {
  if (arg === undefined || typeof arg === 'boolean') return arg ?? true;
  return BIAS_OPTIONS.parse(arg, owner).bias;
}

/**
 * A size argument as one value per spatial dim (PyTorch's `_ntuple`): a number repeats, a list
 * must have `k` entries. Every entry must be an integer ≥ `min`.
 */
export function spatialTuple(owner: string, name: string, value: number | readonly number[], k: number, min: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(k).fill(value) : [...value];
  if (list.length !== k) throw new Error(`${owner}: ${name} must be a number or a list of ${k}, got [${list.join(', ')}]`);
  for (const v of list) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${owner}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer, got ${typeof value === 'number' ? value : `[${list.join(', ')}]`}`);
  }
  return list;
}
