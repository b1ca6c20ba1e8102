#!/usr/bin/env bash
# The Debian package and the install rules (issue 25 item 5, docs/operations.md "Installing").
#   usage: tests/packaging/test_deb.sh [BUILD_DIR]     (default: $BUILD_DIR, else build)
# Builds the .deb with CPack from the already-built BUILD_DIR into a temporary directory,
# checks its contents and control data, installs it on this machine with `dpkg -i`, checks
# the user `coffer` and /var/lib/coffer, runs the installed /usr/bin/coffer as that user with
# the installed configuration (on a free port) and talks to it with the AWS CLI, verifies the
# installed systemd unit, then removes and purges the package and checks that nothing is left.
# Also checks `cmake --install` (what `make install` runs) into a DESTDIR.
# Needs root (or passwordless sudo). Refuses to run on a machine that already has a coffer
# package, user or directory; leaves the machine as it found it, also when a check fails.
# Ends with "N passed, M failed".
set -u
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD_DIR="${1:-${BUILD_DIR:-$REPO/build}}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$PWD/$BUILD_DIR" ;; esac
AWS="${AWS:-aws}"
PASS=0; FAIL=0
# pkg_known: dpkg has coffer in any state but "not installed"
pkg_known() {
  case "$(dpkg-query -W -f='${Status}' coffer 2>/dev/null)" in ""|*not-installed) return 1 ;; esac
}

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $1"; }
# check NAME CMD...: passes when CMD exits 0
check() { local name="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else bad "$name"; fi; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    exec sudo -n env BUILD_DIR="$BUILD_DIR" AWS="$AWS" PATH="$PATH" bash "$0" "$BUILD_DIR"
  fi
  bad "needs root or passwordless sudo (dpkg -i, adduser)"; finish
fi
for t in cpack dpkg-deb dpkg-shlibdeps systemd-analyze setpriv adduser; do
  command -v "$t" >/dev/null || { bad "missing tool $t (scripts/install-deps.sh test)"; finish; }
done
[ -f "$BUILD_DIR/CPackConfig.cmake" ] && [ -x "$BUILD_DIR/coffer" ] \
  || { bad "no built coffer and CPackConfig.cmake in $BUILD_DIR"; finish; }

# What this test creates and removes must not exist before it: never touch an operator's install.
present=""
pkg_known && present="package"
getent passwd coffer >/dev/null && present="$present user"
getent group coffer >/dev/null && present="$present group"
for p in /var/lib/coffer /etc/coffer /usr/bin/coffer /usr/lib/systemd/system/coffer.service; do
  [ -e "$p" ] && present="$present $p"
done
if [ -n "$present" ]; then
  bad "this machine already has coffer ($present); the test purges it, so it does not run here"
  finish
fi

TMP=$(mktemp -d /tmp/coffer-pkg-test.XXXXXX)
chmod 755 "$TMP"
INSTALLED=0; SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ "$INSTALLED" = 1 ]; then
    dpkg --purge coffer >/dev/null 2>&1 || dpkg --purge --force-all coffer >/dev/null 2>&1
    # whatever a failed purge left; none of it existed before the test
    getent passwd coffer >/dev/null && userdel coffer 2>/dev/null
    getent group coffer >/dev/null && groupdel coffer 2>/dev/null
    rm -rf /var/lib/coffer /etc/coffer
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build the package from BUILD_DIR (nothing is recompiled) --------------------------
version=$("$BUILD_DIR/coffer" --version | awk '{print $2}')
if (cd "$TMP" && cpack -G DEB -B "$TMP/out" --config "$BUILD_DIR/CPackConfig.cmake") \
     >"$TMP/cpack.log" 2>&1; then ok "cpack builds the package"; else bad "cpack"; tail -20 "$TMP/cpack.log"; fi
DEB="$TMP/out/coffer_${version}_amd64.deb"
check "package named coffer_${version}_amd64.deb" test -f "$DEB"
[ -f "$DEB" ] || finish

