#!/usr/bin/env bash
# `coffer migrate` (issue 25 item 7) between real Coffer servers, checked with the AWS CLI v2.
# A holds secrets of every shape (key/value JSON, a multi-line PEM, a binary value, several
# versions with AWSPREVIOUS and a custom label, description, tags, a resource policy, a
# customer managed key under alias/app, rotation rules); A -> B copies them and every field
# is compared on both sides (values byte for byte by digest, version ids, labels, tags,
# policy, rotation, the key resolved to the side's alias); a second run is "already there"
# and changes nothing; --dry-run writes nothing; B -> C copies them back out (C holds a
# half-finished copy of one secret, as a crash leaves it); a server without the rotation
# function and the alias reports both and still copies; an unreachable source is an error.
# Ends with "N passed, M failed". Only throwaway values are printed (and none by migrate).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
coffer_tmpdir W
PY=/usr/bin/python3
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL

# rotating ACCOUNT: a configuration binding the function "noop" (/bin/true) to a role of ACCOUNT
rotating() {
  printf '[functions.noop]\ncommand = ["/bin/true"]\nrole_arn = "arn:aws:iam::%s:role/rotator"\n' \
    "$1" >"$W/rotating-$1.toml"
  echo "$W/rotating-$1.toml"
}
cat >"$W/trust.json" <<'EOF'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
 "Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}
EOF

# start NAME ACCOUNT [serve args...]: a server; its URL in URL_NAME, its profile NAME
export AWS_SHARED_CREDENTIALS_FILE="$W/credentials" AWS_CONFIG_FILE=/dev/null
: >"$AWS_SHARED_CREDENTIALS_FILE"
start() {
  local name="$1" account="$2"; shift 2
  if ! coffer_start "$W/$name" -- --account-id "$account" "$@"; then
    no "server $name starts"; summary; exit 1
  fi
  printf -v "URL_$name" '%s' "$COFFER_URL"
  sed "s/^\[default\]/[$name]/" "$W/$name/credentials" >>"$AWS_SHARED_CREDENTIALS_FILE"
}
start a 111111111111 --config "$(rotating 111111111111)"
start b 222222222222 --config "$(rotating 222222222222)"
start c 333333333333 --config "$(rotating 333333333333)"
start d 444444444444

