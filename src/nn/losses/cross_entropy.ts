/** Classification losses over classes: CrossEntropyLoss and NLLLoss. */
import type { Tensor } from '../../core/tensor.js';
import { crossEntropy, nllLoss } from '../functional/loss_nll.js';
import type { Reduction } from '../functional/reduction.js';
import { Loss } from './loss.js';

export interface NLLLossModuleOptions {
  /** Weight per class [C] (kept as buffer `weight`, like PyTorch). */
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * −w[y]·input[y] on log-probabilities; see `F.nllLoss`.
 *
 * @example
 * new nn.NLLLoss().forward(logits.logSoftmax(1), labels);
 */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;

  constructor(options: NLLLossModuleOptions = {}) {
    super(options.reduction ?? 'mean');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.registerBuffer('weight', options.weight ?? null);
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

  constructor(options: NLLLossModuleOptions & { labelSmoothing?: number } = {}) {
    super(options);
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }
}
