/** Schedules that multiply the rate by γ: every few epochs, at milestones, or every epoch. */
import { AnyOptimizer, LRScheduler } from './scheduler.js';

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
  constructor(optimizer: AnyOptimizer, options: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
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
  constructor(optimizer: AnyOptimizer, options: { milestones: readonly number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    this.milestones = {};
    for (const m of options.milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = options.gamma ?? 0.1;
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
  constructor(optimizer: AnyOptimizer, options: { gamma: number; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    this.gamma = options.gamma;
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
