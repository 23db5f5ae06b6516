/**
 * Max and average pooling (sliding and adaptive windows) and their gradients. Every spatial rank
 * (1 to 3) runs as rank 3 with leading size-1 dims, so one triple loop serves them all; values
 * are summed in double.
 */
import type { OpArgs, PoolWindow, View } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

/** The windows along one spatial dim: output o reads lo[o], lo[o] + step, ... below hi[o]. */
interface DimWindows {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Window size counted with the padding (avg_pool's count_include_pad divisor). */
  readonly full: Int32Array;
  readonly step: number;
}

/** The windows of spatial dim d (input size S, output size O). */
export function dimWindows(window: PoolWindow, d: number, S: number, O: number): DimWindows {
  const lo = new Int32Array(O), hi = new Int32Array(O), full = new Int32Array(O);
  if (window.type === 'adaptive') {
    for (let o = 0; o < O; o++) {
      lo[o] = Math.floor((o * S) / O);
      hi[o] = Math.ceil(((o + 1) * S) / O);
      full[o] = hi[o] - lo[o];
    }
    return { lo, hi, full, step: 1 };
  }
  const k = window.kernel[d], s = window.stride[d], p = window.padding[d], dil = window.dilation[d];
  for (let o = 0; o < O; o++) {
    let start = o * s - p;
    const end = Math.min(start + (k - 1) * dil + 1, S + p);
    full[o] = end - start;
    while (start < 0) start += dil;
    lo[o] = start;
    hi[o] = Math.min(end, S);
  }
  return { lo, hi, full, step: dil };
}

/** A pooling problem as rank 3: planes (N·C), input and output sizes, windows and strides. */
interface Problem {
  readonly planes: number;
  readonly C: number;
  readonly S: readonly [number, number, number];
  readonly O: readonly [number, number, number];
  readonly dims: readonly [DimWindows, DimWindows, DimWindows];
}

const UNIT: DimWindows = { lo: Int32Array.of(0), hi: Int32Array.of(1), full: Int32Array.of(1), step: 1 };

function problemOf(window: PoolWindow, input: readonly number[], output: readonly number[]): Problem {
  const k = input.length - 2;
  if (k < 1 || k > 3 || output.length !== input.length) throw new Error(`pool: expected [N, C, ...] views with 1 to 3 spatial dims, got ${input.length} and ${output.length} dims`);
  const S = [1, 1, 1], O = [1, 1, 1];
  const dims: DimWindows[] = [UNIT, UNIT, UNIT];
  for (let d = 0; d < k; d++) {
    S[3 - k + d] = input[2 + d];
    O[3 - k + d] = output[2 + d];
    dims[3 - k + d] = dimWindows(window, d, input[2 + d], output[2 + d]);
  }
  return {
    planes: input[0] * input[1], C: input[1],
    S: S as [number, number, number], O: O as [number, number, number], dims: dims as [DimWindows, DimWindows, DimWindows],
  };
}

/** The element strides of a [N, C, ...k] view as [plane n, plane c, d0, d1, d2] (padded dims 0). */
function stridesOf(v: View): [number, number, number, number, number] {
  const k = v.shape.length - 2;
  const s: [number, number, number, number, number] = [v.strides[0], v.strides[1], 0, 0, 0];
  for (let d = 0; d < k; d++) s[2 + 3 - k + d] = v.strides[2 + d];
  return s;
}

/** The divisor of average pooling for output (o0, o1, o2). */
function divisorOf(window: PoolWindow, pr: Problem, o0: number, o1: number, o2: number): number {
  if (window.type === 'sliding' && window.divisorOverride > 0) return window.divisorOverride;
  const [a, b, c] = pr.dims;
  if (window.type === 'sliding' && window.countIncludePad) return a.full[o0] * b.full[o1] * c.full[o2];
  return (a.hi[o0] - a.lo[o0]) * (b.hi[o1] - b.lo[o1]) * (c.hi[o2] - c.lo[o2]);
}

export function poolKernel({ op, x, window, out, indices }: OpArgs['pool'], arrayOf: ArrayOf): void {
  const pr = problemOf(window, x.shape, out.shape);
  const xs = arrayOf(x) as Float32Array, os = arrayOf(out) as Float32Array;
  const is = indices === undefined ? null : arrayOf(indices) as BigInt64Array;
  const st = stridesOf(x);
  const [, S1, S2] = pr.S, [O0, O1, O2] = pr.O, [w0, w1, w2] = pr.dims;
  let o = 0;
  for (let plane = 0; plane < pr.planes; plane++) {
    const base = x.offset + Math.floor(plane / pr.C) * st[0] + (plane % pr.C) * st[1];
    for (let o0 = 0; o0 < O0; o0++) for (let o1 = 0; o1 < O1; o1++) for (let o2 = 0; o2 < O2; o2++, o++) {
      let acc = op === 'max' ? -Infinity : 0;
      let arg = (w0.lo[o0] * S1 + w1.lo[o1]) * S2 + w2.lo[o2];
      for (let i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
        for (let i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
          for (let i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) {
            const v = xs[base + i0 * st[2] + i1 * st[3] + i2 * st[4]];
            if (op === 'avg') acc += v;
            else if (v > acc || v !== v) {
              acc = v;
              arg = (i0 * S1 + i1) * S2 + i2;
            }
          }
        }
      }
      os[out.offset + o] = op === 'max' ? acc : acc / divisorOf(window, pr, o0, o1, o2);
      if (is !== null) is[indices!.offset + o] = BigInt(arg);
    }
  }
}

export function poolBackwardKernel({ op, grad, window, out, indices }: OpArgs['poolBackward'], arrayOf: ArrayOf): void {
  const pr = problemOf(window, out.shape, grad.shape);
  const gs = arrayOf(grad) as Float32Array, os = arrayOf(out) as Float32Array;
  const plane = pr.S[0] * pr.S[1] * pr.S[2];
  os.fill(0, out.offset, out.offset + pr.planes * plane);
  const gst = stridesOf(grad);
  const ist = indices === undefined ? null : stridesOf(indices);
  const is = indices === undefined ? null : arrayOf(indices) as BigInt64Array;
  if (op === 'max' && (is === null || ist === null)) throw new Error('poolBackward: max pooling needs the forward\'s indices');
  const [, S1, S2] = pr.S, [O0, O1, O2] = pr.O, [w0, w1, w2] = pr.dims;
  for (let p = 0; p < pr.planes; p++) {
    const n = Math.floor(p / pr.C), c = p % pr.C, outBase = out.offset + p * plane;
    for (let o0 = 0; o0 < O0; o0++) for (let o1 = 0; o1 < O1; o1++) for (let o2 = 0; o2 < O2; o2++) {
      const g = gs[grad.offset + n * gst[0] + c * gst[1] + o0 * gst[2] + o1 * gst[3] + o2 * gst[4]];
      if (op === 'max') {
        const idx = Number(is![indices!.offset + n * ist![0] + c * ist![1] + o0 * ist![2] + o1 * ist![3] + o2 * ist![4]]);
        if (idx >= 0 && idx < plane) os[outBase + idx] += g;
        continue;
      }
      const share = g / divisorOf(window, pr, o0, o1, o2);
      for (let i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
        for (let i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
          for (let i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) os[outBase + (i0 * S1 + i1) * S2 + i2] += share;
        }
      }
    }
  }
}

/** This family's kernels, by op kind. */
export const POOL_KERNELS: KernelTable<'pool' | 'poolBackward'> = { pool: poolKernel, poolBackward: poolBackwardKernel };
