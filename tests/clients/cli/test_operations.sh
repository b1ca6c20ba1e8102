#!/usr/bin/env bash
# Every Secrets Manager operation (all 23) through the AWS CLI v2 (/usr/bin/aws), against a
# fresh `coffer serve` with SigV4 auth and the credentials it writes to DATA/credentials.
# usage: tests/clients/cli/test_operations.sh        (COFFER_BIN or BUILD_DIR pick the binary)
# Ends with "N passed, M failed". Only throwaway test values are ever printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"

if ! coffer_start ""; then no "server starts"; summary; exit 1; fi
coffer_tmpdir W
PY=/usr/bin/python3

. "$HERE/../../lib/cli_expect.sh"
# json FIELD : reads a top-level string field of the JSON in $OUT, verbatim (no newline added)
json() { printf '%s' "$OUT" | $PY -c '
import json,sys
try: v=json.load(sys.stdin).get(sys.argv[1])
except Exception: v=None
sys.stdout.write("" if v is None else (v if isinstance(v,str) else json.dumps(v,sort_keys=True)))' "$1"; }

RNF_MSG="Secrets Manager can't find the specified secret."

# ---------------------------------------------------------------- CreateSecret / GetSecretValue
KV='{"username":"cli-user","password":"throwaway-Pa55!"}'
run secretsmanager create-secret --name cli/kv --description "cli key value" --secret-string "$KV" --output json
ARN=$(json ARN); VID1=$(json VersionId)
expect_match "create-secret key/value returns an ARN" 'arn:aws:secretsmanager:us-east-1:[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]:secret:cli/kv-??????' "$ARN"
expect_eq "create-secret returns Name" "cli/kv" "$(json Name)"
[ -n "$VID1" ] && ok "create-secret returns a VersionId" || no "create-secret returns a VersionId"
ACCOUNT=$(echo "$ARN" | cut -d: -f5)

run secretsmanager get-secret-value --secret-id cli/kv --output json
expect_eq "get-secret-value by name" "$KV" "$(json SecretString)"
expect_eq "get-secret-value VersionStages" '["AWSCURRENT"]' "$(json VersionStages)"
expect_eq "get-secret-value VersionId" "$VID1" "$(json VersionId)"
run secretsmanager get-secret-value --secret-id "$ARN" --output json
expect_eq "get-secret-value by full ARN" "$KV" "$(json SecretString)"
run secretsmanager get-secret-value --secret-id "${ARN%-??????}" --output json
expect_eq "get-secret-value by partial ARN" "$KV" "$(json SecretString)"
expect_eq "partial ARN resolves to the full ARN" "$ARN" "$(json ARN)"
expect_err "get-secret-value of a missing secret" ResourceNotFoundException GetSecretValue "$RNF_MSG" \
  secretsmanager get-secret-value --secret-id cli/does-not-exist
expect_err "create-secret of an existing name" ResourceExistsException CreateSecret \
  "The operation failed because the secret cli/kv already exists." \
  secretsmanager create-secret --name cli/kv --secret-string x

# multi-line PEM private key, byte for byte
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/key.pem" 2>/dev/null; then
  expect_ok "create-secret with a PEM private key from file://" \
    secretsmanager create-secret --name cli/pem --secret-string "file://$W/key.pem"
  run secretsmanager get-secret-value --secret-id cli/pem --output json
  printf '%s' "$OUT" | $PY -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["SecretString"])' >"$W/key.out" 2>/dev/null
  if cmp -s "$W/key.pem" "$W/key.out"; then ok "PEM private key round-trips byte for byte"
  else no "PEM private key differs after the round trip ($(wc -c <"$W/key.pem") vs $(wc -c <"$W/key.out") bytes)"; fi
else no "openssl genpkey failed"; fi

# binary secret via fileb://
head -c 512 /dev/urandom >"$W/bin.in"
expect_ok "create-secret with --secret-binary fileb://" \
  secretsmanager create-secret --name cli/bin --secret-binary "fileb://$W/bin.in"
