/** Permutations and draws from a seeded dlflow Generator (engine-free). */
import type { Generator } from '../../core/generator.js';

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, from the end). */
export function permutation(n: number, gen: Generator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = gen.nextInt(0, i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
