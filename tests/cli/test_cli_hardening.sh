#!/usr/bin/env bash
# test_cli_hardening: the attack review of issue 11, one section per finding, as certctl's user
# meets it — private files and folders, no shared state folder, passphrase rules, the
# environment passphrase, CSV and terminal output that cannot be turned against their reader.
set -uo pipefail
t="$(mktemp -d)"
trap 'chmod -R u+rwx "$t" 2>/dev/null; rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state" CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# mode FILE: the permission bits, as octal (600).
mode() { stat -c %a "$1"; }

# --- "The log can be world-readable": every file of a home, the store with its -wal and -shm,
# --- the witness and registry files are 0600 and their folders 0700, even under umask 022 ------
umask 022
echo "a long enough test passphrase" >pass.txt
pass=(--passphrase-file pass.txt)
certctl authority create --out A --name "TEST authority" "${pass[@]}" >/dev/null 2>err.txt ||
    fail "authority create: $(cat err.txt)"
certctl kiosk init --home H --kiosk-id HARD-KIOSK-01 --operator "Hardening" >/dev/null 2>&1 ||
    fail "kiosk init"
certctl kiosk endorse --authority A --home H --days 365 "${pass[@]}" >/dev/null 2>err.txt ||
    fail "endorse: $(cat err.txt)"
certctl issue --paper --home H --recorded-by "Capt. A" --name "Ann Example" --nation NOR \
    --service-number 12345 --category military >cert.jws 2>err.txt || fail "issue: $(cat err.txt)"
# Keep the store open while we look, so that its -wal and -shm exist.
python3 - H/store.db <<'PY' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])
con.execute("SELECT count(*) FROM sqlite_master").fetchall()
time.sleep(3)
PY
holder=$!
for _ in $(seq 50); do [ -e H/store.db-shm ] && [ -e H/store.db-wal ] && break; sleep 0.05; done
[ -e H/store.db-wal ] && [ -e H/store.db-shm ] || fail "the store has no -wal and -shm to check"
for f in H/* ; do
    [ -d "$f" ] && continue
    [ "$(mode "$f")" = 600 ] || fail "$f has mode $(mode "$f"), not 600"
done
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
[ "$(mode H)" = 700 ] || fail "the home has mode $(mode H), not 700"
certctl audit --home H >/dev/null 2>err.txt || fail "audit: $(cat err.txt)"
certctl export --home H --out h.export.json >/dev/null 2>&1 || fail "export"
certctl trust export --home H --out trust.jwks >/dev/null 2>&1 || fail "trust export"
for f in state state/witness A; do
    [ "$(mode "$f")" = 700 ] || fail "$f has mode $(mode "$f"), not 700"
done
for f in state/witness/* h.export.json trust.jwks A/*; do
    [ "$(mode "$f")" = 600 ] || fail "$f has mode $(mode "$f"), not 600"
done

# An existing home that group or others can enter is refused, with the mode and the fix.
chmod 755 H
expect 2 "chmod 700 $t/H" certctl list --home "$t/H"
grep -qF "0755" <<<"$out" || fail "the refusal does not name the mode: $out"
expect 2 "chmod 700" certctl issue --paper --home H --recorded-by "Capt. A" --name "B" \
    --nation NOR --service-number 2 --category military
chmod 750 H
expect 2 "0750" certctl audit --home H
chmod 700 H
certctl list --home H >/dev/null 2>&1 || fail "a 0700 home must work again"
# A home made by mkdir under umask 022 (or systemd's default StateDirectory mode) is refused at init.
mkdir H2
expect 2 "chmod 700" certctl kiosk init --home H2 --kiosk-id HARD-KIOSK-02
[ -e H2/kiosk.key ] && fail "kiosk init wrote a key into a 0755 folder"
# A home owned by another user is refused (we run as root in CI; skipped otherwise).
if [ "$(id -u)" = 0 ]; then
    cp -a H H3 && chown -R nobody H3
    expect 2 "belongs to user" certctl list --home H3
fi

# The state folder and the registry folder: the same rule.
chmod 755 state
expect 2 "chmod 700 $t/state" certctl audit --home H
chmod 700 state
mkdir -m 755 reg
expect 2 "chmod 700 $t/reg" certctl import --registry "$t/reg" --trust trust.jwks h.export.json
rmdir reg
certctl import --registry "$t/reg" --trust trust.jwks h.export.json >/dev/null 2>err.txt ||
    fail "import: $(cat err.txt)"
[ "$(mode reg)" = 700 ] || fail "the new registry folder has mode $(mode reg)"
for f in reg/*; do
    [ "$(mode "$f")" = 600 ] || fail "$f has mode $(mode "$f"), not 600"
done

# --- "State folder falls back to /tmp": with neither HOME nor XDG_STATE_HOME, a clear error ----
expect 2 "neither HOME nor XDG_STATE_HOME is set" \
    env -u HOME -u XDG_STATE_HOME -u CERTKIOSK_STATE_DIR certctl audit --home H
[ -e /tmp/.local/state/certkiosk ] && [ "$(stat -c %Y /tmp/.local/state/certkiosk)" -ge \
    "$(stat -c %Y "$t")" ] && fail "certctl wrote into /tmp/.local/state/certkiosk"
env -u CERTKIOSK_STATE_DIR -u HOME XDG_STATE_HOME="$t/xdg" certctl audit --home H \
    >/dev/null 2>err.txt || fail "XDG_STATE_HOME alone must do: $(cat err.txt)"
[ "$(mode xdg/certkiosk)" = 700 ] || fail "the state folder under XDG_STATE_HOME is not 0700"

echo "test_cli_hardening: all passed"