run secretsmanager get-secret-value --secret-id cli/bin --query SecretBinary --output text
printf '%s' "$OUT" | base64 -d >"$W/bin.out" 2>/dev/null
if cmp -s "$W/bin.in" "$W/bin.out"; then ok "binary secret round-trips byte for byte"; else no "binary secret differs after the round trip"; fi

# ---------------------------------------------------------------- DescribeSecret
run secretsmanager describe-secret --secret-id cli/kv --output json
expect_eq "describe-secret Name" "cli/kv" "$(json Name)"
expect_eq "describe-secret ARN" "$ARN" "$(json ARN)"
expect_eq "describe-secret Description" "cli key value" "$(json Description)"
expect_eq "describe-secret VersionIdsToStages" "{\"$VID1\": [\"AWSCURRENT\"]}" "$(json VersionIdsToStages)"
expect_eq "describe-secret omits KmsKeyId for the default key" "" "$(json KmsKeyId)"
expect_eq "describe-secret omits DeletedDate" "" "$(json DeletedDate)"
expect_err "describe-secret of a missing secret" ResourceNotFoundException DescribeSecret "$RNF_MSG" \
  secretsmanager describe-secret --secret-id cli/does-not-exist
expect_err "describe-secret with an invalid name" ValidationException DescribeSecret \
  "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!" \
  secretsmanager describe-secret --secret-id 'bad name#'

# ---------------------------------------------------------------- ListSecrets with filters
expect_ok "create-secret with tags" secretsmanager create-secret --name cli/list/alpha \
  --description "alpha database password" --secret-string a --tags Key=team,Value=data Key=env,Value=dev
expect_ok "create-secret (second list target)" secretsmanager create-secret --name cli/list/beta \
  --description "beta api token" --secret-string b --tags Key=team,Value=web
names() { run secretsmanager list-secrets "$@" --query 'SecretList[].Name' --output text; echo "$OUT" | tr '\t' '\n' | grep -v '^$' | LC_ALL=C sort | tr '\n' ' '; }
expect_eq "list-secrets name filter (prefix)" "cli/list/alpha cli/list/beta " "$(names --filters Key=name,Values=cli/list/)"
expect_eq "list-secrets tag-key filter" "cli/list/alpha cli/list/beta " "$(names --filters Key=tag-key,Values=team)"
expect_eq "list-secrets tag-value filter" "cli/list/beta " "$(names --filters Key=tag-value,Values=web)"
expect_eq "list-secrets description filter (word prefix, case-insensitive)" "cli/list/alpha " "$(names --filters Key=description,Values=Database)"
expect_eq "list-secrets filters are AND-ed" "cli/list/alpha " "$(names --filters Key=name,Values=cli/list/ Key=tag-key,Values=env)"
expect_eq "list-secrets negated name filter" "cli/list/alpha " "$(names --filters Key=tag-key,Values=team Key=name,Values='!cli/list/b')"
all=$(names)
case "$all" in *cli/bin*cli/kv*cli/list/alpha*cli/list/beta*cli/pem*) ok "list-secrets without filters lists everything";; *) no "list-secrets without filters: got [$all]";; esac
run secretsmanager list-secrets --filters Key=name,Values=cli/kv --output json
case "$OUT" in *'"SecretVersionsToStages"'*) ok "list-secrets entries carry SecretVersionsToStages";; *) no "list-secrets entries lack SecretVersionsToStages";; esac

# ---------------------------------------------------------------- PutSecretValue
run secretsmanager put-secret-value --secret-id cli/kv --secret-string '{"username":"cli-user","password":"second"}' --output json
VID2=$(json VersionId)
if [ $RC -eq 0 ] && [ -n "$VID2" ] && [ "$VID2" != "$VID1" ]; then ok "put-secret-value creates a new version"; else no "put-secret-value (rc=$RC): $ERR"; fi
expect_eq "put-secret-value response VersionStages" '["AWSCURRENT"]' "$(json VersionStages)"
run secretsmanager get-secret-value --secret-id cli/kv --version-stage AWSPREVIOUS --query SecretString --output text
expect_eq "old value is AWSPREVIOUS after put-secret-value" "$KV" "$OUT"
run secretsmanager get-secret-value --secret-id cli/kv --version-id "$VID1" --query VersionStages --output text
expect_eq "get-secret-value by VersionId" "AWSPREVIOUS" "$OUT"

