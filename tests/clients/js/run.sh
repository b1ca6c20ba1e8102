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
exec bash ../../lib/node_tests.sh
