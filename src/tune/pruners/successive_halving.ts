/**
 * SuccessiveHalvingPruner (asynchronous successive halving, ASHA), as Optuna's: rung r is
 * reached at step minResource · reductionFactor^(minEarlyStoppingRate + r); a trial reaching it
 * records its value there and goes on only if it is in the top 1/reductionFactor of the values
 * recorded at that rung so far.
 */
import { defineOptions, option, type Field, type OptionsInput, type OptionsSchema } from '../../base/options.js';
import { TuneError } from '../errors.js';
import { lastStep, type FrozenTrial, type StudyDirection } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';

/** An integer ≥ 1 or 'auto' (the resource options of successive halving and Hyperband). */
export function resourceField<D extends number | 'auto'>(def: D): Field<number | 'auto', false> & { default: D } {
  return option.custom<number | 'auto', D>("an integer ≥ 1 or 'auto'", (v): v is number | 'auto' => v === 'auto' || (Number.isInteger(v) && (v as number) >= 1), def);
}

/** Fields successive halving shares with Hyperband. */
export const HALVING_FIELDS = {
  /** Trials that must reach a rung before any is stopped there (default 0; more needs the resource given, not 'auto'). */
  bootstrapCount: option.number({ default: 0, min: 0, integer: true }),
};

const SUCCESSIVE_HALVING_FIELDS = {
  /** Steps before the first rung, or 'auto' (default): 1 % of the longest complete trial's last step, at least 1. */
  minResource: resourceField('auto'),
  /** Only the best 1/reductionFactor of the trials at a rung go on (default 4). */
  reductionFactor: option.number({ default: 4, min: 2 }),
  /** Rung r is at step minResource · reductionFactor^(minEarlyStoppingRate + r) (default 0). */
  minEarlyStoppingRate: option.number({ default: 0, min: 0, integer: true }),
};
// Typed by name, so that the shared fields keep their doc comments in the .d.ts.
const SUCCESSIVE_HALVING_OPTIONS: OptionsSchema<typeof SUCCESSIVE_HALVING_FIELDS & typeof HALVING_FIELDS> =
  defineOptions('SuccessiveHalvingPruner', { ...SUCCESSIVE_HALVING_FIELDS, ...HALVING_FIELDS });

export type SuccessiveHalvingPrunerOptions = OptionsInput<typeof SUCCESSIVE_HALVING_OPTIONS>;

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
    const o = SUCCESSIVE_HALVING_OPTIONS.parse(options);
    const min = o.minResource;
    this.reductionFactor = o.reductionFactor;
    this.minEarlyStoppingRate = o.minEarlyStoppingRate;
    this.bootstrapCount = o.bootstrapCount;
    if (this.bootstrapCount > 0 && min === 'auto') throw new TuneError("SuccessiveHalvingPruner: bootstrapCount > 0 needs an explicit minResource, not 'auto'");
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
