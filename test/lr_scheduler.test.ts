/** LR schedulers against PyTorch 1.13's rate sequences (fixtures: scripts/make_optim_fixtures.py). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';

const S = dl.optim.lrScheduler;
interface Case { name: string; optimizer: 'SGD' | 'Adam'; groups: number; steps: number; lrs: number[][]; momentums: (number | null)[]; metrics: number[] | null; epochs: number[] | null }
const fx = JSON.parse(readFileSync(new URL('./fixtures/optim/schedulers.json', import.meta.url), 'utf8')) as { cases: Case[] };

type Sched = { step(arg?: any): void; getLastLr(): number[]; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void };
const MAKERS: Record<string, (o: dl.optim.Optimizer<any>) => Sched> = {
  'StepLR': (o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 }),
  'MultiStepLR': (o) => new S.MultiStepLR(o, { milestones: [2, 5, 5, 9], gamma: 0.3 }),
  'ExponentialLR': (o) => new S.ExponentialLR(o, { gamma: 0.9 }),
  'CosineAnnealingLR': (o) => new S.CosineAnnealingLR(o, { TMax: 10, etaMin: 0.001 }),
  'CosineAnnealingWarmRestarts': (o) => new S.CosineAnnealingWarmRestarts(o, { T0: 3, TMult: 2, etaMin: 0.01 }),
  'CosineAnnealingWarmRestarts/epochs': (o) => new S.CosineAnnealingWarmRestarts(o, { T0: 4, TMult: 2 }),
  'CosineAnnealingWarmRestarts/mult1': (o) => new S.CosineAnnealingWarmRestarts(o, { T0: 4 }),
  'LinearLR': (o) => new S.LinearLR(o, { startFactor: 0.25, endFactor: 0.9, totalIters: 6 }),
  'ConstantLR': (o) => new S.ConstantLR(o, { factor: 0.4, totalIters: 4 }),
  'PolynomialLR': (o) => new S.PolynomialLR(o, { totalIters: 8, power: 2 }),
  'LambdaLR': (o) => new S.LambdaLR(o, { lrLambda: (e) => 0.95 ** e / (1 + e) }),
  'OneCycleLR': (o) => new S.OneCycleLR(o, { maxLr: 1.0, totalSteps: 30 }),
  'OneCycleLR/adam-linear-3phase': (o) => new S.OneCycleLR(o, {
    maxLr: [0.5, 2.0], totalSteps: 40, annealStrategy: 'linear', threePhase: true, pctStart: 0.25, divFactor: 10, finalDivFactor: 100,
  }),
  'CyclicLR/triangular': (o) => new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 }),
  'CyclicLR/triangular2': (o) => new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 3, stepSizeDown: 5, mode: 'triangular2' }),
  'CyclicLR/exp_range': (o) => new S.CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 5, mode: 'exp_range', gamma: 0.9, baseMomentum: 0.7, maxMomentum: 0.95 }),
  'SequentialLR': (o) => new S.SequentialLR(o, {
    schedulers: [new S.LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new S.ExponentialLR(o, { gamma: 0.8 })], milestones: [5],
  }),
  'SequentialLR/cosine': (o) => new S.SequentialLR(o, {
    schedulers: [new S.ConstantLR(o, { factor: 0.5, totalIters: 3 }), new S.CosineAnnealingLR(o, { TMax: 6 })], milestones: [3],
  }),
  'ReduceLROnPlateau': (o) => new S.ReduceLROnPlateau(o, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.01 }),
  'ReduceLROnPlateau/max-abs': (o) => new S.ReduceLROnPlateau(o, { mode: 'max', thresholdMode: 'abs', threshold: 0.05, patience: 1, factor: 0.3 }),
};

function makeOptimizer(c: Case): dl.optim.Optimizer<any> {
  const groups = Array.from({ length: c.groups }, (_, i) => ({ params: [dl.zeros([1], { requiresGrad: true })], lr: 0.1 * (i + 1) }));
  return c.optimizer === 'SGD' ? new dl.optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new dl.optim.Adam(groups, { lr: 0.1 });
}

function groupMomentum(g: dl.optim.ParamGroup<any>): number {
  return 'betas' in g ? (g.betas as number[])[0] : g.momentum as number;
}

describe('LR schedulers match torch 1.13', () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      assert.ok(MAKERS[c.name], `no maker for ${c.name}`);
      const opt = makeOptimizer(c);
      const sched = MAKERS[c.name](opt);
      const lrsNow = (): number[] => opt.paramGroups.map((g) => g.lr);
      assertClose(lrsNow(), c.lrs[0], 1e-12, 1e-15, `${c.name} lr at construction`);
      for (let i = 0; i < c.steps; i++) {
        opt.step();
        sched.step(c.metrics?.[i] ?? c.epochs?.[i]);
        assertClose(lrsNow(), c.lrs[i + 1], 1e-12, 1e-15, `${c.name} lr after step ${i + 1}`);
        assertClose(sched.getLastLr(), c.lrs[i + 1], 1e-12, 1e-15, `${c.name} getLastLr after step ${i + 1}`);
        if (c.momentums[i] !== null && c.momentums[i] !== undefined) {
          assertClose([groupMomentum(opt.paramGroups[0])], [c.momentums[i]!], 1e-12, 1e-15, `${c.name} momentum after step ${i + 1}`);
        }
      }
    });
  }

  test('constructing a scheduler sets initialLr; stateDict round trip resumes the same schedule', () => {
    const opt = new dl.optim.SGD([dl.zeros([1], { requiresGrad: true })], { lr: 0.5 });
    const a = new S.CosineAnnealingLR(opt, { TMax: 7 });
    assert.equal(opt.paramGroups[0].initialLr, 0.5);
    for (let i = 0; i < 3; i++) a.step();
    const saved = a.stateDict();
    assert.equal(saved.last_epoch, 3);
    assert.equal(saved.T_max, 7);
    const lrAt3 = opt.paramGroups[0].lr;
    const expected: number[] = [];
    for (let i = 0; i < 4; i++) { a.step(); expected.push(a.getLastLr()[0]); }
    opt.paramGroups[0].lr = lrAt3;
    const b = new S.CosineAnnealingLR(opt, { TMax: 7, lastEpoch: 0 });
    b.loadStateDict(saved);
    opt.paramGroups[0].lr = lrAt3;
    const got: number[] = [];
    for (let i = 0; i < 4; i++) { b.step(); got.push(b.getLastLr()[0]); }
    assertClose(got, expected, 1e-12, 1e-15, 'resumed schedule');
  });

  test('schedulers say whether they step on a metric, outside their state dict', () => {
    for (const c of fx.cases) {
      const name = c.name;
      const sched = MAKERS[name](makeOptimizer(c)) as Sched & dl.optim.lrScheduler.SchedulerLike;
      assert.equal(sched.stepsOnMetric, name.startsWith('ReduceLROnPlateau'), name);
      assert.ok(!('steps_on_metric' in sched.stateDict()) && !('stepsOnMetric' in sched.stateDict()), name);
    }
  });

  test('bad arguments are rejected', () => {
    const opt = new dl.optim.Adam([dl.zeros([1], { requiresGrad: true })]);
    assert.throws(() => new S.CyclicLR(opt, { baseLr: 0.1, maxLr: 1 }), /momentum/);
    assert.throws(() => new S.OneCycleLR(opt, { maxLr: 1 }), /totalSteps/);
    assert.throws(() => new S.ReduceLROnPlateau(opt, { factor: 1 }), /ReduceLROnPlateau: option 'factor' must be a number in \[0, 1\), got 1/);
    // PyTorch's T_max in camelCase used to be accepted and left the period undefined (NaN rates)
    assert.throws(() => new S.CosineAnnealingLR(opt, { tMax: 10 } as never), /CosineAnnealingLR: unknown option 'tMax' \(did you mean 'TMax'\?; known: TMax, etaMin, lastEpoch\)/);
    assert.equal(dl.optim.lr_scheduler.CosineAnnealingLR, S.CosineAnnealingLR, "PyTorch's spelling of the namespace");
    assert.throws(() => new S.CosineAnnealingLR(opt, {} as never), /CosineAnnealingLR: option 'TMax' is required/);
    assert.throws(() => new S.StepLR(opt, { stepSize: 0 }), /StepLR: option 'stepSize' must be an integer ≥ 1, got 0/);
    assert.throws(() => new S.LinearLR(opt, { startFactor: 0 }), /LinearLR: option 'startFactor' must be a number in \(0, 1\]/);
    assert.throws(() => new S.MultiStepLR(opt, { milestones: [1, -2] }), /MultiStepLR: option 'milestones' must be a list of non-negative integers/);
    assert.throws(() => new S.CyclicLR(opt, { baseLr: 0.1, maxLr: 1, mode: 'triangle' as never }), /CyclicLR: option 'mode' must be one of 'triangular', 'triangular2', 'exp_range'/);
    const one = new S.OneCycleLR(opt, { maxLr: 1, totalSteps: 2 });
    one.step();
    one.step();
    assert.throws(() => one.step(), /Tried to step 4 times/);
  });
});
