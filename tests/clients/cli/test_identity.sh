#!/usr/bin/env bash
# Identity through the AWS CLI (`aws iam`, `aws sts`, `aws secretsmanager`), against a fresh
# `coffer serve` with SigV4: the users' story of issue 20. The administrator makes a user with an
# access key and a role whose trust policy names the user with an ExternalId and whose policy
# allows GetSecretValue on one secret; the user assumes the role (wrong ExternalId refused);
# the session reads that secret byte for byte and is denied everything else; a key made
# Inactive stops working on the next request; the audit trail has a record of every call.
# Ends with "N passed, M failed". Only throwaway values are printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"

if ! coffer_start ""; then no "server starts"; summary; exit 1; fi
coffer_tmpdir W
PY=/usr/bin/python3
. "$HERE/../../lib/cli_expect.sh"

# as DIR ARGS... : runs `run ARGS` with the credentials file DIR/credentials
as() {
  local dir="$1" saved="$COFFER_DIR"; shift
  COFFER_DIR="$dir"; run "$@"; COFFER_DIR="$saved"
}
# creds DIR AKID SECRET [TOKEN] : writes DIR/credentials (0600)
creds() {
  mkdir -p "$1" && chmod 700 "$1"
  { echo "[default]"; echo "aws_access_key_id = $2"; echo "aws_secret_access_key = $3"
    [ -n "${4:-}" ] && echo "aws_session_token = $4"; } > "$1/credentials"
  chmod 600 "$1/credentials"
}

run sts get-caller-identity --output json
ACCOUNT=$(q 'j["Account"]')
expect_eq "the administrator is the IAM user admin" "arn:aws:iam::$ACCOUNT:user/admin" "$(q 'j["Arn"]')"

printf -- '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw\nggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n' > "$W/key.pem"
run secretsmanager create-secret --name cli/snowflake --secret-string "file://$W/key.pem" --output json
X=$(q 'j["ARN"]')
run secretsmanager create-secret --name cli/other --secret-string other-cli-value-123 --output json
Y=$(q 'j["ARN"]')

expect_ok "iam create-user" iam create-user --user-name cli-ci
run iam create-access-key --user-name cli-ci --output json
CI_AKID=$(q 'j["AccessKey"]["AccessKeyId"]'); CI_SECRET=$(q 'j["AccessKey"]["SecretAccessKey"]')
expect_match "create-access-key gives an AKIA id" "AKIA*" "$CI_AKID"
creds "$W/ci" "$CI_AKID" "$CI_SECRET"

cat > "$W/trust.json" <<EOF
{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"AWS":"arn:aws:iam::$ACCOUNT:user/cli-ci"},"Action":"sts:AssumeRole",
 "Condition":{"StringEquals":{"sts:ExternalId":"cli-ext"}}}]}
EOF
expect_ok "iam create-role with a trust policy" iam create-role --role-name cli-runner \
  --assume-role-policy-document "file://$W/trust.json"
cat > "$W/read.json" <<EOF
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"$X"}]}
EOF
expect_ok "iam put-role-policy" iam put-role-policy --role-name cli-runner --policy-name read \
  --policy-document "file://$W/read.json"
run iam get-role-policy --role-name cli-runner --policy-name read --output json
expect_eq "get-role-policy gives the document back" "$X" "$(q 'j["PolicyDocument"]["Statement"][0]["Resource"]')"

ROLE="arn:aws:iam::$ACCOUNT:role/cli-runner"
as "$W/ci" sts assume-role --role-arn "$ROLE" --role-session-name s1 --external-id wrong
case "$ERR" in "An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::$ACCOUNT:user/cli-ci is not authorized to perform: sts:AssumeRole on resource: $ROLE"*) ok "a wrong ExternalId is AccessDenied";;
  *) no "wrong ExternalId: [$ERR]";; esac
as "$W/ci" sts assume-role --role-arn "$ROLE" --role-session-name s1 --external-id cli-ext \
  --duration-seconds 900 --output json
expect_eq "assume-role gives the session's ARN" "arn:aws:sts::$ACCOUNT:assumed-role/cli-runner/s1" \
  "$(q 'j["AssumedRoleUser"]["Arn"]')"
creds "$W/session" "$(q 'j["Credentials"]["AccessKeyId"]')" "$(q 'j["Credentials"]["SecretAccessKey"]')" \
  "$(q 'j["Credentials"]["SessionToken"]')"

as "$W/session" secretsmanager get-secret-value --secret-id "$X" --query SecretString --output text
printf '%s\n' "$OUT" > "$W/got.pem"
if cmp -s "$W/key.pem" "$W/got.pem"; then ok "the session reads the PEM byte for byte"; else no "PEM differs"; fi
as "$W/session" secretsmanager get-secret-value --secret-id "$Y"
case "$ERR" in "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::$ACCOUNT:assumed-role/cli-runner/s1 is not authorized to perform: secretsmanager:GetSecretValue on resource: $Y because no identity-based policy allows the secretsmanager:GetSecretValue action")
  ok "another secret is AccessDeniedException with AWS's message";;
  *) no "reading Y: [$ERR]";; esac
for args in "put-secret-value --secret-id $X --secret-string overwritten-value" \
            "delete-secret --secret-id $X" "list-secrets" "describe-secret --secret-id $X"; do
  # shellcheck disable=SC2086
  as "$W/session" secretsmanager $args
  case "$ERR" in "An error occurred (AccessDeniedException) "*) ok "session denied: ${args%% *}";;
    *) no "session ${args%% *}: [$ERR]";; esac
done
as "$W/session" iam create-user --user-name escalate
case "$ERR" in "An error occurred (AccessDenied) "*) ok "session denied: iam create-user";;
  *) no "session iam create-user: [$ERR]";; esac

expect_ok "update-access-key Inactive" iam update-access-key --user-name cli-ci \
  --access-key-id "$CI_AKID" --status Inactive
as "$W/ci" sts get-caller-identity
case "$ERR" in "An error occurred (InvalidClientTokenId) "*) ok "the inactive key is refused at once";;
  *) no "inactive key: [$ERR]";; esac

run secretsmanager get-secret-value --secret-id "$X" --query SecretString --output text
expect_eq "the secret is unchanged" "$(cat "$W/key.pem")" "$OUT"

N=$($PY -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)))' "$COFFER_DIR/audit.log")
[ "$N" -ge 20 ] && ok "the audit trail has a record per call ($N)" || no "audit records: $N"
if grep -q "other-cli-value-123\|$CI_SECRET\|BEGIN PRIVATE" "$COFFER_DIR/audit.log"; then
  no "a secret is in the audit trail"
else ok "no secret value or key in the audit trail"; fi

summary