# ---------------------------------------------------------------- UpdateSecret
run secretsmanager update-secret --secret-id cli/kv --description "updated description" --output json
expect_eq "update-secret (description only) returns Name" "cli/kv" "$(json Name)"
expect_eq "update-secret without a value creates no version" "" "$(json VersionId)"
run secretsmanager update-secret --secret-id cli/kv --secret-string third --output json
VID3=$(json VersionId)
[ $RC -eq 0 ] && [ -n "$VID3" ] && ok "update-secret with a value creates a version" || no "update-secret with a value (rc=$RC): $ERR"
run secretsmanager describe-secret --secret-id cli/kv --query Description --output text
expect_eq "update-secret changed the description" "updated description" "$OUT"
run secretsmanager get-secret-value --secret-id cli/kv --query SecretString --output text
expect_eq "update-secret changed the current value" "third" "$OUT"

# ---------------------------------------------------------------- UpdateSecretVersionStage / ListSecretVersionIds
expect_ok "update-secret-version-stage adds a custom label" \
  secretsmanager update-secret-version-stage --secret-id cli/kv --version-stage CUSTOM --move-to-version-id "$VID1"
run secretsmanager get-secret-value --secret-id cli/kv --version-stage CUSTOM --query VersionId --output text
expect_eq "custom label resolves to its version" "$VID1" "$OUT"
expect_ok "update-secret-version-stage moves AWSCURRENT back" \
  secretsmanager update-secret-version-stage --secret-id cli/kv --version-stage AWSCURRENT \
  --move-to-version-id "$VID2" --remove-from-version-id "$VID3"
run secretsmanager describe-secret --secret-id cli/kv --query VersionIdsToStages --output json
stages=$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(json.dumps({k:sorted(v) for k,v in sorted(json.load(sys.stdin).items())},sort_keys=True))')
want=$($PY -c 'import json,sys; print(json.dumps({sys.argv[1]:["CUSTOM"],sys.argv[2]:["AWSCURRENT"],sys.argv[3]:["AWSPREVIOUS"]},sort_keys=True))' "$VID1" "$VID2" "$VID3")
expect_eq "moving AWSCURRENT moves AWSPREVIOUS to the version it left" "$want" "$stages"
expect_ok "update-secret-version-stage removes a label" \
  secretsmanager update-secret-version-stage --secret-id cli/kv --version-stage CUSTOM --remove-from-version-id "$VID1"
run secretsmanager list-secret-version-ids --secret-id cli/kv --query 'Versions[].VersionId' --output text
expect_eq "list-secret-version-ids hides deprecated versions" "$(printf '%s\n' "$VID2" "$VID3" | LC_ALL=C sort | tr '\n' ' ')" "$(echo "$OUT" | tr '\t' '\n' | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')"
run secretsmanager list-secret-version-ids --secret-id cli/kv --include-deprecated --query 'Versions[].VersionId' --output text
expect_eq "list-secret-version-ids --include-deprecated" "$(printf '%s\n' "$VID1" "$VID2" "$VID3" | LC_ALL=C sort | tr '\n' ' ')" "$(echo "$OUT" | tr '\t' '\n' | grep -v '^$' | LC_ALL=C sort | tr '\n' ' ')"
run secretsmanager list-secret-version-ids --secret-id cli/kv --output json
expect_eq "list-secret-version-ids returns the ARN" "$ARN" "$(json ARN)"

