#!/usr/bin/env bash
# The KMS API through the AWS CLI v2 (`aws kms`), against a fresh `coffer serve` with SigV4:
# key lifecycle and states, alias rules, encryption context, wrong key, rotation, the AWS
# managed key's refusals, Secrets Manager on a customer managed key, and the database
# holding no plaintext. Ends with "N passed, M failed". Only throwaway values are printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"

if ! coffer_start ""; then no "server starts"; summary; exit 1; fi
coffer_tmpdir W
PY=/usr/bin/python3

. "$HERE/../../lib/cli_expect.sh"

# ---------------------------------------------------------------- CreateKey / DescribeKey
run kms create-key --description "cli orders key" --tags TagKey=team,TagValue=data --output json
K=$(q 'j["KeyMetadata"]["KeyId"]'); KARN=$(q 'j["KeyMetadata"]["Arn"]')
ACCOUNT=$(q 'j["KeyMetadata"]["AWSAccountId"]')
expect_match "create-key returns a key ARN" "arn:aws:kms:us-east-1:$ACCOUNT:key/$K" "$KARN"
expect_eq "create-key KeyManager" "CUSTOMER" "$(q 'j["KeyMetadata"]["KeyManager"]')"
expect_eq "create-key KeyState" "Enabled" "$(q 'j["KeyMetadata"]["KeyState"]')"
expect_eq "create-key KeySpec" "SYMMETRIC_DEFAULT" "$(q 'j["KeyMetadata"]["KeySpec"]')"
expect_eq "create-key EncryptionAlgorithms" '["SYMMETRIC_DEFAULT"]' "$(q 'j["KeyMetadata"]["EncryptionAlgorithms"]')"
expect_code "create-key RSA_2048 is refused" UnsupportedOperationException kms create-key --key-spec RSA_2048
expect_code "create-key SIGN_VERIFY is refused" UnsupportedOperationException kms create-key --key-usage SIGN_VERIFY --key-spec ECC_NIST_P256
expect_code "create-key with a malformed policy" MalformedPolicyDocumentException kms create-key --policy '{"Statement":[]}'

expect_ok "create-alias" kms create-alias --alias-name alias/cli-orders --target-key-id "$K"
for spec in "$K" "$KARN" alias/cli-orders "arn:aws:kms:us-east-1:$ACCOUNT:alias/cli-orders"; do
  run kms describe-key --key-id "$spec" --output json
  expect_eq "describe-key by $spec" "$K" "$(q 'j["KeyMetadata"]["KeyId"]')"
done
expect_err "describe-key of a missing alias" NotFoundException DescribeKey \
  "Alias arn:aws:kms:us-east-1:$ACCOUNT:alias/cli-missing is not found." kms describe-key --key-id alias/cli-missing
expect_err "describe-key of a missing key" NotFoundException DescribeKey \
  "Key 'arn:aws:kms:us-east-1:$ACCOUNT:key/00000000-0000-4000-8000-000000000000' does not exist" \
  kms describe-key --key-id 00000000-0000-4000-8000-000000000000

# ---------------------------------------------------------------- ListKeys pagination
expect_ok "second key" kms create-key --description second
run kms list-keys --no-paginate --limit 1 --output json
expect_eq "list-keys --limit 1 returns one key" "1" "$(q 'len(j["Keys"])')"
expect_eq "list-keys --limit 1 is truncated" "true" "$(q 'j["Truncated"]')"
M=$(q 'j["NextMarker"]')
run kms list-keys --no-paginate --limit 1 --marker "$M" --output json
expect_eq "list-keys with the marker returns the next key" "1" "$(q 'len(j["Keys"])')"
run kms list-keys --output json
expect_eq "list-keys (CLI auto-pagination) returns both" "2" "$(q 'len(j["Keys"])')"

# ---------------------------------------------------------------- Encrypt / Decrypt / context / wrong key
printf 'cli-throwaway-plaintext' >"$W/plain"
run kms encrypt --key-id alias/cli-orders --plaintext "fileb://$W/plain" --encryption-context purpose=test,app=cli --output json
expect_eq "encrypt returns the key ARN" "$KARN" "$(q 'j["KeyId"]')"
q 'j["CiphertextBlob"]' | base64 -d >"$W/ct"
run kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=cli,purpose=test --query Plaintext --output text
expect_eq "decrypt with the same context" "cli-throwaway-plaintext" "$(printf '%s' "$OUT" | base64 -d)"
expect_err "decrypt with another context" InvalidCiphertextException Decrypt "" \
  kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=other,purpose=test
