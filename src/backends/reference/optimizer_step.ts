/**
 * The fused optimizer update: one pass over a parameter, its gradient and its state buffers.
 *
 * Each algorithm reproduces the float32 arithmetic of PyTorch 1.13's single-tensor
 * (`foreach=False`) implementation operation by operation — every intermediate is rounded to
 * float32 (`Math.fround`) where torch materialises a float32 tensor, scalars are rounded to
 * float32 as torch's CPU kernels do — so results agree with torch to a few ulps. Per-step
 * scalars (bias corrections, step sizes) are computed in double precision by the caller, as
 * torch computes them in Python. The native kernel (`native/src/kernels_optim.cc`) follows the
 * same scalar layout, documented on `OPTIMIZER_SCALARS`.
 */

import type { OpArgs, OptimizerAlgo, View } from '../ops.js';
import type { ArrayOf } from './strided.js';

/**
 * The per-algorithm layout of `scalars` (names only document the order) and of `state`.
 * Flags are 0 or 1.
 */
export const OPTIMIZER_SCALARS: { readonly [A in OptimizerAlgo]: { scalars: readonly string[]; state: string } } = {
  sgd: { scalars: ['lr', 'weightDecay', 'momentum', 'dampening', 'nesterov', 'maximize', 'firstStep'], state: '[momentum_buffer] when momentum != 0, else []' },
  adam: { scalars: ['beta1', 'beta2', 'eps', 'weightDecay', 'maximize', 'stepSize', 'biasCorrection2Sqrt', 'paramDecay'], state: '[exp_avg, exp_avg_sq, max_exp_avg_sq?]' },
  adamax: { scalars: ['beta1', 'beta2', 'eps', 'weightDecay', 'maximize', 'clr'], state: '[exp_avg, exp_inf]' },
  nadam: { scalars: ['beta1', 'beta2', 'eps', 'weightDecay', 'biasCorrection2', 'gradCoef', 'expAvgCoef'], state: '[exp_avg, exp_avg_sq]' },
  radam: { scalars: ['beta1', 'beta2', 'eps', 'weightDecay', 'biasCorrection1', 'lr', 'biasCorrection2Sqrt', 'rect', 'rectify'], state: '[exp_avg, exp_avg_sq]' },
  rmsprop: { scalars: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'], state: '[square_avg, momentum_buffer?, grad_avg?]' },
  adagrad: { scalars: ['clr', 'weightDecay', 'eps', 'maximize'], state: '[sum]' },
  adadelta: { scalars: ['lr', 'rho', 'eps', 'weightDecay', 'maximize'], state: '[square_avg, acc_delta]' },
};

/** A contiguous float32 run: `data[offset .. offset + n)`. */
export interface FloatRun {
  readonly data: Float32Array;
  readonly offset: number;
}

/** Arguments of the fused step on host memory: every run has `n` elements. */
export interface HostOptimizerStep {
  algo: OptimizerAlgo;
  n: number;
  param: FloatRun;
  grad: FloatRun;
  state: readonly FloatRun[];
  scalars: readonly number[];
}

const f = Math.fround;

/** `s`: the scalars rounded to float32 (as torch's kernels use them); `raw`: as passed, for derived constants. */
type Rule = (a: HostOptimizerStep, s: readonly number[], raw: readonly number[]) => void;

/** The effective gradient: negated for `maximize`, plus `weightDecay * param` (both as torch rounds them). */
function effectiveGrad(g: number, p: number, weightDecay: number, maximize: number): number {
  const d = maximize !== 0 ? -g : g;
  return weightDecay !== 0 ? f(d + f(weightDecay * p)) : d;
}

const sgd: Rule = ({ n, param, grad, state }, [lr, wd, momentum, , nesterov, maximize, firstStep], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const buf = state[0];
  const keep = f(1 - raw[3]);
  for (let i = 0; i < n; i++) {
    let d = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    if (buf !== undefined) {
      const j = buf.offset + i;
      const b = firstStep !== 0 ? d : f(f(buf.data[j] * momentum) + f(keep * d));
      buf.data[j] = b;
      d = nesterov !== 0 ? f(d + f(momentum * b)) : b;
    }
    P[po + i] = f(P[po + i] + f(-lr * d));
  }
};

const adam: Rule = ({ n, param, grad, state }, [beta1, beta2, eps, wd, maximize, stepSize, bc2Sqrt, paramDecay], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v, vmax] = state;
  const c1 = f(1 - raw[0]);
  const c2 = f(1 - raw[1]);
  for (let i = 0; i < n; i++) {
    if (paramDecay !== 1) P[po + i] = f(P[po + i] * paramDecay);
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const vi = f(f(v.data[v.offset + i] * beta2) + f(f(c2 * g) * g));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    let second = vi;
    if (vmax !== undefined) {
      second = Math.max(vmax.data[vmax.offset + i], vi);
      vmax.data[vmax.offset + i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2Sqrt) + eps);
    P[po + i] = f(P[po + i] + f(f(-stepSize * mi) / denom));
  }
};

