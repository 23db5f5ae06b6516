/** Schedules that multiply the rate by γ: every few epochs, at milestones, or every epoch. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { AnyOptimizer, LAST_EPOCH, LRScheduler } from './scheduler.js';

const STEP_LR_OPTIONS = defineOptions('StepLR', {
  /** Period of the decay, in epochs. */
  stepSize: option.required(option.number({ min: 1, integer: true })),
  /** Multiplicative factor of the decay (default 0.1). */
  gamma: option.number({ default: 0.1, min: 0 }),
  lastEpoch: LAST_EPOCH,
});
const MULTI_STEP_LR_OPTIONS = defineOptions('MultiStepLR', {
  /** Epochs at which the rate is multiplied by γ (a repeated epoch multiplies again). */
  milestones: option.required(option.custom<readonly number[]>('a list of non-negative integers',
    (v): v is readonly number[] => Array.isArray(v) && v.every((m) => Number.isInteger(m) && m >= 0))),
  /** Multiplicative factor of the decay (default 0.1). */
  gamma: option.number({ default: 0.1, min: 0 }),
  lastEpoch: LAST_EPOCH,
});
const EXPONENTIAL_LR_OPTIONS = defineOptions('ExponentialLR', {
  /** Multiplicative factor of the decay, every epoch. */
  gamma: option.required(option.number({ min: 0 })),
  lastEpoch: LAST_EPOCH,
});

/** The number of entries of sorted `xs` that are <= x (Python's `bisect_right`). */
export function bisectRight(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < xs[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Multiply the rate by `gamma` every `stepSize` epochs: lr = lr₀ · γ^⌊epoch / stepSize⌋.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof STEP_LR_OPTIONS>) {
    const o = STEP_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.stepSize = o.stepSize;
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiply the rate by `gamma` at each milestone epoch (a milestone listed twice applies γ twice).
 *
 * @example
 * const sched = new dl.optim.lrScheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epoch → how many times it was listed. */
  milestones: Record<number, number>;
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof MULTI_STEP_LR_OPTIONS>) {
    const o = MULTI_STEP_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.milestones = {};
    for (const m of o.milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const sorted = Object.entries(this.milestones).flatMap(([m, c]) => Array<number>(c).fill(Number(m))).sort((a, b) => a - b);
    return this.baseLrs.map((lr) => lr * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }
}

/**
 * Multiply the rate by `gamma` every epoch: lr = lr₀ · γ^epoch.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof EXPONENTIAL_LR_OPTIONS>) {
    const o = EXPONENTIAL_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.gamma = o.gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
