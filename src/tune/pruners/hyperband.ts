/**
 * HyperbandPruner, as Optuna's: brackets of successive halving with growing early-stopping
 * rates; a trial's bracket is crc32("<study>_<number>") over the brackets' trial budgets, and
 * each bracket's pruner sees only the trials of its bracket.
 */
import { crc32 } from 'node:zlib';
import { defineOptions, option, type OptionsInput, type OptionsSchema } from '../../base/options.js';
import { TuneError } from '../errors.js';
import { lastStep, type FrozenTrial } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';
import { HALVING_FIELDS, resourceField, SuccessiveHalvingPruner } from './successive_halving.js';

const HYPERBAND_FIELDS = {
  /** Steps before the first rung of the most aggressive bracket (default 1). */
  minResource: option.number({ default: 1, min: 1, integer: true }),
  /** The longest a trial runs, in steps, or 'auto' (default): the longest complete trial's last step + 1. */
  maxResource: resourceField('auto'),
  /** Only the best 1/reductionFactor of a bracket's trials at a rung go on (default 3). */
  reductionFactor: option.number({ default: 3, min: 2 }),
};
// Typed by name, so that the shared fields keep their doc comments in the .d.ts.
const HYPERBAND_OPTIONS: OptionsSchema<typeof HYPERBAND_FIELDS & typeof HALVING_FIELDS> =
  defineOptions('HyperbandPruner', { ...HYPERBAND_FIELDS, ...HALVING_FIELDS });

export type HyperbandPrunerOptions = OptionsInput<typeof HYPERBAND_OPTIONS>;

export class HyperbandPruner implements Pruner {
  private readonly minResource: number;
  private maxResource: number | 'auto';
  private readonly reductionFactor: number;
  private readonly bootstrapCount: number;
  private readonly pruners: SuccessiveHalvingPruner[] = [];
  private readonly budgets: number[] = [];
  private totalBudget = 0;

  constructor(options: HyperbandPrunerOptions = {}) {
    const o = HYPERBAND_OPTIONS.parse(options);
    this.minResource = o.minResource;
    this.maxResource = o.maxResource;
    this.reductionFactor = o.reductionFactor;
    this.bootstrapCount = o.bootstrapCount;
    if (this.bootstrapCount > 0 && this.maxResource === 'auto') throw new TuneError("HyperbandPruner: bootstrapCount > 0 needs an explicit maxResource, not 'auto'");
  }

  private initialize(trials: readonly FrozenTrial[]): void {
    if (this.maxResource === 'auto') {
      const steps = trials.filter((t) => t.state === 'complete').map(lastStep).filter((s): s is number => s !== null);
      if (steps.length === 0) return;
      this.maxResource = Math.max(...steps) + 1;
    }
    const nBrackets = Math.floor(Math.log(this.maxResource / this.minResource) / Math.log(this.reductionFactor)) + 1; // as Python's math.log(x, base)
    for (let id = 0; id < nBrackets; id++) {
      const s = nBrackets - 1 - id;
      const budget = Math.ceil((nBrackets * this.reductionFactor ** s) / (s + 1));
      this.budgets.push(budget);
      this.totalBudget += budget;
      this.pruners.push(new SuccessiveHalvingPruner({
        minResource: this.minResource, reductionFactor: this.reductionFactor, minEarlyStoppingRate: id, bootstrapCount: this.bootstrapCount,
      }));
    }
  }

  /** The bracket of trial `number` in study `studyName`. */
  bracketOf(studyName: string, number: number): number {
    let n = crc32(`${studyName}_${number}`) % this.totalBudget;
    for (let id = 0; id < this.budgets.length; id++) {
      n -= this.budgets[id];
      if (n < 0) return id;
    }
    throw new Error('unreachable: bracket budgets do not cover the hash');
  }

  prune(ctx: PrunerContext, trial: FrozenTrial): boolean {
    if (this.pruners.length === 0) {
      this.initialize(ctx.trials);
      if (this.pruners.length === 0) return false;
    }
    const id = this.bracketOf(ctx.studyName, trial.number);
    const trials = ctx.trials.filter((t) => this.bracketOf(ctx.studyName, t.number) === id);
    return this.pruners[id].prune({ ...ctx, trials }, trial);
  }
}
