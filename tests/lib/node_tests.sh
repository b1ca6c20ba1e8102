#!/usr/bin/env bash
# Runs node's test runner over the *.test.mjs of the current directory, one
# file at a time, and prints the test lines (with the assertion text of
# failures, not the stacks) and then "N passed, M failed". Used by the JS SDK
# suites (tests/clients/js) and the console's browser suites (tests/console).
set -u
out=$(mktemp); trap 'rm -f "$out"' EXIT
node --test --test-reporter=tap --test-concurrency=1 ./*.test.mjs >"$out" 2>&1
rc=$?
awk '
  /^(not )?ok / { print; bad = ($1 == "not"); inerr = 0; next }
  bad && /^  (error|expected|actual|location):/ { print; inerr = ($1 == "error:"); next }
  bad && inerr && /^    / { print; next }
  { inerr = 0 }
  /^# (tests|pass|fail|cancelled|skipped) / { print }
' "$out" | head -400
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -1)
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$out" | tail -1)
if [ -z "$pass" ] || [ -z "$fail" ]; then tail -30 "$out"; echo "0 passed, 1 failed"; exit 1; fi
fail=$((fail + ${cancelled:-0}))
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then tail -30 "$out"; fail=1; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
