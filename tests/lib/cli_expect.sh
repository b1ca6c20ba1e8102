# Assertions over AWS CLI calls for the tests/clients/cli suites. Source after
# tests/lib/server.sh, coffer_start and `coffer_tmpdir W`.

# run ARGS... : runs the CLI; sets OUT (stdout), ERR (the AWS error line, else stderr), RC
run() {
  OUT=$(coffer_aws "$@" 2>"$W/err"); RC=$?
  ERR=$(grep -m1 '^An error occurred' "$W/err" | tr -d '\r')
  [ -z "$ERR" ] && ERR=$(grep -v '^$' "$W/err" | tr -d '\r' | head -5)
}
# expect_ok DESC ARGS... : the command must succeed
expect_ok() { local d="$1"; shift; run "$@"; if [ $RC -eq 0 ]; then ok "$d"; else no "$d (rc=$RC): $ERR"; fi; }
# expect_err DESC CODE OPERATION MESSAGE ARGS... : exact AWS CLI error line
expect_err() {
  local d="$1" code="$2" op="$3" msg="$4"; shift 4
  run "$@"
  local want="An error occurred ($code) when calling the $op operation: $msg"
  if [ $RC -ne 0 ] && [ "$ERR" = "$want" ]; then ok "$d"
  else no "$d: rc=$RC, expected [$want], got [$ERR]"; fi
}
# expect_code DESC CODE ARGS... : fails with that error code (message not compared)
expect_code() {
  local d="$1" code="$2"; shift 2
  run "$@"
  case "$ERR" in "An error occurred ($code) "*) [ $RC -ne 0 ] && ok "$d" || no "$d: rc=$RC";;
    *) no "$d: rc=$RC, expected code $code, got [$ERR]";; esac
}
# q EXPR : evaluates a Python expression over the JSON in $OUT bound to `j`
q() { printf '%s' "$OUT" | /usr/bin/python3 -c '
import json,sys
try: j=json.load(sys.stdin); v=eval(sys.argv[1])
except Exception as e: v="<%s>" % type(e).__name__
sys.stdout.write(v if isinstance(v,str) else json.dumps(v,sort_keys=True))' "$1"; }