# --- 2. contents and control data -----------------------------------------------------------
dpkg-deb -c "$DEB" >"$TMP/contents"
files=$(awk '$1 !~ /^d/ {print $6}' "$TMP/contents")
check "binary ./usr/bin/coffer, root-owned, 0755" \
  grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/coffer$' "$TMP/contents"
for f in ./usr/lib/systemd/system/coffer.service ./etc/coffer/coffer.toml \
         ./usr/share/doc/coffer/coffer.example.toml ./usr/share/doc/coffer/operations.md; do
  check "package has $f" grep -qx -- "$f" <<<"$files"
done
stray=$(grep -vE '^\./(usr/bin/coffer|usr/lib/systemd/system/coffer\.service|etc/coffer/coffer\.toml|usr/share/doc/coffer/[A-Za-z0-9_.-]+\.(md|toml))$' <<<"$files")
if [ -z "$stray" ]; then ok "no stray files"; else bad "stray files: $(echo $stray)"; fi
if grep -qE '(root\.key|credentials|\.db|\.pem|\.key|\.lock|audit\.log)$' <<<"$files"; then
  bad "a key, credentials or database file in the package"
else ok "no key, credentials or database file in the package"; fi

dpkg-deb -e "$DEB" "$TMP/control"
field() { dpkg-deb -f "$DEB" "$1"; }
check "Package: coffer, Version: $version, Architecture: amd64" \
  test "$(field Package) $(field Version) $(field Architecture)" = "coffer $version amd64"
deps=$(field Depends)
want="adduser libc6 libssl3 libsqlite3-0 libpq5"
ldd "$BUILD_DIR/coffer" | grep -q tcmalloc && want="$want libtcmalloc-minimal4"
missing=""
for d in $want; do grep -qE "(^|, )$d( |,|$)" <<<"$deps" || missing="$missing $d"; done
if [ -z "$missing" ]; then ok "Depends lists $want"; else bad "Depends lacks$missing: $deps"; fi
check "conffiles is /etc/coffer/coffer.toml" test "$(cat "$TMP/control/conffiles")" = /etc/coffer/coffer.toml
for s in postinst prerm postrm; do
  check "$s is an executable sh script" bash -c "test -x '$TMP/control/$s' && sh -n '$TMP/control/$s'"
done

# --- 3. install -------------------------------------------------------------------------------
INSTALLED=1
if dpkg -i "$DEB" >"$TMP/install.log" 2>&1; then ok "dpkg -i"; else bad "dpkg -i"; tail -20 "$TMP/install.log"; fi
check "package status: installed" \
  test "$(dpkg-query -W -f='${Status}' coffer 2>/dev/null)" = "install ok installed"
check "system user coffer (uid < 1000, no login shell)" \
  bash -c 'e=$(getent passwd coffer) && u=$(echo "$e" | cut -d: -f3) && [ "$u" -lt 1000 ] &&
           case "$e" in *nologin|*false) ;; *) exit 1 ;; esac'
check "group coffer" getent group coffer
check "/var/lib/coffer: coffer:coffer, 0700" test "$(stat -c '%U:%G %a' /var/lib/coffer 2>/dev/null)" = "coffer:coffer 700"
check "/etc/coffer/coffer.toml sets data_dir /var/lib/coffer" \
  grep -qx 'data_dir = "/var/lib/coffer"' /etc/coffer/coffer.toml
check "/etc/coffer/coffer.toml listens on 127.0.0.1:7878" grep -qx 'listen = "127.0.0.1:7878"' /etc/coffer/coffer.toml
check "installed coffer --version is $version" test "$(/usr/bin/coffer --version 2>/dev/null)" = "coffer $version"
# as the service runs: user coffer, umask 0077, a clean environment, no new privileges
as_coffer() {
  (cd / && umask 077 && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/coffer \
     setpriv --reuid=coffer --regid=coffer --clear-groups --no-new-privs "$@")
}
check "coffer config check /etc/coffer/coffer.toml (as coffer)" \
  as_coffer /usr/bin/coffer config check /etc/coffer/coffer.toml

