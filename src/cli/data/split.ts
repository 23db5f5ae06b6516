/** Reproducible train/validation/test splits, stratified by class when asked. */
import { Generator } from '../../core/generator.js';

export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
  test: Int32Array;
}

function shuffle(a: number[], gen: Generator): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = gen.nextInt(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}

/**
 * Splits row indices by fractions with a seeded generator; with `strata` (a class per row) each
 * class is split on its own so every split keeps the class proportions.
 *
 * @example
 * splitIndices(100, { train: 0.7, val: 0.15, test: 0.15 }, 0); // { train: 70 rows, val: 15, test: 15 }
 */
export function splitIndices(rows: number, fractions: { train: number; val: number; test: number }, seed: number, strata?: ArrayLike<number>): SplitIndices {
  const gen = new Generator(seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const key = strata ? strata[i] : 0;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(i);
  }
  const train: number[] = [], val: number[] = [], test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(key)!;
    shuffle(g, gen);
    const nTest = Math.round(g.length * fractions.test);
    const nVal = Math.round(g.length * fractions.val);
    test.push(...g.slice(0, nTest));
    val.push(...g.slice(nTest, nTest + nVal));
    train.push(...g.slice(nTest + nVal));
  }
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  return { train: sorted(train), val: sorted(val), test: sorted(test) };
}
