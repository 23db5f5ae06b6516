/**
 * The multivariate Parzen estimator of Optuna 3.1's `TPESampler(multivariate=True)`: one kernel
 * per observation over all parameters at once (a product of the per-parameter kernels of
 * parzen_estimator.ts), plus the prior kernel. The numeric widths follow Scott's rule as Optuna
 * does: sigma0 × range with sigma0 = 0.2 · max(n, 1)^(-1 / (d + 4)), then the same clip as the
 * univariate estimator; a sample picks one kernel and draws every parameter from it, so values
 * that were good together are proposed together.
 */
import type { Generator } from '../../core/generator.js';
import type { Distribution } from '../distributions.js';
import { logAddExp } from '../math/normal.js';
import { choiceIndex } from '../math/random.js';
import { drawFromKernel, kernelLogPdf, kernelsOf, mixtureWeights, PARZEN_OPTIONS, toKernelSpace, type Kernels, type ParzenOptions } from './parzen_estimator.js';

/** Optuna's SIGMA0_MAGNITUDE. */
const SIGMA0_MAGNITUDE = 0.2;

/** Internal values by parameter name; every array has the same length. */
export type Observations = Readonly<Record<string, readonly number[]>>;

export class MultivariateParzenEstimator {
  /** Mixture weights of the kernels (the prior last), summing to 1. */
  readonly weights: number[];
  /** Per parameter: kernel k of the mixture is the product over parameters of their kernel k. */
  readonly kernels: Readonly<Record<string, Kernels>>;
  private readonly names: string[];

  /** `observations` holds the internal values of every parameter of `space`, aligned by trial. */
  constructor(observations: Observations, readonly space: Readonly<Record<string, Distribution>>, options: ParzenOptions) {
    const opts = PARZEN_OPTIONS.parse(options, 'MultivariateParzenEstimator');
    this.names = Object.keys(space);
    if (this.names.length === 0) throw new RangeError('MultivariateParzenEstimator: the search space is empty');
    const n = observations[this.names[0]]?.length ?? 0;
    for (const name of this.names) {
      if (observations[name]?.length !== n) throw new RangeError(`MultivariateParzenEstimator: '${name}' has ${observations[name]?.length ?? 0} observations, not ${n}`);
    }
    this.weights = mixtureWeights(n, opts);
    const sigma0 = SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (this.names.length + 4));
    this.kernels = Object.fromEntries(this.names.map((name) => [name, kernelsOf(observations[name], space[name], opts, sigma0)]));
  }

  /** `size` joint draws, as internal values by parameter. */
  sample(g: Generator, size: number): Record<string, number[]> {
    const out: Record<string, number[]> = Object.fromEntries(this.names.map((name) => [name, [] as number[]]));
    for (let s = 0; s < size; s++) {
      const k = choiceIndex(g, this.weights);
      for (const name of this.names) out[name].push(drawFromKernel(g, this.kernels[name], this.space[name], k));
    }
    return out;
  }

  /** Log density (log mass on discrete parameters) of each joint point under the mixture. */
  logPdf(points: Observations): number[] {
    const size = points[this.names[0]]?.length ?? 0;
    const out = new Array<number>(size);
    for (let s = 0; s < size; s++) {
      let acc = -Infinity;
      for (let k = 0; k < this.weights.length; k++) {
        let lp = Math.log(this.weights[k]);
        for (const name of this.names) lp += this.kernelLogPdf(name, k, points[name][s]);
        acc = logAddExp(acc, lp);
      }
      out[s] = acc;
    }
    return out;
  }

  private kernelLogPdf(name: string, k: number, value: number): number {
    const kern = this.kernels[name];
    if (kern.kind === 'categorical') return Math.log(kern.probs[k][value]);
    return kernelLogPdf(kern, k, toKernelSpace(this.space[name], value));
  }
}
