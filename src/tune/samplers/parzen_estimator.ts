/**
 * The univariate Parzen estimator of independent TPE, with Optuna 3.1's rules: one truncated
 * Gaussian kernel per observation plus a prior kernel (centre of the range, width = range);
 * kernel widths from the distances to the sorted neighbours (range ends as outer neighbours,
 * but the first and last kernels use their inner neighbour only), clipped to
 * [range / min(100, 1 + kernels), range] (the "magic clip"); log spaces are modelled in log
 * space; step and integer spaces are discrete (kernel mass over ±step/2 around a grid point);
 * categoricals are a mixture of smoothed one-hot distributions.
 */
import { defineOptions, option, type ResolvedOptions } from '../../base/options.js';
import type { Generator } from '../../core/generator.js';
import type { Distribution } from '../distributions.js';
import { logAddExp, logGaussMass, truncnormLogPdf, truncnormPpf } from '../math/normal.js';
import { numpyArgsort } from '../math/numpy_argsort.js';
import { choiceIndex } from '../math/random.js';

/** Optuna's default weights: flat for the newest 25 observations, a ramp from 1/n before them. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const m = n - 25;
  const ramp = Array.from({ length: m }, (_, i) => (m === 1 ? 1 / n : 1 / n + (i * (1 - 1 / n)) / (m - 1)));
  return [...ramp, ...new Array<number>(25).fill(1)];
}

/** The estimators' settings, with TPESampler's defaults (which takes them among its options). */
export const PARZEN_FIELDS = {
  /** Add a prior kernel (centred on the range, as wide as it) to l(x) and g(x), for stability (default true). */
  considerPrior: option.boolean(true),
  /** Weight of the prior kernel against one observation's (default 1). */
  priorWeight: option.number({ default: 1.0, min: 0 }),
  /** Limit how narrow the kernels get, by a heuristic on the number of observations (default true). */
  considerMagicClip: option.boolean(true),
  /** Take the ends of the range into account in the kernels' bandwidths (default false). */
  considerEndpoints: option.boolean(false),
  /** Observation weights, oldest first (default {@link defaultWeights}). */
  weights: option.custom<(n: number) => number[], (n: number) => number[]>('a function (n) => weights', (v): v is (n: number) => number[] => typeof v === 'function', defaultWeights),
};
export const PARZEN_OPTIONS = defineOptions('ParzenEstimator', PARZEN_FIELDS);

/** The estimators' settings, every one given. */
export type ParzenOptions = ResolvedOptions<typeof PARZEN_OPTIONS>;

export interface NumericKernels { kind: 'numeric'; low: number; high: number; q: number | null; mus: number[]; sigmas: number[] }
export interface CategoricalKernels { kind: 'categorical'; probs: number[][] }
export type Kernels = NumericKernels | CategoricalKernels;
type NumericDistribution = Exclude<Distribution, { kind: 'categorical' }>;

/** Bounds of the kernel space and the discretisation step (Optuna's `_calculate_parzen_bounds`). */
function parzenBounds(d: NumericDistribution): { low: number; high: number; q: number | null } {
  if (d.kind === 'float') {
    if (d.log) return { low: Math.log(d.low), high: Math.log(d.high), q: null };
    if (d.step !== null) return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, q: d.step };
    return { low: d.low, high: d.high, q: null };
  }
  if (d.log) return { low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), q: null };
  return { low: d.low - 0.5 * d.step, high: d.high + 0.5 * d.step, q: d.step };
}

export function toKernelSpace(d: Distribution, v: number): number {
  return d.kind !== 'categorical' && d.log ? Math.log(v) : v;
}

export function fromKernelSpace(d: NumericDistribution, x: number): number {
  const clip = (v: number): number => Math.min(d.high, Math.max(d.low, v));
  if (d.kind === 'float') {
    if (d.log) return Math.exp(x);
    if (d.step === null) return x;
    return clip(Math.round((x - d.low) / d.step) * d.step + d.low);
  }
  if (d.log) return clip(Math.round(Math.exp(x)));
  return clip(Math.round((x - d.low) / d.step) * d.step + d.low);
}

/** Kernel widths from sorted neighbour distances (univariate rule). */
function neighbourSigmas(mus: number[], low: number, high: number, considerEndpoints: boolean): number[] {
  const order = numpyArgsort(mus);
  const ext = [low, ...order.map((i) => mus[i]), high];
  const sorted: number[] = [];
  for (let k = 1; k < ext.length - 1; k++) sorted.push(Math.max(ext[k] - ext[k - 1], ext[k + 1] - ext[k]));
  if (!considerEndpoints && ext.length >= 4) {
    sorted[0] = ext[2] - ext[1];
    sorted[sorted.length - 1] = ext[ext.length - 2] - ext[ext.length - 3];
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, k) => { sigmas[i] = sorted[k]; });
  return sigmas;
}

export class ParzenEstimator {
  /** Mixture weights of the kernels (the prior last), summing to 1. */
  readonly weights: number[];
  readonly kernels: NumericKernels | CategoricalKernels;

