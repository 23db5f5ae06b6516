/** Helpers shared by the cyclical schedulers (OneCycleLR, CyclicLR). */
import { option } from '../../base/options.js';
import type { AnyOptimizer } from './scheduler.js';

/** A per-group setting: one number for every parameter group, or a list with one per group. */
export const PER_GROUP = option.custom<number | readonly number[]>('a number or a list of numbers (one per parameter group)',
  (v): v is number | readonly number[] => typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')));

/** One value per parameter group: a list of that length, or one value repeated. */
export function perGroup(name: string, optimizer: AnyOptimizer, value: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (typeof value === 'number') return Array<number>(n).fill(value);
  if (value.length !== n) throw new Error(`expected ${n} values for ${name}, got ${value.length}`);
  return [...value];
}

/** Whether the optimizer's defaults have an option. */
export function hasOption(optimizer: AnyOptimizer, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(optimizer.defaults, key);
}
