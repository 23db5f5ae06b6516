/**
 * A recurrent layer over a sequence and its gradient (op kinds recurrentSequence and
 * recurrentSequenceBackward), step by step and row by row in double precision, exactly as the
 * contract in `../ops.ts` states the equations.
 */
import { RECURRENT_GATES, type OpArgs, type RecurrentMode, type View } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Element access to a view of 1 to 3 dims through its buffer. */
interface Elements {
  get(...index: number[]): number;
  set(value: number, ...index: number[]): void;
}

function elementsOf(view: View | undefined, arrayOf: ArrayOf): Elements | null {
  if (view === undefined) return null;
  const data = arrayOf(view);
  const at = (index: readonly number[]): number => index.reduce((o, i, d) => o + i * view.strides[d], view.offset);
  return { get: (...index) => Number(data[at(index)]), set: (value, ...index) => { data[at(index)] = value; } };
}

/** Sizes of a layer: steps T, rows N, units H, gate blocks G. */
function sizesOf(mode: RecurrentMode, output: View): { T: number; N: number; H: number; G: number } {
  const [T, N, H] = output.shape;
  return { T, N, H, G: RECURRENT_GATES[mode] };
}

/** Steps in processing order, with the step each one starts from (-1: the initial state). */
function order(T: number, reverse: boolean): { t: number; prev: number }[] {
  return Array.from({ length: T }, (_, k) => (reverse ? { t: T - 1 - k, prev: k === 0 ? -1 : T - k } : { t: k, prev: k - 1 }));
}

/** v·Wᵀ + b for one row (hg from h and W_hh, xg from x and W_ih), in double. */
function projection(h: readonly number[], w: Elements, b: Elements | null, GH: number): number[] {
  return Array.from({ length: GH }, (_, r) => h.reduce((s, v, k) => s + v * w.get(r, k), b === null ? 0 : b.get(r)));
}

export function recurrentSequenceKernel(args: OpArgs['recurrentSequence'], arrayOf: ArrayOf): void {
  const { mode, reverse } = args;
  const { T, N, H, G } = sizesOf(mode, args.output);
  const [x, wi, bi, w, b, h0, c0, live, output, cells, saved, stepInputs] = [args.x, args.weightIh, args.biasIh, args.weightHh,
    args.biasHh, args.h0, args.c0, args.live, args.output, args.cells, args.saved, args.stepInputs].map((v) => elementsOf(v, arrayOf));
  const inputSize = args.x.shape[2];
  for (const { t, prev } of order(T, reverse)) {
    for (let n = 0; n < N; n++) {
      const h = Array.from({ length: H }, (_, j) => (prev < 0 ? h0!.get(n, j) : output!.get(prev, n, j)));
      const c = cells === null ? [] : Array.from({ length: H }, (_, j) => (prev < 0 ? c0!.get(n, j) : cells.get(prev, n, j)));
      if (stepInputs !== null) {
        for (let k = 0; k < inputSize; k++) stepInputs.set(x!.get(t, n, k), t, n, k);
        for (let j = 0; j < H; j++) stepInputs.set(h[j], t, n, inputSize + j);
      }
      if (live !== null && live.get(t, n) === 0) {
        for (let j = 0; j < H; j++) {
          output!.set(h[j], t, n, j);
          if (cells !== null) cells.set(c[j], t, n, j);
        }
        if (saved !== null) for (let j = 0; j < args.saved!.shape[2]; j++) saved.set(0, t, n, j);
        continue;
      }
      const hg = projection(h, w!, b, G * H);
      const xg = projection(Array.from({ length: inputSize }, (_, k) => x!.get(t, n, k)), wi!, bi, G * H);
      for (let j = 0; j < H; j++) {
        const input = (k: number): number => xg[k * H + j];
        const pre = (k: number): number => input(k) + hg[k * H + j];
        if (mode === 'rnnTanh' || mode === 'rnnRelu') {
          output!.set(mode === 'rnnTanh' ? Math.tanh(pre(0)) : Math.max(pre(0), 0), t, n, j);
        } else if (mode === 'lstm') {
          const gates = [sigmoid(pre(0)), sigmoid(pre(1)), Math.tanh(pre(2)), sigmoid(pre(3))];
          const cNext = Math.fround(gates[1] * c[j] + gates[0] * gates[2]);
          const tc = Math.tanh(cNext);
          cells!.set(cNext, t, n, j);
          output!.set(gates[3] * tc, t, n, j);
          [...gates, tc].forEach((v, k) => saved!.set(v, t, n, k * H + j));
        } else {
          const r = sigmoid(pre(0)), z = sigmoid(pre(1)), hn = hg[2 * H + j];
          const nGate = Math.tanh(input(2) + r * hn);
          output!.set((1 - z) * nGate + z * h[j], t, n, j);
          [r, z, nGate, hn].forEach((v, k) => saved!.set(v, t, n, k * H + j));
        }
      }
    }
  }
}

