/**
 * One time step of a recurrent layer and its gradient (op kinds recurrentCell and
 * recurrentCellBackward), row by row in double precision, exactly as the contract in `../ops.ts`
 * states the equations.
 */
import { RECURRENT_GATES, type OpArgs, type RecurrentMode, type View } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Element (n, j) of a 2-D view (or n of a 1-D one) read and written through its buffer. */
interface Matrix {
  get(n: number, j?: number): number;
  set(n: number, j: number, value: number): void;
}

function matrixOf(view: View | undefined, arrayOf: ArrayOf): Matrix | null {
  if (view === undefined) return null;
  const data = arrayOf(view);
  const [s0, s1 = 0] = view.strides;
  return {
    get: (n, j = 0) => Number(data[view.offset + n * s0 + j * s1]),
    set: (n, j, value) => { data[view.offset + n * s0 + j * s1] = value; },
  };
}

/** Rows and hidden units of a step: N from h, H from h's columns, G from the mode. */
function sizesOf(mode: RecurrentMode, h: View): { N: number; H: number; G: number } {
  return { N: h.shape[0], H: h.shape[1], G: RECURRENT_GATES[mode] };
}

export function recurrentCellKernel(args: OpArgs['recurrentCell'], arrayOf: ArrayOf): void {
  const { mode } = args;
  const { N, H } = sizesOf(mode, args.h);
  const [xg, hg, h, c, live, hOut, cOut, saved] = [args.xg, args.hg, args.h, args.c, args.live, args.hOut, args.cOut, args.saved]
    .map((v) => matrixOf(v, arrayOf));
  for (let n = 0; n < N; n++) {
    if (live !== null && live.get(n) === 0) {
      for (let j = 0; j < H; j++) {
        hOut!.set(n, j, h!.get(n, j));
        if (cOut !== null) cOut.set(n, j, c!.get(n, j));
      }
      if (saved !== null) for (let j = 0; j < 4 * H; j++) saved.set(n, j, 0);
      continue;
    }
    for (let j = 0; j < H; j++) {
      const pre = (k: number): number => xg!.get(n, k * H + j) + hg!.get(n, k * H + j);
      if (mode === 'rnnTanh' || mode === 'rnnRelu') {
        const p = pre(0);
        hOut!.set(n, j, mode === 'rnnTanh' ? Math.tanh(p) : Math.max(p, 0));
      } else if (mode === 'lstm') {
        const [i, f, g, o] = [sigmoid(pre(0)), sigmoid(pre(1)), Math.tanh(pre(2)), sigmoid(pre(3))];
        const cNext = f * c!.get(n, j) + i * g;
        cOut!.set(n, j, cNext);
        hOut!.set(n, j, o * Math.tanh(Math.fround(cNext)));
        [i, f, g, o].forEach((v, k) => saved!.set(n, k * H + j, v));
      } else {
        const r = sigmoid(pre(0)), z = sigmoid(pre(1));
        const hn = hg!.get(n, 2 * H + j);
        const nGate = Math.tanh(xg!.get(n, 2 * H + j) + r * hn);
        hOut!.set(n, j, (1 - z) * nGate + z * h!.get(n, j));
        [r, z, nGate, hn].forEach((v, k) => saved!.set(n, k * H + j, v));
      }
    }
  }
}

export function recurrentCellBackwardKernel(args: OpArgs['recurrentCellBackward'], arrayOf: ArrayOf): void {
  const { mode } = args;
  const { N, H, G } = sizesOf(mode, args.h);
  const [dh, dy, dc, h, c, hOut, cOut, saved, live, dxg, dhg, dhPass, dcPrev] = [
    args.dh, args.dy, args.dc, args.h, args.c, args.hOut, args.cOut, args.saved, args.live, args.dxg, args.dhg, args.dhPass, args.dcPrev,
  ].map((v) => matrixOf(v, arrayOf));
  for (let n = 0; n < N; n++) {
    const dead = live !== null && live.get(n) === 0;
    for (let j = 0; j < H; j++) {
      const g = dh!.get(n, j) + (dy === null ? 0 : dy.get(n, j));
      const setGate = (k: number, value: number, hidden = value): void => {
        dxg!.set(n, k * H + j, dead ? 0 : value);
        if (dhg !== null) dhg.set(n, k * H + j, dead ? 0 : hidden);
      };
      if (dead) {
        for (let k = 0; k < G; k++) setGate(k, 0);
        dhPass!.set(n, j, g);
        if (dcPrev !== null) dcPrev.set(n, j, dc === null ? 0 : dc.get(n, j));
        continue;
      }
      if (mode === 'rnnTanh' || mode === 'rnnRelu') {
        const y = hOut!.get(n, j);
        setGate(0, mode === 'rnnTanh' ? g * (1 - y * y) : y > 0 ? g : 0);
        dhPass!.set(n, j, 0);
      } else if (mode === 'lstm') {
        const [i, f, gg, o] = [0, 1, 2, 3].map((k) => saved!.get(n, k * H + j));
        const tc = Math.tanh(cOut!.get(n, j));
        const dcTotal = (dc === null ? 0 : dc.get(n, j)) + g * o * (1 - tc * tc);
        setGate(0, dcTotal * gg * i * (1 - i));
        setGate(1, dcTotal * c!.get(n, j) * f * (1 - f));
        setGate(2, dcTotal * i * (1 - gg * gg));
        setGate(3, g * tc * o * (1 - o));
        dcPrev!.set(n, j, dcTotal * f);
        dhPass!.set(n, j, 0);
      } else {
        const [r, z, nGate, hn] = [0, 1, 2, 3].map((k) => saved!.get(n, k * H + j));
        const dn = g * (1 - z) * (1 - nGate * nGate);
        const dr = dn * hn * r * (1 - r);
        setGate(0, dr);
        setGate(1, g * (h!.get(n, j) - nGate) * z * (1 - z));
        setGate(2, dn, dn * r);
        dhPass!.set(n, j, g * z);
      }
    }
  }
}

/** This family's kernels, by op kind. */
export const RECURRENT_KERNELS: KernelTable<'recurrentCell' | 'recurrentCellBackward'> = {
  recurrentCell: recurrentCellKernel,
  recurrentCellBackward: recurrentCellBackwardKernel,
};
