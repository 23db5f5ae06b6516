/**
 * TPESampler: the Tree-structured Parzen Estimator with Optuna 3.1's defaults. After
 * `nStartupTrials` finished trials (random before), the trials are ranked (complete trials by
 * value; pruned ones after them, those that got further first), the best `gamma(n)` form l(x) and
 * the rest g(x); `nEiCandidates` draws from l(x) are scored by log l(x) − log g(x) and the best
 * is taken. Independent by default (one parameter at a time); `multivariate: true` models the
 * parameters every finished trial has jointly (Optuna's `multivariate=True`), and `group: true`
 * does so per group of parameters that appear together (conditional spaces).
 */
import { defineOptions, option, type OptionsInput, type OptionsSchema } from '../../base/options.js';
import type { Generator } from '../../core/generator.js';
import { TuneError } from '../errors.js';
import { compatibleDistributions, toInternal, type Distribution } from '../distributions.js';
import { lastStep, type FrozenTrial } from '../frozen_trial.js';
import { SEED_FIELD, samplerGenerator } from '../math/random.js';
import { MultivariateParzenEstimator } from './multivariate_parzen.js';
import { PARZEN_FIELDS, ParzenEstimator, type ParzenOptions } from './parzen_estimator.js';
import { sampleUniform } from './random.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { groupDecomposedSearchSpace, intersectionSearchSpace, sortedSampleable, isSingle, type SearchSpace } from './search_space.js';

/** Optuna's default gamma: the best 10 %, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

const TPE_FIELDS = {
  /** Seed of the draws (default: from the OS). */
  seed: SEED_FIELD,
  /** Finished trials drawn at random before TPE starts (default 10). */
  nStartupTrials: option.number({ default: 10, min: 0, integer: true }),
  /** Draws from l(x) scored per suggestion (default 24). */
  nEiCandidates: option.number({ default: 24, min: 1, integer: true }),
  /** How many of n finished trials form l(x) (default {@link defaultGamma}: the best 10 %, at most 25). */
  gamma: option.custom<(n: number) => number, (n: number) => number>('a function (n) => count', (v): v is (n: number) => number => typeof v === 'function', defaultGamma),
  /** Sample the parameters every finished trial has jointly (Optuna's `multivariate=True`; default false). */
  multivariate: option.boolean(false),
  /** With `multivariate`: jointly per group of parameters that always appear together (Optuna's `group=True`; default false). */
  group: option.boolean(false),
};
// Typed by name, so that the estimator's fields keep their doc comments in the .d.ts.
const TPE_OPTIONS: OptionsSchema<typeof TPE_FIELDS & typeof PARZEN_FIELDS> = defineOptions('TPESampler', { ...TPE_FIELDS, ...PARZEN_FIELDS });

export type TPESamplerOptions = OptionsInput<typeof TPE_OPTIONS>;

/** The estimators of the best trials, l(x), and of the rest, g(x). */
export interface Estimators<E> { below: E; above: E }

/** A trial's rank key: [stage, signed value], compared lexicographically (smaller is better). */
type Score = [number, number];

/** Optuna's observation score of a complete or pruned trial. */
export function observationScore(t: FrozenTrial, sign: number): Score {
  if (t.state === 'complete') return [-Infinity, sign * (t.value as number)];
  const step = lastStep(t);
  if (step === null) return [1, 0];
  const v = t.intermediateValues.get(step) as number;
  return Number.isNaN(v) ? [-step, Infinity] : [-step, sign * v];
}

/** Indices (chronological) of the best `nBelow` scores and of the rest; ties keep trial order. */
export function splitObservations(scores: readonly Score[], nBelow: number): { below: number[]; above: number[] } {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a][0] - scores[b][0] || scores[a][1] - scores[b][1] || a - b);
  const below = order.slice(0, nBelow).sort((a, b) => a - b);
  const above = order.slice(nBelow).sort((a, b) => a - b);
  return { below, above };
}

export class TPESampler implements Sampler {
  private readonly generator: Generator;
  private readonly randomGenerator: Generator;
  private readonly parzen: ParzenOptions;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly gamma: (n: number) => number;
  private readonly multivariate: boolean;
  private readonly group: boolean;

  constructor(input: TPESamplerOptions = {}) {
    const options = TPE_OPTIONS.parse(input);
    if (options.group && !options.multivariate) throw new TuneError('TPESampler: group needs multivariate: true');
    this.generator = samplerGenerator(options.seed);
    // The startup draws come from a stream of their own, as Optuna's inner RandomSampler.
    this.randomGenerator = samplerGenerator(options.seed === undefined ? undefined : options.seed + 0x9e3779b9);
    const { considerPrior, priorWeight, considerMagicClip, considerEndpoints, weights } = options;
    this.parzen = { considerPrior, priorWeight, considerMagicClip, considerEndpoints, weights };
    this.nStartupTrials = options.nStartupTrials;
    this.nEiCandidates = options.nEiCandidates;
    this.gamma = options.gamma;
    this.multivariate = options.multivariate;
    this.group = options.group;
  }

