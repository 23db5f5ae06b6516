/**
 * Batch normalisation with the batch's statistics and its gradient: per channel, sums in double
 * over the batch and spatial positions, then one elementwise pass.
 */
import type { OpArgs, View } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

/**
 * Channel c of [N, C, ...S] views of one shape, walked in row-major order: visit(offsets, i) gets
 * each view's element offset and the contiguous flat index i.
 */
function forChannel(views: readonly View[], c: number, visit: (at: readonly number[], i: number) => void): void {
  const shape = views[0].shape, N = shape[0], C = shape[1], spatial = shape.slice(2), rank = spatial.length;
  const S = spatial.reduce((a, b) => a * b, 1);
  const pos = new Array<number>(rank).fill(0);
  const at = views.map(() => 0);
  for (let n = 0; n < N; n++) {
    pos.fill(0);
    for (let s = 0; s < S; s++) {
      views.forEach((v, k) => {
        at[k] = v.offset + n * v.strides[0] + c * v.strides[1];
        for (let d = 0; d < rank; d++) at[k] += pos[d] * v.strides[2 + d];
      });
      visit(at, (n * C + c) * S + s);
      for (let d = rank - 1; d >= 0; d--) {
        if (++pos[d] < spatial[d]) break;
        pos[d] = 0;
      }
    }
  }
}

/** Elements per channel: N · |S|. */
const perChannel = (v: View): number => v.shape.reduce((a, b) => a * b, 1) / v.shape[1];

const invstdOf = (variance: number, eps: number): number => 1 / Math.sqrt(variance + eps);

export function batchNormKernel({ x, weight, bias, eps, out, mean, variance }: OpArgs['batchNorm'], arrayOf: ArrayOf): void {
  const xs = arrayOf(x) as Float32Array, os = arrayOf(out) as Float32Array;
  const ms = arrayOf(mean) as Float32Array, vs = arrayOf(variance) as Float32Array;
  const ws = weight && (arrayOf(weight) as Float32Array), bs = bias && (arrayOf(bias) as Float32Array);
  const n = perChannel(x);
  for (let c = 0; c < x.shape[1]; c++) {
    let sum = 0, sq = 0;
    forChannel([x], c, ([at]) => { sum += xs[at]; });
    const mu = sum / n;
    forChannel([x], c, ([at]) => { const d = xs[at] - mu; sq += d * d; });
    const v = sq / n, inv = invstdOf(v, eps);
    const w = ws ? ws[weight!.offset + c * weight!.strides[0]] : 1, b = bs ? bs[bias!.offset + c * bias!.strides[0]] : 0;
    forChannel([x], c, ([at], i) => { os[out.offset + i] = (xs[at] - mu) * inv * w + b; });
    ms[mean.offset + c] = mu;
    vs[variance.offset + c] = v;
  }
}

export function batchNormBackwardKernel(args: OpArgs['batchNormBackward'], arrayOf: ArrayOf): void {
  const { grad, x, mean, variance, weight, eps, dx, dweight, dbias } = args;
  const gs = arrayOf(grad) as Float32Array, xs = arrayOf(x) as Float32Array, dxs = arrayOf(dx) as Float32Array;
  const ms = arrayOf(mean) as Float32Array, vs = arrayOf(variance) as Float32Array;
  const dws = arrayOf(dweight) as Float32Array, dbs = arrayOf(dbias) as Float32Array;
  const ws = weight && (arrayOf(weight) as Float32Array);
  const n = perChannel(x);
  for (let c = 0; c < x.shape[1]; c++) {
    const mu = ms[mean.offset + c * mean.strides[0]];
    const inv = invstdOf(vs[variance.offset + c * variance.strides[0]], eps);
    const w = ws ? ws[weight!.offset + c * weight!.strides[0]] : 1;
    let sg = 0, sgx = 0;
    forChannel([x, grad], c, ([at, ag]) => { sg += gs[ag]; sgx += gs[ag] * (xs[at] - mu) * inv; });
    forChannel([x, grad], c, ([at, ag], i) => {
      dxs[dx.offset + i] = w * inv * (gs[ag] - sg / n - (xs[at] - mu) * inv * (sgx / n));
    });
    dbs[dbias.offset + c] = sg;
    dws[dweight.offset + c] = sgx;
  }
}

/** This family's kernels, by op kind. */
export const NORM_KERNELS: KernelTable<'batchNorm' | 'batchNormBackward'> = { batchNorm: batchNormKernel, batchNormBackward: batchNormBackwardKernel };
