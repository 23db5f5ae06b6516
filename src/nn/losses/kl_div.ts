/** Kullback–Leibler divergence loss. */
import type { Tensor } from '../../core/tensor.js';
import { klDiv } from '../functional/loss_kl.js';
import { Loss } from './loss.js';

/**
 * KL(target ‖ exp(input)) pointwise on log-probability inputs; 'batchmean' gives the true KL
 * per sample. See `F.klDiv`.
 *
 * @example
 * new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logits.logSoftmax(1), probs);
 */
export class KLDivLoss extends Loss<'none' | 'mean' | 'sum' | 'batchmean'> {
  readonly logTarget: boolean;
  constructor(options: { reduction?: 'none' | 'mean' | 'sum' | 'batchmean'; logTarget?: boolean } = {}) {
    super(options.reduction ?? 'mean');
    this.logTarget = options.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
