#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (AddressSanitizer, UndefinedBehaviorSanitizer
# on the code under test) in their own build folder, then runs each for a bounded time, starting
# from its seed corpus in fuzz/corpus/<target> plus what earlier runs found (kept in
# <build>/corpus/<target>). Fails on any finding (a crash, a sanitizer report, a leak, an input
# slower than 10 s) and leaves the input in <build>/findings/<target>/; fails too if a target
# executed no input. `make test` runs 20 s each; `make fuzz` a long run.
#
# usage: scripts/fuzz.sh [--seconds N] [TARGET...]   (FUZZ_BUILD_DIR, default build-fuzz)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_EACH=20
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(http_request_fuzzer json_request_fuzzer token_fuzzer order_message_fuzzer)
log() { printf '[fuzz] %s\n' "$*" >&2; }

export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=1
command -v clang++-14 >/dev/null || { log "clang++-14 is missing: run 'make deps'"; exit 1; }
CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSECKILL_FUZZ=ON >/dev/null
cmake --build "$BUILD" --target "${TARGETS[@]}"

failed=0
for t in "${TARGETS[@]}"; do
  corpus=$BUILD/corpus/$t findings=$BUILD/findings/$t
  mkdir -p "$corpus" "$findings"
  log "$t: $SECONDS_EACH s"
  if ! "$BUILD/bin/$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "$ROOT/fuzz/corpus/$t" \
      >"$BUILD/$t.log" 2>&1; then
    log "$t FAILED: the input is in $findings (replay: $BUILD/bin/$t <file>); log: $BUILD/$t.log"
    grep -E "ERROR|SUMMARY|runtime error" "$BUILD/$t.log" | head -5 >&2 || true
    failed=1
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/$t.log")
  if [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
    log "$t ran no input (log: $BUILD/$t.log)"
    failed=1
    continue
  fi
  log "$t: $runs inputs, no finding ($(grep -o 'cov: [0-9]*' "$BUILD/$t.log" | tail -1))"
done
exit $failed
