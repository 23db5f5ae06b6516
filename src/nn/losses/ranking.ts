/** Losses over pairs with a ±1 target. */
import type { Tensor } from '../../core/tensor.js';
import { cosineEmbeddingLoss, marginRankingLoss } from '../functional/loss_ranking.js';
import type { Reduction } from '../functional/reduction.js';
import { Loss } from './loss.js';

/** 1 − cos(x1, x2) for y = 1, max(0, cos − margin) for y = −1. @example new nn.CosineEmbeddingLoss({ margin: 0.5 }).forward(a, b, y); */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options: { margin?: number; reduction?: Reduction } = {}) {
    super(options.reduction ?? 'mean');
    this.margin = options.margin ?? 0;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** max(0, −y·(x1 − x2) + margin). @example new nn.MarginRankingLoss({ margin: 1 }).forward(s1, s2, y); */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(options: { margin?: number; reduction?: Reduction } = {}) {
    super(options.reduction ?? 'mean');
    this.margin = options.margin ?? 0;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}
