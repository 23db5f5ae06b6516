#!/usr/bin/env bash
# A long fuzz campaign of the file readers: runs test/fuzz_readers.test.ts (fast-check mutations
# of valid files, fed to every reader) with many inputs and a chosen seed, then prints, per
# reader, the inputs tried, the time taken and the outcome.
#
#   scripts/fuzz_long.sh [runs] [seed]      (defaults: 20000 runs, seed 7)
#
# Inputs per reader are `runs` (the test asserts that every one was tried), half of it for the
# config YAML and Parquet readers (they write a file per input; the test file halves them), plus
# the valid seed files themselves. A failure prints fast-check's counterexample and its seed and
# path, to replay with the same seed; the script exits with the test's status.
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-20000}
SEED=${2:-7}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== fuzz_long: DLFLOW_FUZZ_RUNS=$RUNS DLFLOW_FUZZ_SEED=$SEED test/fuzz_readers.test.ts"
start=$(date +%s)
DLFLOW_FUZZ_RUNS=$RUNS DLFLOW_FUZZ_SEED=$SEED node --import tsx --test --test-reporter=tap test/fuzz_readers.test.ts >"$log" 2>&1
status=$?
elapsed=$(( $(date +%s) - start ))

# TAP: "ok N - name" / "not ok N - name", then the test's "duration_ms: X" and, for a failed
# property, fast-check's "Property failed after K tests" (K inputs were tried). The enclosing
# suite's line is not indented and is skipped: it has no reader of its own.
awk -v runs="$RUNS" '
  function flush() {
    if (!have) return
    printf "  %-84s %8d inputs  %8.1f s  %s\n", name, inputs, secs, verdict
    total += inputs; have = 0
  }
  /^ +(not )?ok [0-9]+ - / {
    flush()
    name = $0; sub(/^ +(not )?ok [0-9]+ - /, "", name)
    verdict = ($0 ~ /not ok/) ? "FAILED" : "ok"
    inputs = (name ~ /^(config YAML|Parquet)/) ? int((runs + 1) / 2) : runs
    pending = 1; next
  }
  pending && /duration_ms:/ { secs = $2 / 1000; have = 1; pending = 0; next }
  have && verdict == "FAILED" && match($0, /Property failed after [0-9]+ tests/) {
    inputs = substr($0, RSTART + 22, RLENGTH - 28) + 0
  }
  END { flush(); printf "  %-84s %8d inputs\n", "all readers", total }
' "$log"
echo "== fuzz_long: ${elapsed} s, exit ${status}"
if [ "$status" -ne 0 ]; then
  echo "== failures (fast-check reports the counterexample, seed and path):"
  grep -n -A30 '^ *not ok' "$log" | head -120
fi
exit "$status"
