/** The optimizer and LR scheduler of a config. */
import type { Tensor } from '../../core/tensor.js';
import * as optim from '../../optim/index.js';
import type { Optimizer } from '../../optim/optimizer.js';
import type { SchedulerLike } from '../../train/types.js';
import { resolvedEpochs } from '../config/data_defaults.js';
import type { HyperparametersConfig } from '../config/types.js';
import { UsageError } from '../errors.js';

type Ctor = new (params: Tensor[], options: Record<string, unknown>) => Optimizer<any>;

const OPTIMIZERS: Record<string, Ctor> = {
  sgd: optim.SGD as unknown as Ctor, adam: optim.Adam as unknown as Ctor, adamw: optim.AdamW as unknown as Ctor,
  adamax: optim.Adamax as unknown as Ctor, nadam: optim.NAdam as unknown as Ctor, radam: optim.RAdam as unknown as Ctor,
  rmsprop: optim.RMSprop as unknown as Ctor, adagrad: optim.Adagrad as unknown as Ctor, adadelta: optim.Adadelta as unknown as Ctor,
};

/**
 * A factory of the configured optimizer over a model's parameters.
 *
 * @example
 * const make = optimizerFactory(config.hyperparameters);
 * const opt = make(model.parameters());
 */
export function optimizerFactory(h: HyperparametersConfig): (params: Tensor[]) => Optimizer<any> {
  const ctor = OPTIMIZERS[h.optimizer];
  return (params) => {
    const options: Record<string, unknown> = { ...h.optimizerOptions, lr: h.lr };
    if (h.weightDecay > 0 || h.optimizer !== 'adamw') options.weightDecay = h.weightDecay;
    try {
      return new ctor(params, options);
    } catch (e) {
      throw new UsageError(`invalid config: hyperparameters.optimizerOptions: ${(e as Error).message}`);
    }
  };
}

/** A factory of the configured scheduler, or undefined for none; `stepsPerEpoch` sizes OneCycleLR. */
export function schedulerFactory(h: HyperparametersConfig, stepsPerEpoch: number): { make?: (o: Optimizer<any>) => SchedulerLike; interval: 'epoch' | 'step' } {
  const s = h.scheduler;
  const { lrScheduler } = optim;
  switch (s.type) {
    case 'auto': throw new Error("schedulerFactory: scheduler 'auto' must be resolved for the data first (withDataDefaults)");
    case 'none': return { interval: 'epoch' };
    case 'step': return { make: (o) => new lrScheduler.StepLR(o, { stepSize: s.stepSize, gamma: s.gamma }), interval: 'epoch' };
    case 'exponential': return { make: (o) => new lrScheduler.ExponentialLR(o, { gamma: s.gamma }), interval: 'epoch' };
    case 'cosine': return { make: (o) => new lrScheduler.CosineAnnealingLR(o, { TMax: resolvedEpochs(h), etaMin: s.minLr }), interval: 'epoch' };
    case 'plateau': return { make: (o) => new lrScheduler.ReduceLROnPlateau(o, { factor: s.factor, patience: s.patience, minLr: s.minLr }) as unknown as SchedulerLike, interval: 'epoch' };
    case 'onecycle': return { make: (o) => new lrScheduler.OneCycleLR(o, { maxLr: h.lr, epochs: resolvedEpochs(h), stepsPerEpoch }), interval: 'step' };
  }
}