# ---------------------------------------------------------------- Tag / Untag
expect_ok "tag-resource" secretsmanager tag-resource --secret-id cli/kv --tags Key=owner,Value=cli Key=tier,Value=gold
run secretsmanager describe-secret --secret-id cli/kv --query 'Tags[].[Key,Value]' --output text
expect_eq "tags visible in describe-secret" "owner cli|tier gold|" "$(echo "$OUT" | tr '\t' ' ' | LC_ALL=C sort | tr '\n' '|')"
expect_ok "untag-resource" secretsmanager untag-resource --secret-id cli/kv --tag-keys owner tier
run secretsmanager describe-secret --secret-id cli/kv --query 'Tags' --output json
expect_eq "Tags is [] after removing every tag" "[]" "$(echo "$OUT" | tr -d ' \n')"

# ---------------------------------------------------------------- Delete / Restore / force delete
expect_ok "create-secret (deletion target)" secretsmanager create-secret --name cli/del --secret-string gone-soon
run secretsmanager delete-secret --secret-id cli/del --recovery-window-in-days 7 --output json
[ $RC -eq 0 ] && [ -n "$(json DeletionDate)" ] && ok "delete-secret returns a DeletionDate" || no "delete-secret (rc=$RC): $ERR"
expect_err "get-secret-value of a secret marked for deletion" InvalidRequestException GetSecretValue \
  "You can't perform this operation on the secret because it was marked for deletion." \
  secretsmanager get-secret-value --secret-id cli/del
expect_err "create-secret with a name scheduled for deletion" InvalidRequestException CreateSecret \
  "You can't create this secret because a secret with this name is already scheduled for deletion." \
  secretsmanager create-secret --name cli/del --secret-string again
run secretsmanager describe-secret --secret-id cli/del --output json
[ -n "$(json DeletedDate)" ] && ok "describe-secret shows DeletedDate while pending deletion" || no "describe-secret lacks DeletedDate (rc=$RC): $ERR"
expect_eq "list-secrets hides secrets pending deletion" "" "$(names --filters Key=name,Values=cli/del)"
expect_eq "list-secrets --include-planned-deletion shows them" "cli/del " "$(names --include-planned-deletion --filters Key=name,Values=cli/del)"
run secretsmanager restore-secret --secret-id cli/del --output json
expect_eq "restore-secret returns Name" "cli/del" "$(json Name)"
run secretsmanager get-secret-value --secret-id cli/del --query SecretString --output text
expect_eq "restored secret is readable" "gone-soon" "$OUT"
expect_ok "delete-secret --force-delete-without-recovery" \
  secretsmanager delete-secret --secret-id cli/del --force-delete-without-recovery
gone=no
for _ in $(seq 1 50); do
  run secretsmanager describe-secret --secret-id cli/del
  [ $RC -ne 0 ] && { gone=yes; break; }; sleep 0.2
done
expect_eq "force-deleted secret disappears" yes "$gone"
expect_eq "force-deleted secret: ResourceNotFoundException" \
  "An error occurred (ResourceNotFoundException) when calling the DescribeSecret operation: $RNF_MSG" "$ERR"
expect_ok "create-secret reuses a force-deleted name" secretsmanager create-secret --name cli/del --secret-string reborn
expect_ok "delete-secret --force-delete-without-recovery of a missing secret is not an error" \
  secretsmanager delete-secret --secret-id cli/never-existed --force-delete-without-recovery

# ---------------------------------------------------------------- Resource policies
POLICY="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:root\"},\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}"
printf '%s' "$POLICY" >"$W/policy.json"
PUBLIC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'
printf '%s' "$PUBLIC" >"$W/public.json"
run secretsmanager get-resource-policy --secret-id cli/kv --output json
[ $RC -eq 0 ] && [ -z "$(json ResourcePolicy)" ] && [ "$(json Name)" = cli/kv ] && ok "get-resource-policy without a policy omits ResourcePolicy" || no "get-resource-policy without a policy (rc=$RC): $OUT $ERR"
run secretsmanager put-resource-policy --secret-id cli/kv --resource-policy "file://$W/policy.json" --output json
expect_eq "put-resource-policy returns ARN" "$ARN" "$(json ARN)"
run secretsmanager get-resource-policy --secret-id cli/kv --output json
expect_eq "get-resource-policy returns the policy verbatim" "$POLICY" "$(json ResourcePolicy)"
expect_err "put-resource-policy --block-public-policy refuses a public policy" PublicPolicyException PutResourcePolicy \
  "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret." \
  secretsmanager put-resource-policy --secret-id cli/kv --resource-policy "file://$W/public.json" --block-public-policy
