/** Reduce the learning rate when a metric stops improving. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { AnyOptimizer, SchedulerStateDict } from './scheduler.js';
import { fieldsToState, stateToFields } from './scheduler.js';
import { PER_GROUP } from './cycle_params.js';

const PLATEAU_OPTIONS = defineOptions('ReduceLROnPlateau', {
  /** 'min' (default): the metric should decrease; 'max': increase. */
  mode: option.choice(['min', 'max']),
  /** Multiply the rate by this on a plateau (default 0.1, must be < 1). */
  factor: option.number({ min: 0, max: 1, maxExclusive: true }),
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience: option.number({ min: 0, integer: true }),
  /** Smallest change that counts as an improvement (default 1e-4). */
  threshold: option.number({ min: 0 }),
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode: option.choice(['rel', 'abs']),
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown: option.number({ min: 0, integer: true }),
  /** Lower bound on the rate, one value or one per group (default 0). */
  minLr: PER_GROUP,
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps: option.number({ min: 0 }),
});

/** The options of ReduceLROnPlateau. */
export type ReduceLROnPlateauOptions = OptionsInput<typeof PLATEAU_OPTIONS>;

/**
 * ReduceLROnPlateau, as `torch.optim.lr_scheduler.ReduceLROnPlateau`.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau {
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: 'min' | 'max';
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  best = Infinity;
  numBadEpochs = 0;
  modeWorse = Infinity;
  eps: number;
  lastEpoch = 0;
  lastLr: number[];

  constructor(readonly optimizer: AnyOptimizer, input: ReduceLROnPlateauOptions = {}) {
    const options = PLATEAU_OPTIONS.parse(input);
    this.factor = options.factor ?? 0.1;
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr === 'number') {
      this.minLrs = Array<number>(n).fill(minLr);
    } else {
      if (minLr.length !== n) throw new Error(`ReduceLROnPlateau: expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    }
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    this.initIsBetter();
    this.reset();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private initIsBetter(): void {
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new Error(`ReduceLROnPlateau: threshold mode ${String(this.thresholdMode)} is unknown!`);
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }

  private reset(): void {
    this.best = this.modeWorse;
    this.cooldownCounter = 0;
    this.numBadEpochs = 0;
  }

  /** Whether `a` improves on `best` under the mode and threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** `step(metric)` advances it (see `SchedulerLike`); a getter, so it stays out of `stateDict()`. */
  get stepsOnMetric(): true {
    return true;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Record this epoch's metric (a number or a one-element tensor) and reduce the rate on a plateau. */
  step(metric: number | { item(): number }, epoch?: number): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  /** The learning rates after the last step, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state, with PyTorch's names. */
  stateDict(): SchedulerStateDict {
    return fieldsToState(this, []);
  }

  loadStateDict(state: SchedulerStateDict): void {
    stateToFields(this, state, []);
    this.initIsBetter();
  }
}
