/**
 * dl.tune: hyperparameter search with Optuna's interface in camelCase — studies, trials,
 * samplers (Random, Grid, TPE), pruners (Median, Percentile, SuccessiveHalving, Hyperband, Nop)
 * and storages (memory, SQLite, PostgreSQL).
 *
 * @example
 * const study = dl.tune.createStudy({ direction: 'maximize', sampler: new dl.tune.TPESampler({ seed: 0 }) });
 * await study.optimize((trial) => -((trial.suggestFloat('x', -10, 10) - 2) ** 2), { nTrials: 50 });
 * study.bestParams; // { x: ≈2 }
 */
export { createStudy, loadStudy, Study } from './study.js';
export type { CreateStudyOptions, LoadStudyOptions, OptimizeOptions, Objective, HeartbeatOptions } from './study.js';
export { Trial } from './trial.js';
export { TrialPruned, TuneError } from './errors.js';
export type { FrozenTrial, TrialState, StudyDirection } from './frozen_trial.js';
export type { Distribution, FloatDistribution, IntDistribution, CategoricalDistribution, CategoricalChoice, ParamValue, SuggestOptions } from './distributions.js';
export type { Sampler, SamplerContext } from './samplers/sampler.js';
export { RandomSampler } from './samplers/random.js';
export type { RandomSamplerOptions } from './samplers/random.js';
export { GridSampler } from './samplers/grid.js';
export type { GridSpace, GridSamplerOptions } from './samplers/grid.js';
export { TPESampler, defaultGamma } from './samplers/tpe.js';
export type { TPESamplerOptions } from './samplers/tpe.js';
export { ParzenEstimator, defaultWeights } from './samplers/parzen_estimator.js';
export type { ParzenOptions } from './samplers/parzen_estimator.js';
export { MultivariateParzenEstimator } from './samplers/multivariate_parzen.js';
export { intersectionSearchSpace, groupDecomposedSearchSpace } from './samplers/search_space.js';
export type { SearchSpace } from './samplers/search_space.js';
export type { Pruner, PrunerContext } from './pruners/pruner.js';
export { NopPruner } from './pruners/pruner.js';
export { MedianPruner, PercentilePruner } from './pruners/percentile.js';
export type { PercentilePrunerOptions } from './pruners/percentile.js';
export { SuccessiveHalvingPruner } from './pruners/successive_halving.js';
export type { SuccessiveHalvingPrunerOptions } from './pruners/successive_halving.js';
export { HyperbandPruner } from './pruners/hyperband.js';
export type { HyperbandPrunerOptions } from './pruners/hyperband.js';
export type { Storage, StudyRecord } from './storages/storage.js';
export { InMemoryStorage } from './storages/memory.js';
export { openStorage } from './storages/open.js';
export { parameterImportances } from './importance.js';
export type { ImportanceOptions } from './importance.js';
export { studyReport } from './report.js';
export type { StudyReportSpec } from './report.js';
