#!/usr/bin/env bash
# `coffer serve --seed FILE` (issue 25 item 6), with the AWS CLI: a JSON file of KMS keys,
# secrets and IAM users is applied at start, before the server listens; a second start with the
# same file changes nothing (a value changed meanwhile stays); a wrong file stops the start with
# a message naming the entry; the emulator mode (permissive, fixed account) takes a seed too,
# as LocalStack's init hooks. Ends with "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
. "$HERE/../../lib/cli_expect.sh"
coffer_tmpdir W

cat > "$W/seed.json" <<'JSON'
{"KmsKeys": [{"AliasName": "alias/seeded-app", "Description": "seeded key"}],
 "Secrets": [
   {"Name": "seed/db", "SecretString": "{\"username\":\"app\",\"password\":\"seeded-pw-4417\"}",
    "KmsKeyId": "alias/seeded-app", "Description": "seeded database",
    "Tags": [{"Key": "team", "Value": "data"}]},
   {"Name": "seed/pem", "SecretString": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
    "ResourcePolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
      "Principal": {"AWS": "*"}, "Action": "secretsmanager:DeleteSecret", "Resource": "*"}]}}],
 "Users": [{"UserName": "seeded-ci", "Policies": {"read": {"Version": "2012-10-17",
   "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}}}]}
JSON

DATA="$W/data"
if coffer_start "$DATA" -- --seed "$W/seed.json"; then ok "the server starts with a seed"; else no "start with a seed"; summary; exit 1; fi
run secretsmanager get-secret-value --secret-id seed/db --query SecretString --output text
expect_eq "a seeded secret" '{"username":"app","password":"seeded-pw-4417"}' "$OUT"
run secretsmanager describe-secret --secret-id seed/db --query KmsKeyId --output text
run kms describe-key --key-id "$OUT" --query KeyMetadata.KeyId --output text
KEY="$OUT"
run kms describe-key --key-id alias/seeded-app --query KeyMetadata.KeyId --output text
expect_eq "under the seeded key, by its alias" "$OUT" "$KEY"
run secretsmanager describe-secret --secret-id seed/db --query 'Tags[0].Value' --output text
expect_eq "with its tags" "data" "$OUT"
run secretsmanager get-secret-value --secret-id seed/pem --query SecretString --output text
expect_eq "a multi-line value" "$(printf -- '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----')" "$OUT"
run secretsmanager get-resource-policy --secret-id seed/pem --query ResourcePolicy --output text
expect_match "with its resource policy" '*secretsmanager:DeleteSecret*' "$OUT"
run iam get-user-policy --user-name seeded-ci --policy-name read --query 'PolicyDocument.Statement[0].Action' --output text
expect_eq "a seeded user with its policy" "secretsmanager:GetSecretValue" "$OUT"

expect_ok "a value changed after seeding" secretsmanager put-secret-value --secret-id seed/db --secret-string changed-later-value
coffer_stop
if coffer_start "$DATA" -- --seed "$W/seed.json"; then ok "a second start with the same seed"; else no "second start"; fi
run secretsmanager get-secret-value --secret-id seed/db --query SecretString --output text
expect_eq "the seed does not overwrite it" "changed-later-value" "$OUT"
run kms list-aliases --query 'length(Aliases[?AliasName==`alias/seeded-app`])' --output text
expect_eq "nor makes the key twice" "1" "$OUT"
grep -q '"msg":"seed applied".*"created":"0","existing":"4"' "$COFFER_LOG" && ok "the log says what was applied (0 created, 4 existing)" \
  || no "seed log line: $(grep seed "$COFFER_LOG" | tail -1)"
if grep -q 'seeded-pw-4417' "$COFFER_LOG"; then no "no seeded value in the log"; else ok "no seeded value in the log"; fi
coffer_stop

printf '{"Secrets": [{"SecretString": "no name"}]}' > "$W/bad.json"
out=$("$COFFER_BIN" serve --data-dir "$W/bad-data" --listen 127.0.0.1:0 --seed "$W/bad.json" 2>&1); rc=$?
[ $rc -ne 0 ] && ok "a wrong seed stops the start (exit $rc)" || no "a wrong seed stops the start"
expect_match "and names the entry" '*Secrets\[0\] needs Name*' "$out"
printf '{"Secrets": [{"Name": "x", "SecretString": "v", "KmsKeyId": "alias/none"}]}' > "$W/nokey.json"
out=$("$COFFER_BIN" serve --data-dir "$W/bad-data2" --listen 127.0.0.1:0 --seed "$W/nokey.json" 2>&1); rc=$?
[ $rc -ne 0 ] && ok "a seed the API refuses stops the start" || no "refused seed stops the start"
expect_match "with the API's error" '*x: *' "$out"

if coffer_start "" -- --auth permissive --account-id 000000000000 --seed "$W/seed.json"; then
  out=$(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
        AWS_SHARED_CREDENTIALS_FILE=/dev/null "$AWS" --endpoint-url "$COFFER_URL" secretsmanager describe-secret \
        --secret-id seed/db --query ARN --output text 2>&1)
  expect_match "the emulator mode's account is seeded" 'arn:aws:secretsmanager:us-east-1:000000000000:secret:seed/db-*' "$out"
else no "permissive start with a seed"; fi
summary
