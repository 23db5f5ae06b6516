/** The interface every sampler implements, and what it is given. */
import type { Distribution } from '../distributions.js';
import type { FrozenTrial, StudyDirection } from '../frozen_trial.js';

/** What a sampler sees of the study: its direction and the other trials as stored when the trial began. */
export interface SamplerContext {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly trials: readonly FrozenTrial[];
}

export interface Sampler {
  /** Attributes to record on a new trial before its objective runs (the grid point of GridSampler). */
  beforeTrial?(ctx: SamplerContext, trial: FrozenTrial): Record<string, unknown>;
  /** Whether no trial is left to run (GridSampler after the last point): the study stops. */
  isExhausted?(ctx: SamplerContext): boolean;
  /**
   * Multivariate samplers (Optuna's `infer_relative_search_space`): the parameters to draw jointly
   * for a new trial, before its objective runs.
   */
  inferRelativeSearchSpace?(ctx: SamplerContext, trial: FrozenTrial): Record<string, Distribution>;
  /**
   * Internal values drawn jointly for (part of) the relative search space (Optuna's
   * `sample_relative`); parameters left out are drawn by `sampleIndependent` when suggested.
   */
  sampleRelative?(ctx: SamplerContext, trial: FrozenTrial, space: Readonly<Record<string, Distribution>>): Record<string, number>;
  /** The internal value (a number; a choice's index for categoricals) of one parameter. */
  sampleIndependent(ctx: SamplerContext, trial: FrozenTrial, name: string, dist: Distribution): number;
}
