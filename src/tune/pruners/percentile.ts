/**
 * PercentilePruner and MedianPruner (its 50th percentile), as Optuna's: after `nStartupTrials`
 * complete trials and `nWarmupSteps` steps, at the first report of each interval, a trial is
 * pruned when its best reported value is worse than the percentile of the complete trials'
 * values at the same step (at least `nMinTrials` of them).
 */
import { checkField, defineOptions, option, type OptionsInput } from '../../base/options.js';
import { lastStep, type FrozenTrial, type StudyDirection } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';

const PERCENTILE_FIELDS = {
  /** Complete trials before any pruning (default 5). */
  nStartupTrials: option.number({ default: 5, min: 0, integer: true }),
  /** Steps of a trial before it can be pruned (default 0). */
  nWarmupSteps: option.number({ default: 0, min: 0, integer: true }),
  /** Steps between pruning checks, counted from the warm-up's end (default 1). */
  intervalSteps: option.number({ default: 1, min: 1, integer: true }),
  /** Complete trials that reported at a step before a trial can be pruned there (default 1). */
  nMinTrials: option.number({ default: 1, min: 1, integer: true }),
};
const PERCENTILE_OPTIONS = defineOptions('PercentilePruner', PERCENTILE_FIELDS);
const MEDIAN_OPTIONS = defineOptions('MedianPruner', PERCENTILE_FIELDS);

export type PercentilePrunerOptions = OptionsInput<typeof PERCENTILE_OPTIONS>;

/** The positional `percentile` of PercentilePruner. */
const PERCENTILE_FIELD = option.number({ min: 0, max: 100 });

/** NumPy's default (linear) percentile of the non-NaN values; NaN when there are none. */
export function nanPercentile(values: readonly number[], p: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const pos = (p / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

function bestOverSteps(t: FrozenTrial, direction: StudyDirection): number {
  const v = [...t.intermediateValues.values()].filter((x) => !Number.isNaN(x));
  if (v.length === 0) return NaN;
  return direction === 'maximize' ? Math.max(...v) : Math.min(...v);
}

/** Whether `step` is the first report at or after the latest pruning point of its interval. */
function isFirstInInterval(step: number, steps: Iterable<number>, warmup: number, interval: number): boolean {
  const nearestLower = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const s of steps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLower;
}

export class PercentilePruner implements Pruner {
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;
  private readonly percentile: number;

  constructor(percentile: number, options: PercentilePrunerOptions = {}) {
    this.percentile = checkField('PercentilePruner', 'percentile', PERCENTILE_FIELD, percentile);
    const o = PERCENTILE_OPTIONS.parse(options);
    this.nStartupTrials = o.nStartupTrials;
    this.nWarmupSteps = o.nWarmupSteps;
    this.intervalSteps = o.intervalSteps;
    this.nMinTrials = o.nMinTrials;
  }

  prune(ctx: PrunerContext, trial: FrozenTrial): boolean {
    const complete = ctx.trials.filter((t) => t.state === 'complete');
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === null || step < this.nWarmupSteps) return false;
    if (!isFirstInInterval(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) return false;
    const best = bestOverSteps(trial, ctx.direction);
    if (Number.isNaN(best)) return true;
    const atStep = complete.filter((t) => t.intermediateValues.has(step)).map((t) => t.intermediateValues.get(step) as number);
    if (atStep.length < this.nMinTrials) return false;
    const p = nanPercentile(atStep, ctx.direction === 'maximize' ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(p)) return false;
    return ctx.direction === 'maximize' ? best < p : best > p;
  }
}

export class MedianPruner extends PercentilePruner {
  constructor(options: PercentilePrunerOptions = {}) {
    super(50, MEDIAN_OPTIONS.parse(options)); // checked under this class's name; PercentilePruner's check then passes
  }
}
