/**
 * A short fixed-seed pass of the native fuzz targets (native/fuzz/: the addon's argument decoding
 * and kernels under libFuzzer, AddressSanitizer and UBSan, without Node). scripts/fuzz_native.sh
 * builds them with Debian's clang, replays every input of native/fuzz/regressions/ (past findings,
 * fixed) and runs each target for a fixed number of inputs from seed 1; any sanitizer report,
 * abort, hang or huge allocation fails it. Without clang and its fuzzer runtime the suite is
 * skipped locally and fails under CI (CI=true). Long campaigns: scripts/fuzz_native.sh [seconds].
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(ROOT, 'scripts', 'fuzz_native.sh');
const UNDER_CI = process.env.CI === 'true';
/** Inputs per target: a few seconds each under the sanitizers. */
const RUNS = 20000;

const targets = readdirSync(join(ROOT, 'native', 'fuzz')).filter((f) => /^fuzz_\w+\.cc$/.test(f)).map((f) => f.slice(0, -3));
const check = spawnSync('bash', [SCRIPT, '--check'], { cwd: ROOT, encoding: 'utf8' });
const MISSING = 'clang++ with the libFuzzer runtime is not available: install clang and libclang-rt-14-dev';

if (check.status !== 0) {
  if (UNDER_CI) {
    test('native fuzzing: clang and its fuzzer runtime are installed', () => assert.fail(`${MISSING} (CI must run the native fuzz pass)\n${check.stderr}`));
  } else {
    test('native fuzzing', { skip: MISSING }, () => {});
  }
} else {
  test(`native fuzz targets: regressions replay and ${RUNS} inputs from seed 1 find nothing`, { timeout: 40 * 60_000 }, () => {
    // the first run builds every target (minutes under the sanitizers); later runs rebuild what changed
    const r = spawnSync('bash', [SCRIPT, '--runs', String(RUNS), '--seed', '1'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
    const output = `${r.stdout}${r.stderr}`;
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, output);
    for (const target of targets) {
      const skipped = new RegExp(`skip ${target}: this CPU lacks AVX-512`).test(output);
      assert.ok(skipped || new RegExp(`${target} +ok +\\d+ inputs`).test(output), `${target} did not run:\n${output}`);
      if (!skipped && existsSync(join(ROOT, 'native', 'fuzz', 'regressions', target))) {
        assert.match(output, new RegExp(`${target}: replayed \\d+ regression input`));
      }
    }
  });
}
