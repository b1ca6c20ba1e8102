#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD_DIR (built by `make fuzz-build`) for
# SECONDS each, one at a time, over fuzz/corpus/<target> (new inputs are added
# there). Crash inputs land in BUILD_DIR/fuzz-artifacts/<target>/; copy each to
# fuzz/regressions/<target>/ once fixed so `make test` replays it.
#   usage: fuzz/run.sh [BUILD_DIR] [SECONDS]
set -u
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${1:-build-fuzz}"
SECS="${2:-60}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$REPO/fuzz/ubsan.supp}"
status=0
for bin in $(find "$BUILD_DIR" -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort); do
  t=$(basename "$bin" _fuzz)
  corpus="$REPO/fuzz/corpus/$t"
  art="$BUILD_DIR/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$art"
  dict=(); [ -f "$REPO/fuzz/$t.dict" ] && dict=(-dict="$REPO/fuzz/$t.dict")
  log="$BUILD_DIR/fuzz-logs/$t.log"; mkdir -p "$(dirname "$log")"
  echo "== $t (${SECS}s)"
  "$bin" "$corpus" "${dict[@]}" -max_total_time="$SECS" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$art/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  grep -E '^stat::number_of_executed_units|^Done|SUMMARY|==ERROR' "$log" | sed 's/^/   /'
  [ $rc -ne 0 ] && { echo "   FAILED (exit $rc): see $log and $art"; status=1; }
done
exit $status
