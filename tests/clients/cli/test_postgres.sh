#!/usr/bin/env bash
# Coffer on the PostgreSQL storage engine (issue 24), through the AWS CLI v2: a throwaway
# PostgreSQL 15 (tests/lib/pg_server.py: initdb in a temporary directory, an unprivileged
# user, a loopback port), `coffer serve --store-url postgresql://…`, then secrets (create,
# get, put, list, describe, delete, restore), a KMS key with an alias, an IAM user, no
# plaintext in the database, a restart of Coffer that keeps everything (once with
# COFFER_STORE_URL instead of the flag), `coffer admin` on the same database, and a refusal
# to mint a root key next to a database that already has data. Ends with "N passed, M failed".
# Only throwaway values are printed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
PY=/usr/bin/python3

# ---------------------------------------------------------------- PostgreSQL
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffer-pg.XXXXXX")
PG_PW="coffer-e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
_pg_stop() { "$PY" "$COFFER_REPO/tests/lib/pg_server.py" stop "$PG_DIR" >/dev/null 2>&1; }
trap '_coffer_cleanup; _pg_stop' EXIT
if ! PG_PORT=$("$PY" "$COFFER_REPO/tests/lib/pg_server.py" start "$PG_DIR" --password "$PG_PW"); then
  no "PostgreSQL starts (tests/lib/pg_server.py)"; summary; exit 1
fi
ok "PostgreSQL starts on port $PG_PORT"
psql_q() {  # psql_q SQL: one value, unaligned, as the superuser, on database coffer
  PGPASSWORD="$PG_PW" /usr/bin/psql -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "${2:-coffer}" -c "$1"
}
psql_q "CREATE DATABASE coffer" postgres >/dev/null
STORE_URL="postgresql://postgres:$PG_PW@127.0.0.1:$PG_PORT/coffer?sslmode=disable"

# ---------------------------------------------------------------- serve on PostgreSQL
coffer_tmpdir DATA
if ! coffer_start "$DATA" -- --store-url "$STORE_URL"; then no "coffer serve --store-url starts"; summary; exit 1; fi
ok "coffer serve --store-url starts"
coffer_tmpdir W
. "$HERE/../../lib/cli_expect.sh"

check "the data directory holds the root key and the credentials" test -s "$DATA/root.key" -a -s "$DATA/credentials"
check "no SQLite database in the data directory" test ! -e "$DATA/coffer.db"
check "the log does not show the store URL's password" bash -c "! grep -q '$PG_PW' '$COFFER_LOG'"
expect_eq "the schema version is recorded in PostgreSQL" "10" "$(psql_q 'SELECT max(version) FROM coffer_schema')"

# ---------------------------------------------------------------- secrets
VALUE="pg-e2e-throwaway-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
run secretsmanager create-secret --name pg/app/db --secret-string "$VALUE" --tags Key=team,Value=data --output json
expect_eq "create-secret" "0" "$RC"
ARN=$(q 'j["ARN"]')
run secretsmanager get-secret-value --secret-id pg/app/db --query SecretString --output text
expect_eq "get-secret-value" "$VALUE" "$OUT"
run secretsmanager put-secret-value --secret-id pg/app/db --secret-string "$VALUE-v2" --output json
expect_eq "put-secret-value" "0" "$RC"
run secretsmanager get-secret-value --secret-id "$ARN" --query SecretString --output text
expect_eq "get-secret-value by ARN after put" "$VALUE-v2" "$OUT"
run secretsmanager get-secret-value --secret-id pg/app/db --version-stage AWSPREVIOUS --query SecretString --output text
expect_eq "AWSPREVIOUS holds the first value" "$VALUE" "$OUT"
for i in 1 2 3; do expect_ok "create-secret pg/list/$i" secretsmanager create-secret --name "pg/list/$i" --secret-string "x$i"; done
run secretsmanager list-secrets --filters Key=name,Values=pg/list --output json
expect_eq "list-secrets finds the three" '["pg/list/1", "pg/list/2", "pg/list/3"]' "$(q 'sorted(s["Name"] for s in j["SecretList"])')"
run secretsmanager list-secrets --max-results 1 --no-paginate --output json
T1=$(q 'j.get("NextToken","")')
run secretsmanager list-secrets --max-results 1 --no-paginate --next-token "$T1" --output json
expect_eq "list-secrets pages with a token" "1" "$(q 'len(j["SecretList"])')"
run secretsmanager describe-secret --secret-id pg/app/db --output json
expect_eq "describe-secret shows the tags" '[{"Key": "team", "Value": "data"}]' "$(q 'j["Tags"]')"
expect_eq "describe-secret shows two versions" "2" "$(q 'len(j["VersionIdsToStages"])')"
expect_ok "delete-secret with a recovery window" secretsmanager delete-secret --secret-id pg/list/1 --recovery-window-in-days 7
expect_code "get-secret-value of a deleted secret" InvalidRequestException secretsmanager get-secret-value --secret-id pg/list/1
expect_ok "restore-secret" secretsmanager restore-secret --secret-id pg/list/1
run secretsmanager get-secret-value --secret-id pg/list/1 --query SecretString --output text
expect_eq "a restored secret reads again" "x1" "$OUT"
expect_ok "delete-secret without recovery" secretsmanager delete-secret --secret-id pg/list/2 --force-delete-without-recovery
expect_code "a purged secret is gone" ResourceNotFoundException secretsmanager describe-secret --secret-id pg/list/2
expect_code "a taken name is refused" ResourceExistsException secretsmanager create-secret --name pg/app/db --secret-string y

