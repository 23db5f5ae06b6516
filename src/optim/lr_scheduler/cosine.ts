/** Cosine annealing, plain and with warm restarts (SGDR). */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { AnyOptimizer, LAST_EPOCH, LRScheduler } from './scheduler.js';

const COSINE_OPTIONS = defineOptions('CosineAnnealingLR', {
  /** Half-period of the cosine, in epochs (PyTorch's `T_max`). */
  TMax: option.required(option.number({ min: 0, minExclusive: true })),
  /** The rate at the bottom of the cosine (default 0). */
  etaMin: option.number({ default: 0 }),
  lastEpoch: LAST_EPOCH,
});
const WARM_RESTARTS_OPTIONS = defineOptions('CosineAnnealingWarmRestarts', {
  /** Epochs until the first restart (PyTorch's `T_0`). */
  T0: option.required(option.number({ min: 1, integer: true })),
  /** Factor by which each period grows after a restart (default 1). */
  TMult: option.number({ default: 1, min: 1, integer: true }),
  /** The rate at the bottom of the cosine (default 0). */
  etaMin: option.number({ default: 0 }),
  lastEpoch: LAST_EPOCH,
});

/**
 * Anneal the rate from its initial value to `etaMin` along a cosine over `TMax` epochs (then
 * back up, periodically). Uses PyTorch's recursive form, so the rates match torch's
 * `CosineAnnealingLR` exactly, including after external changes to `lr`:
 * lr_t = η_min + (lr_{t−1} − η_min)·(1 + cos(πt/T))/(1 + cos(π(t−1)/T)).
 *
 * @example
 * const sched = new dl.optim.lrScheduler.CosineAnnealingLR(opt, { TMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof COSINE_OPTIONS>) {
    const o = COSINE_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.TMax = o.TMax;
    this.etaMin = o.etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: t, TMax: T, etaMin } = this;
    if (t === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos(t * Math.PI / T)) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return this.groups.map((g) => (1 + Math.cos(Math.PI * t / T)) / (1 + Math.cos(Math.PI * (t - 1) / T)) * (g.lr - etaMin) + etaMin);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + (base - this.etaMin) * (1 + Math.cos(Math.PI * this.lastEpoch / this.TMax)) / 2);
  }
}

/**
 * Cosine annealing with warm restarts: the rate follows a cosine from its initial value to
 * `etaMin` over `T0` epochs, restarts, and each period is `TMult` times longer than the last.
 * `step(epoch)` accepts fractional epochs (call it per batch with `epoch + i / iters`).
 *
 * @example
 * const sched = new dl.optim.lrScheduler.CosineAnnealingWarmRestarts(opt, { T0: 10, TMult: 2 });
 * for (let e = 0; e < 30; e++) for (let i = 0; i < iters; i++) { train(); sched.step(e + i / iters); }
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;
  constructor(optimizer: AnyOptimizer, options: OptionsInput<typeof WARM_RESTARTS_OPTIONS>) {
    const o = WARM_RESTARTS_OPTIONS.parse(options);
    super(optimizer, o.lastEpoch);
    this.T0 = o.T0;
    this.Ti = o.T0;
    this.TMult = o.TMult;
    this.etaMin = o.etaMin;
    this.TCur = this.lastEpoch;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + (base - this.etaMin) * (1 + Math.cos(Math.PI * this.TCur / this.Ti)) / 2);
  }
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (epoch < 0) throw new RangeError(`CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) {
          this.TCur = epoch % this.T0;
        } else {
          const n = Math.trunc(Math.log(epoch / this.T0 * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - this.T0 * (this.TMult ** n - 1) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    const values = this.getLr();
    this.groups.forEach((g, i) => { g.lr = values[i]; });
    this.lastLr = this.groups.map((g) => g.lr);
  }
}
