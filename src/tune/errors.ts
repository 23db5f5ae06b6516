/**
 * Errors of the tuning layer. `TrialPruned` is control flow (the objective throws it when
 * `trial.shouldPrune()` says so); `TuneError` is a mistake a user can cause (a search space that
 * contradicts itself, a storage that cannot be reached, a study name with another direction).
 */

/** Thrown by an objective to end its trial as pruned (Optuna's `TrialPruned`). */
export class TrialPruned extends Error {
  constructor(message = 'trial pruned') {
    super(message);
    this.name = 'TrialPruned';
  }
}

/** A user-caused error of the tuning API, with a message that names what is wrong. */
export class TuneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TuneError';
  }
}

/** Whether a thrown value is a `TrialPruned` (by name, so copies across module instances count). */
export function isTrialPruned(e: unknown): boolean {
  return e instanceof Error && e.name === 'TrialPruned';
}
