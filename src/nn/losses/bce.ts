/** Binary cross-entropy losses. */
import { defineOptions, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../functional/loss_binary.js';
import { Loss, REDUCTION, WEIGHT } from './loss.js';

const BCE_FIELDS = {
  /** Per-element rescaling weight (buffer `weight`). */
  weight: WEIGHT,
  reduction: REDUCTION,
};
const BCE_OPTIONS = defineOptions('BCELoss', BCE_FIELDS);
const BCE_WITH_LOGITS_OPTIONS = defineOptions('BCEWithLogitsLoss', {
  ...BCE_FIELDS,
  /** A weight of the positive examples per class (buffer `pos_weight`). */
  posWeight: WEIGHT,
});

export type BCELossOptions = OptionsInput<typeof BCE_OPTIONS>;

/**
 * −w·(y·log x + (1−y)·log(1−x)) on probabilities (logs clamped at −100); see `F.binaryCrossEntropy`.
 *
 * @example
 * new nn.BCELoss().forward(probs, targets);
 */
export class BCELoss extends Loss {
  constructor(options: BCELossOptions = {}) {
    const o = BCE_OPTIONS.parse(options);
    super(o.reduction);
    this.registerBuffer('weight', o.weight ?? null);
  }

  get weight(): Tensor | null { return this.getBuffer('weight'); }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Sigmoid + BCE in a stable form, with `posWeight` per class; see `F.binaryCrossEntropyWithLogits`.
 *
 * @example
 * new nn.BCEWithLogitsLoss({ posWeight: dl.tensor([2, 1, 1]) }).forward(logits, targets);
 */
export class BCEWithLogitsLoss extends Loss {
  constructor(options: OptionsInput<typeof BCE_WITH_LOGITS_OPTIONS> = {}) {
    const o = BCE_WITH_LOGITS_OPTIONS.parse(options);
    super(o.reduction);
    this.registerBuffer('weight', o.weight ?? null);
    this.registerBuffer('pos_weight', o.posWeight ?? null);
  }

  get weight(): Tensor | null { return this.getBuffer('weight'); }
  get posWeight(): Tensor | null { return this.getBuffer('pos_weight'); }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
