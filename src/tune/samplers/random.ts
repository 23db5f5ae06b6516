/** RandomSampler: each parameter drawn uniformly in its (log-)space, as Optuna's RandomSampler. */
import { defineOptions, type OptionsInput } from '../../base/options.js';
import type { Generator } from '../../core/generator.js';
import type { Distribution } from '../distributions.js';
import { SEED_FIELD, samplerGenerator, uniform } from '../math/random.js';
import type { Sampler } from './sampler.js';

const RANDOM_SAMPLER_OPTIONS = defineOptions('RandomSampler', {
  /** Seed of the draws (default: from the OS). */
  seed: SEED_FIELD,
});

export type RandomSamplerOptions = OptionsInput<typeof RANDOM_SAMPLER_OPTIONS>;

/** One uniform draw of an internal value; `g` is the caller's seeded generator. */
export function sampleUniform(g: Generator, dist: Distribution): number {
  switch (dist.kind) {
    case 'categorical': return g.nextInt(0, dist.choices.length);
    case 'float': {
      if (dist.log) return Math.min(dist.high, Math.exp(uniform(g, Math.log(dist.low), Math.log(dist.high))));
      if (dist.step === null) return dist.low === dist.high ? dist.low : uniform(g, dist.low, dist.high);
      const n = Math.round((dist.high - dist.low) / dist.step);
      return Math.min(dist.high, dist.low + g.nextInt(0, n + 1) * dist.step);
    }
    case 'int': {
      if (dist.log) {
        const v = Math.round(Math.exp(uniform(g, Math.log(dist.low - 0.5), Math.log(dist.high + 0.5))));
        return Math.min(dist.high, Math.max(dist.low, v));
      }
      const n = Math.round((dist.high - dist.low) / dist.step);
      return dist.low + g.nextInt(0, n + 1) * dist.step;
    }
  }
}

export class RandomSampler implements Sampler {
  private readonly generator: Generator;
  constructor(options: RandomSamplerOptions = {}) {
    this.generator = samplerGenerator(RANDOM_SAMPLER_OPTIONS.parse(options).seed);
  }
  sampleIndependent(_ctx: unknown, _trial: unknown, _name: string, dist: Distribution): number {
    return sampleUniform(this.generator, dist);
  }
}
