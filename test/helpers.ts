/** Shared assertions for the test suites. */
import assert from 'node:assert/strict';
import * as dl from '../src/index.js';

/** Elementwise |a - b| <= atol + rtol * |b|, with NaN equal to NaN and infinities equal. */
export function assertClose(actual: ArrayLike<number> | dl.Tensor, expected: ArrayLike<number> | dl.Tensor, rtol = 1e-5, atol = 1e-6, what = ''): void {
  const a = actual instanceof dl.Tensor ? Array.from(actual.dataSync() as ArrayLike<number | bigint>, Number) : Array.from(actual);
  const b = expected instanceof dl.Tensor ? Array.from(expected.dataSync() as ArrayLike<number | bigint>, Number) : Array.from(expected);
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${what}[${i}]: expected NaN, got ${x}`);
      continue;
    }
    if (!Number.isFinite(y)) {
      assert.equal(x, y, `${what}[${i}]: expected ${y}, got ${x}`);
      continue;
    }
    assert.ok(Math.abs(x - y) <= atol + rtol * Math.abs(y), `${what}[${i}]: expected ${y}, got ${x} (rtol ${rtol}, atol ${atol})`);
  }
}

/** The backends to run a suite on: every one this machine has. */
export function backends(): dl.BackendName[] {
  return dl.availableBackends();
}
