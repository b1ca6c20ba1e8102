#!/usr/bin/env bash
# Vendored copy of ../shared/checks/cli-contract.sh (used when that is absent). Keep in sync.
# Checks the command-line contract that tools outside the repository rely on (see the core issue):
#   coffer serve --data-dir DIR --listen 127.0.0.1:0   prints "listening on http://HOST:PORT" when ready;
#   first start writes DIR/credentials ([default], AWS shared-credentials format, mode 0600) and DIR/root.key (0600);
#   the AWS CLI works with those credentials; --auth permissive --account-id ID accepts any well-formed
#   signature and acts in account ID; SIGTERM stops the server within 10 s.
# usage: cli-contract.sh PATH/TO/coffer        Ends with "N passed, M failed".
set -u
BIN="${1:?usage: cli-contract.sh PATH/TO/coffer}"
AWS="${AWS:-$(command -v aws)}"
pass=0; fail=0
ok() { pass=$((pass+1)); echo "ok   - $*"; }
no() { fail=$((fail+1)); echo "FAIL - $*"; }
D=$(mktemp -d); P=""
trap '[ -n "$P" ] && kill "$P" 2>/dev/null; rm -rf "$D" "$D.log" "$D.p" "$D.p.log"' EXIT

start() {  # start DIR LOG [args...] -> sets P, URL
  local dir="$1" log="$2"; shift 2
  "$BIN" serve --data-dir "$dir" --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
  P=$!; URL=""
  for _ in $(seq 1 200); do
    URL=$(grep -o -m1 'listening on https\?://[0-9.]*:[0-9]*' "$log" | awk '{print $3}')
    [ -n "$URL" ] && return 0
    kill -0 "$P" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

if start "$D" "$D.log"; then ok "prints 'listening on' ($URL)"; else no "no 'listening on' line within 20 s: $(tail -2 "$D.log")"; echo "$pass passed, $fail failed"; exit 1; fi
if [ -f "$D/credentials" ] && grep -q '^\[default\]' "$D/credentials" && grep -q 'aws_access_key_id' "$D/credentials" && grep -q 'aws_secret_access_key' "$D/credentials"; then
  ok "DIR/credentials in shared-credentials format"; else no "DIR/credentials missing or not in shared-credentials format"; fi
[ "$(stat -c %a "$D/credentials" 2>/dev/null)" = 600 ] && ok "DIR/credentials mode 0600" || no "DIR/credentials mode is $(stat -c %a "$D/credentials" 2>/dev/null)"
[ "$(stat -c %a "$D/root.key" 2>/dev/null)" = 600 ] && ok "DIR/root.key mode 0600" || no "DIR/root.key missing or not 0600"
if [ -n "$AWS" ]; then
  if AWS_SHARED_CREDENTIALS_FILE="$D/credentials" AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 \
     "$AWS" secretsmanager list-secrets --endpoint-url "$URL" >/dev/null 2>&1; then ok "aws CLI works with DIR/credentials"; else no "aws CLI list-secrets failed with DIR/credentials"; fi
else no "no aws CLI found (apt-get install awscli)"; fi
t0=$(date +%s); kill -TERM "$P"
for _ in $(seq 1 100); do kill -0 "$P" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$P" 2>/dev/null; then no "still running 10 s after SIGTERM"; kill -9 "$P"; else ok "SIGTERM stops it ($(( $(date +%s) - t0 )) s)"; fi
wait "$P" 2>/dev/null; P=""
mkdir -p "$D.p"
if start "$D.p" "$D.p.log" --auth permissive --account-id 123456789012; then
  arn=$(AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-2 \
        "$AWS" secretsmanager create-secret --name contract-check --secret-string x --endpoint-url "$URL" --query ARN --output text 2>&1)
  case "$arn" in arn:aws:secretsmanager:eu-west-2:123456789012:secret:contract-check-??????) ok "permissive mode: any key, account and region honoured ($arn)";;
    *) no "permissive mode: expected an ARN in eu-west-2 / 123456789012, got: $arn";; esac
  kill -TERM "$P"; wait "$P" 2>/dev/null; P=""
else no "permissive mode did not start: $(tail -2 "$D.p.log")"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