expect_err "decrypt without the context" InvalidCiphertextException Decrypt "" \
  kms decrypt --ciphertext-blob "fileb://$W/ct"
run kms create-key --description "cli other key" --output json; K2=$(q 'j["KeyMetadata"]["KeyId"]')
expect_err "decrypt naming another key" IncorrectKeyException Decrypt \
  "The key ID in the request does not identify a CMK that can perform this operation." \
  kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=cli,purpose=test --key-id "$K2"
run kms re-encrypt --ciphertext-blob "fileb://$W/ct" --source-encryption-context app=cli,purpose=test \
  --destination-key-id "$K2" --output json
expect_eq "re-encrypt to another key" "$KARN" "$(q 'j["SourceKeyId"]')"
q 'j["CiphertextBlob"]' | base64 -d >"$W/ct2"
run kms decrypt --ciphertext-blob "fileb://$W/ct2" --query Plaintext --output text
expect_eq "decrypt the re-encrypted blob" "cli-throwaway-plaintext" "$(printf '%s' "$OUT" | base64 -d)"

# ---------------------------------------------------------------- data keys and random
run kms generate-data-key --key-id "$K" --key-spec AES_256 --encryption-context use=dk --output json
expect_eq "generate-data-key AES_256 plaintext is 32 bytes" "32" "$(q 'len(__import__("base64").b64decode(j["Plaintext"]))')"
DK=$(q 'j["Plaintext"]'); q 'j["CiphertextBlob"]' | base64 -d >"$W/dk"
run kms decrypt --ciphertext-blob "fileb://$W/dk" --encryption-context use=dk --query Plaintext --output text
expect_eq "the data key decrypts to the same bytes" "$DK" "$OUT"
run kms generate-data-key-without-plaintext --key-id "$K" --number-of-bytes 64 --output json
expect_eq "generate-data-key-without-plaintext has no Plaintext" "false" "$(q '"Plaintext" in j')"
expect_err "generate-data-key without a size" ValidationException GenerateDataKey "NumberOfBytes is required." \
  kms generate-data-key --key-id "$K"
run kms generate-random --number-of-bytes 48 --query Plaintext --output text
expect_eq "generate-random 48 bytes" "48" "$(printf '%s' "$OUT" | base64 -d | wc -c | tr -d ' ')"

# ---------------------------------------------------------------- rotation
expect_ok "enable-key-rotation" kms enable-key-rotation --key-id "$K" --rotation-period-in-days 180
run kms get-key-rotation-status --key-id "$K" --output json
expect_eq "get-key-rotation-status enabled" "true" "$(q 'j["KeyRotationEnabled"]')"
expect_eq "get-key-rotation-status period" "180" "$(q 'j["RotationPeriodInDays"]')"
expect_ok "rotate-key-on-demand" kms rotate-key-on-demand --key-id "$K"
run kms list-key-rotations --key-id "$K" --output json
expect_eq "list-key-rotations shows the on-demand rotation" '["ON_DEMAND"]' "$(q '[r["RotationType"] for r in j["Rotations"]]')"
run kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=cli,purpose=test --query Plaintext --output text
expect_eq "ciphertext from before the rotation still decrypts" "cli-throwaway-plaintext" "$(printf '%s' "$OUT" | base64 -d)"
expect_ok "disable-key-rotation" kms disable-key-rotation --key-id "$K"

# ---------------------------------------------------------------- key states
expect_ok "disable-key" kms disable-key --key-id "$K"
run kms describe-key --key-id "$K" --query KeyMetadata.KeyState --output text
expect_eq "disabled key state" "Disabled" "$OUT"
expect_err "encrypt with a disabled key" DisabledException Encrypt "$KARN is disabled." \
  kms encrypt --key-id "$K" --plaintext "fileb://$W/plain"
expect_err "decrypt with a disabled key" DisabledException Decrypt "$KARN is disabled." \
  kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=cli,purpose=test
expect_ok "enable-key" kms enable-key --key-id "$K"
expect_ok "decrypt after enable-key" kms decrypt --ciphertext-blob "fileb://$W/ct" --encryption-context app=cli,purpose=test
expect_err "schedule-key-deletion with 6 days" ValidationException ScheduleKeyDeletion \
  "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7" \
  kms schedule-key-deletion --key-id "$K2" --pending-window-in-days 6
