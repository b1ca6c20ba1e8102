#!/usr/bin/env bash
# Runs every test suite of Coffer and ends with exactly one line "N passed, M failed" (totals).
#   usage: tests/run_all.sh [BUILD_DIR]        (default: build; `make test` passes $(BUILD))
# Order: C++ unit test binaries (BUILD_DIR/*_tests, gtest), fuzz replays, the module-include
# check (tests/check_module_includes.py), shared/checks/cli-contract.sh,
# the AWS CLI suites (tests/clients/cli/*.sh), boto3 (tests/clients/python), JS SDK v3
# (tests/clients/js), the web console in chromium (tests/console). A suite that crashes, times out or prints no count counts as 1 failed.
# Full logs: BUILD_DIR/test-logs/. Exit status is non-zero if anything failed.
set -u
REPO="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${1:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$PWD/$BUILD_DIR" ;; esac
export BUILD_DIR COFFER_BIN="$BUILD_DIR/coffer"
export AWS=/usr/bin/aws PYTHONDONTWRITEBYTECODE=1
LOGS="$BUILD_DIR/test-logs"
mkdir -p "$LOGS"
UNIT_TIMEOUT="${UNIT_TIMEOUT:-300}"      # seconds per gtest binary
SUITE_TIMEOUT="${SUITE_TIMEOUT:-480}"    # seconds per client suite

TOTAL_PASS=0; TOTAL_FAIL=0; SUMMARY=()

# record NAME RC LOG : parse the counts a suite printed, add them to the totals
record() {
  local name="$1" rc="$2" log="$3" p="" f="" line note=""
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -n "$line" ]; then
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  else
    # gtest: "[  PASSED  ] N tests." / "[  FAILED  ] N tests, listed below:"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}, listed below:.*/\1/p' "$log" | tail -1)
    if [ -n "$p" ] || [ -n "$f" ]; then p=${p:-0}; f=${f:-0}; fi
  fi
  if [ -z "$p" ]; then p=0; f=1; note=" (no count printed, exit $rc)"
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; note=" (exit $rc)"; fi
  [ "$rc" -eq 124 ] && note="$note (timed out)"
  TOTAL_PASS=$((TOTAL_PASS + p)); TOTAL_FAIL=$((TOTAL_FAIL + f))
  local status=PASS; [ "$f" -ne 0 ] && status=FAIL
  local l; l=$(printf '%-4s %-44s %5d passed, %3d failed%s' "$status" "$name" "$p" "$f" "$note")
  SUMMARY+=("$l")
  echo "$l"
  if [ "$f" -ne 0 ]; then   # show what failed (test names and messages, never whole logs)
    grep -E '^(FAIL|not ok|\[  FAILED  \]|FAIL:|ERROR:)|^  (error|message|expected|actual):|Error: |AssertionError' "$log" \
      | grep -v 'listed below' | head -40 | sed 's/^/       /'
    [ -n "$note" ] && tail -5 "$log" | sed 's/^/       | /'
  fi
}

# run_suite NAME TIMEOUT CMD... : run one suite with its output in a log
run_suite() {
  local name="$1" secs="$2"; shift 2
  local log="$LOGS/$(echo "$name" | tr '/ ' '__').log"
  local t0=$SECONDS
  timeout -k 10 "$secs" "$@" >"$log" 2>&1 </dev/null
  local rc=$?
  record "$name" "$rc" "$log"
  echo "       ($((SECONDS - t0)) s, log: $log)"
}

echo "== Coffer test run (build: $BUILD_DIR)"

# The boto3 and crash suites record what they send and keep their databases, WALs and
# logs here; step 6 scans them (tests/hygiene_scan.py).
export COFFER_HYGIENE_DIR="$BUILD_DIR/hygiene"
rm -rf "$COFFER_HYGIENE_DIR"

# 1. C++ unit tests
units=$(find "$BUILD_DIR" -maxdepth 2 -type f -name '*_tests' -perm -u+x -not -path '*/CMakeFiles/*' 2>/dev/null | sort)
if [ -z "$units" ]; then
  echo "(no *_tests binaries in $BUILD_DIR)"
