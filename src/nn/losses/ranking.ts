/** Losses over pairs with a ±1 target. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { cosineEmbeddingLoss, marginRankingLoss } from '../functional/loss_ranking.js';
import { Loss, REDUCTION } from './loss.js';

const COSINE_EMBEDDING_OPTIONS = defineOptions('CosineEmbeddingLoss', {
  /** Cosine similarity below which dissimilar pairs add no loss, in [-1, 1] (default 0). */
  margin: option.number({ default: 0, min: -1, max: 1 }),
  reduction: REDUCTION,
});
const MARGIN_RANKING_OPTIONS = defineOptions('MarginRankingLoss', {
  /** The margin the better score must win by (default 0). */
  margin: option.number({ default: 0 }),
  reduction: REDUCTION,
});

/** 1 − cos(x1, x2) for y = 1, max(0, cos − margin) for y = −1. @example new nn.CosineEmbeddingLoss({ margin: 0.5 }).forward(a, b, y); */
export class CosineEmbeddingLoss extends Loss {
  readonly margin: number;
  constructor(options: OptionsInput<typeof COSINE_EMBEDDING_OPTIONS> = {}) {
    const o = COSINE_EMBEDDING_OPTIONS.parse(options);
    super(o.reduction);
    this.margin = o.margin;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** max(0, −y·(x1 − x2) + margin). @example new nn.MarginRankingLoss({ margin: 1 }).forward(s1, s2, y); */
export class MarginRankingLoss extends Loss {
  readonly margin: number;
  constructor(options: OptionsInput<typeof MARGIN_RANKING_OPTIONS> = {}) {
    const o = MARGIN_RANKING_OPTIONS.parse(options);
    super(o.reduction);
    this.margin = o.margin;
  }
  override forward(x1: Tensor, x2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(x1, x2, target, { margin: this.margin, reduction: this.reduction });
  }
}
