/** Regression losses: MSE, L1, smooth L1, Huber. */
import type { Tensor } from '../../core/tensor.js';
import { huberLoss, l1Loss, mseLoss, smoothL1Loss } from '../functional/loss_regression.js';
import type { Reduction } from '../functional/reduction.js';
import { Loss } from './loss.js';

/** (x − y)². @example new nn.MSELoss().forward(pred, y); */
export class MSELoss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) { super(options.reduction ?? 'mean'); }
  override forward(input: Tensor, target: Tensor): Tensor { return mseLoss(input, target, { reduction: this.reduction }); }
}

/** |x − y|. @example new nn.L1Loss().forward(pred, y); */
export class L1Loss extends Loss {
  constructor(options: { reduction?: Reduction } = {}) { super(options.reduction ?? 'mean'); }
  override forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, { reduction: this.reduction }); }
}

/** 0.5·d²/β if |d| < β else |d| − β/2. @example new nn.SmoothL1Loss({ beta: 0.5 }).forward(pred, y); */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(options: { reduction?: Reduction; beta?: number } = {}) {
    super(options.reduction ?? 'mean');
    this.beta = options.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta }); }
}

/** 0.5·d² if |d| < δ else δ(|d| − δ/2). @example new nn.HuberLoss({ delta: 2 }).forward(pred, y); */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(options: { reduction?: Reduction; delta?: number } = {}) {
    super(options.reduction ?? 'mean');
    this.delta = options.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor { return huberLoss(input, target, { reduction: this.reduction, delta: this.delta }); }
}
