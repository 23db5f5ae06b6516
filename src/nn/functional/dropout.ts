/** Dropout and alpha dropout (random masks from a generator, the default one unless given). */
import { defaultGenerator, type Generator } from '../../core/generator.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { randomTensor } from '../../ops/creation.js';

function checkP(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A float mask of `x`'s shape: `value` with probability 1−p, else 0 (one random kernel). */
function keepMask(x: Tensor, p: number, generator: Generator, value = 1): Tensor {
  return randomTensor(x.shape, 'bernoulli', 1 - p, value, generator);
}

/**
 * In training, zero each element with probability p and scale the survivors by 1/(1−p)
 * (inverted dropout: the expectation is unchanged); the identity otherwise.
 *
 * @example
 * F.dropout(dl.ones([4, 4]), 0.5); // entries 0 or 2
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  checkP(p, 'dropout');
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(keepMask(x, p, generator, 1 / (1 - p)));
}

/** SELU's −scale·alpha: the value a dropped unit takes in alpha dropout. */
const ALPHA_PRIME = 1.7580993408473766;

/**
 * Alpha dropout (for SELU networks): a dropped unit takes SELU's saturation value −α' and the
 * result is corrected affinely so mean 0 and variance 1 are kept. With keep mask m and
 * a = 1/√((α'²p+1)(1−p)): out = a·m·x + a·α'·(m − 1 + p), exactly as PyTorch.
 *
 * @example
 * F.alphaDropout(dl.randn([100]), 0.2);
 */
export function alphaDropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  checkP(p, 'alphaDropout');
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
  const mask = keepMask(x, p, generator);
  const shift = mask.sub(1).mul(ALPHA_PRIME * a).add(ALPHA_PRIME * a * p);
  return x.mul(mask.mul(a)).add(shift);
}

/** The spatial ranks of channel dropout, and the input ranks each accepts (unbatched first). */
const FEATURE_DROPOUT_RANKS = { 1: [2, 3], 2: [3, 4], 3: [4, 5] } as const;

/**
 * Channel dropout over k spatial dims: in training, zero whole channels of x [N, C, ...] (or an
 * unbatched [C, ...]) with probability p and scale the rest by 1/(1−p), one random draw per
 * (sample, channel) broadcast over the spatial positions.
 */
function featureDropout(owner: string, k: 1 | 2 | 3, x: Tensor, p: number, training: boolean, generator: Generator): Tensor {
  checkP(p, owner);
  const ranks: readonly number[] = FEATURE_DROPOUT_RANKS[k];
  if (!ranks.includes(x.ndim)) {
    throw new Error(`${owner}: expected a ${ranks[0]}D (unbatched) or ${ranks[1]}D input with ${k} spatial dim${k > 1 ? 's' : ''}, got ${formatShape(x.shape)}`);
  }
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const channelDims = x.ndim === ranks[0] ? 1 : 2;
  const maskShape = x.shape.map((d, i) => (i < channelDims ? d : 1));
  return x.mul(randomTensor(maskShape, 'bernoulli', 1 - p, 1 / (1 - p), generator));
}

/**
 * Channel dropout over [N, C, L] or [C, L] (torch.nn.functional.dropout1d): whole channels are
 * zeroed with probability p, the rest scaled by 1/(1−p); the identity outside training.
 *
 * @example
 * F.dropout1d(dl.ones([2, 4, 8]), 0.5); // each [n, c, :] row all 0 or all 2
 */
export function dropout1d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout('dropout1d', 1, x, p, training, generator);
}

/** Channel dropout over [N, C, H, W] or [C, H, W] (see `dropout1d`). */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout('dropout2d', 2, x, p, training, generator);
}

/** Channel dropout over [N, C, D, H, W] or [C, D, H, W] (see `dropout1d`). */
export function dropout3d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout('dropout3d', 3, x, p, training, generator);
}