run kms schedule-key-deletion --key-id "$K2" --pending-window-in-days 7 --output json
expect_eq "schedule-key-deletion state" "PendingDeletion" "$(q 'j["KeyState"]')"
expect_eq "schedule-key-deletion window" "7" "$(q 'j["PendingWindowInDays"]')"
expect_code "enable-key of a key pending deletion" KMSInvalidStateException kms enable-key --key-id "$K2"
expect_code "encrypt with a key pending deletion" KMSInvalidStateException kms encrypt --key-id "$K2" --plaintext "fileb://$W/plain"
expect_ok "cancel-key-deletion" kms cancel-key-deletion --key-id "$K2"
run kms describe-key --key-id "$K2" --query KeyMetadata.KeyState --output text
expect_eq "a cancelled deletion leaves the key Disabled" "Disabled" "$OUT"

# ---------------------------------------------------------------- aliases
expect_err "create-alias without the alias/ prefix" ValidationException CreateAlias \
  'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html' \
  kms create-alias --alias-name cli-bad --target-key-id "$K"
expect_code "create-alias in the reserved alias/aws/ namespace" NotAuthorizedException \
  kms create-alias --alias-name alias/aws/cli --target-key-id "$K"
expect_err "create-alias that exists" AlreadyExistsException CreateAlias \
  "An alias with the name arn:aws:kms:us-east-1:$ACCOUNT:alias/cli-orders already exists" \
  kms create-alias --alias-name alias/cli-orders --target-key-id "$K2"
expect_err "create-alias targeting an alias" ValidationException CreateAlias "Aliases must refer to keys. Not aliases" \
  kms create-alias --alias-name alias/cli-x --target-key-id alias/cli-orders
expect_ok "update-alias" kms update-alias --alias-name alias/cli-orders --target-key-id "$K2"
run kms list-aliases --key-id "$K2" --output json
expect_eq "list-aliases --key-id after update-alias" '["alias/cli-orders"]' "$(q '[a["AliasName"] for a in j["Aliases"]]')"
expect_ok "delete-alias" kms delete-alias --alias-name alias/cli-orders
expect_err "delete-alias twice" NotFoundException DeleteAlias \
  "Alias arn:aws:kms:us-east-1:$ACCOUNT:alias/cli-orders is not found." kms delete-alias --alias-name alias/cli-orders

# ---------------------------------------------------------------- policies and tags
run kms get-key-policy --key-id "$K" --policy-name default --query Policy --output text
case "$OUT" in *"arn:aws:iam::$ACCOUNT:root"*'"kms:*"'*) ok "default key policy gives the account root kms:*";; *) no "default key policy: [$OUT]";; esac
POLICY='{"Version":"2012-10-17","Statement":[{"Sid":"cli","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::'$ACCOUNT':root"},"Action":"kms:*","Resource":"*"}]}'
expect_ok "put-key-policy" kms put-key-policy --key-id "$K" --policy-name default --policy "$POLICY"
run kms get-key-policy --key-id "$K" --query Policy --output text
expect_eq "get-key-policy returns the stored policy" "$POLICY" "$OUT"
expect_code "put-key-policy malformed" MalformedPolicyDocumentException kms put-key-policy --key-id "$K" --policy '{"Statement":{"Effect":"Allow"}}'
run kms list-key-policies --key-id "$K" --output json
expect_eq "list-key-policies" '["default"]' "$(q 'j["PolicyNames"]')"
expect_ok "tag-resource" kms tag-resource --key-id "$K" --tags TagKey=env,TagValue=test TagKey=team,TagValue=web
run kms list-resource-tags --key-id "$K" --output json
expect_eq "list-resource-tags" '[["env", "test"], ["team", "web"]]' "$(q '[[t["TagKey"],t["TagValue"]] for t in j["Tags"]]')"
expect_ok "untag-resource" kms untag-resource --key-id "$K" --tag-keys env
expect_err "tag-resource with aws: prefix" TagException TagResource "Tags beginning with aws: are reserved" \
  kms tag-resource --key-id "$K" --tags TagKey=aws:x,TagValue=1

# ---------------------------------------------------------------- the AWS managed key
run kms describe-key --key-id alias/aws/secretsmanager --output json
D=$(q 'j["KeyMetadata"]["KeyId"]'); DARN=$(q 'j["KeyMetadata"]["Arn"]')
expect_eq "alias/aws/secretsmanager is AWS managed" "AWS" "$(q 'j["KeyMetadata"]["KeyManager"]')"
run kms get-key-policy --key-id "$D" --query Policy --output text
case "$OUT" in *'"kms:ViaService":"secretsmanager.us-east-1.amazonaws.com"'*) ok "the managed key has its fixed policy";; *) no "managed key policy: [$OUT]";; esac
run kms disable-key --key-id "$D"
case "$ERR" in "An error occurred (AccessDeniedException) when calling the DisableKey operation: User: "*" is not authorized to perform: kms:DisableKey on resource: $DARN because no resource-based policy allows the kms:DisableKey action")
  ok "disable-key of the managed key is denied";; *) no "disable-key of the managed key: [$ERR]";; esac