fi
for u in $units; do
  run_suite "unit/$(basename "$u")" "$UNIT_TIMEOUT" "$u" --gtest_color=no
done

# 1b. fuzz corpus and crash-regression replay (fuzz/README.md): every seed and
# every input that once crashed a fuzz target, through a plain build of it
for r in $(find "$BUILD_DIR" -maxdepth 1 -type f -name '*_fuzz_replay' -perm -u+x 2>/dev/null | sort); do
  t=$(basename "$r" _fuzz_replay)
  run_suite "fuzz/$t" "$UNIT_TIMEOUT" "$r" "$REPO/fuzz/corpus/$t" "$REPO/fuzz/regressions/$t"
done

# 1c. the module rule: no #include of a module the including code does not link
run_suite "check/module-includes" "$UNIT_TIMEOUT" /usr/bin/python3 "$REPO/tests/check_module_includes.py" "$REPO"

# 1d. every relative link in README.md and docs/ resolves
run_suite "check/doc-links" "$UNIT_TIMEOUT" /usr/bin/python3 "$REPO/tests/check_doc_links.py" "$REPO"

# 2. the shared command-line contract
# The team's shared check when this checkout sits beside ../shared; otherwise (a clone
# elsewhere, e.g. CI) the copy vendored in tests/contract, refreshed from shared/ by hand.
CONTRACT="$REPO/../shared/checks/cli-contract.sh"
[ -f "$CONTRACT" ] || CONTRACT="$REPO/tests/contract/cli-contract.sh"
run_suite "cli-contract" "$SUITE_TIMEOUT" env AWS=/usr/bin/aws bash "$CONTRACT" "$COFFER_BIN"

# 3. AWS CLI v2 suites
for s in "$REPO"/tests/clients/cli/*.sh; do
  [ -f "$s" ] || continue
  run_suite "cli/$(basename "$s" .sh)" "$SUITE_TIMEOUT" bash "$s"
done

# 4. boto3 (Debian's python3 and boto3, not pyenv's)
run_suite "python/boto3" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/clients/python/run_tests.py"

# 4b. crash safety: SIGKILL under a mixed write load (short run; `make crash-test N=1000` for the long one)
run_suite "reliability/crash" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/reliability/crash_test.py" --trials "${CRASH_TRIALS:-50}"

# 4c. several nodes over one PostgreSQL (issue 24): three nodes, leader handover, change
#     notices, PostgreSQL restarted under writes, a held write lock
run_suite "scale/three-nodes" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/scale/test_scale_out.py"

# 5. AWS SDK for JavaScript v3
run_suite "js/sdk-v3" "$SUITE_TIMEOUT" bash "$REPO/tests/clients/js/run.sh"

# 5b. the web console in Debian's chromium (playwright-core); screenshots in BUILD_DIR/console-screenshots
run_suite "console/chromium" "$SUITE_TIMEOUT" bash "$REPO/tests/console/run.sh"

# 5c. the caching agent (issue 23) in front of a real server
run_suite "agent/e2e" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/agent/test_agent.py"
run_suite "agent/features" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/agent/test_agent_features.py"
run_suite "agent/runner" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/agent/test_runner.py"

# 5d. the Debian package (make deb): built, installed with dpkg -i, run as user coffer, purged
run_suite "packaging/deb" "$SUITE_TIMEOUT" bash "$REPO/tests/packaging/test_deb.sh" "$BUILD_DIR"

# 6. secret hygiene over everything the boto3 and crash suites stored and logged
run_suite "hygiene/scan" "$SUITE_TIMEOUT" /usr/bin/python3 "$REPO/tests/hygiene_scan.py" "$COFFER_HYGIENE_DIR"
rm -rf "$COFFER_HYGIENE_DIR"

find "$REPO/tests" -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null

echo "== summary"
for l in "${SUMMARY[@]}"; do echo "  $l"; done
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" -eq 0 ]
