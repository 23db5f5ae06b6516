/**
 * N-d convolution (1 to 3 spatial dims, any strides, groups) and its two gradients, as the
 * contract defines them (`conv`, `convBackwardData`, `convBackwardWeight` in ../ops.ts).
 *
 * All three kernels visit the same terms — (sample n, output channel o, output position p,
 * input channel c of o's group, kernel tap k) with the input position p·stride − padding +
 * k·dilation inside the input — and differ only in which factor they sum into. Each sum is
 * kept in double and rounded to float32 once, when stored, so these kernels are the exact
 * oracle the native ones are checked against.
 */
import { contiguousStrides } from '../../base/shape.js';
import type { ConvGeometry, OpArgs, View } from '../ops.js';
import { sizeOf, type ArrayOf, type KernelTable } from './strided.js';

/** The element offset of every position of a view's spatial dims (dims 2...), in row-major order. */
function spatialOffsets(view: View): Int32Array {
  const shape = view.shape.slice(2);
  const strides = view.strides.slice(2);
  const offsets = new Int32Array(sizeOf(shape));
  const index = shape.map(() => 0);
  for (let p = 0; p < offsets.length; p++) {
    let off = 0;
    for (let d = 0; d < shape.length; d++) off += index[d] * strides[d];
    offsets[p] = off;
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
  return offsets;
}

/**
 * taps[p · |K| + k]: the offset (by `input`'s spatial strides) of the input position that output
 * position p reads through kernel tap k, or −1 where that position lies in the padding.
 */
function tapOffsets(input: View, outputShape: readonly number[], kernelShape: readonly number[], g: ConvGeometry): Int32Array {
  const spatial = outputShape.length - 2;
  const P = sizeOf(outputShape.slice(2));
  const K = sizeOf(kernelShape.slice(2));
  const taps = new Int32Array(P * K);
  const p = new Array<number>(spatial).fill(0);
  for (let pi = 0; pi < P; pi++) {
    const k = new Array<number>(spatial).fill(0);
    for (let ki = 0; ki < K; ki++) {
      let off = 0;
      for (let d = 0; d < spatial; d++) {
        const i = p[d] * g.stride[d] - g.padding[d] + k[d] * g.dilation[d];
        if (i < 0 || i >= input.shape[d + 2]) { off = -1; break; }
        off += i * input.strides[d + 2];
      }
      taps[pi * K + ki] = off;
      for (let d = spatial - 1; d >= 0 && ++k[d] === kernelShape[d + 2]; d--) k[d] = 0;
    }
    for (let d = spatial - 1; d >= 0 && ++p[d] === outputShape[d + 2]; d--) p[d] = 0;
  }
  return taps;
}

/** Sizes of one convolution: batch, channels per group in and out, positions and taps. */
interface ConvSizes { N: number; groups: number; Cg: number; Og: number; P: number; K: number }

function sizesOf(x: View, y: View, weight: View, groups: number): ConvSizes {
  return {
    N: x.shape[0], groups, Cg: x.shape[1] / groups, Og: y.shape[1] / groups,
    P: sizeOf(y.shape.slice(2)), K: sizeOf(weight.shape.slice(2)),
  };
}

/**
 * Calls term(n, o, c, p, k, xOff) for every term of the convolution of x into y: xOff is the
 * offset in x's buffer of x[n, g·Cg + c, input position of (p, k)].
 */
function forEachTerm(x: View, y: View, weight: View, g: ConvGeometry,
  term: (n: number, o: number, c: number, p: number, k: number, xOff: number) => void): void {
  const { N, groups, Cg, Og, P, K } = sizesOf(x, y, weight, g.groups);
  const taps = tapOffsets(x, y.shape, weight.shape, g);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      for (let c = 0; c < Cg; c++) {
        const xBase = x.offset + n * x.strides[0] + (grp * Cg + c) * x.strides[1];
        for (let oi = 0; oi < Og; oi++) {
          const o = grp * Og + oi;
          for (let p = 0; p < P; p++) {
            for (let k = 0; k < K; k++) {
              const t = taps[p * K + k];
              if (t >= 0) term(n, o, c, p, k, xBase + t);
            }
          }
        }
      }
    }
  }
}

