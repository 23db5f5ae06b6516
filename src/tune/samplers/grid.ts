/**
 * GridSampler: every combination of the given values once, in a seeded random order, as
 * Optuna's GridSampler (the grid point is a system attribute of the trial; the study stops
 * when every point has been taken).
 */
import { defineOptions, type OptionsInput } from '../../base/options.js';
import type { Generator } from '../../core/generator.js';
import { toInternal, type CategoricalChoice, type Distribution } from '../distributions.js';
import { TuneError } from '../errors.js';
import type { FrozenTrial } from '../frozen_trial.js';
import { SEED_FIELD, samplerGenerator } from '../math/random.js';
import type { Sampler, SamplerContext } from './sampler.js';

export type GridSpace = Readonly<Record<string, readonly CategoricalChoice[]>>;

const GRID_SAMPLER_OPTIONS = defineOptions('GridSampler', {
  /** Seed of the order the grid points are taken in (default: from the OS). */
  seed: SEED_FIELD,
});

export type GridSamplerOptions = OptionsInput<typeof GRID_SAMPLER_OPTIONS>;

const GRID_ID = 'grid_id';

export class GridSampler implements Sampler {
  private readonly names: string[];
  private readonly size: number;
  private readonly generator: Generator;

  constructor(private readonly space: GridSpace, options: GridSamplerOptions = {}) {
    const { seed } = GRID_SAMPLER_OPTIONS.parse(options);
    this.names = Object.keys(space).sort();
    if (this.names.length === 0) throw new TuneError('GridSampler: the search space is empty');
    for (const n of this.names) {
      if (!Array.isArray(space[n]) || space[n].length === 0) throw new TuneError(`GridSampler: parameter '${n}' has no values`);
    }
    this.size = this.names.reduce((p, n) => p * space[n].length, 1);
    this.generator = samplerGenerator(seed);
  }

  private taken(ctx: SamplerContext): Set<number> {
    return new Set(ctx.trials.filter((t) => t.state !== 'failed').map((t) => t.systemAttrs[GRID_ID]).filter((v): v is number => typeof v === 'number'));
  }

  isExhausted(ctx: SamplerContext): boolean {
    return this.taken(ctx).size >= this.size;
  }

  beforeTrial(ctx: SamplerContext): Record<string, unknown> {
    const taken = this.taken(ctx);
    const free: number[] = [];
    for (let i = 0; i < this.size; i++) if (!taken.has(i)) free.push(i);
    // All taken by running trials of other workers: run a random point again, as Optuna does.
    const pool = free.length > 0 ? free : Array.from({ length: this.size }, (_, i) => i);
    return { [GRID_ID]: pool[this.generator.nextInt(0, pool.length)] };
  }

  /** The grid values of point `id` (mixed radix over the sorted parameter names). */
  private point(id: number): Record<string, CategoricalChoice> {
    const out: Record<string, CategoricalChoice> = {};
    let rest = id;
    for (let i = this.names.length - 1; i >= 0; i--) {
      const values = this.space[this.names[i]];
      out[this.names[i]] = values[rest % values.length];
      rest = Math.floor(rest / values.length);
    }
    return out;
  }

  sampleIndependent(_ctx: SamplerContext, trial: FrozenTrial, name: string, dist: Distribution): number {
    const id = trial.systemAttrs[GRID_ID];
    if (!(name in this.space)) throw new TuneError(`GridSampler: parameter '${name}' is not in the grid (${this.names.join(', ')})`);
    if (typeof id !== 'number') throw new TuneError('GridSampler: the trial has no grid point');
    const value = this.point(id)[name];
    try {
      return toInternal(dist, value);
    } catch {
      throw new TuneError(`GridSampler: grid value ${JSON.stringify(value)} of '${name}' is not in its suggested distribution`);
    }
  }
}
