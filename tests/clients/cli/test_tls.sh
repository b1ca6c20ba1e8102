#!/usr/bin/env bash
# TLS: `coffer serve --tls-cert F --tls-key F` prints an https URL, and the AWS CLI v2 works
# over it with the certificate as its CA bundle; plain HTTP to the TLS port gets no answer
# that a client could mistake for success; a missing key file stops the server at start.
# Ends with "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
coffer_tmpdir W

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
chmod 600 "$W/key.pem"

if coffer_start "" -- --tls-cert "$W/cert.pem" --tls-key "$W/key.pem"; then
  case "$COFFER_URL" in https://127.0.0.1:*) ok "listening on an https URL";; *) no "URL is $COFFER_URL";; esac
  OUT=$(coffer_aws --ca-bundle "$W/cert.pem" secretsmanager create-secret --name tls/s \
          --secret-string tls-value --query Name --output text 2>&1)
  [ "$OUT" = "tls/s" ] && ok "create-secret over TLS" || no "create-secret over TLS: $OUT"
  OUT=$(coffer_aws --ca-bundle "$W/cert.pem" secretsmanager get-secret-value --secret-id tls/s \
          --query SecretString --output text 2>&1)
  [ "$OUT" = "tls-value" ] && ok "get-secret-value over TLS" || no "get-secret-value over TLS: $OUT"
  OUT=$(coffer_aws secretsmanager list-secrets 2>&1); RC=$?
  if [ $RC -ne 0 ] && [[ "$OUT" == *SSL* || "$OUT" == *certificate* ]]; then ok "an untrusted certificate is refused by the client"
  else no "untrusted certificate: rc=$RC $OUT"; fi
  plain="http://${COFFER_URL#https://}"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$plain/" -d '{}')
  [ "$code" != "200" ] && ok "plain HTTP to the TLS port is not served (code $code)" || no "plain HTTP answered 200"
  coffer_stop
else
  no "server starts with --tls-cert/--tls-key"
fi

if coffer_start "" -- --tls-cert "$W/cert.pem" --tls-key "$W/missing.pem" 2>/dev/null; then
  no "a missing TLS key must stop the server"; coffer_stop
else
  ok "a missing TLS key stops the server at start"
fi
summary
