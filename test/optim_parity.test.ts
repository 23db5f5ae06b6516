/**
 * Every optimizer against PyTorch 1.13 (foreach=False): the same initial weights (a safetensors
 * file written by torch), the same 20 gradients, torch's weights after each step.
 * Fixtures: scripts/make_optim_fixtures.py.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose, backends } from './helpers.js';

interface Pair { weight: number[]; bias: number[] }
interface Case { optimizer: string; options: Record<string, unknown>; biasLr: number; weights: Pair[]; finalState: Record<string, number | number[]> }
const FIXTURES = new URL('./fixtures/optim/', import.meta.url);
const fx = JSON.parse(readFileSync(new URL('optimizers.json', FIXTURES), 'utf8')) as { grads: Pair[]; cases: Case[] };

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
type AnyOptimizerClass = new (params: dl.optim.ParamsInput<any>, options: Record<string, unknown>) => dl.optim.Optimizer<any>;
const CLASSES = dl.optim as unknown as Record<string, AnyOptimizerClass>;

function label(c: Case): string {
  return `${c.optimizer}(${Object.entries(c.options).map(([k, v]) => `${camel(k)}=${JSON.stringify(v)}`).join(', ')})`;
}

for (const backend of backends()) {
  describe(`optimizers match torch 1.13 (${backend})`, () => {
    for (const c of fx.cases) {
      test(label(c), () => dl.withBackend(backend, () => {
        const init = dl.load(new URL('init.safetensors', FIXTURES).pathname);
        const w = init.weight.requiresGrad_();
        const b = init.bias.requiresGrad_();
        const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v]));
        const opt = new CLASSES[c.optimizer]([{ params: [w] }, { params: [b], lr: c.biasLr }], options);
        fx.grads.forEach((g, step) => {
          w.grad = dl.tensor(Float32Array.from(g.weight), { shape: w.shape });
          b.grad = dl.tensor(Float32Array.from(g.bias), { shape: b.shape });
          opt.step();
          assertClose(w, c.weights[step].weight, 1e-5, 1e-6, `${label(c)} weight after step ${step + 1}`);
          assertClose(b, c.weights[step].bias, 1e-5, 1e-6, `${label(c)} bias after step ${step + 1}`);
        });
        const state = opt.state.get(w)!;
        assert.deepEqual(Object.keys(state).sort(), Object.keys(c.finalState).sort(), 'state keys as in PyTorch');
        for (const [k, v] of Object.entries(c.finalState)) {
          const mine = state[k];
          if (typeof v === 'number') assertClose([mine as number], [v], 1e-5, 1e-6, `state ${k}`);
          else assertClose(mine as dl.Tensor, v, 1e-5, 1e-6, `state ${k}`);
        }
        for (const t of Object.values(init)) t.dispose();
        opt.disposeState();
      }));
    }
  });
}
