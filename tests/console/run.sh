#!/usr/bin/env bash
# Runs the web console's browser suites (*.test.mjs here): node's test runner,
# playwright-core driving Debian's chromium headless against a fresh `coffer
# serve` per suite. Ends with "N passed, M failed". Installs node_modules from
# package.json/package-lock.json if missing. Screenshots: $BUILD_DIR/console-screenshots.
set -u
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error >/dev/null
  else npm install --no-audit --no-fund --loglevel=error >/dev/null; fi || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then echo "chromium not found (scripts/install-deps.sh test installs it)"; echo "0 passed, 1 failed"; exit 1; fi
exec bash ../lib/node_tests.sh