# on NAME ARGS...: the AWS CLI against server NAME; OUT, RC
on() {
  local name="$1" url; shift; url="URL_$name"
  OUT=$("$AWS" --endpoint-url "${!url}" --profile "$name" --output json "$@" 2>"$W/err"); RC=$?
}
# migrate ARGS...: coffer migrate; MOUT (stdout), MERR (stderr), MRC
migrate() {
  "$COFFER_BIN" migrate "$@" >"$W/mout" 2>"$W/merr"; MRC=$?
  MOUT=$(cat "$W/mout"); MERR=$(cat "$W/merr")
}
q() { printf '%s' "$OUT" | $PY -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# ---------------------------------------------------------------- the source A
for s in a b c; do  # the role the rotation function runs as
  on "$s" iam create-role --role-name rotator --assume-role-policy-document "file://$W/trust.json"
done
on a kms create-key --description app; KEY_A=$(q 'j["KeyMetadata"]["KeyId"]')
on a kms create-alias --alias-name alias/app --target-key-id "$KEY_A"
check "alias/app on A" [ "$RC" -eq 0 ]
on b kms create-key --description app; KEY_B=$(q 'j["KeyMetadata"]["KeyId"]')
on b kms create-alias --alias-name alias/app --target-key-id "$KEY_B"
on c kms create-key --description app; KEY_C=$(q 'j["KeyMetadata"]["KeyId"]')
on c kms create-alias --alias-name alias/app --target-key-id "$KEY_C"
on d kms create-key --description other; KEY_D=$(q 'j["KeyMetadata"]["KeyId"]')
on d kms create-alias --alias-name alias/other --target-key-id "$KEY_D"

on a secretsmanager create-secret --name app/kv --description "key and value" \
  --secret-string '{"username":"svc","password":"throwaway-Pa55!"}' \
  --tags Key=team,Value=data Key=env,Value=test
check "A: key/value secret" [ "$RC" -eq 0 ]
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/key.pem" 2>/dev/null
on a secretsmanager create-secret --name app/pem --secret-string "file://$W/key.pem" \
  --kms-key-id alias/app
check "A: PEM secret under alias/app" [ "$RC" -eq 0 ]
head -c 700 /dev/urandom >"$W/bin"
on a secretsmanager create-secret --name app/bin --secret-binary "fileb://$W/bin"
check "A: binary secret" [ "$RC" -eq 0 ]
on a secretsmanager create-secret --name app/multi --secret-string one; V1=$(q 'j["VersionId"]')
on a secretsmanager put-secret-value --secret-id app/multi --secret-string two
V2=$(q 'j["VersionId"]')
on a secretsmanager put-secret-value --secret-id app/multi --secret-string three \
  --version-stages staged
V3=$(q 'j["VersionId"]')
check "A: three versions" [ -n "$V3" ]
cat >"$W/policy.json" <<'EOF'
{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}
EOF
on a secretsmanager put-resource-policy --secret-id app/multi --resource-policy "file://$W/policy.json"
check "A: resource policy" [ "$RC" -eq 0 ]
on a secretsmanager create-secret --name app/rotating --secret-string r0
on a secretsmanager rotate-secret --secret-id app/rotating --no-rotate-immediately \
  --rotation-lambda-arn arn:aws:lambda:us-east-1:111111111111:function:noop \
  --rotation-rules '{"ScheduleExpression":"rate(10 days)"}'
check "A: rotation rules" [ "$RC" -eq 0 ]
on a secretsmanager create-secret --name other/skipped --secret-string s
on a secretsmanager create-secret --name app/deleted --secret-string gone
on a secretsmanager delete-secret --secret-id app/deleted

# dump NAME: every field of every secret of server NAME, canonical, no ARNs or dates;
# values as SHA-256 digests; the KMS key as the side's alias names
cat >"$W/dump.py" <<'EOF'
import hashlib, json, subprocess, sys, base64
name, url = sys.argv[1], sys.argv[2]
def aws(*a):
    r = subprocess.run(["/usr/bin/aws", "--endpoint-url", url, "--profile", name, "--output",
                        "json"] + list(a), capture_output=True, text=True)
    if r.returncode: raise SystemExit("aws %s: %s" % (a[:2], r.stderr))
    return json.loads(r.stdout) if r.stdout.strip() else {}
aliases = aws("kms", "list-aliases")["Aliases"]
def alias_of(key):
    if not key: return "default"
    if key.startswith("alias/"): key = next(a["TargetKeyId"] for a in aliases if a["AliasName"] == key)
    kid = aws("kms", "describe-key", "--key-id", key)["KeyMetadata"]["KeyId"]
    return sorted(a["AliasName"] for a in aliases if a.get("TargetKeyId") == kid)
out = {}
for s in sorted(aws("secretsmanager", "list-secrets")["SecretList"], key=lambda s: s["Name"]):
    n = s["Name"]
    d = aws("secretsmanager", "describe-secret", "--secret-id", n)
    p = aws("secretsmanager", "get-resource-policy", "--secret-id", n).get("ResourcePolicy")
    vs = aws("secretsmanager", "list-secret-version-ids", "--secret-id", n)["Versions"]
    versions = {}
    for v in vs:
        g = aws("secretsmanager", "get-secret-value", "--secret-id", n, "--version-id", v["VersionId"])
        raw = g["SecretString"].encode() if "SecretString" in g else base64.b64decode(g["SecretBinary"])
        versions[v["VersionId"]] = {"stages": sorted(v["VersionStages"]),
                                    "binary": "SecretBinary" in g,
                                    "sha256": hashlib.sha256(raw).hexdigest()}
    out[n] = {"Description": d.get("Description"), "Tags": sorted((t["Key"], t["Value"]) for t in d.get("Tags", [])),
              "Policy": json.loads(p) if p else None, "Key": alias_of(d.get("KmsKeyId")),
              "RotationEnabled": d.get("RotationEnabled", False), "RotationRules": d.get("RotationRules"),
              "RotationLambdaARN": (d.get("RotationLambdaARN") or "").split(":")[-1],
              "Versions": versions}
print(json.dumps(out, sort_keys=True, indent=1))
EOF
dump() { local url="URL_$1"; $PY "$W/dump.py" "$1" "${!url}"; }
dump a >"$W/a.json" || no "dump A"
check "A's dump holds the six live secrets" [ "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$W/a.json")" = 6 ]
sha() { sha256sum "$1" | cut -d' ' -f1; }
check "A: PEM digest is the file's" grep -q "$(sha "$W/key.pem")" "$W/a.json"
check "A: binary digest is the file's" grep -q "$(sha "$W/bin")" "$W/a.json"

# ---------------------------------------------------------------- unreachable source, bad flags
migrate --from-endpoint http://127.0.0.1:1 --from-profile a --to-endpoint "$URL_b" --to-profile b
expect_eq "unreachable source: exit 1" 1 "$MRC"
expect_match "unreachable source: says which side" "*cannot list the secrets of the source http://127.0.0.1:1*" "$MERR"
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_b" --to-profile nobody
expect_eq "unknown profile: exit 1" 1 "$MRC"
expect_match "unknown profile: named" "*target*nobody*" "$MERR"
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_b" --to-profile b \
  --kms-key-map nonsense
expect_eq "malformed --kms-key-map: exit 2" 2 "$MRC"

# ---------------------------------------------------------------- dry run writes nothing
dump b >"$W/b0.json"
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_b" --to-profile b --dry-run
expect_eq "dry run: exit 0" 0 "$MRC"
expect_match "dry run: plans the PEM secret under alias/app" "*app/pem: create (key alias/app), 1 version*" "$MOUT"
expect_match "dry run: summary" "*dry run: 6 secrets: 6 to copy, 0 already there, 0 failed*" "$MOUT"
dump b >"$W/b1.json"
check "dry run: B unchanged" cmp -s "$W/b0.json" "$W/b1.json"

# ---------------------------------------------------------------- A -> B, profiles on both sides
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_b" --to-profile b
expect_eq "A -> B: exit 0" 0 "$MRC"
expect_match "A -> B: summary" "*6 secrets: 6 copied, 0 already there, 0 failed*" "$MOUT"
expect_match "A -> B: a progress line per secret" "*\[1/6\] app/kv ... copied*" "$MERR"
check "A -> B: other/skipped was copied too" grep -q "other/skipped ... copied" "$W/merr"
dump b >"$W/b.json"
if cmp -s "$W/a.json" "$W/b.json"; then ok "A -> B: every field equal (values, version ids, labels, tags, policy, rotation, key alias)"
else no "A -> B differs:"; diff "$W/a.json" "$W/b.json" | head -20; fi
on b secretsmanager describe-secret --secret-id app/pem
on b kms describe-key --key-id "$(q 'j["KmsKeyId"]')"
expect_eq "B: app/pem's key is B's alias/app key" "$KEY_B" "$(q 'j["KeyMetadata"]["KeyId"]')"
on b secretsmanager list-secret-version-ids --secret-id app/multi
EXP=$(printf '%s\n' "$V1:AWSPREVIOUS" "$V2:AWSCURRENT" "$V3:staged" | sort | paste -sd' ')
expect_eq "B: version ids and labels preserved" "$EXP" \
  "$(q '" ".join(sorted(v["VersionId"] + ":" + ",".join(v["VersionStages"]) for v in j["Versions"]))')"
check "no value in migrate's output" sh -c "! grep -q -e throwaway -e 'BEGIN PRIVATE' '$W/mout' '$W/merr'"
on b secretsmanager list-secrets --include-planned-deletion
check "B: the deleted secret was not copied" sh -c "! printf '%s' '$OUT' | grep -q app/deleted"

# ---------------------------------------------------------------- again: already there
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_b" --to-profile b
expect_eq "re-run: exit 0" 0 "$MRC"
expect_match "re-run: all already there" "*6 secrets: 0 copied, 6 already there, 0 failed*" "$MOUT"
dump b >"$W/b2.json"
check "re-run: B unchanged" cmp -s "$W/b.json" "$W/b2.json"

# ---------------------------------------------------------------- B -> C, resuming a crash
# C holds what a run killed after the first version of app/multi leaves behind.
on c secretsmanager create-secret --name app/multi
on c secretsmanager put-secret-value --secret-id app/multi --client-request-token "$V1" \
  --secret-string one --version-stages AWSPREVIOUS
check "C: half-finished app/multi" [ "$RC" -eq 0 ]
# The source side from the environment's chain, the target from a profile.
B_KEY=$(awk '/^\[b\]/{f=1;next} /^\[/{f=0} f&&/aws_access_key_id/{print $3}' "$AWS_SHARED_CREDENTIALS_FILE")
B_SECRET=$(awk '/^\[b\]/{f=1;next} /^\[/{f=0} f&&/aws_secret_access_key/{print $3}' "$AWS_SHARED_CREDENTIALS_FILE")
AWS_ACCESS_KEY_ID="$B_KEY" AWS_SECRET_ACCESS_KEY="$B_SECRET" \
  migrate --from-endpoint "$URL_b" --to-endpoint "$URL_c" --to-profile c
expect_eq "B -> C: exit 0" 0 "$MRC"
expect_match "B -> C: summary" "*6 secrets: 6 copied, 0 already there, 0 failed*" "$MOUT"
dump c >"$W/c.json"
if cmp -s "$W/a.json" "$W/c.json"; then ok "B -> C: every field equal to A's (both ways)"
else no "B -> C differs:"; diff "$W/a.json" "$W/c.json" | head -20; fi
AWS_ACCESS_KEY_ID="$B_KEY" AWS_SECRET_ACCESS_KEY="$B_SECRET" \
  migrate --from-endpoint "$URL_b" --to-endpoint "$URL_c" --to-profile c
expect_match "B -> C re-run: already there" "*0 copied, 6 already there, 0 failed*" "$MOUT"

# ---------------------------------------------------------------- D: no function, no alias/app
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_d" --to-profile d \
  --name-prefix app/ --kms-key-map alias/app=alias/other
expect_eq "A -> D: exit 0 (rotation refused is a note)" 0 "$MRC"
expect_match "A -> D: only the prefix" "*5 secrets: 5 copied*" "$MOUT"
expect_match "A -> D: rotation refusal reported" "*note: rotation not configured on the target (AccessDeniedException*" "$MERR"
on d secretsmanager describe-secret --secret-id app/pem
on d kms describe-key --key-id "$(q 'j["KmsKeyId"]')"
expect_eq "A -> D: --kms-key-map alias/app=alias/other" "$KEY_D" "$(q 'j["KeyMetadata"]["KeyId"]')"
on d secretsmanager create-secret --name app/new-on-a-only --secret-string x >/dev/null
on a secretsmanager create-secret --name app/unmapped --secret-string u --kms-key-id alias/app
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_d" --to-profile d \
  --name-prefix app/unmapped
expect_match "no alias and no map: the target's default, said" "*note: KMS key alias/app has no alias on the target*default*" "$MERR"
on d secretsmanager describe-secret --secret-id app/unmapped
expect_eq "no alias and no map: default key on D" "None" "$(q 'j.get("KmsKeyId")')"
# A value changed under an existing version id is a failure, not an overwrite.
on d secretsmanager put-secret-value --secret-id app/kv --secret-string changed --version-stages mine
on a secretsmanager create-secret --name app/conflict --secret-string a-side
CV=$(q 'j["VersionId"]')
on d secretsmanager create-secret --name app/conflict --secret-string d-side --client-request-token "$CV"
migrate --from-endpoint "$URL_a" --from-profile a --to-endpoint "$URL_d" --to-profile d \
  --name-prefix app/conflict
expect_eq "conflicting value: exit 1" 1 "$MRC"
expect_match "conflicting value: reported" "*failed: app/conflict: *exists on the target with another value*" "$MOUT"

summary
