#!/usr/bin/env bash
# Installs what Coffer needs to build and test on Debian/Ubuntu, skipping what
# is already there. Safe to run repeatedly. Usage: scripts/install-deps.sh [build|run|test|bench|deb]
set -euo pipefail
want=(g++ cmake make pkg-config libboost-dev libboost-system-dev libssl-dev libsqlite3-dev
      rapidjson-dev libgtest-dev libgmock-dev libcli11-dev libtomlplusplus-dev openssl
      libtcmalloc-minimal4 libpq-dev)
# `make run` prints an AWS CLI example: make sure it works as printed.
[ "${1:-build}" = run ] && want+=(awscli)
# `make deb`: dpkg-shlibdeps computes the package's Depends.
[ "${1:-build}" = deb ] && want+=(dpkg-dev)
# `make bench`: the load generator, the nginx reference and Google Benchmark.
[ "${1:-build}" = bench ] && want+=(wrk nginx-light libbenchmark-dev python3 util-linux)
if [ "${1:-build}" = test ]; then
  want+=(awscli python3-boto3 sqlite3 curl)
  # The .deb test (tests/packaging): dpkg-shlibdeps for CPack's Depends, adduser for the
  # postinst, systemd-analyze to verify the unit, setpriv to run as the service's user.
  want+=(dpkg-dev adduser systemd util-linux)
  # Rotation (issue 21): a real PostgreSQL server started by the tests, and
  # PyGreSQL for AWS's own single-user PostgreSQL rotation template.
  want+=(postgresql python3-pygresql)
  # Node.js may come from outside Debian (nodesource, nvm): only install
  # Debian's when there is no node/npm at all, or apt reports broken holds.
  # The web console's browser tests (issue 22): Debian's Chromium, driven by
  # playwright-core from npm (tests/console), never a downloaded browser.
  want+=(chromium)
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-build}" = test ]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [ ! -d "$here/tests/clients/js/node_modules/@aws-sdk/client-secrets-manager" ] || [ ! -d "$here/tests/clients/js/node_modules/@aws-sdk/client-kms" ]; then
    (cd "$here/tests/clients/js" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  if [ ! -d "$here/tests/console/node_modules/playwright-core" ]; then
    (cd "$here/tests/console" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
