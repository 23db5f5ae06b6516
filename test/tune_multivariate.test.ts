/**
 * Multivariate TPE: the joint Parzen estimator and the group decomposition against Optuna 3.1
 * (fixtures by scripts/make_tune_fixtures.py), the intersection search space, and the sampler in
 * a study (joint draws after the startup trials, seeded, conditional spaces with `group`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as tune from '../src/tune/index.js';
import type { Distribution } from '../src/tune/distributions.js';
import type { FrozenTrial } from '../src/tune/frozen_trial.js';

type Num = number | 'nan' | 'inf' | '-inf';
const fx = JSON.parse(readFileSync(new URL('./fixtures/tune/optuna.json', import.meta.url), 'utf8'));
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const PARZEN = { considerPrior: true, priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: tune.defaultWeights };

function close(actual: number, expected: Num, tol: number, what: string): void {
  const e = num(expected);
  if (!Number.isFinite(e)) return assert.ok(Object.is(actual, e), `${what}: ${actual} vs ${e}`);
  assert.ok(Math.abs(actual - e) <= tol * Math.max(1, Math.abs(e)), `${what}: ${actual} vs ${e}`);
}

function trialOf(i: number, state: FrozenTrial['state'], dists: Record<string, Distribution>, params: Record<string, number>): FrozenTrial {
  return {
    number: i, trialId: i + 1, state, value: state === 'complete' ? 0 : null, params, distributions: dists,
    intermediateValues: new Map(), userAttrs: {}, systemAttrs: {}, datetimeStart: null, datetimeComplete: null,
  };
}

describe('multivariate TPE vs Optuna 3.1', () => {
  it('the joint Parzen estimator: weights, kernels and log densities on float and mixed spaces', () => {
    assert.ok(fx.multivariate.length >= 8);
    for (const c of fx.multivariate) {
      const pe = new tune.MultivariateParzenEstimator(c.observations, c.dists, PARZEN);
      const what = `${c.space} n=${Object.values(c.observations as Record<string, number[]>)[0].length}`;
      pe.weights.forEach((w, i) => close(w, c.weights[i], 1e-12, `${what} weight ${i}`));
      for (const [name, kern] of Object.entries(pe.kernels)) {
        if (kern.kind === 'numeric') {
          kern.mus.forEach((m, i) => close(m, c.mus[name][i], 1e-12, `${what} ${name} mu ${i}`));
          kern.sigmas.forEach((s, i) => close(s, c.sigmas[name][i], 1e-12, `${what} ${name} sigma ${i}`));
        } else {
          kern.probs.forEach((row, i) => row.forEach((p, j) => close(p, c.categorical_weights[name][i][j], 1e-12, `${what} ${name} p ${i},${j}`)));
        }
      }
      pe.logPdf(c.points).forEach((v, i) => close(v, c.log_pdf[i], 1e-9, `${what} log_pdf of point ${i}`));
    }
  });

  it("the groups of a conditional space (Optuna's _GroupDecomposedSearchSpace)", () => {
    const f = { kind: 'float', low: 0, high: 1, log: false, step: null } as const;
    const trials = (fx.group.trials as { names: string[]; state: FrozenTrial['state'] }[]).map((t, i) =>
      trialOf(i, t.state, Object.fromEntries(t.names.map((n) => [n, f])), Object.fromEntries(t.names.map((n) => [n, 0.5]))));
    const groups = tune.groupDecomposedSearchSpace(trials).map((g) => Object.keys(g).sort());
    assert.deepEqual(groups, fx.group.groups);
  });
});

describe('multivariate TPE', () => {
  const fx01 = { kind: 'float', low: 0, high: 1, log: false, step: null } as const;

  it('the intersection space holds the parameters every finished trial has with the same distribution', () => {
    const other = { ...fx01, high: 2 };
    const trials = [
      trialOf(0, 'complete', { a: fx01, b: fx01, c: fx01 }, { a: 0, b: 0, c: 0 }),
      trialOf(1, 'failed', { a: fx01 }, { a: 0 }),
      trialOf(2, 'pruned', { a: fx01, b: fx01, c: other }, { a: 0, b: 0, c: 0 }),
      trialOf(3, 'running', { a: fx01 }, { a: 0 }),
    ];
    assert.deepEqual(Object.keys(tune.intersectionSearchSpace(trials)), ['a', 'b']);
    assert.deepEqual(tune.intersectionSearchSpace([]), {});
  });

  it('after the startup trials every parameter comes from one joint draw; the same seed gives the same trials', async () => {
    const run = async (): Promise<tune.FrozenTrial[]> => {
      const sampler = new tune.TPESampler({ seed: 3, multivariate: true, nStartupTrials: 5 });
      const joint: number[] = [];
      const spy: tune.Sampler = {
        inferRelativeSearchSpace: (ctx) => sampler.inferRelativeSearchSpace(ctx),
        sampleRelative: (ctx, t, space) => {
          const out = sampler.sampleRelative(ctx, t, space);
          if (Object.keys(out).length > 0) joint.push(t.number);
          return out;
        },
        sampleIndependent: (ctx, t, name, d) => sampler.sampleIndependent(ctx, t, name, d),
      };
      const study = tune.createStudy({ sampler: spy });
      await study.optimize((t) => {
        const x = t.suggestFloat('x', -5, 5);
        const u = t.suggestInt('u', 16, 512, { log: true });
        const o = t.suggestCategorical('o', ['a', 'b']);
        return (x - 1) ** 2 + Math.abs(Math.log2(u) - 6) + (o === 'a' ? 0 : 1);
      }, { nTrials: 12 });
      assert.deepEqual(joint, [5, 6, 7, 8, 9, 10, 11]);
      return [...study.trials];
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a.map((t) => t.params), b.map((t) => t.params));
  });

  it('group: conditional parameters are drawn jointly within their group', async () => {
    const sampler = new tune.TPESampler({ seed: 0, multivariate: true, group: true, nStartupTrials: 4 });
    const study = tune.createStudy({ sampler });
    await study.optimize((t) => {
      const kind = t.suggestCategorical('kind', ['linear', 'mlp']);
      if (kind === 'linear') return t.suggestFloat('c', 1e-3, 1e3, { log: true });
      return t.suggestInt('layers', 1, 4) + t.suggestFloat('lr', 1e-4, 1e-1, { log: true });
    }, { nTrials: 16 });
    assert.equal(study.trials.filter((t) => t.state === 'complete').length, 16);
    const groups = tune.groupDecomposedSearchSpace(study.trials).map((g) => Object.keys(g).sort().join(','));
    assert.ok(groups.includes('kind'), `groups ${groups}`);
    assert.ok(groups.some((g) => g === 'layers,lr') && groups.some((g) => g === 'c'), `groups ${groups}`);
    const space = sampler.inferRelativeSearchSpace({ studyName: 's', direction: 'minimize', trials: study.trials });
    assert.deepEqual(Object.keys(space).sort(), ['c', 'kind', 'layers', 'lr']);
  });

  it('group without multivariate and unknown options are errors', () => {
    assert.throws(() => new tune.TPESampler({ group: true }), /group needs multivariate: true/);
    assert.throws(() => new tune.TPESampler({ multivarite: true } as never), /unknown option 'multivarite'/);
  });
});