  /** The finished trials split into below (the best gamma(n)) and above, or null during the startup trials. */
  private split(ctx: SamplerContext): { finished: FrozenTrial[]; below: number[]; above: number[] } | null {
    const finished = ctx.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    if (finished.length < this.nStartupTrials) return null;
    const sign = ctx.direction === 'minimize' ? 1 : -1;
    return { finished, ...splitObservations(finished.map((t) => observationScore(t, sign)), this.gamma(finished.length)) };
  }

  inferRelativeSearchSpace(ctx: SamplerContext): SearchSpace {
    if (!this.multivariate) return {};
    const spaces = this.group ? groupDecomposedSearchSpace(ctx.trials) : [intersectionSearchSpace(ctx.trials)];
    return Object.assign({}, ...spaces.map(sortedSampleable)) as SearchSpace;
  }

  sampleRelative(ctx: SamplerContext, _trial: FrozenTrial, space: Readonly<SearchSpace>): Record<string, number> {
    if (Object.keys(space).length === 0) return {};
    const groups = this.group ? groupDecomposedSearchSpace(ctx.trials).map(sortedSampleable) : [space];
    const out: Record<string, number> = {};
    for (const g of groups) {
      const sub = Object.fromEntries(Object.entries(g).filter(([name]) => name in space && !isSingle(space[name])));
      Object.assign(out, this.sampleJointly(ctx, sub));
    }
    return out;
  }

  /** One joint draw for `space` (Optuna's `_sample_relative`). */
  private sampleJointly(ctx: SamplerContext, space: SearchSpace): Record<string, number> {
    const e = this.jointEstimators(ctx, space);
    if (e === null) return {};
    const candidates = e.below.sample(this.generator, this.nEiCandidates);
    const best = argmaxDifference(e.below.logPdf(candidates), e.above.logPdf(candidates));
    return Object.fromEntries(Object.keys(space).map((name) => [name, candidates[name][best]]));
  }

  /**
   * The joint l(x) and g(x) of `space`, or null with an empty space or during the startup trials;
   * trials lacking its first parameter are left out (its group's parameters appear together).
   */
  jointEstimators(ctx: SamplerContext, space: SearchSpace): Estimators<MultivariateParzenEstimator> | null {
    const names = Object.keys(space);
    const s = names.length === 0 ? null : this.split(ctx);
    if (s === null) return null;
    const has = (i: number): boolean => names[0] in s.finished[i].params;
    const valuesOf = (idx: number[]): Record<string, number[]> => Object.fromEntries(names.map((name) => [name,
      idx.filter(has).map((i) => toInternal(s.finished[i].distributions[name], s.finished[i].params[name]))]));
    return { below: new MultivariateParzenEstimator(valuesOf(s.below), space, this.parzen), above: new MultivariateParzenEstimator(valuesOf(s.above), space, this.parzen) };
  }

  sampleIndependent(ctx: SamplerContext, _trial: FrozenTrial, name: string, dist: Distribution): number {
    const e = this.independentEstimators(ctx, name, dist);
    if (e === null) return sampleUniform(this.randomGenerator, dist);
    const candidates = e.below.sample(this.generator, this.nEiCandidates);
    return candidates[argmaxDifference(e.below.logPdf(candidates), e.above.logPdf(candidates))];
  }

  /**
   * The l(x) and g(x) of one parameter from the finished trials that have it (with a compatible
   * distribution), or null during the startup trials.
   *
   * @example
   * const e = new TPESampler({ seed: 0 }).independentEstimators(ctx, 'lr', floatDistribution('lr', 1e-4, 1e-1, { log: true }));
   */
  independentEstimators(ctx: SamplerContext, name: string, dist: Distribution): Estimators<ParzenEstimator> | null {
    const s = this.split(ctx);
    if (s === null) return null;
    const valuesOf = (idx: number[]): number[] => idx.flatMap((i) => {
      const t = s.finished[i];
      const d = t.distributions[name];
      return d !== undefined && name in t.params && compatibleDistributions(d, dist) ? [toInternal(d, t.params[name])] : [];
    });
    return { below: new ParzenEstimator(valuesOf(s.below), dist, this.parzen), above: new ParzenEstimator(valuesOf(s.above), dist, this.parzen) };
  }
}

/** The index maximising ll − lg (the first of ties, as NumPy's argmax). */
function argmaxDifference(ll: readonly number[], lg: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < ll.length; i++) if (ll[i] - lg[i] > ll[best] - lg[best]) best = i;
  return best;
}
