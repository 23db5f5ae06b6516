/** Finite-difference checks of every differentiable op in the table, on every backend. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dl from '../src/index.js';
import { backends } from './helpers.js';
import { OP_CASES, makeInput } from './op_cases.js';

for (const backend of backends()) {
  describe(`gradcheck on ${backend}`, () => {
    for (const c of OP_CASES.filter((op) => !op.noGradcheck)) {
      it(c.name, () => dl.withBackend(backend, () => dl.tidy(() => {
        const inputs = c.inputs.map((spec, i) => makeInput(spec, 100 + i));
        assert.ok(inputs.some((x) => x.requiresGrad), 'case has an input that requires grad');
        assert.equal(dl.autograd.gradcheck(c.fn, inputs), true);
      })));
    }
  });
}
