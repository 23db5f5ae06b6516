/**
 * The fused optimizer update: one pass over a parameter, its gradient and its state buffers.
 *
 * Each algorithm reproduces the float32 arithmetic of PyTorch 1.13's single-tensor
 * (`foreach=False`) implementation operation by operation — every intermediate is rounded to
 * float32 (`Math.fround`) where torch materialises a float32 tensor, scalars are rounded to
 * float32 as torch's CPU kernels do — so results agree with torch to a few ulps. Per-step
 * scalars (bias corrections, step sizes) are computed in double precision by the caller, as
 * torch computes them in Python. The scalars arrive as named fields (`OptimizerScalars`, whose
 * order for the native kernel `native/src/kernels_optim.cc` is `OPTIMIZER_SCALAR_FIELDS`).
 */

import {
  OPTIMIZER_FLAG_FIELDS, OPTIMIZER_SCALAR_FIELDS,
  type OptimizerAlgo, type OptimizerScalars, type OptimizerStepArgs, type View,
} from '../ops.js';
import type { ArrayOf } from './strided.js';

/** A contiguous float32 run: `data[offset .. offset + n)`. */
export interface FloatRun {
  readonly data: Float32Array;
  readonly offset: number;
}

/** Arguments of the fused step of algorithm `A` on host memory: every run has `n` elements. */
export interface HostOptimizerStepOf<A extends OptimizerAlgo> {
  algo: A;
  n: number;
  param: FloatRun;
  grad: FloatRun;
  state: readonly FloatRun[];
  scalars: OptimizerScalars<A>;
}

/** Arguments of the fused step on host memory, discriminated by `algo` (`A` narrows them to some algorithms). */
export type HostOptimizerStep<A extends OptimizerAlgo = OptimizerAlgo> = { [K in OptimizerAlgo]: HostOptimizerStepOf<K> }[A];

const f = Math.fround;

/** `s`: the scalars rounded to float32 (as torch's kernels use them); `raw`: as passed, for derived constants. */
type Rule<A extends OptimizerAlgo> = (a: HostOptimizerStepOf<A>, s: OptimizerScalars<A>, raw: OptimizerScalars<A>) => void;

/** The effective gradient: negated for `maximize`, plus `weightDecay * param` (both as torch rounds them). */
function effectiveGrad(g: number, p: number, weightDecay: number, maximize: boolean): number {
  const d = maximize ? -g : g;
  return weightDecay !== 0 ? f(d + f(weightDecay * p)) : d;
}

const sgd: Rule<'sgd'> = ({ n, param, grad, state }, { lr, weightDecay: wd, momentum, nesterov, maximize, firstStep }, raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const buf = state[0];
  const keep = f(1 - raw.dampening);
  for (let i = 0; i < n; i++) {
    let d = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    if (buf !== undefined) {
      const j = buf.offset + i;
      const b = firstStep ? d : f(f(buf.data[j] * momentum) + f(keep * d));
      buf.data[j] = b;
      d = nesterov ? f(d + f(momentum * b)) : b;
    }
    P[po + i] = f(P[po + i] + f(-lr * d));
  }
};

const adam: Rule<'adam'> = ({ n, param, grad, state }, s, raw) => {
  const { beta1, beta2, eps, weightDecay: wd, maximize, stepSize, biasCorrection2Sqrt: bc2Sqrt, paramDecay } = s;
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v, vmax] = state;
  const c1 = f(1 - raw.beta1);
  const c2 = f(1 - raw.beta2);
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

const adamax: Rule<'adamax'> = ({ n, param, grad, state }, { beta1, beta2, eps, weightDecay: wd, maximize, stepSize }, raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, u] = state;
  const c1 = f(1 - raw.beta1);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const decayed = f(u.data[u.offset + i] * beta2);
    const fresh = f(Math.abs(g) + eps);
    const ui = Number.isNaN(decayed) || Number.isNaN(fresh) ? NaN : Math.max(decayed, fresh);
    m.data[m.offset + i] = mi;
    u.data[u.offset + i] = ui;
    P[po + i] = f(P[po + i] + f(f(-stepSize * mi) / ui));
  }
};

const nadam: Rule<'nadam'> = ({ n, param, grad, state }, s, raw) => {
  const { beta1, beta2, eps, weightDecay: wd, biasCorrection2: bc2, gradCoef, expAvgCoef } = s;
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v] = state;
  const c1 = f(1 - raw.beta1);
  const c2 = f(1 - raw.beta2);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, false);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const vi = f(f(v.data[v.offset + i] * beta2) + f(f(c2 * g) * g));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    const denom = f(f(Math.sqrt(f(vi / bc2))) + eps);
    const p1 = f(P[po + i] + f(f(gradCoef * g) / denom));
    P[po + i] = f(p1 + f(f(expAvgCoef * mi) / denom));
  }
};

