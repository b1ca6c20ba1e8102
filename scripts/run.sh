#!/usr/bin/env bash
# `make run`: serves Coffer on loopback with the embedded store and prints how
# to reach it. Usage: scripts/run.sh BINARY DATA_DIR HOST:PORT
set -euo pipefail
bin="$1"; data="$2"; listen="$3"
mkdir -p "$data"
data_abs=$(cd "$data" && pwd)
log="$data_abs/coffer.log"
"$bin" serve --data-dir "$data_abs" --listen "$listen" > "$data_abs/stdout" 2> >(tee -a "$log" >&2) &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null' INT TERM
for _ in $(seq 1 100); do
  url=$(grep -o -m1 'listening on https\?://[^ ]*' "$data_abs/stdout" 2>/dev/null | awk '{print $3}') || true
  [ -n "${url:-}" ] && break
  kill -0 $pid 2>/dev/null || { echo "coffer failed to start; see $log" >&2; exit 1; }
  sleep 0.1
done
cat <<MSG

  Coffer is serving the AWS Secrets Manager API at $url
  Web console: $url/console/  (sign in with the access key in the credentials file below)
  Credentials (AWS shared-credentials format, [default]): $data_abs/credentials
  Root key: $data_abs/root.key   Database: $data_abs/coffer.db   Log: $log

  Try it (AWS CLI v2):
    export AWS_SHARED_CREDENTIALS_FILE=$data_abs/credentials AWS_DEFAULT_REGION=us-east-1
    aws secretsmanager create-secret --name demo/db --secret-string '{"user":"app","password":"s3cret"}' --endpoint-url $url
    aws secretsmanager get-secret-value --secret-id demo/db --endpoint-url $url

  Stop with Ctrl-C.
MSG
wait $pid
