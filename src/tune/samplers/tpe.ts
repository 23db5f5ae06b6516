/**
 * TPESampler: independent Tree-structured Parzen Estimator with Optuna 3.1's defaults. After
 * `nStartupTrials` finished trials (random before), the trials are ranked (complete trials by
 * value; pruned ones after them, those that got further first), the best `gamma(n)` form l(x) and
 * the rest g(x); `nEiCandidates` draws from l(x) are scored by log l(x) − log g(x) and the best
 * is taken.
 */
import type { Generator } from '../../core/generator.js';
import { compatibleDistributions, toInternal, type Distribution } from '../distributions.js';
import { lastStep, type FrozenTrial } from '../frozen_trial.js';
import { samplerGenerator } from '../math/random.js';
import { ParzenEstimator, type ParzenOptions } from './parzen_estimator.js';
import { sampleUniform } from './random.js';
import type { Sampler, SamplerContext } from './sampler.js';

/** Optuna's default gamma: the best 10 %, at most 25. */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights: flat for the newest 25 observations, a ramp from 1/n before them. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const m = n - 25;
  const ramp = Array.from({ length: m }, (_, i) => (m === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (m - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

export interface TPESamplerOptions {
  seed?: number;
  considerPrior?: boolean;
  priorWeight?: number;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  nStartupTrials?: number;
  nEiCandidates?: number;
  gamma?: (n: number) => number;
  weights?: (n: number) => number[];
}

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

  constructor(options: TPESamplerOptions = {}) {
    this.generator = samplerGenerator(options.seed);
    // The startup draws come from a stream of their own, as Optuna's inner RandomSampler.
    this.randomGenerator = samplerGenerator(options.seed === undefined ? undefined : options.seed + 0x9e3779b9);
    this.parzen = {
      considerPrior: options.considerPrior ?? true,
      priorWeight: options.priorWeight ?? 1.0,
      considerMagicClip: options.considerMagicClip ?? true,
      considerEndpoints: options.considerEndpoints ?? false,
      weights: options.weights ?? defaultWeights,
    };
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.gamma = options.gamma ?? defaultGamma;
  }

  sampleIndependent(ctx: SamplerContext, _trial: FrozenTrial, name: string, dist: Distribution): number {
    const finished = ctx.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    if (finished.length < this.nStartupTrials) return sampleUniform(this.randomGenerator, dist);
    const sign = ctx.direction === 'minimize' ? 1 : -1;
    const { below, above } = splitObservations(finished.map((t) => observationScore(t, sign)), this.gamma(finished.length));
    const valuesOf = (idx: number[]): number[] => idx.flatMap((i) => {
      const t = finished[i];
      const d = t.distributions[name];
      return d !== undefined && name in t.params && compatibleDistributions(d, dist) ? [toInternal(d, t.params[name])] : [];
    });
    return this.chooseCandidate(valuesOf(below), valuesOf(above), dist);
  }

  /** The candidate drawn from l(x) that maximises log l(x) − log g(x) (first of ties). */
  chooseCandidate(below: readonly number[], above: readonly number[], dist: Distribution): number {
    const l = new ParzenEstimator(below, dist, this.parzen);
    const g = new ParzenEstimator(above, dist, this.parzen);
    const candidates = l.sample(this.generator, this.nEiCandidates);
    const ll = l.logPdf(candidates);
    const lg = g.logPdf(candidates);
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (ll[i] - lg[i] > ll[best] - lg[best]) best = i;
    return candidates[best];
  }
}
