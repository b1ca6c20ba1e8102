#!/usr/bin/env bash
# Runs docs/getting-started.md as a user would: every ```sh block in order in one bash
# session, each ```python block with /usr/bin/python3 and each ```js block with node (the AWS
# SDK for JavaScript from tests/clients/js) at its place, in a scratch directory holding ./data,
# against a server started the way `make run` starts it (scripts/run.sh on the Makefile's
# LISTEN). Checks what the guide says the runner sees. Ends with "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
GUIDE="$COFFER_REPO/docs/getting-started.md"
JSDIR="$COFFER_REPO/tests/clients/js"
mk_default() { sed -n "s/^$1 *?= *//p" "$COFFER_REPO/Makefile" | head -1; }
LISTEN="$(mk_default LISTEN)"; LISTEN="${LISTEN:-127.0.0.1:7878}"

coffer_tmpdir W
/usr/bin/python3 - "$GUIDE" "$W" "$JSDIR" > "$W/guide.sh" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
w, jsdir = sys.argv[2], sys.argv[3]
print("set -e -o pipefail")
for i, m in enumerate(re.finditer(r"^```(sh|python|js)[ \t]*\n(.*?)^```", text, re.S | re.M)):
    kind, body = m.group(1), m.group(2)
    if kind == "sh":
        print(body)
    elif kind == "python":
        path = os.path.join(w, "block%d.py" % i)
        open(path, "w").write(body)
        print("/usr/bin/python3 %s" % path)
    else:
        path = os.path.join(jsdir, ".guide-%d-%d.mjs" % (os.getpid(), i))
        open(path, "w").write(body)
        print("node %s" % path)
PY
[ -s "$W/guide.sh" ] && ok "the guide has runnable blocks ($(grep -c '' "$W/guide.sh") lines)" || no "the guide has runnable blocks"

if (exec 3<>"/dev/tcp/${LISTEN%:*}/${LISTEN##*:}") 2>/dev/null; then
  no "port $LISTEN is already in use; cannot start the server like 'make run' does"; summary; exit 1
fi
mkdir -p "$W/work" "$W/bin"
ln -s "$AWS" "$W/bin/aws"
(cd "$W/work" && exec bash "$COFFER_REPO/scripts/run.sh" "$COFFER_BIN" ./data "$LISTEN") >"$W/server.log" 2>&1 &
COFFER_PID=$!; _COFFER_PIDS+=("$COFFER_PID")
for _ in $(seq 1 200); do
  grep -q 'is serving' "$W/server.log" 2>/dev/null && break
  kill -0 "$COFFER_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q 'is serving' "$W/server.log" || { no "server starts like 'make run': $(tail -3 "$W/server.log")"; summary; exit 1; }

(cd "$W/work" && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
   -u AWS_SHARED_CREDENTIALS_FILE -u AWS_CONFIG_FILE -u AWS_DEFAULT_REGION -u AWS_REGION -u AWS_DATA_PATH \
   HOME="$W/work" PATH="$W/bin:$PATH" bash "$W/guide.sh") >"$W/out" 2>&1
rc=$?
rm -f $(grep -o "$JSDIR/\.guide-[0-9-]*\.mjs" "$W/guide.sh")  # the JS blocks, beside node_modules
if [ $rc -eq 0 ]; then ok "the guide runs to the end (exit 0)"
else no "the guide failed (exit $rc); output:"; sed 's/^/    /' "$W/out" | tail -15; fi
check "the CLI reads the PEM byte for byte as the role" grep -q '^the PEM came back byte for byte$' "$W/out"
check "the role may not list secrets" grep -qx 'AccessDeniedException' "$W/out"
check "the database secret is read as the role" grep -q '"password":"change-me-0c41f2"' "$W/out"
check "boto3 reads both as the role" grep -q '^boto3 read the key ([0-9]* bytes) and the password of loader@db.internal$' "$W/out"
check "the JS SDK reads both as the role" grep -q '^the JS SDK read the key ([0-9]* bytes) and the password of loader@db.internal$' "$W/out"
check "the reads are in the audit trail as the role session" grep -q '"type":"AssumedRole"' "$W/work/data/audit.log"
summary
