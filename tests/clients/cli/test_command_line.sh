#!/usr/bin/env bash
# The command line an operator meets first (issue 25 item 4): --version, a `serve --help` that
# names each flag's default and environment variable, and `coffer config check FILE` on the
# shipped example (docs/coffer.example.toml) and on broken files. Ends with "N passed, M failed".
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../../lib/server.sh"
coffer_tmpdir W

expect_match "--version" "coffer [0-9]*.[0-9]*.[0-9]*" "$("$COFFER_BIN" --version)"
expect_eq "version and --version agree" "$("$COFFER_BIN" version)" "$("$COFFER_BIN" --version)"
"$COFFER_BIN" serve --help > "$W/help"
for flag in data-dir store-url listen region auth account-id root-key-file tls-cert tls-key \
            audit-log threads log-level; do
  line=$(grep -- "--$flag " "$W/help")
  case "$line" in *"[default: "*"[env: COFFER_"*) ok "serve --help: --$flag has its default and variable";;
    *) no "serve --help: --$flag: [$line]";; esac
done
check "serve --help points at the example file" grep -q 'docs/coffer.example.toml' "$W/help"

out=$("$COFFER_BIN" config check "$COFFER_REPO/docs/coffer.example.toml" 2>&1); rc=$?
expect_eq "config check accepts the shipped example" "0 $COFFER_REPO/docs/coffer.example.toml: ok" "$rc $out"
printf 'listen = "127.0.0.1:7878"\nthreads = 1000\n' > "$W/bad.toml"
out=$("$COFFER_BIN" config check "$W/bad.toml" 2>&1); rc=$?
expect_eq "config check names the bad key and exits 2" "2 coffer: threads must be an integer in [0, 256]" "$rc $out"
printf 'colour = "blue"\n' > "$W/unknown.toml"
out=$("$COFFER_BIN" config check "$W/unknown.toml" 2>&1); rc=$?
expect_eq "config check refuses an unknown key" "2 coffer: unknown key 'colour' in $W/unknown.toml" "$rc $out"
printf 'region = "mars"\n' > "$W/invalid.toml"
out=$("$COFFER_BIN" config check "$W/invalid.toml" 2>&1); rc=$?
expect_eq "config check validates values" "2 coffer: region 'mars' is not a region name" "$rc $out"
out=$("$COFFER_BIN" config check "$W/missing.toml" 2>&1); rc=$?
expect_match "config check of a missing file" "2 coffer: cannot parse*" "$rc $out"
summary