  /** `observations` are internal values (choice indices for categoricals). */
  constructor(observations: readonly number[], readonly dist: Distribution, options: ParzenOptions) {
    const opts = PARZEN_OPTIONS.parse(options);
    this.weights = mixtureWeights(observations.length, opts);
    this.kernels = kernelsOf(observations, dist, opts, null);
  }

  /** `size` internal values drawn from the mixture. */
  sample(g: Generator, size: number): number[] {
    return Array.from({ length: size }, () => drawFromKernel(g, this.kernels, this.dist, choiceIndex(g, this.weights)));
  }

  /** Log density (log mass for discrete spaces) of each internal value under the mixture. */
  logPdf(values: readonly number[]): number[] {
    const kern = this.kernels;
    if (kern.kind === 'categorical') {
      return values.map((v) => Math.log(kern.probs.reduce((acc, row, k) => acc + this.weights[k] * row[v], 0)));
    }
    return values.map((v) => {
      const x = toKernelSpace(this.dist, v);
      let acc = -Infinity;
      for (let k = 0; k < kern.mus.length; k++) {
        acc = logAddExp(acc, Math.log(this.weights[k]) + kernelLogPdf(kern, k, x));
      }
      return acc;
    });
  }
}

/**
 * The mixture weights (Optuna's `_calculate_weights`): `opts.weights(n)` for the observations,
 * then the prior's weight when there is a prior (always when there are no observations).
 */
export function mixtureWeights(n: number, opts: ParzenOptions): number[] {
  const w = opts.weights(n).slice(0, n);
  if (w.some((x) => !(x >= 0) || !Number.isFinite(x))) throw new RangeError(`TPE weights must be finite and non-negative, got ${w}`);
  const all = opts.considerPrior || n === 0 ? [...w, opts.priorWeight] : w;
  const total = all.reduce((a, b) => a + b, 0);
  return all.map((x) => x / total);
}

/**
 * The kernels of one parameter. `sigma0` null: the univariate neighbour rule; a number: every
 * kernel's width is sigma0 × range (the multivariate rule), before the clip.
 */
export function kernelsOf(observations: readonly number[], dist: Distribution, opts: ParzenOptions, sigma0: number | null): Kernels {
  const prior = opts.considerPrior || observations.length === 0;
  return dist.kind === 'categorical'
    ? { kind: 'categorical', probs: categoricalKernels(observations, dist.choices.length, prior, opts.priorWeight) }
    : numericKernels(observations.map((v) => toKernelSpace(dist, v)), dist, prior, opts, sigma0);
}

/** One internal value drawn from kernel `k`. */
export function drawFromKernel(g: Generator, kern: Kernels, dist: Distribution, k: number): number {
  if (kern.kind === 'categorical') return choiceIndex(g, kern.probs[k]);
  const mu = kern.mus[k];
  const sigma = kern.sigmas[k];
  const z = truncnormPpf(g.nextDouble(), (kern.low - mu) / sigma, (kern.high - mu) / sigma);
  return fromKernelSpace(dist as NumericDistribution, z * sigma + mu);
}

/** Log density (log mass on discrete spaces) of kernel `k` at kernel-space point `x`. */
export function kernelLogPdf(kern: NumericKernels, k: number, x: number): number {
  const mu = kern.mus[k];
  const s = kern.sigmas[k];
  const a = (kern.low - mu) / s;
  const b = (kern.high - mu) / s;
  if (kern.q === null) return truncnormLogPdf(x, a, b, mu, s);
  const upper = Math.min(x + kern.q / 2, kern.high);
  const lower = Math.max(x - kern.q / 2, kern.low);
  return logGaussMass((lower - mu) / s, (upper - mu) / s) - logGaussMass(a, b);
}

function categoricalKernels(obs: readonly number[], nChoices: number, prior: boolean, priorWeight: number): number[][] {
  const rows = obs.length + (prior ? 1 : 0);
  const fill = priorWeight / rows;
  const probs = Array.from({ length: rows }, () => new Array<number>(nChoices).fill(fill));
  obs.forEach((c, i) => { probs[i][c] += 1; });
  return probs.map((row) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / sum);
  });
}

function numericKernels(obs: number[], dist: NumericDistribution, prior: boolean, opts: ParzenOptions, sigma0: number | null): NumericKernels {
  const { low, high, q } = parzenBounds(dist);
  const mus = prior ? [...obs, 0.5 * (low + high)] : [...obs];
  const range = high - low;
  const minSigma = opts.considerMagicClip ? range / Math.min(100, 1 + mus.length) : 1e-12;
  const raw = sigma0 === null ? neighbourSigmas(mus, low, high, opts.considerEndpoints) : mus.map(() => sigma0 * range);
  const sigmas = raw.map((s) => Math.min(range, Math.max(minSigma, s)));
  if (prior) sigmas[obs.length] = range;
  return { kind: 'numeric', low, high, q, mus, sigmas };
}