/** Offset of weight[o, c, tap k] in its buffer. */
function weightIndexer(weight: View): (o: number, c: number, k: number) => number {
  const taps = spatialOffsets(weight);
  return (o, c, k) => weight.offset + o * weight.strides[0] + c * weight.strides[1] + taps[k];
}

/** Offset of y[n, o, position p] in its buffer. */
function activationIndexer(y: View): (n: number, o: number, p: number) => number {
  const positions = spatialOffsets(y);
  return (n, o, p) => y.offset + n * y.strides[0] + o * y.strides[1] + positions[p];
}

/** Stores double sums laid out as `view`'s row-major elements into the view, as float32. */
function store(view: View, sums: Float64Array, arrayOf: ArrayOf, relu: boolean): void {
  const out = arrayOf(view) as Float32Array;
  const at = activationIndexer(view);
  const [A, B] = view.shape;
  const P = sums.length / (A * B);
  for (let a = 0, i = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < P; p++, i++) {
        const v = Math.fround(sums[i]);
        // relu as the unary kernel: NaN kept, negatives and −0 to +0
        out[at(a, b, p)] = relu && !(v > 0) && !Number.isNaN(v) ? 0 : v;
      }
    }
  }
}

function convKernel({ x, weight, bias, out, geometry, epilogue }: OpArgs['conv'], arrayOf: ArrayOf): void {
  const xs = arrayOf(x) as Float32Array;
  const ws = arrayOf(weight) as Float32Array;
  const [N, O] = out.shape;
  const P = sizeOf(out.shape.slice(2));
  const sums = new Float64Array(N * O * P);
  if (bias !== undefined) {
    const bs = arrayOf(bias) as Float32Array;
    for (let i = 0; i < sums.length; i++) sums[i] = bs[bias.offset + Math.floor(i / P) % O * bias.strides[0]];
  }
  const w = weightIndexer(weight);
  forEachTerm(x, out, weight, geometry, (n, o, c, p, k, xOff) => {
    sums[(n * O + o) * P + p] += xs[xOff] * ws[w(o, c, k)];
  });
  store(out, sums, arrayOf, epilogue === 'relu');
}

function convBackwardDataKernel({ grad, weight, out, geometry }: OpArgs['convBackwardData'], arrayOf: ArrayOf): void {
  const gs = arrayOf(grad) as Float32Array;
  const ws = arrayOf(weight) as Float32Array;
  const sums = new Float64Array(sizeOf(out.shape));
  // the same terms as the forward from `out` (the input's place) to `grad`, summed into the input
  const asContiguous: View = { ...out, offset: 0, strides: contiguousStrides(out.shape) };
  const w = weightIndexer(weight);
  const gAt = activationIndexer(grad);
  forEachTerm(asContiguous, grad, weight, geometry, (n, o, c, p, k, xOff) => {
    sums[xOff] += gs[gAt(n, o, p)] * ws[w(o, c, k)];
  });
  store(out, sums, arrayOf, false);
}

function convBackwardWeightKernel({ x, grad, out, geometry }: OpArgs['convBackwardWeight'], arrayOf: ArrayOf): void {
  const xs = arrayOf(x) as Float32Array;
  const gs = arrayOf(grad) as Float32Array;
  const [, Cg] = out.shape;
  const K = sizeOf(out.shape.slice(2));
  const sums = new Float64Array(sizeOf(out.shape));
  const gAt = activationIndexer(grad);
  forEachTerm(x, grad, out, geometry, (n, o, c, p, k, xOff) => {
    sums[(o * Cg + c) * K + k] += gs[gAt(n, o, p)] * xs[xOff];
  });
  store(out, sums, arrayOf, false);
}

/** This family's kernels, by op kind. */
export const CONV_KERNELS: KernelTable<'conv' | 'convBackwardData' | 'convBackwardWeight'> = {
  conv: convKernel, convBackwardData: convBackwardDataKernel, convBackwardWeight: convBackwardWeightKernel,
};
