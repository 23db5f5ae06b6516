/**
 * dlflow's TPE pieces and pruners against Optuna 3.1 (fixtures by
 * scripts/make_tune_fixtures.py): truncated-normal maths, Parzen estimators, the below/above
 * split with the l/g scores of fixed candidates, default weights and gamma, and the step at which
 * each pruner stops each of 30 scripted trials.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as tune from '../src/tune/index.js';
import type { Distribution } from '../src/tune/distributions.js';
import { numpyArgsort } from '../src/tune/math/numpy_argsort.js';
import { logGaussMass, truncnormLogPdf, truncnormPpf } from '../src/tune/math/normal.js';
import { observationScore, splitObservations } from '../src/tune/samplers/tpe.js';
import type { FrozenTrial } from '../src/tune/frozen_trial.js';

type Num = number | 'nan' | 'inf' | '-inf';
const fx = JSON.parse(readFileSync(new URL('./fixtures/tune/optuna.json', import.meta.url), 'utf8'));
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

function close(actual: number, expected: Num, tol: number, what: string): void {
  const e = num(expected);
  if (!Number.isFinite(e)) return assert.ok(Object.is(actual, e) || (Number.isNaN(e) && Number.isNaN(actual)), `${what}: ${actual} vs ${e}`);
  assert.ok(Math.abs(actual - e) <= tol * Math.max(1, Math.abs(e)), `${what}: ${actual} vs ${e}`);
}

const PARZEN = { considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: tune.defaultWeights };

describe('tune vs Optuna 3.1: maths', () => {
  it(`fixtures come from Optuna ${fx.optuna_version}`, () => assert.match(fx.optuna_version, /^3\.1/));

  it('truncated normal: log mass, log density, quantiles', () => {
    for (const c of fx.truncnorm) {
      close(logGaussMass(c.a, c.b), c.mass, 1e-10, `mass [${c.a}, ${c.b}]`);
      c.x.forEach((x: number, i: number) => close(truncnormLogPdf(x, c.a, c.b, c.loc, c.scale), c.logpdf[i], 1e-10, `logpdf ${x}`));
      c.q.forEach((q: number, i: number) => close(truncnormPpf(q, c.a, c.b), c.ppf[i], 1e-9, `ppf ${q} [${c.a}, ${c.b}]`));
    }
  });

  it("NumPy's argsort order of ties", () => {
    for (const c of fx.argsort) assert.deepEqual(numpyArgsort(c.values), c.argsort, `n=${c.values.length}`);
  });

  it('default weights and gamma', () => {
    for (const [n, w] of Object.entries(fx.weights) as [string, { weights: number[]; gamma: number }][]) {
      const mine = tune.defaultWeights(Number(n));
      assert.equal(mine.length, w.weights.length, `n=${n}`);
      mine.forEach((v, i) => close(v, w.weights[i], 1e-12, `weight ${i} of ${n}`));
      assert.equal(tune.defaultGamma(Number(n)), w.gamma);
    }
  });

  it('Parzen estimators: weights, kernels and log densities for every kind of space', () => {
    for (const c of fx.parzen) {
      const pe = new tune.ParzenEstimator(c.observations, c.dist as Distribution, PARZEN);
      const what = `${c.space} n=${c.observations.length}`;
      pe.weights.forEach((w, i) => close(w, c.weights[i], 1e-12, `${what} weight ${i}`));
      if (pe.kernels.kind === 'numeric') {
        pe.kernels.mus.forEach((m, i) => close(m, c.mus[i], 1e-12, `${what} mu ${i}`));
        pe.kernels.sigmas.forEach((s, i) => close(s, c.sigmas[i], 1e-12, `${what} sigma ${i}`));
      } else {
        pe.kernels.probs.forEach((row, i) => row.forEach((p, j) => close(p, c.categorical_weights[i][j], 1e-12, `${what} p ${i},${j}`)));
      }
      pe.logPdf(c.points).forEach((v, i) => close(v, c.log_pdf[i], 1e-9, `${what} log_pdf at ${c.points[i]}`));
    }
  });
});

interface FixtureTrial { state: 'complete' | 'pruned' | 'failed'; params: Record<string, number | string>; value: number | null; intermediate: [number, number][] }

function frozenHistory(trials: FixtureTrial[], dists: Record<string, Distribution>): FrozenTrial[] {
  return trials.map((t, i) => ({
    number: i, trialId: i + 1, state: t.state, value: t.value, params: t.params,
    distributions: Object.fromEntries(Object.keys(t.params).map((k) => [k, dists[k]])),
    intermediateValues: new Map(t.intermediate), userAttrs: {}, systemAttrs: {}, datetimeStart: null, datetimeComplete: null,
  }));
}

describe('tune vs Optuna 3.1: TPE decisions on a fixed history', () => {
  for (const c of fx.tpe_split) {
    it(`${c.direction}: below/above split and candidate scores`, () => {
      const dists = Object.fromEntries(Object.entries(c.params).map(([k, p]) => [k, (p as { dist: Distribution }).dist]));
      const finished = frozenHistory(c.trials, dists).filter((t) => t.state === 'complete' || t.state === 'pruned');
      const sign = c.direction === 'minimize' ? 1 : -1;
      const { below, above } = splitObservations(finished.map((t) => observationScore(t, sign)), tune.defaultGamma(finished.length));
      for (const [name, p] of Object.entries(c.params) as [string, { dist: Distribution; below: number[]; above: number[]; candidates: number[]; score: number[]; best: number }][]) {
        const values = (idx: number[]) => idx.filter((i) => name in finished[i].params).map((i) => {
          const v = finished[i].params[name];
          return p.dist.kind === 'categorical' ? p.dist.choices.indexOf(v as string) : (v as number);
        });
        assert.deepEqual(values(below), p.below, `${name} below`);
        assert.deepEqual(values(above), p.above, `${name} above`);
        const l = new tune.ParzenEstimator(p.below, p.dist, PARZEN);
        const g = new tune.ParzenEstimator(p.above, p.dist, PARZEN);
        const ll = l.logPdf(p.candidates);
        const lg = g.logPdf(p.candidates);
        const score = ll.map((v, i) => v - lg[i]);
        score.forEach((s, i) => close(s, p.score[i], 1e-9, `${name} score of candidate ${i}`));
        assert.equal(score.indexOf(Math.max(...score)), p.best, `${name}: the chosen candidate`);
      }
    });
  }
});

type PrunerOptions = { kind: 'median' | 'percentile' | 'sha' | 'hyperband'; percentile?: number } & Record<string, unknown>;
function makePruner(o: PrunerOptions): tune.Pruner {
  const { kind, percentile, ...rest } = o;
  switch (kind) {
    case 'median': return new tune.MedianPruner(rest);
    case 'percentile': return new tune.PercentilePruner(percentile as number, rest);
    case 'sha': return new tune.SuccessiveHalvingPruner(rest);
    case 'hyperband': return new tune.HyperbandPruner(rest);
  }
}

describe('tune vs Optuna 3.1: pruner decisions on 30 scripted trials', () => {
  const table: number[][] = fx.pruners.table;
  for (const c of fx.pruners.cases) {
    it(`${c.name} (${c.direction}) prunes at the same steps`, async () => {
      const study = tune.createStudy({ studyName: fx.pruners.study_name, direction: c.direction, pruner: makePruner(c.options), sampler: new tune.RandomSampler({ seed: 0 }) });
      const prunedAt: (number | null)[] = [];
      await study.optimize((trial) => {
        const row = table[trial.number];
        for (let s = 0; s < row.length; s++) {
          trial.report(row[s], s);
          if (trial.shouldPrune()) {
            prunedAt.push(s);
            throw new tune.TrialPruned();
          }
        }
        prunedAt.push(null);
        return row[row.length - 1];
      }, { nTrials: table.length });
      assert.deepEqual(prunedAt, c.pruned_at);
      assert.equal(study.trials.filter((t) => t.state === 'pruned').length, c.pruned_at.filter((s: number | null) => s !== null).length);
    });
  }
});
