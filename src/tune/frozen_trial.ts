/** Trials as the storages, samplers and pruners see them. */
import type { Distribution, ParamValue } from './distributions.js';

/** Optuna's trial states ('waiting' is a trial queued but not started). */
export const TRIAL_STATES = ['running', 'complete', 'pruned', 'failed', 'waiting'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];
export type StudyDirection = 'minimize' | 'maximize';

/** A snapshot of one trial. */
export interface FrozenTrial {
  /** 0, 1, 2, ... within the study: unique, assigned by the storage. */
  readonly number: number;
  /** The storage's id of the trial. */
  readonly trialId: number;
  readonly state: TrialState;
  /** The objective's value (complete trials), else null. */
  readonly value: number | null;
  /** External values, in the order they were suggested. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Reported values by step. */
  readonly intermediateValues: ReadonlyMap<number, number>;
  readonly userAttrs: Readonly<Record<string, unknown>>;
  /** Attributes samplers and pruners keep (grid point, rungs, the failure message). */
  readonly systemAttrs: Readonly<Record<string, unknown>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
}

/** The largest reported step, or null. */
export function lastStep(t: Pick<FrozenTrial, 'intermediateValues'>): number | null {
  let best: number | null = null;
  for (const s of t.intermediateValues.keys()) if (best === null || s > best) best = s;
  return best;
}

/** Whether a is better than b in the given direction. */
export function isBetter(direction: StudyDirection, a: number, b: number): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

/** The system attribute holding a failed trial's message. */
export const FAIL_REASON_ATTR = 'fail_reason';
