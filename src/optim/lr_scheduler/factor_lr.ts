/** Schedules that scale the initial rate by a factor: constant, linear, polynomial, or a function. */
import { AnyOptimizer, LRScheduler } from './scheduler.js';

function checkFactor(name: string, what: string, f: number): void {
  if (!(f >= 0 && f <= 1)) throw new RangeError(`${name}: ${what} expected to be between 0 and 1, got ${f}`);
}

/**
 * Scale the rate by `factor` until epoch `totalIters`, then restore it.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: AnyOptimizer, options: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.factor = options.factor ?? 1 / 3;
    checkFactor('ConstantLR', 'Constant multiplicative factor', this.factor);
    this.totalIters = options.totalIters ?? 5;
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
  constructor(optimizer: AnyOptimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    checkFactor('LinearLR', 'Starting multiplicative factor', this.startFactor);
    checkFactor('LinearLR', 'Ending multiplicative factor', this.endFactor);
    this.totalIters = options.totalIters ?? 5;
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
  constructor(optimizer: AnyOptimizer, options: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, options.lastEpoch);
    this.totalIters = options.totalIters ?? 5;
    this.power = options.power ?? 1;
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
  constructor(optimizer: AnyOptimizer, options: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    const n = optimizer.paramGroups.length;
    if (typeof options.lrLambda === 'function') {
      this.lrLambdas = Array<LrLambda>(n).fill(options.lrLambda);
    } else {
      if (options.lrLambda.length !== n) throw new Error(`LambdaLR: expected ${n} lrLambdas, but got ${options.lrLambda.length}`);
      this.lrLambdas = [...options.lrLambda];
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