run secretsmanager put-resource-policy --secret-id cli/kv --resource-policy '{"Version":'
case "$ERR" in "An error occurred (MalformedPolicyDocumentException) when calling the PutResourcePolicy operation: "*)
  ok "put-resource-policy with malformed JSON → MalformedPolicyDocumentException";;
  *) no "put-resource-policy with malformed JSON: rc=$RC [$ERR]";; esac
run secretsmanager delete-resource-policy --secret-id cli/kv --output json
expect_eq "delete-resource-policy returns Name" "cli/kv" "$(json Name)"
run secretsmanager get-resource-policy --secret-id cli/kv --output json
expect_eq "policy gone after delete-resource-policy" "" "$(json ResourcePolicy)"

# ---------------------------------------------------------------- ValidateResourcePolicy
run secretsmanager validate-resource-policy --resource-policy "file://$W/policy.json" --output json
expect_eq "validate-resource-policy passes a narrow policy" "true" "$(json PolicyValidationPassed)"
run secretsmanager validate-resource-policy --secret-id cli/kv --resource-policy "file://$W/public.json" --output json
expect_eq "validate-resource-policy fails a public policy" "false" "$(json PolicyValidationPassed)"
n=$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(len(json.load(sys.stdin).get("ValidationErrors") or []))' 2>/dev/null)
[ "${n:-0}" -ge 1 ] && ok "validate-resource-policy lists ValidationErrors" || no "validate-resource-policy: no ValidationErrors in [$OUT] $ERR"

