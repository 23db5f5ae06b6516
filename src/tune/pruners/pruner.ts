/** The interface every pruner implements, and what it is given. */
import type { FrozenTrial, StudyDirection } from '../frozen_trial.js';

/** What a pruner sees: the study's other trials (as stored when the trial began) and the trial itself. */
export interface PrunerContext {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly trials: readonly FrozenTrial[];
  /** Records a system attribute on the trial being judged (the rungs of successive halving). */
  setSystemAttr(key: string, value: unknown): void;
}

export interface Pruner {
  /** Whether the trial, with the values it has reported so far, should stop now. */
  prune(ctx: PrunerContext, trial: FrozenTrial): boolean;
}

/** NopPruner: never prunes. */
export class NopPruner implements Pruner {
  prune(): boolean {
    return false;
  }
}
