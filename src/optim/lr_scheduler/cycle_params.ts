/** Helpers shared by the cyclical schedulers (OneCycleLR, CyclicLR). */
import type { AnyOptimizer } from './scheduler.js';

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