const radam: Rule<'radam'> = ({ n, param, grad, state }, s, raw) => {
  const { beta1, beta2, eps, weightDecay: wd, biasCorrection1: bc1, lr, biasCorrection2Sqrt: bc2Sqrt, rectification: rect, rectify } = s;
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [m, v] = state;
  const c1 = f(1 - raw.beta1);
  const c2 = f(1 - raw.beta2);
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, false);
    const mi = f(f(m.data[m.offset + i] * beta1) + f(c1 * g));
    const vi = f(f(v.data[v.offset + i] * beta2) + f(f(c2 * g) * g));
    m.data[m.offset + i] = mi;
    v.data[v.offset + i] = vi;
    let update = f(f(mi / bc1) * lr);
    if (rectify) {
      // torch evaluates `scalar / tensor` as `tensor.reciprocal() * scalar`
      const adaptive = f(f(1 / f(f(Math.sqrt(vi)) + eps)) * bc2Sqrt);
      update = f(f(update * adaptive) * rect);
    }
    P[po + i] = f(P[po + i] - update);
  }
};

const rmsprop: Rule<'rmsprop'> = ({ n, param, grad, state }, { lr, alpha, eps, weightDecay: wd, momentum, centered, maximize }, raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const sq = state[0];
  const buf = momentum > 0 ? state[1] : undefined;
  const avgState = centered ? state[momentum > 0 ? 2 : 1] : undefined;
  const c = f(1 - raw.alpha);
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

const adagrad: Rule<'adagrad'> = ({ n, param, grad, state }, { decayedLr, weightDecay: wd, eps, maximize }) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [sum] = state;
  for (let i = 0; i < n; i++) {
    const g = effectiveGrad(G[go + i], P[po + i], wd, maximize);
    const s = f(sum.data[sum.offset + i] + f(g * g));
    sum.data[sum.offset + i] = s;
    const std = f(f(Math.sqrt(s)) + eps);
    P[po + i] = f(P[po + i] + f(f(-decayedLr * g) / std));
  }
};

const adadelta: Rule<'adadelta'> = ({ n, param, grad, state }, { lr, rho, eps, weightDecay: wd, maximize }, raw) => {
  const { data: P, offset: po } = param;
  const { data: G, offset: go } = grad;
  const [sq, acc] = state;
  const c = f(1 - raw.rho);
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

const RULES: { readonly [A in OptimizerAlgo]: Rule<A> } = { sgd, adam, adamax, nadam, radam, rmsprop, adagrad, adadelta };

const FLAGS: ReadonlySet<string> = new Set(OPTIMIZER_FLAG_FIELDS);

/** `algo`'s scalars checked against its fields (each present with its type, no others), rounded to float32. */
function roundedScalars<A extends OptimizerAlgo>(algo: A, scalars: OptimizerScalars<A>): OptimizerScalars<A> {
  const fields: readonly string[] = OPTIMIZER_SCALAR_FIELDS[algo];
  const given = scalars as Readonly<Record<string, unknown>>;
  const unknown = Object.keys(given).filter((name) => !fields.includes(name));
  if (unknown.length > 0) {
    throw new Error(`optimizerStep(${algo}): unknown scalar ${unknown.join(', ')}; expected ${fields.join(', ')}`);
  }
  const rounded: Record<string, number | boolean> = {};
  for (const name of fields) {
    const value = given[name];
    const type = FLAGS.has(name) ? 'boolean' : 'number';
    if (typeof value !== type) throw new TypeError(`optimizerStep(${algo}): scalar ${name} must be a ${type}, got ${typeof value}`);
    rounded[name] = typeof value === 'number' ? f(value) : value as boolean;
  }
  return rounded as OptimizerScalars<A>;
}

function applyRule<A extends OptimizerAlgo>(args: HostOptimizerStepOf<A>): void {
  const rule = RULES[args.algo] as Rule<A> | undefined;
  if (rule === undefined) throw new Error(`optimizerStep: unknown algorithm ${JSON.stringify(args.algo)}`);
  rule(args, roundedScalars(args.algo, args.scalars), args.scalars);
}

/**
 * Apply one optimizer step in place to `param` and `state` (host float32 memory).
 *
 * @example
 * const p = new Float32Array([1, 2]), g = new Float32Array([0.5, -0.5]);
 * optimizerStepHost({ algo: 'sgd', n: 2, param: { data: p, offset: 0 }, grad: { data: g, offset: 0 }, state: [],
 *   scalars: { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, maximize: false, firstStep: true } });
 * // p = [0.95, 2.05]
 */
export function optimizerStepHost<A extends OptimizerAlgo>(args: HostOptimizerStep<A>): void {
  applyRule<A>(args);
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
export function optimizerStepKernel<A extends OptimizerAlgo>(
  { algo, param, grad, state, scalars }: OptimizerStepArgs<A>, arrayOf: ArrayOf,
): void {
  const n = param.shape.reduce((a, b) => a * b, 1);
  applyRule<A>({
    algo, n, param: runOf(param, n, arrayOf, 'param'), grad: runOf(grad, n, arrayOf, 'grad'),
    state: state.map((s, i) => runOf(s, n, arrayOf, `state[${i}]`)), scalars,
  });
}
