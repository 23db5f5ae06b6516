/** Cyclical learning rates (Smith 2017): the rate oscillates between two bounds. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { hasOption, PER_GROUP, perGroup } from './cycle_params.js';
import { AnyOptimizer, LAST_EPOCH, LRScheduler } from './scheduler.js';

const CYCLIC_OPTIONS = defineOptions('CyclicLR', {
  /** Lower bound of the cycle, one value or one per group (also the initial rate). */
  baseLr: option.required(PER_GROUP),
  /** Upper bound of the cycle. */
  maxLr: option.required(PER_GROUP),
  /** Steps in the increasing half (default 2000). */
  stepSizeUp: option.number({ min: 0, minExclusive: true }),
  /** Steps in the decreasing half (default: stepSizeUp). */
  stepSizeDown: option.number({ min: 0, minExclusive: true }),
  /** 'triangular' (default), 'triangular2' (amplitude halves each cycle) or 'exp_range' (scaled by gamma^step). */
  mode: option.choice(['triangular', 'triangular2', 'exp_range']),
  /** Base of 'exp_range' (default 1). */
  gamma: option.number({ min: 0 }),
  /** A custom amplitude scale; overrides `mode`. */
  scaleFn: option.custom<(x: number) => number>('a function', (v): v is (x: number) => number => typeof v === 'function'),
  /** Whether `scaleFn` takes the cycle number ('cycle', default) or the step ('iterations'). */
  scaleMode: option.choice(['cycle', 'iterations']),
  /** Cycle the optimizer's `momentum` inversely to the rate (default true; needs an optimizer with momentum). */
  cycleMomentum: option.boolean(),
  baseMomentum: PER_GROUP,
  maxMomentum: PER_GROUP,
  lastEpoch: LAST_EPOCH,
});

/** The options of CyclicLR. */
export type CyclicOptions = OptionsInput<typeof CYCLIC_OPTIONS>;

/**
 * CyclicLR, as `torch.optim.lr_scheduler.CyclicLR`: step it after every batch.
 *
 * @example
 * const opt = new dl.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * const sched = new dl.optim.lrScheduler.CyclicLR(opt, { baseLr: 0.001, maxLr: 0.1, stepSizeUp: 200 });
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: 'triangular' | 'triangular2' | 'exp_range';
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  private readonly scaleFnCustom: ((x: number) => number) | undefined;

  constructor(optimizer: AnyOptimizer, options: CyclicOptions) {
    const o = CYCLIC_OPTIONS.parse(options);
    const lastEpoch = o.lastEpoch ?? -1;
    const baseLrs = perGroup('base_lr', optimizer, o.baseLr);
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => { g.lr = baseLrs[i]; });
    const cycle = o.cycleMomentum ?? true;
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycle) {
      if (!hasOption(optimizer, 'momentum')) throw new Error('CyclicLR: optimizer must support momentum with `cycleMomentum` option enabled');
      const base = perGroup('base_momentum', optimizer, o.baseMomentum ?? 0.8);
      if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => { (g as Record<string, unknown>).momentum = base[i]; });
      baseMomentums = optimizer.paramGroups.map((g) => (g as Record<string, unknown>).momentum as number);
      maxMomentums = perGroup('max_momentum', optimizer, o.maxMomentum ?? 0.9);
    }
    super(optimizer, lastEpoch);
    this.maxLrs = perGroup('max_lr', optimizer, o.maxLr);
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode ?? 'triangular';
    if (!['triangular', 'triangular2', 'exp_range'].includes(this.mode) && o.scaleFn === undefined) {
      throw new Error('CyclicLR: mode is invalid and scaleFn is undefined');
    }
    this.gamma = o.gamma ?? 1;
    this.scaleFnCustom = o.scaleFn;
    this.scaleMode = o.scaleFn !== undefined ? (o.scaleMode ?? 'cycle') : this.mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycleMomentum = cycle;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    this.baseLrs = baseLrs;
    this.initialStep();
  }

  private scale(x: number): number {
    if (this.scaleFnCustom !== undefined) return this.scaleFnCustom(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * factor * s);
    if (this.cycleMomentum) {
      this.groups.forEach((g, i) => {
        g.momentum = this.maxMomentums[i] - (this.maxMomentums[i] - this.baseMomentums[i]) * factor * s;
      });
    }
    return lrs;
  }
}
