#!/usr/bin/env bash
# Rotation through the AWS CLI (issue 21), against a fresh `coffer serve` with SigV4 and a
# configuration whose [functions.api-key] is a command function written with the AWS CLI
# (tests/rotation/cli_rotator.sh). The administrator makes the rotator role (trusted by
# lambda.amazonaws.com); rotate-secret starts a rotation whose four steps move the labels as
# on AWS; a function that fails in setSecret leaves AWSPENDING where AWS leaves it and blocks
# the next rotate-secret; SIGHUP swaps in the fixed binding and a restart resumes the same
# rotation; an unbound function is AccessDeniedException with AWS's text and stores nothing.
# Ends with "N passed, M failed". Only throwaway values are printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
coffer_tmpdir W
ACCOUNT=111122223333
ROTATOR="$(cd "$HERE/../../rotation" && pwd)/cli_rotator.sh"
# config FAIL_STEP : writes the configuration with that FAIL_STEP ("" = none)
config() {
  cat > "$W/coffer.toml" <<EOF
[functions.api-key]
command = ["$ROTATOR"]
role_arn = "arn:aws:iam::$ACCOUNT:role/rotator"
timeout_seconds = 60
environment = { FAIL_STEP = "$1", AWS_DATA_PATH = "$AWS_DATA_PATH" }

[rotation]
poll_interval_ms = 200
max_attempts = 2
retry_delay_ms = 200
EOF
}
config ""
DATA="$W/data"
if ! coffer_start "$DATA" -- --account-id "$ACCOUNT" --config "$W/coffer.toml"; then
  no "server starts"; summary; exit 1
fi
. "$HERE/../../lib/cli_expect.sh"

current() { q '[k for k, s in j["VersionIdsToStages"].items() if "AWSCURRENT" in s][0]'; }
# labels : "VERSION:LABEL,LABEL VERSION:…" of the labelled versions, oldest first
labels() {
  run secretsmanager list-secret-version-ids --secret-id "$S" --output json
  q '" ".join(v["VersionId"] + ":" + ",".join(v["VersionStages"]) for v in j["Versions"] if v.get("VersionStages"))'
}

cat > "$W/trust.json" <<EOF
{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}
EOF
cat > "$W/rotate.json" <<EOF
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:DescribeSecret",
 "secretsmanager:GetSecretValue","secretsmanager:PutSecretValue",
 "secretsmanager:UpdateSecretVersionStage","secretsmanager:GetRandomPassword"],"Resource":"*"}]}
EOF
expect_ok "iam create-role rotator (trusted by lambda.amazonaws.com)" iam create-role \
  --role-name rotator --assume-role-policy-document "file://$W/trust.json"
expect_ok "iam put-role-policy" iam put-role-policy --role-name rotator --policy-name rotate \
  --policy-document "file://$W/rotate.json"

run secretsmanager create-secret --name cli/api-key --secret-string '{"api_key":"first-key-1"}' \
  --output json
S=$(q 'j["ARN"]')
run secretsmanager describe-secret --secret-id "$S" --output json
V1=$(current)
LAMBDA="arn:aws:lambda:us-east-1:$ACCOUNT:function:api-key"

expect_err "an unbound function is AccessDeniedException" AccessDeniedException RotateSecret \
  "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com." \
  secretsmanager rotate-secret --secret-id "$S" \
  --rotation-lambda-arn "arn:aws:lambda:us-east-1:$ACCOUNT:function:nobody"
run secretsmanager describe-secret --secret-id "$S" --output json
expect_eq "nothing stored after the refusal" "<KeyError>" "$(q 'j["RotationEnabled"]')"

run secretsmanager rotate-secret --secret-id "$S" --rotation-lambda-arn "$LAMBDA" \
  --rotation-rules '{"ScheduleExpression":"rate(10 days)"}' --output json
V2=$(q 'j["VersionId"]')
expect_match "rotate-secret answers the new VersionId" "????????-????-????-????-????????????" "$V2"
for i in $(seq 1 150); do
  run secretsmanager describe-secret --secret-id "$S" --output json
  [ "$(q '"LastRotatedDate" in j')" = "true" ] && break; sleep 0.2
