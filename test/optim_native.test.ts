/** The native fused optimizerStep kernel against the reference kernel, on sizes that use the thread pool. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';

const CONFIGS: [string, Record<string, unknown>][] = [
  ['SGD', { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }],
  ['Adam', { lr: 0.01, amsgrad: true, weightDecay: 0.1, maximize: true }],
  ['AdamW', { lr: 0.01 }],
  ['Adamax', { lr: 0.01, weightDecay: 0.1 }],
  ['NAdam', { lr: 0.01 }],
  ['RAdam', { lr: 0.01, betas: [0.9, 0.9] }],
  ['RMSprop', { lr: 0.01, centered: true, momentum: 0.5 }],
  ['Adagrad', { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }],
  ['Adadelta', { lr: 1, weightDecay: 0.1 }],
];
type AnyOptimizerClass = new (params: dl.Tensor[], options: Record<string, unknown>) => dl.optim.Optimizer<any>;
const CLASSES = dl.optim as unknown as Record<string, AnyOptimizerClass>;

describe('native optimizerStep', { skip: dl.availableBackends().includes('cpu') ? false : 'the native addon is not built' }, () => {
  for (const [name, options] of CONFIGS) {
    test(`${name} matches the reference kernel (300x257, 2 threads)`, () => {
      dl.manualSeed(1);
      const w0 = dl.withBackend('reference', () => dl.randn([300, 257]));
      const grads = dl.withBackend('reference', () => [0, 1, 2].map(() => dl.randn([300, 257])));
      const run = (backend: dl.BackendName): Float32Array => dl.withBackend(backend, () => {
        const w = dl.tensor(w0.dataSync() as Float32Array, { shape: w0.shape }).requiresGrad_();
        const opt = new CLASSES[name]([w], options);
        const fallbackCalls = (): number => dl.hostFallbacks().filter((f) => f.backend === 'cpu').reduce((n, f) => n + f.calls, 0);
        const before = fallbackCalls();
        for (const g of grads) {
          w.grad = dl.tensor(g.dataSync() as Float32Array, { shape: g.shape });
          opt.step();
        }
        if (backend === 'cpu') assert.equal(fallbackCalls() - before, 0, 'no fallback to the reference kernels');
        return w.dataSync() as Float32Array;
      });
      const threads = dl.getNumThreads();
      dl.setNumThreads(2);
      try {
        assertClose(run('cpu'), run('reference'), 1e-6, 1e-7, name);
      } finally {
        dl.setNumThreads(threads);
      }
    });
  }
});
