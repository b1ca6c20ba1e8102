#!/usr/bin/env bash
# A rotation function as a `command` binding, written with the AWS CLI: it rotates an API
# key that lives only in the secret (no external system), following the four steps of
# AWS's rotation protocol. The event JSON arrives on stdin; credentials, region and
# Coffer's URL (AWS_ENDPOINT_URL) come from the environment Coffer gives the function
# (passed as --endpoint-url: Debian's AWS CLI predates AWS_ENDPOINT_URL).
# FAIL_STEP=<step> in the binding's environment makes that step fail (tests).
set -euo pipefail
event=$(cat)
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$event" "$1"; }
step=$(field Step); arn=$(field SecretId); token=$(field ClientRequestToken)
rotation_token=$(field RotationToken)
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }
echo "step $step for $arn version $token"
if [ "${FAIL_STEP:-}" = "$step" ]; then echo "failing $step on purpose" >&2; exit 1; fi
case "$step" in
  createSecret)
    if aws secretsmanager get-secret-value --secret-id "$arn" --version-id "$token" \
         --version-stage AWSPENDING >/dev/null 2>&1; then exit 0; fi
    key=$(aws secretsmanager get-random-password --exclude-punctuation --password-length 40 \
            --query RandomPassword --output text)
    aws secretsmanager put-secret-value --secret-id "$arn" --client-request-token "$token" \
      --secret-string "{\"api_key\":\"$key\"}" --version-stages AWSPENDING \
      --rotation-token "$rotation_token" >/dev/null ;;
  setSecret|testSecret) ;;  # nothing outside the secret to change or test
  finishSecret)
    current=$(aws secretsmanager describe-secret --secret-id "$arn" --output json |
      /usr/bin/python3 -c 'import json,sys
v=json.load(sys.stdin)["VersionIdsToStages"]
print(next(k for k, s in v.items() if "AWSCURRENT" in s))')
    [ "$current" = "$token" ] && exit 0
    aws secretsmanager update-secret-version-stage --secret-id "$arn" --version-stage AWSCURRENT \
      --move-to-version-id "$token" --remove-from-version-id "$current" >/dev/null ;;
  *) echo "unknown step $step" >&2; exit 1 ;;
esac
