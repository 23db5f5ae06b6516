/** Pairwise losses driven by a ±1 target. */
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { checkFloat, checkSameShape, reduce, type Reduction } from './reduction.js';

export interface MarginOptions {
  margin?: number;
  reduction?: Reduction;
}

/**
 * cos = x1·x2/√((|x1|²+ε)(|x2|²+ε)) along the last dim (ε = 1e-12); loss = 1 − cos where y = 1,
 * max(0, cos − margin) where y = −1.
 *
 * @example
 * F.cosineEmbeddingLoss(a, b, dl.tensor([1, -1]), { margin: 0.2 });
 */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const op = 'CosineEmbeddingLoss';
  checkFloat(op, x1, 'input1');
  checkSameShape(op, x1, x2, 'input2');
  if (x1.ndim < 1 || x1.ndim > 2 || target.shape.join() !== x1.shape.slice(0, -1).join()) {
    throw new Error(`${op}: expected 1-D or 2-D inputs [N, D] and a target [N], got inputs ${formatShape(x1.shape)} and target ${formatShape(target.shape)}`);
  }
  const dim = x1.ndim - 1;
  const eps = 1e-12;
  const dot = x1.mul(x2).sum(dim);
  const m1 = x1.square().sum(dim).add(eps);
  const m2 = x2.square().sum(dim).add(eps);
  const cos = dot.div(m1.mul(m2).sqrt());
  const pos = cos.neg().add(1).where(target.eq(1), 0);
  const neg = cos.sub(options.margin ?? 0).clamp(0).where(target.eq(-1), 0);
  return reduce(pos.add(neg), options.reduction ?? 'mean', op);
}

/**
 * max(0, −y·(x1 − x2) + margin): x1 should rank above x2 where y = 1, below where y = −1.
 *
 * @example
 * F.marginRankingLoss(s1, s2, dl.tensor([1, -1, 1]).float(), { margin: 0.5 });
 */
export function marginRankingLoss(x1: Tensor, x2: Tensor, target: Tensor, options: MarginOptions = {}): Tensor {
  const op = 'MarginRankingLoss';
  checkFloat(op, x1, 'input1');
  checkSameShape(op, x1, x2, 'input2');
  checkSameShape(op, x1, target);
  const loss = target.neg().mul(x1.sub(x2)).add(options.margin ?? 0).clamp(0);
  return reduce(loss, options.reduction ?? 'mean', op);
}