const adamax: Rule = ({ n, param, grad, state }, [beta1, beta2, eps, wd, maximize, clr], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, u] = state;
  const c1 = f(1 - raw[0]);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const decayed = f(u.data[u.offset + i] * beta2);
    const fresh = f(Math.abs(g) + eps);
    const ui = Number.isNaN(decayed) || Number.isNaN(fresh) ? NaN : Math.max(decayed, fresh);
    m.data[m.offset + i] = mi;
    u.data[u.offset + i] = ui;
    P[po + i] = f(P[po + i] + f(f(-clr * mi) / ui));
  }
};

const nadam: Rule = ({ n, param, grad, state }, [beta1, beta2, eps, wd, bc2, gradCoef, expAvgCoef], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v] = state;
  const c1 = f(1 - raw[0]);
  const c2 = f(1 - raw[1]);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, 0);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const vi = f(f(v.data[v.offset + i] * beta2) + f(f(c2 * g) * g));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    const denom = f(f(Math.sqrt(f(vi / bc2))) + eps);
    const p1 = f(P[po + i] + f(f(gradCoef * g) / denom));
    P[po + i] = f(p1 + f(f(expAvgCoef * mi) / denom));
  }
};

const radam: Rule = ({ n, param, grad, state }, [beta1, beta2, eps, wd, bc1, lr, bc2Sqrt, rect, rectify], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v] = state;
  const c1 = f(1 - raw[0]);
  const c2 = f(1 - raw[1]);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, 0);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const vi = f(f(v.data[v.offset + i] * beta2) + f(f(c2 * g) * g));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    let update = f(f(mi / bc1) * lr);
    if (rectify !== 0) {
      // torch evaluates `scalar / tensor` as `tensor.reciprocal() * scalar`
      const adaptive = f(f(1 / f(f(Math.sqrt(vi)) + eps)) * bc2Sqrt);
      update = f(f(update * adaptive) * rect);
    }
    P[po + i] = f(P[po + i] - update);
  }
};

const rmsprop: Rule = ({ n, param, grad, state }, [lr, alpha, eps, wd, momentum, centered, maximize], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const sq = state[0];
  const buf = momentum > 0 ? state[1] : undefined;
  const avgState = centered !== 0 ? state[momentum > 0 ? 2 : 1] : undefined;
  const c = f(1 - raw[1]);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const s = f(f(sq.data[sq.offset + i] * alpha) + f(f(c * g) * g));
    sq.data[sq.offset + i] = s;
    let avg: number;
    if (avgState !== undefined) {
      const a = f(f(avgState.data[avgState.offset + i] * alpha) + f(c * g));
      avgState.data[avgState.offset + i] = a;
      avg = f(Math.sqrt(f(s + f(-a * a))));
    } else {
      avg = f(Math.sqrt(s));
    }
    avg = f(avg + eps);
    if (buf !== undefined) {
      const b = f(f(buf.data[buf.offset + i] * momentum) + f(g / avg));
      buf.data[buf.offset + i] = b;
      P[po + i] = f(P[po + i] + f(-lr * b));
    } else {
      P[po + i] = f(P[po + i] + f(f(-lr * g) / avg));
    }
  }
};

