/**
 * The search spaces a multivariate sampler samples jointly, as Optuna 3.1 computes them from the
 * finished (complete or pruned) trials: the intersection (parameters every such trial has, with
 * the same distribution) and the group decomposition (disjoint groups of parameters that always
 * appear together, for conditional spaces).
 */
import { sameDistribution, type Distribution } from '../distributions.js';
import type { FrozenTrial } from '../frozen_trial.js';

export type SearchSpace = Record<string, Distribution>;

const finished = (trials: readonly FrozenTrial[]): FrozenTrial[] => trials.filter((t) => t.state === 'complete' || t.state === 'pruned');

/** Parameters with the same distribution in every finished trial, in the latest one's order (Optuna's IntersectionSearchSpace(include_pruned=True)). */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): SearchSpace {
  const done = finished(trials);
  const latest = done.at(-1);
  if (latest === undefined) return {};
  const space: SearchSpace = {};
  for (const [name, d] of Object.entries(latest.distributions)) {
    if (done.every((t) => t.distributions[name] !== undefined && sameDistribution(t.distributions[name], d))) space[name] = d;
  }
  return space;
}

/**
 * Optuna's `_SearchSpaceGroup.add_distributions` over the finished trials in order: each trial
 * splits every group into the part it has and the part it lacks; its new parameters form a new
 * group. A parameter keeps the distribution it was first seen with.
 */
export function groupDecomposedSearchSpace(trials: readonly FrozenTrial[]): SearchSpace[] {
  let groups: SearchSpace[] = [];
  for (const t of finished(trials)) {
    let fresh = new Set(Object.keys(t.distributions));
    const next: SearchSpace[] = [];
    for (const g of groups) {
      const inTrial: SearchSpace = {};
      const notInTrial: SearchSpace = {};
      for (const [name, d] of Object.entries(g)) (fresh.has(name) ? inTrial : notInTrial)[name] = d;
      next.push(inTrial, notInTrial);
      fresh = new Set([...fresh].filter((name) => !(name in g)));
    }
    next.push(Object.fromEntries([...fresh].map((name) => [name, t.distributions[name]])));
    groups = next.filter((g) => Object.keys(g).length > 0);
  }
  return groups;
}

/** Whether a distribution has a single value (nothing to sample). */
export function isSingle(d: Distribution): boolean {
  return d.kind === 'categorical' ? d.choices.length === 1 : d.low === d.high;
}

/** The space without single-valued parameters, with names sorted (Optuna's order within a group). */
export function sortedSampleable(space: SearchSpace): SearchSpace {
  return Object.fromEntries(Object.keys(space).sort().filter((name) => !isSingle(space[name])).map((name) => [name, space[name]]));
}
