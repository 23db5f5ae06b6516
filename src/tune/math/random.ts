/** The seeded random source of samplers: the engine's xoshiro128** generator. */
import { randomInt } from 'node:crypto';
import { option } from '../../base/options.js';
import { Generator } from '../../core/generator.js';

/** The `seed` option of samplers: an integer (default: drawn from the OS, so runs differ). */
export const SEED_FIELD = option.number({ integer: true });

/** A seeded generator, or one seeded from the OS when `seed` is undefined. */
export function samplerGenerator(seed: number | undefined): Generator {
  return new Generator(seed ?? randomInt(0, 2 ** 47));
}

/** Uniform in [low, high). */
export function uniform(g: Generator, low: number, high: number): number {
  return low + (high - low) * g.nextDouble();
}

/** Index drawn with the given probabilities (summing to 1). */
export function choiceIndex(g: Generator, probs: ArrayLike<number>): number {
  const u = g.nextDouble();
  let cum = 0;
  for (let i = 0; i < probs.length; i++) {
    cum += probs[i];
    if (u < cum) return i;
  }
  return probs.length - 1;
}