# --- 4. the installed binary as user coffer, with the installed configuration -------------
# (inline, not as_coffer: $! must be the server itself, every step execs)
(cd / && umask 077 && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/coffer \
   setpriv --reuid=coffer --regid=coffer --clear-groups --no-new-privs \
   /usr/bin/coffer serve --config /etc/coffer/coffer.toml --listen 127.0.0.1:0) \
  >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 150); do
  URL=$(grep -o -m1 'listening on http://[^ ]*' "$TMP/serve.out" 2>/dev/null | awk '{print $3}')
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$URL" ]; then ok "installed coffer serves ($URL)"; else bad "installed coffer did not start"; tail -5 "$TMP/serve.err"; fi
check "server runs as user coffer" test "$(stat -c %U "/proc/$SERVER_PID" 2>/dev/null)" = coffer
for f in root.key credentials coffer.db; do
  check "/var/lib/coffer/$f: coffer, 0600" test "$(stat -c '%U %a' "/var/lib/coffer/$f" 2>/dev/null)" = "coffer 600"
done
value="pkg-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
aws_coffer() {
  env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
      -u AWS_ENDPOINT_URL AWS_SHARED_CREDENTIALS_FILE=/var/lib/coffer/credentials \
      AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 AWS_PAGER= \
      AWS_EC2_METADATA_DISABLED=true "$AWS" --endpoint-url "$URL" "$@"
}
check "aws secretsmanager create-secret" \
  aws_coffer secretsmanager create-secret --name packaging/test --secret-string "$value"
got=$(aws_coffer secretsmanager get-secret-value --secret-id packaging/test \
        --query SecretString --output text 2>/dev/null)
if [ "$got" = "$value" ]; then ok "aws secretsmanager get-secret-value returns the value"
else bad "get-secret-value did not return the value it stored"; fi
# ExecReload: SIGHUP rereads the configuration's [functions]; the server stays up
kill -HUP "$SERVER_PID" 2>/dev/null
for _ in $(seq 1 50); do grep -q SIGHUP "$TMP/serve.err" && break; sleep 0.1; done
check "SIGHUP (ExecReload) reloads and keeps serving" \
  bash -c "grep -q SIGHUP '$TMP/serve.err' && kill -0 $SERVER_PID"
