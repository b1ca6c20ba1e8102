#!/usr/bin/env bash
# AWS fidelity of issue 18 through the AWS CLI v2, against a fresh `coffer serve` with SigV4:
# PrimaryRegion only where replication is involved, an empty Description not returned, and a
# request without ClientRequestToken answered before the secret is looked up. The CLI always
# fills the token in, so those requests go through a copy of the service model without the
# idempotencyToken trait: the CLI then sends exactly what a raw HTTP client would.
# Ends with "N passed, M failed". Only throwaway values are printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"

if ! coffer_start ""; then no "server starts"; summary; exit 1; fi
coffer_tmpdir W
PY=/usr/bin/python3

. "$HERE/../../lib/cli_expect.sh"
# has FIELD : "yes" when the JSON object in $OUT has the top-level member FIELD, else "no"
has() { printf '%s' "$OUT" | $PY -c '
import json,sys
try: sys.stdout.write("yes" if sys.argv[1] in json.load(sys.stdin) else "no")
except Exception: sys.stdout.write("bad json")' "$1"; }
# entry_has NAME FIELD : the same for NAME's entry in a list-secrets output in $OUT
entry_has() { printf '%s' "$OUT" | $PY -c '
import json,sys
try:
    e=[x for x in json.load(sys.stdin)["SecretList"] if x["Name"]==sys.argv[1]]
    sys.stdout.write(("yes" if sys.argv[2] in e[0] else "no") if len(e)==1 else "entries=%d" % len(e))
except Exception: sys.stdout.write("bad json")' "$1" "$2"; }
list_named() { run secretsmanager list-secrets "$@" --output json; }

NO_TOKEN="You must provide a ClientRequestToken value. We recommend a UUID-type value."

# ---------------------------------------------------------------- PrimaryRegion
expect_ok "create-secret (plain)" secretsmanager create-secret --name cli/fid/plain --secret-string v
run secretsmanager describe-secret --secret-id cli/fid/plain --output json
expect_eq "describe-secret: a plain secret has no PrimaryRegion" "no" "$(has PrimaryRegion)"
list_named --filters Key=name,Values=cli/fid/plain
expect_eq "list-secrets: a plain secret has no PrimaryRegion" "no" "$(entry_has cli/fid/plain PrimaryRegion)"

expect_ok "create-secret with a replica" \
  secretsmanager create-secret --name cli/fid/rep --secret-string v --add-replica-regions Region=eu-west-1
run secretsmanager describe-secret --secret-id cli/fid/rep --query PrimaryRegion --output text
expect_eq "describe-secret: a replicated primary shows PrimaryRegion" "us-east-1" "$OUT"
run secretsmanager describe-secret --region eu-west-1 --secret-id cli/fid/rep --query PrimaryRegion --output text
expect_eq "describe-secret: the replica shows its PrimaryRegion" "us-east-1" "$OUT"
list_named --filters Key=name,Values=cli/fid/rep
expect_eq "list-secrets: a replicated primary shows PrimaryRegion" "yes" "$(entry_has cli/fid/rep PrimaryRegion)"
list_named --region eu-west-1 --filters Key=name,Values=cli/fid/rep
expect_eq "list-secrets: the replica shows PrimaryRegion" "yes" "$(entry_has cli/fid/rep PrimaryRegion)"
expect_ok "remove-regions-from-replication" \
  secretsmanager remove-regions-from-replication --secret-id cli/fid/rep --remove-replica-regions eu-west-1
run secretsmanager describe-secret --secret-id cli/fid/rep --output json
expect_eq "describe-secret: no replicas left, no PrimaryRegion" "no" "$(has PrimaryRegion)"

# ---------------------------------------------------------------- empty Description
expect_ok "create-secret --description ''" \
  secretsmanager create-secret --name cli/fid/desc --secret-string v --description ""
run secretsmanager describe-secret --secret-id cli/fid/desc --output json
expect_eq "describe-secret: an empty Description is not returned" "no" "$(has Description)"
list_named --filters Key=name,Values=cli/fid/desc
expect_eq "list-secrets: an empty Description is not returned" "no" "$(entry_has cli/fid/desc Description)"
expect_ok "update-secret --description set" secretsmanager update-secret --secret-id cli/fid/desc --description set
run secretsmanager describe-secret --secret-id cli/fid/desc --query Description --output text
expect_eq "describe-secret: the new Description" "set" "$OUT"
expect_ok "update-secret --description ''" secretsmanager update-secret --secret-id cli/fid/desc --description ""
run secretsmanager describe-secret --secret-id cli/fid/desc --output json
expect_eq "describe-secret: updated to empty, Description is not returned" "no" "$(has Description)"

# ---------------------------------------------------------------- requests without ClientRequestToken
NOTOKEN_MODELS="$W/models"
mkdir -p "$NOTOKEN_MODELS/secretsmanager"
cp -r "$AWS_DATA_PATH/secretsmanager/." "$NOTOKEN_MODELS/secretsmanager/"
$PY - "$NOTOKEN_MODELS"/secretsmanager/*/service-2.json <<'EOF'
import json, sys
path = sys.argv[1]
model = json.load(open(path))
n = 0
for shape in model["shapes"].values():
    for member in shape.get("members", {}).values():
        if member.pop("idempotencyToken", None) is not None:
            n += 1
json.dump(model, open(path, "w"))
print("idempotency tokens removed: %d" % n, file=sys.stderr)
EOF
raw() { AWS_DATA_PATH="$NOTOKEN_MODELS" run "$@"; }
# expect_raw_err DESC CODE OP ARGS... : without a token, exact error line
expect_raw_err() {
  local d="$1" code="$2" op="$3"; shift 3
  raw "$@"
  local want="An error occurred ($code) when calling the $op operation: $NO_TOKEN"
  if [ $RC -ne 0 ] && [ "$ERR" = "$want" ]; then ok "$d"; else no "$d: rc=$RC, expected [$want], got [$ERR]"; fi
}

expect_ok "create-secret cli/fid/tok (with a token)" \
  secretsmanager create-secret --name cli/fid/tok --secret-string value-1 --description kept
raw secretsmanager create-secret --name cli/fid/tok-control --secret-string v \
  --client-request-token "$($PY -c 'import uuid; print(uuid.uuid4())')"
[ $RC -eq 0 ] && ok "the token-less model still works when a token is given" || no "control: rc=$RC $ERR"
expect_raw_err "create-secret without a token" InvalidRequestException CreateSecret \
  secretsmanager create-secret --name cli/fid/tok-new --secret-string v
expect_raw_err "create-secret without a value or a token" InvalidRequestException CreateSecret \
  secretsmanager create-secret --name cli/fid/tok-novalue
expect_raw_err "put-secret-value without a token" InvalidRequestException PutSecretValue \
  secretsmanager put-secret-value --secret-id cli/fid/tok --secret-string value-2
expect_raw_err "update-secret (value) without a token" InvalidRequestException UpdateSecret \
  secretsmanager update-secret --secret-id cli/fid/tok --secret-string value-2
expect_raw_err "update-secret (description only) without a token" InvalidRequestException UpdateSecret \
  secretsmanager update-secret --secret-id cli/fid/tok --description changed
expect_raw_err "rotate-secret without a token" InvalidParameterException RotateSecret \
  secretsmanager rotate-secret --secret-id cli/fid/tok --no-rotate-immediately
expect_raw_err "put-secret-value on a missing secret without a token" InvalidRequestException PutSecretValue \
  secretsmanager put-secret-value --secret-id cli/fid/missing --secret-string v
expect_raw_err "update-secret on a missing secret without a token" InvalidRequestException UpdateSecret \
  secretsmanager update-secret --secret-id cli/fid/missing --description d
expect_raw_err "rotate-secret on a missing secret without a token" InvalidParameterException RotateSecret \
  secretsmanager rotate-secret --secret-id cli/fid/missing
expect_err "nothing was created without a token" ResourceNotFoundException DescribeSecret \
  "Secrets Manager can't find the specified secret." secretsmanager describe-secret --secret-id cli/fid/tok-new
run secretsmanager describe-secret --secret-id cli/fid/tok --query Description --output text
expect_eq "nothing was changed without a token (Description)" "kept" "$OUT"
run secretsmanager get-secret-value --secret-id cli/fid/tok --query SecretString --output text
expect_eq "nothing was changed without a token (value)" "value-1" "$OUT"

summary