done
expect_eq "the rotation finishes (LastRotatedDate)" "true" "$(q '"LastRotatedDate" in j')"
expect_eq "RotationEnabled, the function and the rules are shown" \
  "[true, \"$LAMBDA\", \"rate(10 days)\"]" \
  "$(q '[j["RotationEnabled"], j["RotationLambdaARN"], j["RotationRules"]["ScheduleExpression"]]')"
expect_eq "NextRotationDate follows LastRotatedDate" "true" \
  "$(q 'j["NextRotationDate"] > j["LastRotatedDate"]')"
expect_eq "labels as on AWS: old [AWSPREVIOUS], new [AWSCURRENT]" \
  "$V1:AWSPREVIOUS $V2:AWSCURRENT" "$(labels)"
run secretsmanager get-secret-value --secret-id "$S" --query SecretString --output text
expect_match "the value is a new 40-character key" \
  '{"api_key":"????????????????????????????????????????"}' "$OUT"

# A function that fails in setSecret: two attempts, then the labels stay as AWS leaves them.
config setSecret
kill -HUP "$COFFER_PID"
sleep 0.5
run secretsmanager rotate-secret --secret-id "$S" --output json
V3=$(q 'j["VersionId"]')
for i in $(seq 1 100); do
  [ "$(grep -c 'rotation attempt failed' "$COFFER_LOG")" -ge 2 ] && break; sleep 0.2
done
sleep 0.3
expect_eq "two attempts were made (max_attempts = 2)" 2 \
  "$(grep -c 'rotation attempt failed' "$COFFER_LOG")"
expect_eq "the unfinished rotation's version holds AWSPENDING, AWSCURRENT stays" \
  "$V1:AWSPREVIOUS $V2:AWSCURRENT $V3:AWSPENDING" "$(labels)"
expect_err "another rotate-secret is refused while it is unfinished" InvalidRequestException \
  RotateSecret "A previous rotation isn't complete. That rotation will be reattempted." \
  secretsmanager rotate-secret --secret-id "$S"
expect_err "a made-up RotationToken is refused" InvalidRequestException PutSecretValue \
  "The rotation token is not valid for this secret version." \
  secretsmanager put-secret-value --secret-id "$S" --secret-string x --client-request-token "$V3" \
  --rotation-token 00000000-0000-0000-0000-000000000000 --version-stages AWSPENDING

# Fixed binding (SIGHUP), then a restart: the same rotation is taken up again and finishes.
config ""
kill -HUP "$COFFER_PID"
for i in $(seq 1 20); do grep -q 'SIGHUP: rotation functions reloaded' "$COFFER_LOG" && break; sleep 0.1; done
grep -q 'SIGHUP: rotation functions reloaded' "$COFFER_LOG" && ok "SIGHUP reloads the functions" \
  || no "no reload logged"
coffer_stop
if ! coffer_start "$DATA" -- --account-id "$ACCOUNT" --config "$W/coffer.toml"; then
  no "server restarts"; summary; exit 1
fi
for i in $(seq 1 150); do
  run secretsmanager describe-secret --secret-id "$S" --output json
  [ "$(current)" = "$V3" ] && break; sleep 0.2
done
expect_eq "after the restart the same version became AWSCURRENT" "$V3" "$(current)"
expect_eq "labels: [AWSPREVIOUS] on the one before, [AWSCURRENT] on it" \
  "$V2:AWSPREVIOUS $V3:AWSCURRENT" "$(labels)"

expect_ok "cancel-rotate-secret" secretsmanager cancel-rotate-secret --secret-id "$S"
run secretsmanager describe-secret --secret-id "$S" --output json
expect_eq "RotationEnabled false, the rules stay" '[false, "rate(10 days)"]' \
  "$(q '[j["RotationEnabled"], j["RotationRules"]["ScheduleExpression"]]')"
summary
