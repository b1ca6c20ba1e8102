#!/usr/bin/env bash
# Runs the README's example: the first ```sh block that contains `aws secretsmanager`, verbatim
# (nothing substituted), against a server started the way `make run` starts it
# (scripts/run.sh BINARY ./data LISTEN, with the Makefile's DATA and LISTEN defaults, default
# SigV4 auth), with the
# AWS CLI v2 (/usr/bin/aws) first on PATH. The block runs in a scratch directory that holds
# ./data, so relative paths such as ./data/credentials resolve as they do in a checkout.
# Then checks the console URL `make run` prints. Ends with "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
README="$COFFER_REPO/README.md"
mk_default() { sed -n "s/^$1 *?= *//p" "$COFFER_REPO/Makefile" | head -1; }
LISTEN="$(mk_default LISTEN)"; LISTEN="${LISTEN:-127.0.0.1:7878}"
DATA="$(mk_default DATA)"; DATA="${DATA:-./data}"

if [ ! -f "$README" ]; then no "README.md exists"; summary; exit 1; fi
coffer_tmpdir W
/usr/bin/python3 - "$README" >"$W/example.sh" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"^```(?:sh|bash|shell|console)[ \t]*\n(.*?)^```", text, re.S | re.M):
    if "aws secretsmanager" in m.group(1):
        sys.stdout.write(m.group(1))
        break
EOF
if [ ! -s "$W/example.sh" ]; then no "README.md has a \`\`\`sh block with an 'aws secretsmanager' command"; summary; exit 1; fi
ok "README.md has an example block ($(grep -c 'aws secretsmanager' "$W/example.sh") aws secretsmanager command(s))"

# A server like `make run`: data dir ./data (relative to where the example runs), LISTEN.
if (exec 3<>"/dev/tcp/${LISTEN%:*}/${LISTEN##*:}") 2>/dev/null; then
  no "port $LISTEN is already in use; cannot start the server like 'make run' does"; summary; exit 1
fi
mkdir -p "$W/work" "$W/bin"
ln -s "$AWS" "$W/bin/aws"
COFFER_LOG="$W/server.log"
if [ -f "$COFFER_REPO/scripts/run.sh" ]; then   # exactly what `make run` runs, minus the build
  (cd "$W/work" && exec bash "$COFFER_REPO/scripts/run.sh" "$COFFER_BIN" "$DATA" "$LISTEN") >"$COFFER_LOG" 2>&1 &
else
  mkdir -p "$W/work/$DATA"
  (cd "$W/work" && exec "$COFFER_BIN" serve --data-dir "$DATA" --listen "$LISTEN") >"$COFFER_LOG" 2>&1 &
fi
COFFER_PID=$!; _COFFER_PIDS+=("$COFFER_PID")
for _ in $(seq 1 200); do
  grep -q 'listening on\|is serving' "$COFFER_LOG" "$W/work/$DATA/stdout" 2>/dev/null && break
  kill -0 "$COFFER_PID" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'listening on\|is serving' "$COFFER_LOG" "$W/work/$DATA/stdout" 2>/dev/null; then
  no "server starts on $LISTEN: $(tail -3 "$COFFER_LOG")"; summary; exit 1; fi
ok "server started like 'make run' on $LISTEN"

# Run the block verbatim; stop at the first failing command. The environment carries no
# credentials of ours: the README must say how the CLI finds them.
(cd "$W/work" && env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
   -u AWS_SHARED_CREDENTIALS_FILE -u AWS_CONFIG_FILE -u AWS_DEFAULT_REGION -u AWS_REGION -u AWS_DATA_PATH \
   HOME="$W/work" PATH="$W/bin:$PATH" bash -e -o pipefail "$W/example.sh") >"$W/out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then ok "README example runs (exit 0)"
else no "README example failed (exit $rc); output:"; sed 's/^/    /' "$W/out" | tail -20; fi
if grep -q 'An error occurred' "$W/out"; then no "README example printed an AWS error"; else ok "README example printed no AWS error"; fi

# `make run` prints the web console's URL (issue 22), and it answers with the console.
console=$(grep -o -m1 'Web console: http://[^ ]*' "$COFFER_LOG" | awk '{print $3}')
expect_eq "'make run' prints the web console's URL" "http://$LISTEN/console/" "$console"
if [ -n "$console" ] && curl -sf "$console" | grep -q '<title>Coffer console</title>'; then
  ok "the printed console URL serves the console"
else no "the printed console URL serves the console"; fi
summary
