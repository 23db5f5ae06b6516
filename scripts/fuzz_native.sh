#!/usr/bin/env bash
# Native fuzzing: builds the libFuzzer targets of native/fuzz/ (the addon's argument decoding and
# kernels, without Node) with Debian's clang under AddressSanitizer and UBSan, replays the
# inputs of past findings (native/fuzz/regressions/<target>/), then fuzzes every target.
#
#   scripts/fuzz_native.sh [seconds]             fuzz each target for `seconds` (default 10)
#   scripts/fuzz_native.sh --runs N [--seed S]   N inputs per target from seed S (default 1):
#                                                the fixed pass test/fuzz_native.test.ts runs
#   scripts/fuzz_native.sh --replay              build and replay the regression inputs only
#   scripts/fuzz_native.sh --check               exit 0 when clang can build fuzz targets here
#
# Needs clang and its fuzzer runtime: apt-get install clang libclang-rt-14-dev. Builds go to
# build/fuzz/ (an object is rebuilt when a file it includes changed); a timed campaign keeps its
# growing corpus in build/fuzz/corpus/<target>/ and reads the committed seeds of
# native/fuzz/corpus/<target>/; a crash's input lands in build/fuzz/artifacts/<target>/.
# Prints, per target, inputs executed and libFuzzer's coverage (cov: edges, ft: features).
set -euo pipefail
cd "$(dirname "$0")/.."

CXX=${CXX_FUZZ:-clang++}
SECONDS_PER_TARGET=10
RUNS=""
SEED=""
MODE=fuzz
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --replay) MODE=replay; shift ;;
    --check) MODE=check; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) SECONDS_PER_TARGET=$1; shift ;;
  esac
done

OUT=build/fuzz
SANITIZE=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
# (-Wno-bitwise-conditional-parentheses: clang questions `a | b ? x : y` in the pooling row
# kernels, which mean what GCC reads them as)
CXXFLAGS=(-g -O1 "${SANITIZE[@]}" -std=c++17 -fexceptions -pthread -Wno-bitwise-conditional-parentheses -Inative/src -include native/fuzz/clang_compat.h)
# kernels_conv.cc selects its AVX-512/AVX2 unfolding with `#pragma GCC target`, which clang
# ignores, so clang compiles it only with those instruction sets enabled for the whole file:
# the target that runs it needs an AVX-512 CPU (elsewhere it is skipped, with a message).
CONV_FLAGS=(-mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma)
AVX512=0
if grep -qw avx512f /proc/cpuinfo && grep -qw avx512dq /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then
  AVX512=1
fi

# Whether clang and its libFuzzer/ASan/UBSan runtimes link a trivial fuzz target.
toolchain_ok() {
  command -v "$CXX" >/dev/null 2>&1 || return 1
  local dir
  dir=$(mktemp -d)
  printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' >"$dir/t.cc"
  "$CXX" "${SANITIZE[@]}" "$dir/t.cc" -o "$dir/t" >/dev/null 2>&1
  local ok=$?
  rm -rf "$dir"
  return $ok
}

if ! toolchain_ok; then
  echo "fuzz_native: $CXX with the libFuzzer runtime is not available (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
[ "$MODE" = check ] && exit 0

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/logs"
# Rebuilds object $1 from source $2 (extra flags after) when it is missing or older than any
# file it included last time (the .d file clang writes beside it).
compile() {
  local obj=$1 src=$2 dep stale=0
  shift 2
  if [ -f "$obj" ] && [ -f "$obj.d" ]; then
    for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$obj.d"); do
      if [ "$dep" -nt "$obj" ]; then stale=1; break; fi
    done
    [ "$stale" = 0 ] && return 0
  fi
  echo "  compile $src"
  "$CXX" "${CXXFLAGS[@]}" "$@" -MMD -MF "$obj.d" -c "$src" -o "$obj"
}

