/**
 * HyperbandPruner, as Optuna's: brackets of successive halving with growing early-stopping
 * rates; a trial's bracket is crc32("<study>_<number>") over the brackets' trial budgets, and
 * each bracket's pruner sees only the trials of its bracket.
 */
import { crc32 } from 'node:zlib';
import { TuneError } from '../errors.js';
import { lastStep, type FrozenTrial } from '../frozen_trial.js';
import type { Pruner, PrunerContext } from './pruner.js';
import { SuccessiveHalvingPruner } from './successive_halving.js';

export interface HyperbandPrunerOptions {
  minResource?: number;
  maxResource?: number | 'auto';
  reductionFactor?: number;
  bootstrapCount?: number;
}

export class HyperbandPruner implements Pruner {
  private readonly minResource: number;
  private maxResource: number | 'auto';
  private readonly reductionFactor: number;
  private readonly bootstrapCount: number;
  private readonly pruners: SuccessiveHalvingPruner[] = [];
  private readonly budgets: number[] = [];
  private totalBudget = 0;

  constructor(options: HyperbandPrunerOptions = {}) {
    this.minResource = options.minResource ?? 1;
    this.maxResource = options.maxResource ?? 'auto';
    this.reductionFactor = options.reductionFactor ?? 3;
    this.bootstrapCount = options.bootstrapCount ?? 0;
    if (this.maxResource !== 'auto' && !Number.isInteger(this.maxResource)) throw new TuneError(`maxResource must be an integer or 'auto', got ${this.maxResource}`);
    if (this.bootstrapCount > 0 && this.maxResource === 'auto') throw new TuneError("bootstrapCount > 0 needs an explicit maxResource, not 'auto'");
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
