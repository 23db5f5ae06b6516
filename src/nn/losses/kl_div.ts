/** Kullback–Leibler divergence loss. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { klDiv } from '../functional/loss_kl.js';
import { Loss } from './loss.js';

const KL_DIV_OPTIONS = defineOptions('KLDivLoss', {
  /** 'mean' (default, over elements), 'batchmean' (the true KL per sample), 'sum' or 'none'. */
  reduction: option.choice(['none', 'mean', 'sum', 'batchmean'], 'mean'),
  /** The target is given as log-probabilities (default false). */
  logTarget: option.boolean(false),
});

/**
 * KL(target ‖ exp(input)) pointwise on log-probability inputs; 'batchmean' gives the true KL
 * per sample. See `F.klDiv`.
 *
 * @example
 * new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logits.logSoftmax(1), probs);
 */
export class KLDivLoss extends Loss<'none' | 'mean' | 'sum' | 'batchmean'> {
  readonly logTarget: boolean;
  constructor(options: OptionsInput<typeof KL_DIV_OPTIONS> = {}) {
    const o = KL_DIV_OPTIONS.parse(options);
    super(o.reduction);
    this.logTarget = o.logTarget;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
