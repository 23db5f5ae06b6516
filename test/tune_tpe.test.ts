/**
 * dlflow's TPESampler against Optuna 3.1's on fixed 64-trial histories (fixtures by
 * scripts/make_tpe_fixtures.py): with ties in values and parameters, pruned trials (a NaN last
 * intermediate value, none at all), failed and running trials and a conditional parameter, the
 * sampler's own estimators (built from the trials as it builds them) have Optuna's observation
 * split, mixture weights, mus, sigmas and categorical weights, score Optuna's 24 candidates with
 * Optuna's log l and log g and pick the same one; independent and multivariate, both directions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as tune from '../src/tune/index.js';
import type { CategoricalDistribution, Distribution } from '../src/tune/distributions.js';
import type { FrozenTrial, StudyDirection, TrialState } from '../src/tune/frozen_trial.js';
import type { Kernels } from '../src/tune/samplers/parzen_estimator.js';
import type { SamplerContext } from '../src/tune/samplers/sampler.js';
import { observationScore, splitObservations } from '../src/tune/samplers/tpe.js';

type Num = number | 'nan' | 'inf' | '-inf';
interface KernelsFixture { weights: number[]; params: Record<string, { mus?: number[]; sigmas?: number[]; categorical_weights?: number[][] }> }
interface Decision {
  names: string[]; scores: [Num, Num][]; n: number; gamma: number; below_indices: number[]; above_indices: number[];
  below: Record<string, number[]>; above: Record<string, number[]>; l: KernelsFixture; g: KernelsFixture;
  candidates: Record<string, number[]>; log_l: number[]; log_g: number[]; best: number;
}
interface Fixture {
  optuna_version: string;
  distributions: Record<string, Distribution>;
  trials: { state: TrialState; params: Record<string, number | string>; value: number | null; intermediate: [number, Num][] }[];
  cases: { direction: StudyDirection; independent: Record<string, Decision>; multivariate: Decision }[];
}

const fx = JSON.parse(readFileSync(new URL('./fixtures/tune/tpe.json', import.meta.url), 'utf8')) as Fixture;
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function close(actual: number, expected: number, tol: number, what: string): void {
  if (!Number.isFinite(expected)) return assert.ok(Object.is(actual, expected), `${what}: ${actual} vs ${expected}`);
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function closeAll(actual: readonly number[], expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => close(v, expected[i], tol, `${what}[${i}]`));
}

/** The fixture's history as the FrozenTrials a study hands its sampler. */
function history(): FrozenTrial[] {
  return fx.trials.map((t, i) => ({
    number: i, trialId: i + 1, state: t.state, value: t.value, params: t.params,
    distributions: Object.fromEntries(Object.keys(t.params).map((k) => [k, fx.distributions[k]])),
    intermediateValues: new Map(t.intermediate.map(([s, v]) => [s, num(v)])),
    userAttrs: {}, systemAttrs: {}, datetimeStart: null, datetimeComplete: null,
  }));
}

/** Optuna's internal values of a candidate: choice indices for categoricals, as ours. */
function internal(name: string, values: readonly number[]): number[] {
  return fx.distributions[name].kind === 'categorical' ? values.map(Math.round) : [...values];
}

function checkKernels(kernels: Kernels, expected: KernelsFixture['params'][string], what: string): void {
  if (kernels.kind === 'categorical') {
    assert.ok(expected.categorical_weights, `${what}: Optuna has numeric kernels`);
    kernels.probs.forEach((row, i) => closeAll(row, expected.categorical_weights![i], 1e-12, `${what} categorical weights ${i}`));
    assert.equal(kernels.probs.length, expected.categorical_weights!.length, `${what}: kernel count`);
    return;
  }
  closeAll(kernels.mus, expected.mus!, 1e-12, `${what} mus`);
  closeAll(kernels.sigmas, expected.sigmas!, 1e-12, `${what} sigmas`);
}

function argmax(v: readonly number[]): number {
  return v.reduce((best, x, i) => (x > v[best] ? i : best), 0);
}

