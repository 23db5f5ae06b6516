/** Run schedulers one after another, switching at milestone epochs. */
import { bisectRight } from './step_lr.js';
import { AnyOptimizer, fieldsToState, LRScheduler, stateToFields, type SchedulerStateDict } from './scheduler.js';

/**
 * SequentialLR, as `torch.optim.lr_scheduler.SequentialLR`: `schedulers[i]` drives the rate
 * from `milestones[i - 1]` on; each later scheduler starts from its own epoch 0.
 *
 * @example
 * const warmup = new dl.optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new dl.optim.lrScheduler.ExponentialLR(opt, { gamma: 0.9 });
 * const sched = new dl.optim.lrScheduler.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  subSchedulers: LRScheduler[];
  subMilestones: number[];

  constructor(optimizer: AnyOptimizer, options: { schedulers: LRScheduler[]; milestones: readonly number[]; lastEpoch?: number }) {
    super(optimizer, options.lastEpoch);
    const { schedulers, milestones } = options;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new Error(`SequentialLR: expects all schedulers to belong to the same optimizer, but got scheduler at index ${i} with a different one`);
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new Error(`SequentialLR: expects number of schedulers provided to be one more than the number of milestone points, but got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    this.subSchedulers = schedulers;
    this.subMilestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const g of this.groups) g.lr = g.initialLr!;
    for (const s of schedulers) s.lastEpoch -= 1;
    (schedulers[0] as unknown as { initialStep(): void }).initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.groups.map((g) => g.lr);
  }

  override step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.subMilestones, this.lastEpoch);
    const s = this.subSchedulers[idx];
    if (idx > 0 && this.subMilestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return { ...fieldsToState(this, ['subSchedulers']), _schedulers: this.subSchedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: SchedulerStateDict): void {
    stateToFields(this, state, ['subSchedulers']);
    (state._schedulers as SchedulerStateDict[]).forEach((s, i) => this.subSchedulers[i].loadStateDict(s));
  }
}
