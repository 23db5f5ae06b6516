/** dl.tune's study and trial behaviour: states, suggestions, samplers, seeding, options, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';

const { tune } = dl;

async function run(sampler: dl.tune.Sampler, n: number) {
  const study = tune.createStudy({ sampler });
  await study.optimize((t) => {
    const x = t.suggestFloat('x', -5, 5);
    const lr = t.suggestFloat('lr', 1e-4, 1e-1, { log: true });
    const d = t.suggestFloat('d', 0, 0.5, { step: 0.1 });
    const u = t.suggestInt('u', 16, 512, { log: true });
    const k = t.suggestInt('k', 0, 20, { step: 4 });
    const o = t.suggestCategorical('o', ['adam', 'sgd', 'rmsprop']);
    return x * x + Math.abs(Math.log10(lr) + 2) + d + Math.abs(Math.log2(u) - 6) + k / 20 + (o === 'sgd' ? 0 : 1);
  }, { nTrials: n });
  return study;
}

describe('tune: suggestions', () => {
  it('every value lies in its space (log, step, int, categorical), for Random and TPE', async () => {
    for (const sampler of [new tune.RandomSampler({ seed: 1 }), new tune.TPESampler({ seed: 1 })]) {
      const study = await run(sampler, 30);
      for (const t of study.trials) {
        const p = t.params as Record<string, number | string>;
        assert.ok(typeof p.x === 'number' && p.x >= -5 && p.x <= 5);
        assert.ok((p.lr as number) >= 1e-4 && (p.lr as number) <= 1e-1);
        assert.ok(Math.abs((p.d as number) * 10 - Math.round((p.d as number) * 10)) < 1e-9 && (p.d as number) <= 0.5 + 1e-12);
        assert.ok(Number.isInteger(p.u) && (p.u as number) >= 16 && (p.u as number) <= 512);
        assert.ok(Number.isInteger(p.k) && (p.k as number) % 4 === 0 && (p.k as number) <= 20);
        assert.ok(['adam', 'sgd', 'rmsprop'].includes(p.o as string));
      }
    }
  });

  it('the same seed gives the same trials; another seed other trials', async () => {
    const a = (await run(new tune.TPESampler({ seed: 7 }), 25)).trials.map((t) => t.params);
    const b = (await run(new tune.TPESampler({ seed: 7 }), 25)).trials.map((t) => t.params);
    const c = (await run(new tune.TPESampler({ seed: 8 }), 25)).trials.map((t) => t.params);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const r1 = (await run(new tune.RandomSampler({ seed: 3 }), 5)).trials.map((t) => t.params);
    const r2 = (await run(new tune.RandomSampler({ seed: 3 }), 5)).trials.map((t) => t.params);
    assert.deepEqual(r1, r2);
  });

  it('TPE beats random search on a quadratic (40 trials, 5 seeds)', async () => {
    const best = async (sampler: dl.tune.Sampler) => {
      const s = tune.createStudy({ sampler });
      await s.optimize((t) => (t.suggestFloat('x', -10, 10) - 3) ** 2 + (t.suggestFloat('y', -10, 10) + 1) ** 2, { nTrials: 40 });
      return s.bestValue;
    };
    let tpeWins = 0;
    for (let seed = 0; seed < 5; seed++) if (await best(new tune.TPESampler({ seed })) < await best(new tune.RandomSampler({ seed }))) tpeWins++;
    assert.ok(tpeWins >= 4, `TPE better in ${tpeWins} of 5 seeds`);
  });

  it('a repeated suggest returns the first value; a contradicting one fails the trial with the message kept', async () => {
    const study = tune.createStudy({ sampler: new tune.RandomSampler({ seed: 0 }) });
    await study.optimize((t) => {
      const a = t.suggestInt('a', 0, 10);
      assert.equal(t.suggestInt('a', 0, 10), a);
      if (t.number === 1) t.suggestFloat('a', 0, 10);
      return a;
    }, { nTrials: 3, onTrialFinished: () => {} });
    assert.deepEqual(study.trials.map((t) => t.state), ['complete', 'failed', 'complete']);
    assert.match(String(study.trials[1].systemAttrs.fail_reason), /parameter 'a' was suggested as int \[0, 10\] earlier in trial 1, now as float \[0, 10\]/);
  });

  it('bad ranges are errors naming the parameter', () => {
    const study = tune.createStudy();
    const t = new tune.Trial({ studyName: 's', direction: 'minimize', sampler: new tune.RandomSampler(), pruner: new tune.NopPruner(), storage: new tune.InMemoryStorage(), beat: () => {} },
      { trialId: 1, number: 0 }, { studyName: 's', direction: 'minimize', trials: [] }, {});
    assert.throws(() => t.suggestFloat('lr', 0, 1, { log: true }), /parameter 'lr': low must be > 0 on a log scale/);
    assert.throws(() => t.suggestInt('n', 5, 1), /parameter 'n': low \(5\) must not exceed high \(1\)/);
    assert.throws(() => t.suggestInt('n', 1, 5.5), /high must be an integer/);
    assert.throws(() => t.suggestFloat('x', 0, 1, { log: true, step: 0.1 }), /step and log cannot be used together/);
    assert.throws(() => t.suggestCategorical('c', []), /at least one choice/);
    assert.equal(t.suggestInt('single', 3, 3), 3);
    void study;
  });
});

describe('tune: trial states and the study', () => {
  it('complete, pruned and failed trials; a throwing objective does not stop the study', async () => {
    const seen: string[] = [];
    const study = tune.createStudy({ direction: 'maximize', sampler: new tune.RandomSampler({ seed: 0 }), pruner: new tune.MedianPruner({ nStartupTrials: 2 }) });
    await study.optimize(async (t) => {
      t.setUserAttr('note', { n: t.number });
      if (t.number === 3) throw new Error('out of memory in trial 3');
      if (t.number === 4) return NaN;
      const level = t.number % 2 === 0 ? 1 : 0;
      for (let s = 0; s < 5; s++) {
        t.report(level + s * 0.01, s);
        if (t.shouldPrune()) throw new tune.TrialPruned();
      }
      return level;
    }, { nTrials: 8, onTrialFinished: (t) => seen.push(t.state) });
    const states = study.trials.map((t) => t.state);
    assert.deepEqual(states, seen);
    assert.deepEqual(states, ['complete', 'complete', 'complete', 'failed', 'failed', 'pruned', 'complete', 'pruned']);
    assert.equal(study.trials[3].systemAttrs.fail_reason, 'out of memory in trial 3');
    assert.match(String(study.trials[4].systemAttrs.fail_reason), /returned NaN/);
    assert.deepEqual(study.trials[5].userAttrs, { note: { n: 5 } });
    assert.equal(study.trials[5].value, 0, 'a pruned trial keeps its last reported value');
    assert.deepEqual([...study.trials[5].intermediateValues.keys()], [0]);
    assert.equal(study.bestValue, 1);
    assert.equal(study.bestTrial.number, 0, 'the first of tied best trials');
    assert.deepEqual(study.bestParams, {});
  });

  it('bestValue without a complete trial is an error', async () => {
    const study = tune.createStudy({ studyName: 'empty' });
    await study.ready;
    assert.throws(() => study.bestValue, /study 'empty' has no complete trial yet/);
  });

  it('GridSampler runs every point once, then the study stops', async () => {
    const study = tune.createStudy({ sampler: new tune.GridSampler({ a: [1, 2, 3], b: ['x', 'y'] }, { seed: 0 }) });
    await study.optimize((t) => t.suggestInt('a', 1, 3) + (t.suggestCategorical('b', ['x', 'y']) === 'x' ? 0 : 10), { nTrials: 50 });
    assert.equal(study.trials.length, 6);
    const points = study.trials.map((t) => `${t.params.a}${t.params.b}`).sort();
    assert.deepEqual(points, ['1x', '1y', '2x', '2y', '3x', '3y']);
    assert.throws(() => new tune.GridSampler({}), /search space is empty/);
  });

  it('nJobs runs trials concurrently with unique numbers; totalTrials caps the study; timeout stops', async () => {
    const study = tune.createStudy({ sampler: new tune.RandomSampler({ seed: 0 }) });
    let active = 0;
    let peak = 0;
    await study.optimize(async (t) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return t.suggestFloat('x', 0, 1);
    }, { nTrials: 12, nJobs: 3 });
    assert.equal(peak, 3);
    assert.deepEqual(study.trials.map((t) => t.number), [...Array(12).keys()]);
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { nTrials: 100, totalTrials: 15 });
    assert.equal(study.trials.length, 15);
    const timed = tune.createStudy();
    await timed.optimize(async (t) => { await new Promise((r) => setTimeout(r, 20)); return t.number; }, { timeout: 0.1 });
    assert.ok(timed.trials.length >= 1 && timed.trials.length < 50);
  });

  it('unknown options, bad counts, existing names and directions are errors', async () => {
    assert.throws(() => tune.createStudy({ directon: 'maximize' } as never), /createStudy: unknown option 'directon'/);
    assert.throws(() => tune.createStudy({ direction: 'up' as never }), /createStudy: option 'direction' must be one of 'minimize', 'maximize', got the string "up"/);
    const storage = new tune.InMemoryStorage();
    const a = tune.createStudy({ storage, studyName: 's', direction: 'maximize' });
    await a.ready;
    await assert.rejects(tune.createStudy({ storage, studyName: 's', direction: 'maximize' }).ready, /study 's' already exists in memory \(pass loadIfExists: true/);
    await assert.rejects(tune.createStudy({ storage, studyName: 's', loadIfExists: true }).ready, /exists with direction maximize, not minimize/);
    const loaded = await tune.loadStudy({ storage, studyName: 's' });
    assert.equal(loaded.direction, 'maximize');
    await assert.rejects(tune.loadStudy({ storage, studyName: 'nope' }), /no study named 'nope' in memory/);
    await assert.rejects(a.optimize(() => 0, { nTrial: 3 } as never), /optimize: unknown option 'nTrial'/);
    await assert.rejects(a.optimize(() => 0, { nJobs: 0 }), { name: 'RangeError', message: "optimize: option 'nJobs' must be an integer ≥ 1, got 0" });
    await assert.rejects(tune.createStudy({ storage: 'mysql://x' }).ready, /storage URL 'mysql:\/\/x' is not understood/);
  });
});
