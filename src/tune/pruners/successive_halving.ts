/**
 * SuccessiveHalvingPruner (asynchronous successive halving, ASHA), as Optuna's: rung r is
 * reached at step minResource · reductionFactor^(minEarlyStoppingRate + r); a trial reaching it
 * records its value there and goes on only if it is in the top 1/reductionFactor of the values
 * recorded at that rung so far.
 */
import { TuneError } from '../errors.js';
import { lastStep, type FrozenTrial, type StudyDirection } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';

export interface SuccessiveHalvingPrunerOptions {
  minResource?: number | 'auto';
  reductionFactor?: number;
  minEarlyStoppingRate?: number;
  bootstrapCount?: number;
}

const rungKey = (rung: number): string => `completed_rung_${rung}`;

function currentRung(t: FrozenTrial): number {
  let r = 0;
  while (rungKey(r) in t.systemAttrs) r++;
  return r;
}

/** Optuna's 'auto': 1 % of the longest complete trial's last step, at least 1. */
function estimateMinResource(trials: readonly FrozenTrial[]): number | null {
  const steps = trials.filter((t) => t.state === 'complete').map(lastStep).filter((s): s is number => s !== null);
  return steps.length === 0 ? null : Math.max(Math.floor(Math.max(...steps) / 100), 1);
}

function isPromotable(value: number, competing: number[], reductionFactor: number, direction: StudyDirection): boolean {
  let idx = Math.floor(competing.length / reductionFactor) - 1;
  if (idx === -1) idx = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === 'maximize' ? value >= sorted[sorted.length - 1 - idx] : value <= sorted[idx];
}

export class SuccessiveHalvingPruner implements Pruner {
  private minResource: number | null;
  private readonly reductionFactor: number;
  private readonly minEarlyStoppingRate: number;
  private readonly bootstrapCount: number;

  constructor(options: SuccessiveHalvingPrunerOptions = {}) {
    const min = options.minResource ?? 'auto';
    this.reductionFactor = options.reductionFactor ?? 4;
    this.minEarlyStoppingRate = options.minEarlyStoppingRate ?? 0;
    this.bootstrapCount = options.bootstrapCount ?? 0;
    if (min !== 'auto' && !(Number.isInteger(min) && min >= 1)) throw new TuneError(`minResource must be 'auto' or an integer >= 1, got ${min}`);
    if (this.reductionFactor < 2) throw new TuneError(`reductionFactor must be >= 2, got ${this.reductionFactor}`);
    if (this.minEarlyStoppingRate < 0) throw new TuneError(`minEarlyStoppingRate must be >= 0, got ${this.minEarlyStoppingRate}`);
    if (this.bootstrapCount < 0) throw new TuneError(`bootstrapCount must be >= 0, got ${this.bootstrapCount}`);
    if (this.bootstrapCount > 0 && min === 'auto') throw new TuneError("bootstrapCount > 0 needs an explicit minResource, not 'auto'");
    this.minResource = min === 'auto' ? null : min;
  }

  prune(ctx: PrunerContext, trial: FrozenTrial): boolean {
    const step = lastStep(trial);
    if (step === null) return false;
    let rung = currentRung(trial);
    const value = trial.intermediateValues.get(step) as number;
    while (true) {
      if (this.minResource === null) {
        this.minResource = estimateMinResource(ctx.trials);
        if (this.minResource === null) return false;
      }
      const promotionStep = this.minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
      if (step < promotionStep) return false;
      if (Number.isNaN(value)) return true;
      const key = rungKey(rung);
      ctx.setSystemAttr(key, value);
      const competing = ctx.trials.filter((t) => key in t.systemAttrs).map((t) => t.systemAttrs[key] as number);
      competing.push(value);
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, ctx.direction)) return true;
      rung++;
    }
  }
}
