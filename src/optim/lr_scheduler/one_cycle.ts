/** The 1cycle policy: warm up to a maximum rate, then anneal far below the start. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import { hasOption, PER_GROUP, perGroup } from './cycle_params.js';
import { AnyOptimizer, LAST_EPOCH, LRScheduler } from './scheduler.js';

const ONE_CYCLE_OPTIONS = defineOptions('OneCycleLR', {
  /** Peak rate, one for all groups or one per group. */
  maxLr: option.required(PER_GROUP),
  /** Total number of steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps: option.number({ min: 1, integer: true }),
  epochs: option.number({ min: 1, integer: true }),
  stepsPerEpoch: option.number({ min: 1, integer: true }),
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart: option.number({ min: 0, max: 1, minExclusive: true, maxExclusive: true }),
  /** 'cos' (default) or 'linear'. */
  annealStrategy: option.choice(['cos', 'linear']),
  /** Cycle momentum (SGD's `momentum`, Adam's β1) inversely to the rate (default true). */
  cycleMomentum: option.boolean(),
  baseMomentum: PER_GROUP,
  maxMomentum: PER_GROUP,
  /** Initial rate = maxLr / divFactor (default 25). */
  divFactor: option.number({ min: 0, minExclusive: true }),
  /** Final rate = initial rate / finalDivFactor (default 1e4). */
  finalDivFactor: option.number({ min: 0, minExclusive: true }),
  /** Three phases (up, back down to the initial rate, then annihilation) instead of two. */
  threePhase: option.boolean(),
  lastEpoch: LAST_EPOCH,
});

/** The options of OneCycleLR. */
export type OneCycleOptions = OptionsInput<typeof ONE_CYCLE_OPTIONS>;

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

const annealCos = (start: number, end: number, pct: number): number => end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/**
 * OneCycleLR, as `torch.optim.lr_scheduler.OneCycleLR`: step it after every batch.
 *
 * @example
 * const sched = new dl.optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: 469 });
 * for (const batch of loader) { trainStep(batch); sched.step(); }
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, options: OneCycleOptions) {
    const o = ONE_CYCLE_OPTIONS.parse(options);
    let total: number;
    if (o.totalSteps !== undefined) {
      if (!(Number.isInteger(o.totalSteps) && o.totalSteps > 0)) throw new RangeError(`OneCycleLR: Expected positive integer total_steps, but got ${o.totalSteps}`);
      total = o.totalSteps;
    } else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
      if (!(Number.isInteger(o.epochs) && o.epochs > 0)) throw new RangeError(`OneCycleLR: Expected positive integer epochs, but got ${o.epochs}`);
      if (!(Number.isInteger(o.stepsPerEpoch) && o.stepsPerEpoch > 0)) throw new RangeError(`OneCycleLR: Expected positive integer steps_per_epoch, but got ${o.stepsPerEpoch}`);
      total = o.epochs * o.stepsPerEpoch;
    } else {
      throw new Error('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    }
    const pct = o.pctStart ?? 0.3;
    if (!(pct >= 0 && pct <= 1)) throw new RangeError(`OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    const lastEpoch = o.lastEpoch ?? -1;
    const maxLrs = perGroup('max_lr', optimizer, o.maxLr);
    const div = o.divFactor ?? 25;
    const finalDiv = o.finalDivFactor ?? 1e4;
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / div;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDiv;
      });
    }
    const cycle = o.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycle) {
      if (!hasOption(optimizer, 'momentum') && !hasOption(optimizer, 'betas')) {
        throw new Error('OneCycleLR: optimizer must support momentum with `cycleMomentum` option enabled');
      }
      useBeta1 = hasOption(optimizer, 'betas');
      const maxM = perGroup('max_momentum', optimizer, o.maxMomentum ?? 0.95);
      const baseM = perGroup('base_momentum', optimizer, o.baseMomentum ?? 0.85);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          const rec = g as Record<string, unknown>;
          if (useBeta1) rec.betas = [maxM[i], ...(rec.betas as number[]).slice(1)];
          else rec.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = strategy;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.phases = o.threePhase ? [
      { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
      { endStep: 2 * pct * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
    ] : [
      { endStep: pct * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
      { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
    ];
    this.initialStep();
  }

  protected getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new Error(`OneCycleLR: Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    return this.groups.map((g) => {
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          lr = anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        start = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}