expect_code "schedule-key-deletion of the managed key is denied" AccessDeniedException kms schedule-key-deletion --key-id "$D"
expect_code "put-key-policy on the managed key is denied" AccessDeniedException kms put-key-policy --key-id "$D" --policy "$POLICY"
expect_code "update-alias of alias/aws/secretsmanager" NotAuthorizedException kms update-alias --alias-name alias/aws/secretsmanager --target-key-id "$K"
expect_code "delete-alias of alias/aws/secretsmanager" NotAuthorizedException kms delete-alias --alias-name alias/aws/secretsmanager
expect_code "create-alias onto the managed key is denied" AccessDeniedException kms create-alias --alias-name alias/cli-mine --target-key-id "$D"
run kms describe-key --key-id "$D" --query KeyMetadata.KeyState --output text
expect_eq "the managed key stays Enabled" "Enabled" "$OUT"

# ---------------------------------------------------------------- Secrets Manager on a customer managed key
run kms create-key --description "cli secrets key" --output json; SK=$(q 'j["KeyMetadata"]["KeyId"]'); SKARN=$(q 'j["KeyMetadata"]["Arn"]')
expect_ok "alias for the secrets key" kms create-alias --alias-name alias/cli-secrets --target-key-id "$SK"
CANARY="cli-cmk-canary-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
expect_ok "create-secret under a CMK alias" secretsmanager create-secret --name cli/cmk --secret-string "$CANARY" --kms-key-id alias/cli-secrets
run secretsmanager describe-secret --secret-id cli/cmk --output json
expect_eq "describe-secret reports the key" "alias/cli-secrets" "$(q 'j.get("KmsKeyId")')"
run secretsmanager list-secret-version-ids --secret-id cli/cmk --output json
expect_eq "list-secret-version-ids reports the key ARN" "[\"$SKARN\"]" "$(q 'j["Versions"][0]["KmsKeyIds"]')"
expect_ok "disable the secret's key" kms disable-key --key-id "$SK"
expect_code "get-secret-value while the key is disabled" DecryptionFailure secretsmanager get-secret-value --secret-id cli/cmk
expect_code "put-secret-value while the key is disabled" EncryptionFailure secretsmanager put-secret-value --secret-id cli/cmk --secret-string x
expect_ok "enable the secret's key" kms enable-key --key-id "$SK"
run secretsmanager get-secret-value --secret-id cli/cmk --query SecretString --output text
expect_eq "get-secret-value after enabling the key" "$CANARY" "$OUT"
expect_ok "update-secret moves the secret to another key" secretsmanager update-secret --secret-id cli/cmk --kms-key-id "$K"
expect_ok "disable the old key" kms disable-key --key-id "$SK"
run secretsmanager get-secret-value --secret-id cli/cmk --query SecretString --output text
expect_eq "the secret was re-encrypted under the new key" "$CANARY" "$OUT"
expect_ok "schedule deletion of the secret's key" kms schedule-key-deletion --key-id "$K" --pending-window-in-days 7
expect_code "get-secret-value while its key is pending deletion" DecryptionFailure secretsmanager get-secret-value --secret-id cli/cmk
expect_ok "cancel the deletion" kms cancel-key-deletion --key-id "$K"
expect_ok "enable the key again" kms enable-key --key-id "$K"
run secretsmanager get-secret-value --secret-id cli/cmk --query SecretString --output text
expect_eq "readable again" "$CANARY" "$OUT"

# ---------------------------------------------------------------- no plaintext at rest
coffer_stop
if grep -rqa -- "$CANARY" "$COFFER_DIR"; then no "a secret value is stored in plaintext in the data directory"
else ok "the data directory holds no plaintext secret value"; fi
if grep -rqa -- "cli-throwaway-plaintext" "$COFFER_DIR"; then no "KMS plaintext found in the data directory"
else ok "the data directory holds no KMS plaintext"; fi
DKRAW=$(printf '%s' "$DK" | base64 -d | od -An -tx1 | tr -d ' \n')
if cat "$COFFER_DIR"/*.db* 2>/dev/null | od -An -tx1 -v | tr -d ' \n' | grep -q "$DKRAW"; then no "a data key is stored in plaintext"
else ok "the data directory holds no plaintext data key"; fi

summary
