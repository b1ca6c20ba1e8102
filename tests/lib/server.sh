# Shared shell harness for Coffer's black-box suites. Source it, don't run it.
#
#   . "$(dirname "$0")/../../lib/server.sh"
#   coffer_start [DIR] [-- extra serve args...]   # DIR: data dir ("" = fresh temp dir)
#       sets COFFER_URL, COFFER_PID, COFFER_DIR, COFFER_LOG; returns 1 on failure
#   coffer_stop                                   # SIGTERM, then wait (SIGKILL after 15 s)
#   coffer_aws ARGS...                            # /usr/bin/aws with this server's endpoint + credentials
#   coffer_tmpdir VAR                             # VAR := fresh temp dir, removed on exit
#   ok MSG / no MSG / check DESC CMD... / summary # counting helpers; summary prints
#                                                 #   "N passed, M failed" and returns non-zero on failure
#
# The binary is $COFFER_BIN, else $BUILD_DIR/coffer, else <repo>/build/coffer.
# Every server and temp dir started here is cleaned up on exit.

COFFER_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${BUILD_DIR:=$COFFER_REPO/build}"
: "${COFFER_BIN:=$BUILD_DIR/coffer}"
: "${AWS:=/usr/bin/aws}"
# The AWS CLI v2 from Debian predates BatchGetSecretValue; load the current model.
export AWS_DATA_PATH="$COFFER_REPO/third_party/aws/models"
export AWS_PAGER="" AWS_CLI_AUTO_PROMPT=off AWS_EC2_METADATA_DISABLED=true

COFFER_URL=""; COFFER_PID=""; COFFER_DIR=""; COFFER_LOG=""
_COFFER_TMPS=(); _COFFER_PIDS=()
_coffer_cleanup() {
  local p
  for p in "${_COFFER_PIDS[@]}"; do
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null
      for _ in $(seq 1 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$p" 2>/dev/null
    fi
    wait "$p" 2>/dev/null
  done
  [ ${#_COFFER_TMPS[@]} -gt 0 ] && rm -rf "${_COFFER_TMPS[@]}"
}
trap _coffer_cleanup EXIT
trap 'exit 130' INT TERM

coffer_tmpdir() {  # coffer_tmpdir VAR: sets VAR to a fresh temp dir removed on exit
  local d; d=$(mktemp -d "${TMPDIR:-/tmp}/coffer-test.XXXXXX")
  _COFFER_TMPS+=("$d"); printf -v "$1" '%s' "$d"
}

coffer_start() {
  local dir="${1:-}"; [ $# -gt 0 ] && shift
  [ "${1:-}" = "--" ] && shift
  if [ ! -x "$COFFER_BIN" ]; then echo "coffer binary not found at $COFFER_BIN" >&2; return 1; fi
  if [ -z "$dir" ]; then coffer_tmpdir dir; fi
  mkdir -p "$dir"
  COFFER_DIR="$dir"
  COFFER_LOG=$(mktemp "${TMPDIR:-/tmp}/coffer-log.XXXXXX"); _COFFER_TMPS+=("$COFFER_LOG")
  "$COFFER_BIN" serve --data-dir "$dir" --listen 127.0.0.1:0 "$@" >"$COFFER_LOG" 2>&1 &
  COFFER_PID=$!; _COFFER_PIDS+=("$COFFER_PID"); COFFER_URL=""
  local i
  for i in $(seq 1 200); do   # 20 s
    COFFER_URL=$(grep -o -m1 'listening on https\?://[^ ]*' "$COFFER_LOG" | awk '{print $3}')
    [ -n "$COFFER_URL" ] && { export COFFER_URL COFFER_DIR COFFER_PID; return 0; }
    kill -0 "$COFFER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "coffer did not print 'listening on' within 20 s; log tail:" >&2
  tail -5 "$COFFER_LOG" >&2
  return 1
}

coffer_stop() {
  [ -z "$COFFER_PID" ] && return 0
  kill -TERM "$COFFER_PID" 2>/dev/null
  for _ in $(seq 1 150); do kill -0 "$COFFER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$COFFER_PID" 2>/dev/null
  wait "$COFFER_PID" 2>/dev/null
  COFFER_PID=""
}

# Runs the AWS CLI v2 against the current server with the server's own credentials.
coffer_aws() {
  AWS_SHARED_CREDENTIALS_FILE="$COFFER_DIR/credentials" AWS_CONFIG_FILE=/dev/null \
  AWS_DEFAULT_REGION="${COFFER_REGION:-us-east-1}" \
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    "$AWS" --endpoint-url "$COFFER_URL" "$@"
}


# ---- counting ----
T_PASS=0; T_FAIL=0
ok() { T_PASS=$((T_PASS+1)); echo "ok   - $*"; }
no() { T_FAIL=$((T_FAIL+1)); echo "FAIL - $*"; }
# check DESC CMD... : passes when CMD exits 0
check() { local d="$1"; shift; if "$@"; then ok "$d"; else no "$d"; fi; }
# expect_eq DESC EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else no "$1: expected [$2], got [$3]"; fi
}
# expect_match DESC GLOB ACTUAL
expect_match() {
  # shellcheck disable=SC2053
  if [[ "$3" == $2 ]]; then ok "$1"; else no "$1: expected to match [$2], got [$3]"; fi
}
summary() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" -eq 0 ]; }
