/** Classification losses over classes: CrossEntropyLoss and NLLLoss. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { crossEntropy, nllLoss } from '../functional/loss_nll.js';
import { Loss, REDUCTION, WEIGHT } from './loss.js';

const NLL_FIELDS = {
  /** Weight per class [C] (kept as buffer `weight`, like PyTorch). */
  weight: WEIGHT,
  /** A target value that is ignored and adds no gradient (default -100). */
  ignoreIndex: option.number({ default: -100, integer: true }),
  reduction: REDUCTION,
};
const NLL_OPTIONS = defineOptions('NLLLoss', NLL_FIELDS);
const CROSS_ENTROPY_OPTIONS = defineOptions('CrossEntropyLoss', {
  ...NLL_FIELDS,
  /** Label smoothing ε in [0, 1]: targets mix (1 − ε)·one-hot with ε·uniform (default 0). */
  labelSmoothing: option.number({ default: 0, min: 0, max: 1 }),
});

export type NLLLossModuleOptions = OptionsInput<typeof NLL_OPTIONS>;

/**
 * −w[y]·input[y] on log-probabilities; see `F.nllLoss`.
 *
 * @example
 * new nn.NLLLoss().forward(logits.logSoftmax(1), labels);
 */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;

  constructor(options: NLLLossModuleOptions = {}) {
    const o = NLL_OPTIONS.parse(options);
    super(o.reduction);
    this.ignoreIndex = o.ignoreIndex;
    this.registerBuffer('weight', o.weight ?? null);
  }

  get weight(): Tensor | null { return this.getBuffer('weight'); }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/**
 * Cross-entropy of logits against class indices or class probabilities, with class weights,
 * ignoreIndex and label smoothing; see `F.crossEntropy`.
 *
 * @example
 * const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * lossFn.forward(model.forward(x), y).backward();
 */
export class CrossEntropyLoss extends NLLLoss {
  readonly labelSmoothing: number;

  constructor(options: OptionsInput<typeof CROSS_ENTROPY_OPTIONS> = {}) {
    const { labelSmoothing, ...nll } = CROSS_ENTROPY_OPTIONS.parse(options);
    super(nll);
    this.labelSmoothing = labelSmoothing;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}
