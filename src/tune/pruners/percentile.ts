/**
 * PercentilePruner and MedianPruner (its 50th percentile), as Optuna's: after `nStartupTrials`
 * complete trials and `nWarmupSteps` steps, at the first report of each interval, a trial is
 * pruned when its best reported value is worse than the percentile of the complete trials'
 * values at the same step (at least `nMinTrials` of them).
 */
import { TuneError } from '../errors.js';
import { lastStep, type FrozenTrial, type StudyDirection } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';

export interface PercentilePrunerOptions {
  nStartupTrials?: number;
  nWarmupSteps?: number;
  intervalSteps?: number;
  nMinTrials?: number;
}

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

  constructor(private readonly percentile: number, options: PercentilePrunerOptions = {}) {
    this.nStartupTrials = options.nStartupTrials ?? 5;
    this.nWarmupSteps = options.nWarmupSteps ?? 0;
    this.intervalSteps = options.intervalSteps ?? 1;
    this.nMinTrials = options.nMinTrials ?? 1;
    if (!(percentile >= 0 && percentile <= 100)) throw new TuneError(`percentile must be between 0 and 100, got ${percentile}`);
    if (this.nStartupTrials < 0) throw new TuneError(`nStartupTrials cannot be negative, got ${this.nStartupTrials}`);
    if (this.nWarmupSteps < 0) throw new TuneError(`nWarmupSteps cannot be negative, got ${this.nWarmupSteps}`);
    if (this.intervalSteps < 1) throw new TuneError(`intervalSteps must be at least 1, got ${this.intervalSteps}`);
    if (this.nMinTrials < 1) throw new TuneError(`nMinTrials must be at least 1, got ${this.nMinTrials}`);
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
    super(50, options);
  }
}
