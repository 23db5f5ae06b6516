/**
 * The one interface behind which studies are kept: in memory, SQLite or PostgreSQL. Trial
 * numbers are assigned by the storage (unique per study, also across processes); a running
 * trial's heartbeat lets other workers mark it failed when its worker died.
 */
import type { Distribution } from '../distributions.js';
import type { FrozenTrial, StudyDirection, TrialState } from '../frozen_trial.js';

export interface StudyRecord {
  readonly studyId: number;
  readonly name: string;
  readonly direction: StudyDirection;
}

export interface NewTrial {
  readonly trialId: number;
  readonly number: number;
}

/** The finished state of a trial. */
export type FinalState = Exclude<TrialState, 'running' | 'waiting'>;

export interface Storage {
  /** What the storage is, for messages: 'memory', the SQLite file, the PostgreSQL URL without password. */
  readonly description: string;
  /** The study named `name`, or null. */
  getStudy(name: string): Promise<StudyRecord | null>;
  /** Creates a study; fails if the name is taken. */
  createStudy(name: string, direction: StudyDirection): Promise<StudyRecord>;
  /** Names of all studies. */
  listStudies(): Promise<StudyRecord[]>;
  /**
   * Starts a running trial with the next number, in one transaction. With `maxTrials`, returns
   * null instead when the study already holds that many trials (trials that were marked failed
   * because their worker died are not counted: their slot is run again).
   */
  createTrial(studyId: number, maxTrials?: number): Promise<NewTrial | null>;
  setParam(trialId: number, name: string, internal: number, dist: Distribution): Promise<void>;
  setIntermediateValue(trialId: number, step: number, value: number): Promise<void>;
  setUserAttr(trialId: number, key: string, value: unknown): Promise<void>;
  setSystemAttr(trialId: number, key: string, value: unknown): Promise<void>;
  /**
   * Ends a running trial. Returns false when the trial was no longer running (another worker
   * marked it failed after its heartbeat stopped): the result is then not recorded.
   */
  finishTrial(trialId: number, state: FinalState, value: number | null): Promise<boolean>;
  /** Records that the worker running the trial is alive. */
  heartbeat(trialId: number): Promise<void>;
  /** Marks running trials whose heartbeat is older than `graceMs` failed; returns their numbers. */
  failStaleTrials(studyId: number, graceMs: number): Promise<number[]>;
  /** All trials of the study, by number. */
  getTrials(studyId: number): Promise<FrozenTrial[]>;
  close(): Promise<void>;
}

/** The system attribute set on trials failed by `failStaleTrials`. */
export const STALE_ATTR = 'failed_by_heartbeat';
