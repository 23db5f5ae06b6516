/**
 * How a training loop steps a scheduler. Most schedulers advance on a plain `step()` (once per
 * epoch, or per batch for OneCycleLR); ReduceLROnPlateau needs the monitored metric. Schedulers
 * say which kind they are through `stepsOnMetric`, so a loop picks the call without knowing
 * the scheduler's class.
 */

/** Fields a loop saves and restores (checkpoints). */
export interface SchedulerState {
  stateDict(): Record<string, unknown>;
  loadStateDict(state: Record<string, unknown>): void;
}

/** A scheduler advanced by a plain `step()` (the LRScheduler family, or a hand-written one). */
export interface PlainStepScheduler extends SchedulerState {
  /** Absent or false: `step()` takes no metric. */
  readonly stepsOnMetric?: false;
  step(): void;
}

/** A scheduler advanced once per epoch with the monitored value (ReduceLROnPlateau). */
export interface MetricStepScheduler extends SchedulerState {
  readonly stepsOnMetric: true;
  step(metric: number): void;
}

/**
 * Any scheduler a training loop can drive.
 *
 * @example
 * const stepScheduler = (s: SchedulerLike, valLoss: number): void => (s.stepsOnMetric ? s.step(valLoss) : s.step());
 */
export type SchedulerLike = PlainStepScheduler | MetricStepScheduler;
