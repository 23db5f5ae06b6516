/**
 * Resampling (torch.nn.functional.interpolate) by nearest neighbour and (bi/tri)linear
 * interpolation, composed per spatial dim from index selections: a separable interpolation is
 * exactly PyTorch's (the last dim's weights innermost), and its gradient is the selections'.
 */
import { defineOptions, option, type OptionsInput, type ResolvedOptions } from '../../base/options.js';
import { formatShape } from '../../base/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { integerAtLeast, oneOrList } from '../options.js';

export const INTERPOLATE_MODES = ['nearest', 'linear', 'bilinear', 'trilinear'] as const;
export type InterpolateMode = (typeof INTERPOLATE_MODES)[number];

const isScale = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

const INTERPOLATE_OPTIONS = defineOptions('interpolate', {
  /** The output's spatial size: one for every dim or one per dim. Give this or `scaleFactor`. */
  size: option.custom<number | readonly number[]>('an integer ≥ 1 or a list of them (one per spatial dim)', oneOrList(integerAtLeast(1))),
  /** Output size = floor(input size · scale); the scale itself maps the positions, as in PyTorch. */
  scaleFactor: option.custom<number | readonly number[]>('a number in (0, ∞) or a list of them (one per spatial dim)', oneOrList(isScale)),
  /** How output values are taken from the input (default 'nearest'). */
  mode: option.choice(INTERPOLATE_MODES, 'nearest'),
  /** Linear modes: align the corner pixels' centres (scale (S−1)/(O−1)) instead of half-pixel mapping. Default false. */
  alignCorners: option.boolean(),
});

export type InterpolateOptions = OptionsInput<typeof INTERPOLATE_OPTIONS>;
/** Checked interpolation options: `mode` always set. */
export type ResolvedInterpolateOptions = ResolvedOptions<typeof INTERPOLATE_OPTIONS>;

/**
 * `options` checked for F.interpolate and nn.Upsample (`owner` names the caller): the fields, then
 * the rules between them, which do not depend on the input.
 */
export function interpolateOptions(options: unknown, owner: string): ResolvedInterpolateOptions {
  const o = INTERPOLATE_OPTIONS.parse(options, owner);
  if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new Error(`${owner}: give exactly one of size and scaleFactor`);
  if (o.mode === 'nearest' && o.alignCorners !== undefined) {
    throw new Error(`${owner}: alignCorners can only be set with the interpolating modes linear, bilinear and trilinear`);
  }
  return o;
}

/** The input rank each linear mode needs (nearest takes 3 to 5). */
const LINEAR_RANK: { readonly [M in Exclude<InterpolateMode, 'nearest'>]: number } = { linear: 3, bilinear: 4, trilinear: 5 };

function perDim(owner: string, name: string, value: number | readonly number[], k: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(k).fill(value) : [...value];
  if (list.length !== k) throw new Error(`${owner}: ${name} must be a number or a list of ${k} for input with ${k} spatial dims, got [${list.join(', ')}]`);
  return list;
}

/** Output sizes and the scales given by the user (undefined: computed from the sizes). */
function outputGeometry(owner: string, x: Tensor, options: ResolvedInterpolateOptions): { sizes: number[]; scales: (number | undefined)[] } {
  const k = x.ndim - 2;
  const S = x.shape.slice(2);
  const sizes = options.size !== undefined ? perDim(owner, 'size', options.size, k)
    : perDim(owner, 'scaleFactor', options.scaleFactor!, k).map((s, d) => Math.floor(S[d] * s));
  if (sizes.some((o) => !Number.isInteger(o) || o < 1)) {
    throw new RangeError(`${owner}: the output size [${sizes.join(', ')}] for input ${formatShape(x.shape)} must be positive integers`);
  }
  const scales = options.scaleFactor === undefined ? sizes.map(() => undefined) : perDim(owner, 'scaleFactor', options.scaleFactor, k);
  return { sizes, scales };
}