export function recurrentSequenceBackwardKernel(args: OpArgs['recurrentSequenceBackward'], arrayOf: ArrayOf): void {
  const { mode, reverse } = args;
  const { T, N, H, G } = sizesOf(mode, args.output);
  const [dOutput, dhN, dcN, w, h0, c0, live, output, cells, saved, dxg, dhg, dh0, dc0] = [args.dOutput, args.dhN, args.dcN, args.weightHh,
    args.h0, args.c0, args.live, args.output, args.cells, args.saved, args.dxg, args.dhg, args.dh0, args.dc0].map((v) => elementsOf(v, arrayOf));
  const steps = order(T, reverse).reverse();
  const [dbIh, dbHh] = [args.dbIh, args.dbHh].map((v) => elementsOf(v, arrayOf));
  const sums = [new Float64Array(G * H), new Float64Array(G * H)];
  for (let n = 0; n < N; n++) {
    let dh = Array.from({ length: H }, (_, j) => (dhN === null ? 0 : dhN.get(n, j)));
    let dc = Array.from({ length: H }, (_, j) => (dcN === null ? 0 : dcN.get(n, j)));
    for (const { t, prev } of steps) {
      const state = (j: number): number => (prev < 0 ? h0!.get(n, j) : output!.get(prev, n, j));
      const cell = (j: number): number => (prev < 0 ? c0!.get(n, j) : cells!.get(prev, n, j));
      const g = dh.map((v, j) => v + (dOutput === null ? 0 : dOutput.get(t, n, j)));
      const dead = live !== null && live.get(t, n) === 0;
      const pass = new Array<number>(H).fill(0);
      const dcPrev = new Array<number>(H).fill(0);
      const gx = new Array<number>(G * H).fill(0), gh = new Array<number>(G * H).fill(0);
      for (let j = 0; j < H; j++) {
        if (dead) {
          pass[j] = g[j];
          dcPrev[j] = dc[j];
        } else if (mode === 'rnnTanh' || mode === 'rnnRelu') {
          const y = output!.get(t, n, j);
          gx[j] = gh[j] = mode === 'rnnTanh' ? g[j] * (1 - y * y) : y > 0 ? g[j] : 0;
        } else if (mode === 'lstm') {
          const [i, f, gg, o, tc] = [0, 1, 2, 3, 4].map((k) => saved!.get(t, n, k * H + j));
          const dct = dc[j] + g[j] * o * (1 - tc * tc);
          [dct * gg * i * (1 - i), dct * cell(j) * f * (1 - f), dct * i * (1 - gg * gg), g[j] * tc * o * (1 - o)]
            .forEach((v, k) => { gx[k * H + j] = gh[k * H + j] = v; });
          dcPrev[j] = dct * f;
        } else {
          const [r, z, nGate, hn] = [0, 1, 2, 3].map((k) => saved!.get(t, n, k * H + j));
          const dn = g[j] * (1 - z) * (1 - nGate * nGate);
          const dr = dn * hn * r * (1 - r);
          const dz = g[j] * (state(j) - nGate) * z * (1 - z);
          [gx[j], gx[H + j], gx[2 * H + j]] = [dr, dz, dn];
          [gh[j], gh[H + j], gh[2 * H + j]] = [dr, dz, dn * r];
          pass[j] = g[j] * z;
        }
      }
      for (let k = 0; k < G * H; k++) {
        dxg!.set(gx[k], t, n, k);
        if (dhg !== null) dhg.set(gh[k], t, n, k);
        // the float32 values written, as the biases' gradients sum them
        sums[0][k] += Math.fround(gx[k]);
        sums[1][k] += Math.fround(gh[k]);
      }
      // h's gradient: what bypasses hg, plus hg's gradient through W_hh
      dh = pass.map((v, j) => gh.reduce((s, d, r) => s + d * w!.get(r, j), v));
      dc = dcPrev;
    }
    for (let j = 0; j < H; j++) {
      dh0!.set(dh[j], n, j);
      if (dc0 !== null) dc0.set(dc[j], n, j);
    }
  }
  for (let k = 0; k < G * H; k++) {
    dbIh?.set(sums[0][k], k);
    dbHh?.set(sums[1][k], k);
  }
}

/** This family's kernels, by op kind. */
export const RECURRENT_KERNELS: KernelTable<'recurrentSequence' | 'recurrentSequenceBackward'> = {
  recurrentSequence: recurrentSequenceKernel,
  recurrentSequenceBackward: recurrentSequenceBackwardKernel,
};