# ---------------------------------------------------------------- KMS and IAM
run kms create-key --description "pg e2e key" --output json
KEY=$(q 'j["KeyMetadata"]["KeyId"]')
expect_eq "kms create-key" "Enabled" "$(q 'j["KeyMetadata"]["KeyState"]')"
expect_ok "kms create-alias" kms create-alias --alias-name alias/pg-e2e --target-key-id "$KEY"
printf 'pg-kms-throwaway' >"$W/plain"
run kms encrypt --key-id alias/pg-e2e --plaintext "fileb://$W/plain" --output json
q 'j["CiphertextBlob"]' | base64 -d >"$W/ct"
run kms decrypt --ciphertext-blob "fileb://$W/ct" --query Plaintext --output text
expect_eq "kms encrypt / decrypt round trip" "pg-kms-throwaway" "$(printf '%s' "$OUT" | base64 -d)"
expect_ok "secret on the customer managed key" secretsmanager create-secret --name pg/on-key --kms-key-id alias/pg-e2e --secret-string "$VALUE-k"
expect_ok "iam create-user" iam create-user --user-name pg-e2e-user
run iam list-users --output json
expect_eq "iam list-users shows it" "true" "$(q 'str("pg-e2e-user" in [u["UserName"] for u in j["Users"]]).lower()')"

# ---------------------------------------------------------------- what PostgreSQL holds
expect_eq "the secrets are rows in PostgreSQL (one purged)" "4" "$(psql_q 'SELECT count(*) FROM secrets')"
"/usr/lib/postgresql/15/bin/pg_dump" --version >/dev/null 2>&1 && DUMP=/usr/lib/postgresql/15/bin/pg_dump || DUMP=pg_dump
PGPASSWORD="$PG_PW" "$DUMP" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d coffer >"$W/dump.sql" 2>/dev/null
check "pg_dump of the database succeeds" test -s "$W/dump.sql"
check "no plaintext secret value in the database" bash -c "! grep -q -- '$VALUE' '$W/dump.sql'"
check "no plaintext KMS payload in the database" bash -c "! grep -q -- 'pg-kms-throwaway' '$W/dump.sql'"
SECRET_KEY=$(awk -F' *= *' '/aws_secret_access_key/{print $2; exit}' "$DATA/credentials")
check "no plaintext access-key secret in the database" bash -c "[ -n '$SECRET_KEY' ] && ! grep -q -- '$SECRET_KEY' '$W/dump.sql'"

# ---------------------------------------------------------------- restart keeps the data
coffer_stop
if COFFER_STORE_URL="$STORE_URL" coffer_start "$DATA"; then ok "restart with COFFER_STORE_URL"; else no "restart with COFFER_STORE_URL"; fi
run secretsmanager get-secret-value --secret-id pg/app/db --query SecretString --output text
expect_eq "after restart: the latest value" "$VALUE-v2" "$OUT"
run secretsmanager get-secret-value --secret-id pg/on-key --query SecretString --output text
expect_eq "after restart: the secret on the customer key opens" "$VALUE-k" "$OUT"
run kms describe-key --key-id alias/pg-e2e --query KeyMetadata.KeyId --output text
expect_eq "after restart: the KMS key and alias" "$KEY" "$OUT"
run iam get-user --user-name pg-e2e-user --query User.UserName --output text
expect_eq "after restart: the IAM user" "pg-e2e-user" "$OUT"
expect_eq "after restart: still one default account" "1" "$(psql_q 'SELECT count(*) FROM accounts')"
expect_ok "after restart: writes work" secretsmanager put-secret-value --secret-id pg/app/db --secret-string "$VALUE-v3"
coffer_stop

# ---------------------------------------------------------------- coffer admin on PostgreSQL
ADMIN_KEY=$(awk -F' *= *' '/aws_access_key_id/{print $2; exit}' "$DATA/credentials")
ADMIN_OUT=$(COFFER_STORE_URL="$STORE_URL" "$COFFER_BIN" admin access-key list --data-dir "$DATA" 2>&1)
expect_match "coffer admin access-key list reads PostgreSQL (COFFER_STORE_URL)" "*$ADMIN_KEY*" "$ADMIN_OUT"

# ---------------------------------------------------------------- no new root key next to data
coffer_tmpdir OTHER
if coffer_start "$OTHER" -- --store-url "$STORE_URL" 2>/dev/null; then
  no "a data directory without the root key is refused for a database with data"
else
  ok "a data directory without the root key is refused for a database with data"
fi
check "no root key was minted there" test ! -e "$OTHER/root.key"
check "the refusal names the root key" grep -qi "root key" "$COFFER_LOG"

summary