/** PyTorch's compute_scales_value: input/output, or 1/scale when the user gave one (float). */
function scaleOf(S: number, O: number, scale: number | undefined): number {
  return Math.fround(scale !== undefined && scale > 0 ? 1 / scale : S / O);
}

/** PyTorch's nearest_idx for output positions 0..O−1. */
function nearestIndex(S: number, O: number, scale: number | undefined): BigInt64Array {
  const idx = new BigInt64Array(O);
  const f = scaleOf(S, O, scale);
  for (let o = 0; o < O; o++) {
    const i = O === S ? o : O === 2 * S ? o >> 1 : Math.min(Math.floor(Math.fround(o * f)), S - 1);
    idx[o] = BigInt(i);
  }
  return idx;
}

/** PyTorch's linear source indices and weights (compute_indices_weights_linear, float). */
function linearTaps(S: number, O: number, alignCorners: boolean, scale: number | undefined): { i0: BigInt64Array; i1: BigInt64Array; w0: Float32Array; w1: Float32Array } {
  const i0 = new BigInt64Array(O), i1 = new BigInt64Array(O), w0 = new Float32Array(O), w1 = new Float32Array(O);
  const f = alignCorners ? Math.fround(O > 1 ? (S - 1) / (O - 1) : 0) : scaleOf(S, O, scale);
  for (let o = 0; o < O; o++) {
    let src = alignCorners ? Math.fround(f * o) : Math.fround(f * (o + 0.5) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.floor(src);
    const lambda = Math.min(Math.max(Math.fround(src - lo), 0), 1);
    i0[o] = BigInt(lo);
    i1[o] = BigInt(lo + (lo < S - 1 ? 1 : 0));
    w1[o] = lambda;
    w0[o] = Math.fround(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/** Weights along dim d of a rank-n tensor, shaped to broadcast. */
function weightsAlong(w: Float32Array, d: number, n: number): Tensor {
  return tensor(w, { shape: Array.from({ length: n }, (_, i) => (i === d ? w.length : 1)) });
}

/**
 * Resample x [N, C, ...S] (1 to 3 spatial dims) to a new spatial size: `nearest` (any rank) picks
 * floor(o·S/O); `linear`/`bilinear`/`trilinear` (3D/4D/5D input) blend the two neighbours along
 * each dim with PyTorch's source positions (half-pixel, or `alignCorners`).
 *
 * @example
 * F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' });
 * F.interpolate(x, { size: [7, 7] }); // nearest
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const owner = 'interpolate';
  const o = interpolateOptions(options, owner);
  const mode = o.mode;
  if (x.ndim < 3 || x.ndim > 5) throw new Error(`${owner}: expected a 3D, 4D or 5D input [N, C, ...spatial], got ${formatShape(x.shape)}`);
  if (x.dtype !== 'float32') throw new TypeError(`${owner}: expected a float32 input, got ${x.dtype}`);
  if (mode !== 'nearest' && x.ndim !== LINEAR_RANK[mode]) {
    throw new Error(`${owner}: mode '${mode}' needs a ${LINEAR_RANK[mode]}D input, got ${formatShape(x.shape)}`);
  }
  const { sizes, scales } = outputGeometry(owner, x, o);
  const alignCorners = o.alignCorners ?? false;
  let y = x;
  // the last dim first: PyTorch weights it innermost
  for (let d = x.ndim - 1; d >= 2; d--) {
    const S = x.shape[d], O = sizes[d - 2], scale = scales[d - 2];
    if (mode === 'nearest') {
      if (O !== S) y = y.indexSelect(d, tensor(nearestIndex(S, O, scale)));
      continue;
    }
    const { i0, i1, w0, w1 } = linearTaps(S, O, alignCorners, scale);
    y = y.indexSelect(d, tensor(i0)).mul(weightsAlong(w0, d, x.ndim)).add(y.indexSelect(d, tensor(i1)).mul(weightsAlong(w1, d, x.ndim)));
  }
  return y === x ? x.clone() : y;
}
