/**
 * Parameter importances by mean decrease in impurity, the method of Optuna's
 * MeanDecreaseImpurityImportanceEvaluator: a random forest of regression trees (64 trees,
 * bootstrap samples, every feature tried at each split, grown fully) is fitted to the objective
 * values of the complete trials over the parameters they all share (the intersection search
 * space); each parameter's importance is the impurity decrease its splits achieve, averaged over
 * the trees and normalised to sum to 1. Numeric parameters enter as their values, categoricals
 * one-hot, with the importances of a categorical's columns added up. Cheaper and simpler than
 * fANOVA, and like it a statement about this study's trials, not about the model in general.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { Generator } from '../core/generator.js';
import { toInternal, type Distribution } from './distributions.js';
import type { FrozenTrial } from './frozen_trial.js';
import { treeImportances } from './math/regression_tree.js';
import { intersectionSearchSpace, isSingle } from './samplers/search_space.js';

const IMPORTANCE_OPTIONS = defineOptions('parameterImportances', {
  /** Trees in the forest (default 64, as Optuna). */
  nTrees: option.number({ default: 64, min: 1, integer: true }),
  /** Seed of the bootstrap samples (default 0). */
  seed: option.number({ default: 0, integer: true }),
});

export type ImportanceOptions = OptionsInput<typeof IMPORTANCE_OPTIONS>;

/** The feature columns of one parameter for one trial. */
function encode(d: Distribution, internal: number): number[] {
  return d.kind === 'categorical' ? d.choices.map((_, i) => (i === internal ? 1 : 0)) : [internal];
}

/**
 * Importance of each parameter (name → share, summing to 1; sorted, most important first).
 * Empty when fewer than two complete trials share a parameter.
 *
 * @example
 * const imp = dl.tune.parameterImportances(study.trials); // { lr: 0.71, layers: 0.2, dropout: 0.09 }
 */
export function parameterImportances(trials: readonly FrozenTrial[], options: ImportanceOptions = {}): Record<string, number> {
  const { nTrees, seed } = IMPORTANCE_OPTIONS.parse(options);
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));
  const space = intersectionSearchSpace(complete);
  const names = Object.keys(space).filter((n) => !isSingle(space[n])).sort();
  if (names.length === 0 || complete.length < 2) return {};
  // The parameter each feature column belongs to.
  const columnsOf = names.flatMap((n, j) => encode(space[n], 0).map(() => j));
  const x = complete.map((t) => names.flatMap((n) => encode(space[n], toInternal(t.distributions[n], t.params[n]))));
  const y = complete.map((t) => t.value as number);
  const g = new Generator(seed);
  const sum = new Array<number>(columnsOf.length).fill(0);
  for (let k = 0; k < nTrees; k++) {
    const sample = Array.from({ length: complete.length }, () => g.nextInt(0, complete.length));
    treeImportances(x, y, sample).forEach((v, c) => { sum[c] += v / nTrees; });
  }
  const perParam = new Array<number>(names.length).fill(0);
  sum.forEach((v, c) => { perParam[columnsOf[c]] += v; });
  const total = perParam.reduce((a, b) => a + b, 0);
  return Object.fromEntries(names.map((n, j) => [n, total > 0 ? perParam[j] / total : 1 / names.length] as const).sort((a, b) => b[1] - a[1]));
}
