/**
 * Backend conformance: every op of the table, forward and backward, on every available backend,
 * compared with the reference backend on the same inputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesReference } from './conformance_run.js';
import { backends } from './helpers.js';
import { OP_CASES } from './op_cases.js';

const others = backends().filter((b) => b !== 'reference');

describe('backend conformance against the reference', () => {
  if (others.length === 0) {
    it('has only the reference backend here (native addon not built)', () => {
      assert.deepEqual(backends(), ['reference']);
    });
  }
  for (const backend of others) {
    for (const c of OP_CASES) {
      it(`${backend}: ${c.name}`, () => assertMatchesReference(c, backend));
    }
  }
});
