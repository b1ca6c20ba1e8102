#!/usr/bin/env bash
# Runs the JS SDK v3 suites (*.test.mjs here) with node's built-in test runner and ends with
# "N passed, M failed". Installs node_modules from package.json/package-lock.json if missing.
set -u
cd "$(dirname "$0")"
if [ ! -d node_modules/@aws-sdk/client-secrets-manager ] || [ ! -d node_modules/@aws-sdk/client-kms ] ||
   [ ! -d node_modules/@aws-sdk/client-sts ] || [ ! -d node_modules/@aws-sdk/client-iam ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error >/dev/null
  else npm install --no-audit --no-fund --loglevel=error >/dev/null; fi || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }
fi
out=$(mktemp); trap 'rm -f "$out"' EXIT
node --test --test-reporter=tap --test-concurrency=1 ./*.test.mjs >"$out" 2>&1
rc=$?
# print test lines; for failures also the assertion text (not the stack)
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