echo "== fuzz_native: building with $("$CXX" --version | head -1)"
LIB_OBJS=()
pids=()
for src in native/src/*.cc; do
  name=$(basename "$src" .cc)
  case "$name" in
    addon|mpi) continue ;;  # the N-API layer (and MPI over it): not reachable without Node
    kernels_conv) [ "$AVX512" = 1 ] || continue
                  compile "$OUT/obj/$name.o" "$src" "${CONV_FLAGS[@]}" & pids+=($!); continue ;;
  esac
  LIB_OBJS+=("$OUT/obj/$name.o")
  compile "$OUT/obj/$name.o" "$src" & pids+=($!)
  # two compilations at a time (the machines this runs on are small and shared)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done

TARGETS=()
for src in native/fuzz/fuzz_*.cc; do
  target=$(basename "$src" .cc)
  extra=()
  if [ "$target" = fuzz_conv_pool ]; then
    if [ "$AVX512" != 1 ]; then
      echo "  skip $target: this CPU lacks AVX-512 (see CONV_FLAGS above)"
      continue
    fi
    extra=("$OUT/obj/kernels_conv.o")
  fi
  compile "$OUT/obj/$target.o" "$src"
  bin="$OUT/bin/$target"
  if [ ! -x "$bin" ] || [ -n "$(find "$OUT/obj" -name '*.o' -newer "$bin" -print -quit)" ]; then
    echo "  link $target"
    "$CXX" "${SANITIZE[@]}" -pthread "$OUT/obj/$target.o" "${LIB_OBJS[@]}" "${extra[@]}" -o "$bin"
  fi
  TARGETS+=("$target")
done

# Per input: 10 s at most (a hang is a finding), no single allocation over 512 MiB (small inputs
# must not exhaust memory), 2 GiB resident in all.
FUZZ_OPTS=(-timeout=10 -malloc_limit_mb=512 -rss_limit_mb=2048 -print_final_stats=1)
export UBSAN_OPTIONS=print_stacktrace=1
failed=0
summary=()
for target in "${TARGETS[@]}"; do
  bin="$OUT/bin/$target"
  log="$OUT/logs/$target${RUNS:+.runs}.log"  # a fixed pass beside a campaign keeps its own log
  regressions=(native/fuzz/regressions/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if "$bin" "${FUZZ_OPTS[@]}" "${regressions[@]}" >"$log.replay" 2>&1; then
      echo "  $target: replayed ${#regressions[@]} regression input(s)"
    else
      echo "FAIL $target: a regression input fails again:"; tail -40 "$log.replay"; failed=1
    fi
  fi
  [ "$MODE" = replay ] && continue
  mkdir -p "$OUT/artifacts/$target" "native/fuzz/corpus/$target"
  if [ -n "$RUNS" ]; then
    work=$(mktemp -d)  # new units go to the first corpus dir: keep them out of the repository
    args=(-runs="$RUNS" -seed="${SEED:-1}" "$work")
  else
    work=""
    mkdir -p "$OUT/corpus/$target"
    args=(-max_total_time="$SECONDS_PER_TARGET" "$OUT/corpus/$target")
    [ -n "$SEED" ] && args+=(-seed="$SEED")
  fi
  status=0
  "$bin" "${FUZZ_OPTS[@]}" -artifact_prefix="$OUT/artifacts/$target/" "${args[@]}" "native/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  [ -n "$work" ] && rm -rf "$work"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  if [ "$status" -eq 0 ]; then
    summary+=("$(printf '%-20s ok    %10s inputs  %s' "$target" "${execs:-?}" "$cov")")
  else
    summary+=("$(printf '%-20s FAIL  %10s inputs  %s' "$target" "${execs:-?}" "$cov")")
    echo "FAIL $target (exit $status); log $log:"; tail -60 "$log"; failed=1
  fi
done
echo "== fuzz_native summary"
for line in "${summary[@]}"; do echo "  $line"; done
exit $failed