kill -TERM "$SERVER_PID" 2>/dev/null
for _ in $(seq 1 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  bad "SIGTERM did not stop the server in 15 s"; kill -KILL "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
else wait "$SERVER_PID"; rc=$?; SERVER_PID=""
  check "SIGTERM (KillSignal) stops it, exit 0" test "$rc" -eq 0; fi

# reinstall (what an upgrade does): an edited conffile, the data and the user stay
echo '# edited by the operator' >>/etc/coffer/coffer.toml
key_sum=$(md5sum </var/lib/coffer/root.key)
check "dpkg -i again (reinstall)" dpkg -i "$DEB"
check "reinstall keeps the edited /etc/coffer/coffer.toml" grep -qx '# edited by the operator' /etc/coffer/coffer.toml
check "reinstall keeps root.key and /var/lib/coffer 0700 coffer" \
  bash -c "test \"\$(md5sum </var/lib/coffer/root.key)\" = '$key_sum' &&
           test \"\$(stat -c '%U %a' /var/lib/coffer)\" = 'coffer 700'"

# --- 5. the installed systemd unit ---------------------------------------------------------
UNIT=/usr/lib/systemd/system/coffer.service
if out=$(systemd-analyze verify "$UNIT" 2>&1) && [ -z "$out" ]; then ok "systemd-analyze verify $UNIT"
else bad "systemd-analyze verify: $out"; fi
need=("ExecStart=/usr/bin/coffer serve --config /etc/coffer/coffer.toml" "User=coffer"
      "ExecReload=/bin/kill -HUP \$MAINPID" "Restart=on-failure" "KillSignal=SIGTERM"
      "ProtectSystem=strict" "ProtectHome=true" "PrivateTmp=true" "NoNewPrivileges=true"
      "ReadWritePaths=/var/lib/coffer" "LimitCORE=0" "CapabilityBoundingSet=" "UMask=0077"
      "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "MemoryDenyWriteExecute=true"
      "LockPersonality=true" "SystemCallFilter=@system-service")
lacks=""
for l in "${need[@]}"; do grep -qxF -- "$l" "$UNIT" 2>/dev/null || lacks="$lacks [$l]"; done
grep -q '^TimeoutStopSec=' "$UNIT" 2>/dev/null || lacks="$lacks [TimeoutStopSec]"
if [ -z "$lacks" ]; then ok "unit has the user, reload, stop and hardening settings"; else bad "unit lacks$lacks"; fi
exposure=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null \
             | sed -n 's/.*Overall exposure level for coffer.service: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && awk "BEGIN{exit !($exposure <= 2.0)}"; then
  ok "systemd-analyze security: exposure $exposure (<= 2.0)"
else bad "systemd-analyze security exposure '${exposure}' (want <= 2.0)"; fi

# --- 6. remove keeps the data and the user; purge removes everything ------------------------
check "dpkg --remove" dpkg --remove coffer
check "after remove: binary and unit gone" bash -c "! test -e /usr/bin/coffer && ! test -e $UNIT"
check "after remove: data, conffile and user stay" \
  bash -c 'test -f /var/lib/coffer/root.key && test -f /etc/coffer/coffer.toml && getent passwd coffer'
if dpkg --purge coffer >"$TMP/purge.log" 2>&1; then ok "dpkg --purge"; else bad "dpkg --purge"; cat "$TMP/purge.log"; fi
check "purge says it deletes /var/lib/coffer" grep -q 'deleting /var/lib/coffer' "$TMP/purge.log"
if pkg_known; then bad "after purge: dpkg still has coffer"; else ok "after purge: dpkg has no coffer"; fi
check "after purge: user and group gone" bash -c '! getent passwd coffer && ! getent group coffer'
check "after purge: /var/lib/coffer, /etc/coffer, binary, unit gone" \
  bash -c "! test -e /var/lib/coffer && ! test -e /etc/coffer && ! test -e /usr/bin/coffer && ! test -e $UNIT"
INSTALLED=0

# --- 7. make install: cmake --install into a DESTDIR with another prefix -------------------
DEST="$TMP/dest"
if DESTDIR="$DEST" cmake --install "$BUILD_DIR" --prefix /opt/coffer >"$TMP/install-rules.log" 2>&1
then ok "cmake --install --prefix /opt/coffer (DESTDIR)"; else bad "cmake --install"; tail -5 "$TMP/install-rules.log"; fi
check "install: bin/coffer, doc/coffer.example.toml, etc/coffer/coffer.toml" \
  bash -c "test -x '$DEST/opt/coffer/bin/coffer' && test -f '$DEST/opt/coffer/share/doc/coffer/coffer.example.toml' &&
           test -f '$DEST/opt/coffer/etc/coffer/coffer.toml'"
check "install: the unit names the prefix's binary and configuration" grep -qx \
  "ExecStart=/opt/coffer/bin/coffer serve --config /opt/coffer/etc/coffer/coffer.toml" \
  "$DEST/opt/coffer/lib/systemd/system/coffer.service"
echo changed >"$DEST/opt/coffer/etc/coffer/coffer.toml"
DESTDIR="$DEST" cmake --install "$BUILD_DIR" --prefix /opt/coffer >/dev/null 2>&1
check "install again keeps an edited configuration" grep -qx changed "$DEST/opt/coffer/etc/coffer/coffer.toml"

finish
