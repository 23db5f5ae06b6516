/**
 * The conformance harness shared by the backend suites: run one case of `OP_CASES` forward and
 * backward on the current backend, and compare two runs.
 */
import assert from 'node:assert/strict';
import * as dl from '../src/index.js';
import { assertClose } from './helpers.js';
import { makeInput, type OpCase } from './op_cases.js';

export interface CaseResult {
  outputs: { dtype: string; shape: readonly number[]; data: number[] }[];
  grads: (number[] | null)[];
}

function toNumbers(t: dl.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
}

/** Run a case on the current backend: outputs, then gradients of Σ w·out for a fixed projection w. */
export function runCase(c: OpCase): CaseResult {
  return dl.tidy(() => {
    const inputs = c.inputs.map((spec, i) => makeInput(spec, 100 + i));
    const out = c.fn(...inputs);
    const outs = Array.isArray(out) ? out : [out];
    const differentiable = outs.filter((o) => o.requiresGrad);
    if (differentiable.length > 0) {
      let total: dl.Tensor | null = null;
      differentiable.forEach((o, k) => {
        const w = makeInput({ shape: [...o.shape], grad: false }, 900 + k);
        const term = o.mul(w).sum();
        total = total === null ? term : total.add(term);
      });
      (total as unknown as dl.Tensor).backward();
    }
    return {
      outputs: outs.map((o) => ({ dtype: o.dtype, shape: o.shape, data: toNumbers(o) })),
      grads: inputs.map((x) => (x.grad === null ? null : toNumbers(x.grad))),
    };
  });
}

/** Runs `c` on `backend` and on the reference backend and asserts the outputs and gradients agree. */
export function assertMatchesReference(c: OpCase, backend: dl.BackendName | dl.Backend): void {
  const expected = dl.withBackend('reference', () => runCase(c));
  const actual = dl.withBackend(backend, () => runCase(c));
  const rtol = c.rtol ?? 1e-5;
  assert.equal(actual.outputs.length, expected.outputs.length);
  actual.outputs.forEach((o, k) => {
    const e = expected.outputs[k];
    assert.equal(o.dtype, e.dtype, `output ${k} dtype`);
    assert.deepEqual(o.shape, e.shape, `output ${k} shape`);
    assertClose(o.data, e.data, rtol, 1e-6, `output ${k}`);
  });
  actual.grads.forEach((g, k) => {
    const e = expected.grads[k];
    assert.equal(g === null, e === null, `grad ${k} presence`);
    if (g !== null && e !== null) assertClose(g, e, rtol, 1e-6, `grad of input ${k}`);
  });
}
