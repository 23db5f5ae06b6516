/** Checks shared by the layers' and functions' option objects and size arguments. */

export { checkOptionKeys } from '../base/options.js';

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
