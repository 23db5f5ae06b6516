/** Schedules that scale the initial rate by a factor: constant, linear, polynomial, or a function. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { AnyOptimizer, LAST_EPOCH, LRScheduler } from './scheduler.js';

/** A multiplicative factor in [0, 1]. */
const FACTOR = (def: number) => option.number({ default: def, min: 0, max: 1 });
const TOTAL_ITERS = option.number({ default: 5, min: 0, integer: true });

const CONSTANT_LR_OPTIONS = defineOptions('ConstantLR', {
  /** The factor the rate is multiplied by until `totalIters` (default 1/3). */
  factor: FACTOR(1 / 3),
  /** Epochs the factor applies (default 5). */
  totalIters: TOTAL_ITERS,
  lastEpoch: LAST_EPOCH,
});
const LINEAR_LR_OPTIONS = defineOptions('LinearLR', {
  /** Factor at the first epoch (default 1/3). */
  startFactor: option.number({ default: 1 / 3, min: 0, max: 1, minExclusive: true }),
  /** Factor at `totalIters` and after (default 1). */
  endFactor: FACTOR(1),
  /** Epochs of the linear ramp (default 5). */
  totalIters: TOTAL_ITERS,
  lastEpoch: LAST_EPOCH,
});
const POLYNOMIAL_LR_OPTIONS = defineOptions('PolynomialLR', {
  /** Epochs until the rate reaches 0 (default 5). */
  totalIters: TOTAL_ITERS,
  /** Power of the polynomial (default 1). */
  power: option.number({ default: 1 }),
  lastEpoch: LAST_EPOCH,
});
const LAMBDA_LR_OPTIONS = defineOptions('LambdaLR', {
  /** The factor of each epoch, one function or one per parameter group. */
  lrLambda: option.required(option.custom<LrLambda | readonly LrLambda[]>('a function (epoch) => factor, or one per parameter group',
    (v): v is LrLambda | readonly LrLambda[] => typeof v === 'function' || (Array.isArray(v) && v.every((f) => typeof f === 'function')))),
  lastEpoch: LAST_EPOCH,
});

/**
 * Scale the rate by `factor` until epoch `totalIters`, then restore it.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof CONSTANT_LR_OPTIONS> = {}) {
    const o = CONSTANT_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.factor = o.factor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

/**
 * Scale the rate linearly from `startFactor` to `endFactor` over `totalIters` epochs.
 *
 * @example
 * const warmup = new dl.optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof LINEAR_LR_OPTIONS> = {}) {
    const o = LINEAR_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.startFactor = o.startFactor;
    this.endFactor = o.endFactor;
    this.totalIters = o.totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const d = this.endFactor - this.startFactor;
    return this.groups.map((g) => g.lr * (1 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d)));
  }
  protected override closedFormLr(): number[] {
    const d = this.endFactor - this.startFactor;
    return this.baseLrs.map((lr) => lr * (this.startFactor + d * Math.min(this.totalIters, this.lastEpoch) / this.totalIters));
  }
}

/**
 * Decay the rate polynomially to 0 over `totalIters` epochs: lr₀ · (1 − epoch/totalIters)^power.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.PolynomialLR(opt, { totalIters: 10, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof POLYNOMIAL_LR_OPTIONS> = {}) {
    const o = POLYNOMIAL_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.totalIters = o.totalIters;
    this.power = o.power;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return this.groups.map((g) => g.lr);
    const factor = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return this.groups.map((g) => g.lr * factor);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

/** A function of the epoch giving the factor applied to the initial rate. */
export type LrLambda = (epoch: number) => number;

/**
 * Set the rate to the initial rate times `lrLambda(epoch)` (one function, or one per group).
 *
 * @example
 * const sched = new dl.optim.lrScheduler.LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof LAMBDA_LR_OPTIONS>) {
    const o = LAMBDA_LR_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    const n = optimizer.paramGroups.length;
    if (typeof o.lrLambda === 'function') {
      this.lrLambdas = Array<LrLambda>(n).fill(o.lrLambda);
    } else {
      if (o.lrLambda.length !== n) throw new Error(`LambdaLR: expected ${n} lrLambdas, but got ${o.lrLambda.length}`);
      this.lrLambdas = [...o.lrLambda];
    }
    this.initialStep();
  }
  protected override get stateSkip(): readonly string[] {
    return ['lrLambdas'];
  }
  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }
}
