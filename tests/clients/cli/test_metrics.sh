#!/usr/bin/env bash
# GET /metrics (issue 25 item 3): Prometheus text format of the requests a real server
# answered through the AWS CLI, by service, operation and outcome, with latency histograms;
# connections, write batches and the audit trail; no secret name in it. And the debug log's
# line per request. Ends with
# "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"

if ! coffer_start "" -- --log-level debug; then no "server starts"; summary; exit 1; fi
coffer_tmpdir W

coffer_aws secretsmanager create-secret --name metrics/db-password-name --secret-string v1-metrics >/dev/null
coffer_aws secretsmanager get-secret-value --secret-id metrics/db-password-name >/dev/null
coffer_aws secretsmanager get-secret-value --secret-id metrics/db-password-name >/dev/null
coffer_aws secretsmanager get-secret-value --secret-id metrics/missing-name >/dev/null 2>&1
coffer_aws kms list-keys >/dev/null
curl -s -o /dev/null -X POST -H 'X-Amz-Target: secretsmanager.ListSecrets' \
  -H 'Content-Type: application/x-amz-json-1.1' -d '{}' "$COFFER_URL/"   # unsigned

curl -s -D "$W/headers" -o "$W/metrics" "$COFFER_URL/metrics"
m="$W/metrics"
check "GET /metrics answers 200" grep -q '^HTTP/1.1 200' "$W/headers"
check "in Prometheus's text format" grep -qi '^Content-Type: text/plain; version=0.0.4' "$W/headers"
has() { grep -qxF "$2" "$m" && ok "$1" || no "$1: no line [$2]"; }
has "CreateSecret counted once" 'coffer_requests_total{service="secretsmanager",operation="CreateSecret",outcome="success"} 1'
has "two GetSecretValue successes" 'coffer_requests_total{service="secretsmanager",operation="GetSecretValue",outcome="success"} 2'
has "the missing secret is a client error" 'coffer_requests_total{service="secretsmanager",operation="GetSecretValue",outcome="client_error"} 1'
has "KMS is its own service label" 'coffer_requests_total{service="kms",operation="ListKeys",outcome="success"} 1'
has "the unsigned request is counted before admission" 'coffer_requests_total{service="",operation="",outcome="client_error"} 1'
has "GetSecretValue's latency histogram counts three" 'coffer_request_duration_seconds_count{service="secretsmanager",operation="GetSecretValue"} 3'
has "histogram has a +Inf bucket" 'coffer_request_duration_seconds_bucket{service="secretsmanager",operation="GetSecretValue",le="+Inf"} 3'
check "open connections gauge" grep -qE '^coffer_open_connections [0-9]+$' "$m"
check "a write batch was committed" grep -qE '^coffer_write_batches_total [1-9][0-9]*$' "$m"
check "audit records are counted" grep -qE '^coffer_audit_records_total [1-9][0-9]*$' "$m"
check "every family has HELP and TYPE" /usr/bin/python3 - "$m" <<'PY'
import re, sys
fams = set(); typed = set(); helped = set()
for line in open(sys.argv[1]):
    if line.startswith('# TYPE '): typed.add(line.split()[2])
    elif line.startswith('# HELP '): helped.add(line.split()[2])
    elif line.strip():
        name = re.match(r'[a-z_]+', line).group(0)
        fams.add(re.sub(r'_(bucket|sum|count)$', '', name) if name.startswith('coffer_request_duration') else name)
sys.exit(0 if fams <= typed and fams <= helped else 1)
PY
if grep -q 'metrics/' "$m"; then no "no secret name in the metrics"; else ok "no secret name in the metrics"; fi
# --log-level debug: one line per request, with names and outcome, never a value.
check "a debug line per request" grep -q '"msg":"request".*"operation":"GetSecretValue","status":"200","micros":"[0-9]*"' "$COFFER_LOG"
if grep -q 'v1-metrics' "$COFFER_LOG"; then no "no secret value in the debug log"; else ok "no secret value in the debug log"; fi
# Probes are not requests: scraping does not count itself.
curl -s -o "$W/metrics2" "$COFFER_URL/metrics"
if grep -q 'operation="metrics"\|/metrics' "$W/metrics2"; then no "scrapes are not counted"; else ok "scrapes are not counted"; fi
summary
