/** Regression losses: MSE, L1, smooth L1, Huber. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from '../functional/loss_regression.js';
import { Loss, REDUCTION } from './loss.js';

const MSE_OPTIONS = defineOptions('MSELoss', { reduction: REDUCTION });
const L1_OPTIONS = defineOptions('L1Loss', { reduction: REDUCTION });
const SMOOTH_L1_OPTIONS = defineOptions('SmoothL1Loss', {
  reduction: REDUCTION,
  /** Where the loss changes from quadratic to linear (default 1). */
  beta: option.number({ default: 1, min: 0 }),
});
const HUBER_OPTIONS = defineOptions('HuberLoss', {
  reduction: REDUCTION,
  /** Where the loss changes from quadratic to linear (default 1). */
  delta: option.number({ default: 1, min: 0, minExclusive: true }),
});

/** (x − y)². @example new nn.MSELoss().forward(pred, y); */
export class MSELoss extends Loss {
  constructor(options: OptionsInput<typeof MSE_OPTIONS> = {}) { super(MSE_OPTIONS.parse(options).reduction); }
  override forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, { reduction: this.reduction }); }
}

/** |x − y|. @example new nn.L1Loss().forward(pred, y); */
export class L1Loss extends Loss {
  constructor(options: OptionsInput<typeof L1_OPTIONS> = {}) { super(L1_OPTIONS.parse(options).reduction); }
  override forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, { reduction: this.reduction }); }
}

/** 0.5·d²/β if |d| < β else |d| − β/2. @example new nn.SmoothL1Loss({ beta: 0.5 }).forward(pred, y); */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: OptionsInput<typeof SMOOTH_L1_OPTIONS> = {}) {
    const o = SMOOTH_L1_OPTIONS.parse(options);
    super(o.reduction);
    this.beta = o.beta;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** 0.5·d² if |d| < δ else δ(|d| − δ/2). @example new nn.HuberLoss({ delta: 2 }).forward(pred, y); */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: OptionsInput<typeof HUBER_OPTIONS> = {}) {
    const o = HUBER_OPTIONS.parse(options);
    super(o.reduction);
    this.delta = o.delta;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}
