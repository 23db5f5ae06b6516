/**
 * Learning-rate schedulers with PyTorch's schedules (same rates, step for step).
 *
 * @example
 * const sched = new dl.optim.lrScheduler.CosineAnnealingLR(opt, { TMax: 50 });
 * for (let epoch = 0; epoch < 50; epoch++) { trainOneEpoch(); sched.step(); }
 */
export { LRScheduler } from './scheduler.js';
export type { AnyOptimizer, SchedulerStateDict } from './scheduler.js';
export type { SchedulerLike, PlainStepScheduler, MetricStepScheduler, SchedulerState } from './stepping.js';
export { StepLR, MultiStepLR, ExponentialLR } from './step_lr.js';
export { ConstantLR, LinearLR, PolynomialLR, LambdaLR } from './factor_lr.js';
export type { LrLambda } from './factor_lr.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export { OneCycleLR } from './one_cycle.js';
export type { OneCycleOptions } from './one_cycle.js';
export { CyclicLR } from './cyclic.js';
export type { CyclicOptions } from './cyclic.js';
export { SequentialLR } from './sequential.js';
export { ReduceLROnPlateau } from './plateau.js';
export type { ReduceLROnPlateauOptions } from './plateau.js';