describe('TPESampler vs Optuna 3.1 on fixed histories', () => {
  it(`fixtures come from Optuna ${fx.optuna_version}, with every trial state`, () => {
    assert.match(fx.optuna_version, /^3\.1/);
    assert.deepEqual(new Set(fx.trials.map((t) => t.state)), new Set(['complete', 'pruned', 'failed', 'running']));
  });

  for (const c of fx.cases) {
    const ctx: SamplerContext = { studyName: 'fixture', direction: c.direction, trials: history() };
    const finished = ctx.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
    const sign = c.direction === 'minimize' ? 1 : -1;

    it(`${c.direction}: observation scores and the below/above split (ties in trial order)`, () => {
      const d = c.multivariate;
      const scores = finished.map((t) => observationScore(t, sign));
      assert.equal(scores.length, d.scores.length);
      scores.forEach(([stage, v], i) => { close(stage, num(d.scores[i][0]), 0, `stage ${i}`); close(v, num(d.scores[i][1]), 1e-12, `score ${i}`); });
      assert.equal(tune.defaultGamma(finished.length), d.gamma);
      const split = splitObservations(scores, d.gamma);
      assert.deepEqual(split.below, d.below_indices);
      assert.deepEqual(split.above, d.above_indices);
    });

    for (const [name, d] of Object.entries(c.independent)) {
      it(`${c.direction}, independent '${name}' (${fx.distributions[name].kind}): l(x), g(x) and the chosen candidate`, () => {
        const e = new tune.TPESampler({ seed: 0 }).independentEstimators(ctx, name, fx.distributions[name]);
        assert.ok(e !== null, 'past the startup trials');
        for (const [which, pe, kf] of [['l', e.below, d.l], ['g', e.above, d.g]] as const) {
          closeAll(pe.weights, kf.weights, 1e-12, `${which} weights`);
          checkKernels(pe.kernels, kf.params[name], `${which}(${name})`);
        }
        const cands = internal(name, d.candidates[name]);
        const ll = e.below.logPdf(cands);
        const lg = e.above.logPdf(cands);
        closeAll(ll, d.log_l, 1e-9, 'log l');
        closeAll(lg, d.log_g, 1e-9, 'log g');
        assert.equal(argmax(ll.map((v, i) => v - lg[i])), d.best, 'the chosen candidate');
      });
    }

    it(`${c.direction}, multivariate over ${c.multivariate.names.join(', ')}: joint l(x), g(x) and the chosen candidate`, () => {
      const d = c.multivariate;
      const sampler = new tune.TPESampler({ seed: 0, multivariate: true });
      const space = sampler.inferRelativeSearchSpace(ctx);
      assert.deepEqual(Object.keys(space), d.names);
      const e = sampler.jointEstimators(ctx, space);
      assert.ok(e !== null, 'past the startup trials');
      for (const [which, pe, kf] of [['l', e.below, d.l], ['g', e.above, d.g]] as const) {
        closeAll(pe.weights, kf.weights, 1e-12, `${which} weights`);
        for (const name of d.names) checkKernels(pe.kernels[name], kf.params[name], `${which}(${name})`);
      }
      const cands = Object.fromEntries(d.names.map((name) => [name, internal(name, d.candidates[name])]));
      const ll = e.below.logPdf(cands);
      const lg = e.above.logPdf(cands);
      closeAll(ll, d.log_l, 1e-9, 'log l');
      closeAll(lg, d.log_g, 1e-9, 'log g');
      assert.equal(argmax(ll.map((v, i) => v - lg[i])), d.best, 'the chosen candidate');
    });
  }

  it('the conditional categorical only learns from the trials that have it', () => {
    const d = fx.cases[0].independent.c;
    const dist = fx.distributions.c as CategoricalDistribution;
    const e = new tune.TPESampler({ seed: 0 }).independentEstimators({ studyName: 'fixture', direction: 'minimize', trials: history() }, 'c', dist);
    assert.equal(e?.below.weights.length, d.below.c.length + 1);
    assert.equal(e?.above.weights.length, d.above.c.length + 1);
  });
});