# ---------------------------------------------------------------- GetRandomPassword
run secretsmanager get-random-password --query RandomPassword --output text
expect_eq "get-random-password default length 32" 32 "${#OUT}"
run secretsmanager get-random-password --password-length 64 --exclude-punctuation --query RandomPassword --output text
if [ ${#OUT} -eq 64 ] && [[ "$OUT" =~ ^[A-Za-z0-9]+$ ]]; then ok "get-random-password --password-length 64 --exclude-punctuation"
else no "get-random-password --exclude-punctuation gave [$OUT]"; fi
run secretsmanager get-random-password --password-length 40 --exclude-characters abcdefghijklmnopqrstuvwxy --exclude-punctuation --query RandomPassword --output text
if [ ${#OUT} -eq 40 ] && [[ "$OUT" =~ ^[zA-Z0-9]+$ ]] && [[ "$OUT" =~ z ]] && [[ "$OUT" =~ [A-Z] ]] && [[ "$OUT" =~ [0-9] ]]; then ok "get-random-password --exclude-characters"
else no "get-random-password --exclude-characters gave [$OUT]"; fi
# Excluding every lowercase letter while each included type is required is refused, as on AWS.
run secretsmanager get-random-password --password-length 20 --exclude-characters abcdefghijklmnopqrstuvwxyz --exclude-punctuation
if [ $RC -ne 0 ] && [[ "$ERR" == *"(InvalidParameterException)"*"All characters of the desired type have been excluded."* ]]; then ok "get-random-password: a required type fully excluded is refused"
else no "get-random-password: a required type fully excluded: rc=$RC $ERR"; fi

# ---------------------------------------------------------------- Replication (single deployment: regions are namespaces)
# The replica lives in eu-west-1 with its own ARN, follows the primary's writes, and can be
# promoted to a standalone secret there.
expect_ok "create-secret (replication target)" secretsmanager create-secret --name cli/repl --secret-string r1
PRIMARY_ARN=$(json ARN)
expect_ok "replicate-secret-to-regions" \
  secretsmanager replicate-secret-to-regions --secret-id cli/repl --add-replica-regions Region=eu-west-1 --output json
expect_eq "replicate-secret-to-regions reports the region" "eu-west-1" "$(echo "$OUT" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["ReplicationStatus"][0]["Region"])')"
run secretsmanager describe-secret --secret-id cli/repl --query 'ReplicationStatus[].Region' --output text
expect_eq "describe-secret shows the replica region" "eu-west-1" "$OUT"
REPLICA_ARN="arn:aws:secretsmanager:eu-west-1:${PRIMARY_ARN#arn:aws:secretsmanager:us-east-1:}"
run secretsmanager get-secret-value --region eu-west-1 --secret-id cli/repl --output json
expect_eq "the replica is readable by name in its region" "r1" "$(json SecretString)"
expect_eq "the replica has its own ARN in its region" "$REPLICA_ARN" "$(json ARN)"
expect_ok "put-secret-value on the primary" secretsmanager put-secret-value --secret-id cli/repl --secret-string r2
run secretsmanager get-secret-value --region eu-west-1 --secret-id "$REPLICA_ARN" --output json
expect_eq "the replica follows the primary's writes" "r2" "$(json SecretString)"
run secretsmanager describe-secret --region eu-west-1 --secret-id cli/repl --query PrimaryRegion --output text
expect_eq "the replica names its primary region" "us-east-1" "$OUT"
run secretsmanager put-secret-value --region eu-west-1 --secret-id cli/repl --secret-string nope
if [ $RC -ne 0 ] && [[ "$ERR" == *"(InvalidParameterException) when calling the PutSecretValue operation"* ]]; then ok "put-secret-value on a replica is refused"
else no "put-secret-value on a replica: rc=$RC $ERR"; fi
run secretsmanager stop-replication-to-replica --secret-id cli/repl --output json
if [ $RC -ne 0 ] && [[ "$ERR" == *"(InvalidRequestException) when calling the StopReplicationToReplica operation"* ]]; then ok "stop-replication-to-replica on the primary is refused"
else no "stop-replication-to-replica on the primary: rc=$RC $ERR"; fi
expect_ok "stop-replication-to-replica in the replica's region" \
  secretsmanager stop-replication-to-replica --region eu-west-1 --secret-id cli/repl
run secretsmanager describe-secret --region eu-west-1 --secret-id cli/repl --output json
expect_eq "the promoted replica is a standalone secret (no PrimaryRegion)" "" "$(json PrimaryRegion)"
expect_ok "the promoted secret accepts writes" \
  secretsmanager put-secret-value --region eu-west-1 --secret-id cli/repl --secret-string standalone
run secretsmanager get-secret-value --secret-id cli/repl --output json
expect_eq "the old primary is unaffected by the promoted copy" "r2" "$(json SecretString)"
expect_ok "create-secret (second replication target)" \
  secretsmanager create-secret --name cli/repl2 --secret-string x --add-replica-regions Region=ap-south-1
run secretsmanager describe-secret --secret-id cli/repl2 --query 'ReplicationStatus[].Region' --output text
expect_eq "create-secret --add-replica-regions" "ap-south-1" "$OUT"
expect_ok "remove-regions-from-replication" \
  secretsmanager remove-regions-from-replication --secret-id cli/repl2 --remove-replica-regions ap-south-1
run secretsmanager describe-secret --secret-id cli/repl2 --query 'length(ReplicationStatus || `[]`)' --output text
expect_eq "remove-regions-from-replication removes the replica" "0" "$OUT"
expect_err "the removed replica is gone from its region" ResourceNotFoundException GetSecretValue "$RNF_MSG" \
  secretsmanager get-secret-value --region ap-south-1 --secret-id cli/repl2
expect_err "stop-replication-to-replica of a missing secret" ResourceNotFoundException StopReplicationToReplica "$RNF_MSG" \
  secretsmanager stop-replication-to-replica --secret-id cli/does-not-exist

# ---------------------------------------------------------------- RotateSecret / CancelRotateSecret
expect_ok "create-secret (rotation target)" secretsmanager create-secret --name cli/rot --secret-string rot-v1
expect_err "rotate-secret without a rotation function" InvalidRequestException RotateSecret \
  "No Lambda rotation function ARN is associated with this secret." \
  secretsmanager rotate-secret --secret-id cli/rot
expect_err "rotate-secret with a function that cannot be invoked" AccessDeniedException RotateSecret \
  "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com." \
  secretsmanager rotate-secret --secret-id cli/rot \
  --rotation-lambda-arn "arn:aws:lambda:us-east-1:$ACCOUNT:function:coffer-test-no-such-function" \
  --rotation-rules AutomaticallyAfterDays=30
run secretsmanager get-secret-value --secret-id cli/rot --query SecretString --output text
expect_eq "failed rotation leaves the current value alone" "rot-v1" "$OUT"
run secretsmanager cancel-rotate-secret --secret-id cli/rot --output json
if [ $RC -eq 0 ]; then expect_eq "cancel-rotate-secret returns Name" "cli/rot" "$(json Name)"
else modeled_or_ok "cancel-rotate-secret" CancelRotateSecret; fi
run secretsmanager describe-secret --secret-id cli/rot --query RotationEnabled --output text
case "$OUT" in None|False|false) ok "rotation not enabled after cancel-rotate-secret";; *) no "RotationEnabled is [$OUT] after cancel";; esac
expect_err "cancel-rotate-secret of a missing secret" ResourceNotFoundException CancelRotateSecret "$RNF_MSG" \
  secretsmanager cancel-rotate-secret --secret-id cli/does-not-exist

# ---------------------------------------------------------------- BatchGetSecretValue
run secretsmanager batch-get-secret-value --secret-id-list cli/list/alpha cli/list/beta cli/batch-missing --output json
if [ $RC -eq 0 ]; then
  got=$(printf '%s' "$OUT" | $PY -c '
import json,sys
d=json.load(sys.stdin)
v=sorted((e["Name"],e.get("SecretString")) for e in d.get("SecretValues",[]))
e=[(x.get("SecretId"),x.get("ErrorCode"),x.get("Message")) for x in d.get("Errors",[])]
print(v, e)')
  expect_eq "batch-get-secret-value returns values and per-secret errors" \
    "[('cli/list/alpha', 'a'), ('cli/list/beta', 'b')] [('cli/batch-missing', 'ResourceNotFoundException', \"$RNF_MSG\")]" "$got"
else no "batch-get-secret-value (rc=$RC): $ERR"; fi
run secretsmanager batch-get-secret-value --filters Key=name,Values=cli/list/ --output json
got=$(printf '%s' "$OUT" | $PY -c 'import json,sys; print(sorted(e["Name"] for e in json.load(sys.stdin).get("SecretValues",[])))' 2>/dev/null)
expect_eq "batch-get-secret-value with filters" "['cli/list/alpha', 'cli/list/beta']" "$got"

# ---------------------------------------------------------------- auth through the CLI
run_badkey() {
  OUT=$(AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 \
        AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" \
        "$AWS" --endpoint-url "$COFFER_URL" secretsmanager list-secrets 2>"$W/err"); RC=$?
  ERR=$(grep -m1 '^An error occurred' "$W/err" | tr -d '\r')
}
run_badkey AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY
expect_eq "unknown access key → UnrecognizedClientException" \
  "An error occurred (UnrecognizedClientException) when calling the ListSecrets operation: The security token included in the request is invalid." "$ERR"
KEYID=$(awk -F' *= *' '$1=="aws_access_key_id"{print $2; exit}' "$COFFER_DIR/credentials")
run_badkey "$KEYID" wrong-secret-key-for-test-only
case "$ERR" in "An error occurred (InvalidSignatureException) when calling the ListSecrets operation: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."*)
  ok "wrong secret key → InvalidSignatureException";; *) no "wrong secret key: got [$ERR]";; esac

summary
