/** Binary cross-entropy losses. */
import type { Tensor } from '../../core/tensor.js';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from '../functional/loss_binary.js';
import type { Reduction } from '../functional/reduction.js';
import { Loss } from './loss.js';

export interface BCELossOptions {
  /** Per-element rescaling weight (buffer `weight`). */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/**
 * −w·(y·log x + (1−y)·log(1−x)) on probabilities (logs clamped at −100); see `F.binaryCrossEntropy`.
 *
 * @example
 * new nn.BCELoss().forward(probs, targets);
 */
export class BCELoss extends Loss {
  constructor(options: BCELossOptions = {}) {
    super(options.reduction ?? 'mean');
    this.registerBuffer('weight', options.weight ?? null);
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
  constructor(options: BCELossOptions & { posWeight?: Tensor | null } = {}) {
    super(options.reduction ?? 'mean');
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  get weight(): Tensor | null { return this.getBuffer('weight'); }
  get posWeight(): Tensor | null { return this.getBuffer('pos_weight'); }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