const adagrad: Rule = ({ n, param, grad, state }, [clr, wd, eps, maximize]) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [sum] = state;
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const s = f(sum.data[sum.offset + i] + f(g * g));
    sum.data[sum.offset + i] = s;
    const std = f(f(Math.sqrt(s)) + eps);
    P[po + i] = f(P[po + i] + f(f(-clr * g) / std));
  }
};

const adadelta: Rule = ({ n, param, grad, state }, [lr, rho, eps, wd, maximize], raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [sq, acc] = state;
  const c = f(1 - raw[1]);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const s = f(f(sq.data[sq.offset + i] * rho) + f(f(c * g) * g));
    sq.data[sq.offset + i] = s;
    const std = f(Math.sqrt(f(s + eps)));
    const delta = f(f(f(Math.sqrt(f(acc.data[acc.offset + i] + eps))) / std) * g);
    acc.data[acc.offset + i] = f(f(acc.data[acc.offset + i] * rho) + f(f(c * delta) * delta));
    P[po + i] = f(P[po + i] + f(-lr * delta));
  }
};

const RULES: { readonly [A in OptimizerAlgo]: Rule } = { sgd, adam, adamax, nadam, radam, rmsprop, adagrad, adadelta };

/**
 * Apply one optimizer step in place to `param` and `state` (host float32 memory).
 *
 * @example
 * const p = new Float32Array([1, 2]), g = new Float32Array([0.5, -0.5]);
 * optimizerStepHost({ algo: 'sgd', n: 2, param: { data: p, offset: 0 }, grad: { data: g, offset: 0 },
 *   state: [], scalars: [0.1, 0, 0, 0, 0, 0, 1] }); // p = [0.95, 2.05]
 */
export function optimizerStepHost(args: HostOptimizerStep): void {
  const rule = RULES[args.algo] as Rule | undefined;
  if (rule === undefined) throw new Error(`optimizerStep: unknown algorithm ${JSON.stringify(args.algo)}`);
  const expected = OPTIMIZER_SCALARS[args.algo].scalars.length;
  if (args.scalars.length !== expected) {
    throw new Error(`optimizerStep(${args.algo}): expected ${expected} scalars (${OPTIMIZER_SCALARS[args.algo].scalars.join(', ')}), got ${args.scalars.length}`);
  }
  rule(args, args.scalars.map(f), args.scalars);
}

function runOf(view: View, n: number, arrayOf: ArrayOf, what: string): FloatRun {
  if (view.dtype !== 'float32') throw new TypeError(`optimizerStep: ${what} must be float32, got ${view.dtype}`);
  const count = view.shape.reduce((a, b) => a * b, 1);
  if (count !== n) throw new Error(`optimizerStep: ${what} has ${count} elements, the parameter ${n}`);
  let expect = 1;
  for (let d = view.shape.length - 1; d >= 0; d--) {
    if (view.shape[d] !== 1 && view.strides[d] !== expect) throw new Error(`optimizerStep: ${what} must be contiguous`);
    expect *= view.shape[d];
  }
  return { data: arrayOf(view) as Float32Array, offset: view.offset };
}

/** The `optimizerStep` op of the kernel contract on host memory. */
export function optimizerStepKernel({ algo, param, grad, state, scalars }: OpArgs['optimizerStep'], arrayOf: ArrayOf): void {
  const n = param.shape.reduce((a, b) => a * b, 1);
  optimizerStepHost({
    algo, n, param: runOf(param, n, arrayOf, 'param'), grad: runOf(grad, n, arrayOf, 'grad'),
    state: state.map((s, i) => runOf(s, n, arrayOf, `state[${i}]`)), scalars,
  });
}
