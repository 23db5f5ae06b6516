/**
 * Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's semantics.
 *
 * @example
 * const opt = new dl.optim.Adam(model.parameters(), { lr: 1e-3 });
 * const sched = new dl.optim.lrScheduler.StepLR(opt, { stepSize: 10, gamma: 0.5 });
 * opt.zeroGrad(); loss.backward(); opt.step(); sched.step();
 */
export { Optimizer, REQUIRED } from './optimizer.js';
export type {
  BaseOptions, Closure, OptimizerStateDict, ParamGroup, ParamGroupInput, ParamState, ParamsInput, SchedulerFields,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export { Adamax } from './adamax.js';
export type { AdamaxOptions } from './adamax.js';
export { NAdam } from './nadam.js';
export type { NAdamOptions } from './nadam.js';
export { RAdam } from './radam.js';
export type { RAdamOptions } from './radam.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { Adadelta } from './adadelta.js';
export type { AdadeltaOptions } from './adadelta.js';
export { clipGradNorm_, clipGradValue_ } from './clip_grad.js';
export * as lrScheduler from './lr_scheduler/index.js';
/** PyTorch's spelling of `lrScheduler` (`torch.optim.lr_scheduler`), the same namespace. */
export * as lr_scheduler from './lr_scheduler/index.js';
