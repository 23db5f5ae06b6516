#!/usr/bin/env bash
# Side-by-side dlflow vs NumPy/OpenBLAS GFLOP/s table (best of ROUNDS alternating runs, since
# the machine is shared and timings are noisy). Usage: native/bench/compare.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
BIN=${BIN:-/tmp/gemm_bench}
g++ -O3 -std=c++17 -pthread -Inative/src native/src/gemm*.cc native/src/thread_pool.cc \
  native/bench/gemm_bench.cc -o "$BIN"
TMP=$(mktemp -d)
for r in $(seq "$ROUNDS"); do
  for t in 1 2; do
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 native/bench/gemm_numpy.py "$t" | grep -v '^#' \
      | awk -v t="$t" '{print "ob", t, $1, $(NF-1)}' >> "$TMP/raw"
    "$BIN" bench 7 "$t" | grep -v '^#' | awk -v t="$t" '{print "dl", t, $1, $(NF-1)}' >> "$TMP/raw"
  done
done
awk '
  { k = $2 SUBSEP $3; if (!($3 in seen)) { seen[$3] = 1; order[++n] = $3 }
    if ($1 == "ob") { if ($4 > ob[k]) ob[k] = $4 } else { if ($4 > dl[k]) dl[k] = $4 } }
  END {
    printf "%-12s | %8s %8s %6s | %8s %8s %6s\n", "shape", "dlf 1T", "OB 1T", "ratio", "dlf 2T", "OB 2T", "ratio"
    for (i = 1; i <= n; i++) { s = order[i]; a = 1 SUBSEP s; b = 2 SUBSEP s
      printf "%-12s | %8.1f %8.1f %6.2f | %8.1f %8.1f %6.2f\n", s, dl[a], ob[a], dl[a] / ob[a], dl[b], ob[b], dl[b] / ob[b] }
  }' "$TMP/raw"
rm -rf "$TMP"
