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

# --- "A test switch weakens real keys": the fast KDF only for test keys under /tmp, only for
# --- CERTKIOSK_TEST_FAST_KDF=1 exactly; "No minimum passphrase length" ---------------------------
# limits FILE: "ops mem" of an encrypted key file (keys.c: salt[16] then two LE u64 after 6 bytes).
limits() {
    python3 - "$1" <<'PY'
import base64, struct, sys
blob = base64.b64decode(open(sys.argv[1]).read().split("\n")[1])
print(*struct.unpack_from("<QQ", blob, 6 + 16))
PY
}
moderate="3 268435456"
certctl authority create --out fast1 --name T "${pass[@]}" >/dev/null 2>&1 || fail "fast1"
[ "$(limits fast1/authority.key)" = "1 8192" ] ||
    fail "CERTKIOSK_TEST_FAST_KDF=1 in a test folder: $(limits fast1/authority.key)"
for v in 0 yes "1 " true; do
    CERTKIOSK_TEST_FAST_KDF="$v" certctl authority create --out "fast-$v" --name T "${pass[@]}" \
        >/dev/null 2>&1 || fail "authority create with CERTKIOSK_TEST_FAST_KDF=$v"
    [ "$(limits "fast-$v/authority.key")" = "$moderate" ] ||
        fail "CERTKIOSK_TEST_FAST_KDF=\"$v\" weakened the key: $(limits "fast-$v/authority.key")"
done
# Outside the temporary folder even =1 in a test build gets real limits. /var/tmp is no temporary
# folder to the switch (only /tmp and $TMPDIR are); the build tree may be under /tmp.
outside_parent="$(mktemp -d /var/tmp/certkiosk-hardening.XXXXXX)"
outside="$outside_parent/keys" # keygen makes the folder itself
trap 'rm -rf "$outside_parent"; chmod -R u+rwx "$t" 2>/dev/null; rm -rf "$t"' EXIT
certctl plugin keygen --out "$outside" --nation NOR --name pub "${pass[@]}" >/dev/null 2>err.txt ||
    fail "keygen outside /tmp: $(cat err.txt)"
[ "$(limits "$outside/pub.key")" = "$moderate" ] ||
    fail "a publisher key outside /tmp used the test KDF: $(limits "$outside/pub.key")"
rm -rf "$outside_parent"
# Passphrases: at least 12 characters, for authority and publisher keys.
echo "short pass" >short.txt
expect 2 "at least 12" certctl authority create --out short --name T --passphrase-file short.txt
[ -e short/authority.key ] && fail "a key was written under a 10-character passphrase"
expect 2 "at least 12" certctl plugin keygen --out shortp --nation NOR --name p \
    --passphrase-file short.txt
printf 'åäöåäöåäöåä\n' >short.txt # 11 characters, 22 bytes
expect 2 "has 11 characters" certctl authority create --out short --name T --passphrase-file short.txt

# --- "CERTKIOSK_PASSPHRASE stays in the environment": gone from /proc/PID/environ --------------
mkfifo hold
CERTKIOSK_PASSPHRASE="env-secret-passphrase-42" certctl show - <hold >/dev/null 2>&1 &
shower=$!
exec 7>hold # certctl now waits on its standard input
# Wait until certctl itself (not the shell before exec) sleeps reading its input.
for _ in $(seq 250); do
    [[ "$(readlink "/proc/$shower/exe" 2>/dev/null)" == */certctl ]] &&
        [ "$(awk '{print $3}' "/proc/$shower/stat" 2>/dev/null)" = S ] && break
    sleep 0.02
done
tr '\0' '\n' <"/proc/$shower/environ" >environ.txt
exec 7>&-
wait "$shower"
grep -qF "env-secret-passphrase-42" environ.txt && fail "the passphrase is in /proc/PID/environ"
grep -q "^CERTKIOSK_PASSPHRASE=." environ.txt && fail "CERTKIOSK_PASSPHRASE still set: $(cat environ.txt)"
# ...and it still works, once, for the verb that needs it.
CERTKIOSK_PASSPHRASE="a long enough test passphrase" certctl kiosk endorse --authority A \
    --home H --days 30 >/dev/null 2>err.txt || fail "endorse with CERTKIOSK_PASSPHRASE: $(cat err.txt)"

# --- "Admin PIN: 4 digits allowed, 83 ms per guess": at least 6 digits (config can demand more),
# --- hashed with Argon2id t=6, m=256 MiB unless this is a test build's test home ----------------
for pin in 1234 12345 12345a 1234567890123; do
    echo "$pin" >pin.txt
    expect 2 "6 to 12 digits" certctl kiosk set-pin --home H --pin-file pin.txt
done
echo 246810 >pin.txt
CERTKIOSK_TEST_FAST_KDF=0 certctl kiosk set-pin --home H --pin-file pin.txt >/dev/null 2>err.txt ||
    fail "set-pin: $(cat err.txt)"
grep -qF '$argon2id$v=19$m=262144,t=6,p=1$' H/config.json ||
    fail "the PIN hash is not Argon2id t=6 m=256 MiB: $(grep hash H/config.json)"
python3 - H/config.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["admin_pin_min_digits"] = 8
json.dump(c, open(sys.argv[1], "w"))
PY
expect 2 "8 to 12 digits" certctl kiosk set-pin --home H --pin-file pin.txt
echo 24681012 >pin.txt
certctl kiosk set-pin --home H --pin-file pin.txt >/dev/null 2>err.txt || fail "8 digits: $(cat err.txt)"
# The kiosk refuses a hash cheaper than that (the old t=2, m=64 MiB; a hand-made config).
cp -a H Hweak
python3 - Hweak/config.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["admin_pin_hash"] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
json.dump(c, open(sys.argv[1], "w"))
PY
mkdir -m 700 snapw
expect 2 "the admin PIN hash is cheaper to guess than this kiosk accepts" \
    env SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=0 certkiosk --home Hweak \
    --replay /dev/null --snapshots snapw

# --- "Terminal escapes": a presented certificate cannot repaint the terminal -----------------
# A certificate signed by a genuine kiosk key whose name carries an escape sequence, a line
# break that fakes a verdict, and a right-to-left override.
evil="$(printf 'Eve\033[2J\033[32m\nVALID\r\xe2\x80\xae\xc2\x9b31m')"
"$CK_BIN/tests/ck_mkcert" H "$evil" NOR 777 1 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z >evil.jws ||
    fail "ck_mkcert"
certctl show evil.jws >show.txt 2>&1
certctl show --trust trust.jwks evil.jws >>show.txt 2>&1
certctl show --json evil.jws >show.json 2>&1 || true
certctl verify --trust trust.jwks evil.jws >>show.txt 2>&1
python3 - show.txt show.json <<'PY' || fail "raw control characters reached the terminal: $(cat -v show.txt)"
import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
bad = [hex(ord(ch)) for ch in text
       if (ord(ch) < 0x20 and ch not in "\n\t") or 0x7f <= ord(ch) <= 0x9f
       or 0x202a <= ord(ch) <= 0x202e or 0x2066 <= ord(ch) <= 0x2069]
if bad:
    print("raw:", bad, file=sys.stderr); sys.exit(1)
# The escaped name is visible as such, on its own line: no fake "VALID" line.
if "Eve\\u001B[2J\\u001B[32m\\u000AVALID\\u000D\\u202E\\u009B31m" not in text:
    print("the escaped name is missing", file=sys.stderr); sys.exit(1)
if any(line.strip() == "VALID" for line in text.splitlines()):
    print("a line says VALID", file=sys.stderr); sys.exit(1)
# JSON stays JSON, and carries the name exactly.
doc = json.loads(open(sys.argv[2], "rb").read().decode("utf-8"))
name = doc["payload"]["credentialSubject"]["name"]
assert name == "Eve\x1b[2J\x1b[32m\nVALID\r\u202e\x9b31m", repr(name)
PY

# --- "CSV formula injection": every CSV cell a spreadsheet would run is text; RFC 4180 quoting --
printf 'nation,id,name,unit\nNOR,12345,"=HYPERLINK(""http://evil.example"",""x"")","@SUM(A1)"\nNOR,2,"+1,-2",-3\nNOR,3,-cmd|x,=1\n' >roster.csv
certctl report --registry "$t/reg" --roster roster.csv --csv >report.csv 2>err.txt ||
    fail "report --csv: $(cat err.txt)"
python3 - report.csv <<'PY' || fail "report --csv: $(cat report.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 3, rows
by_id = {r["id"]: r for r in rows}
assert by_id["12345"]["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")", by_id["12345"]
assert by_id["12345"]["unit"] == "'@SUM(A1)", by_id["12345"]
assert by_id["2"]["name"] == "'+1,-2" and by_id["2"]["unit"] == "'-3", by_id["2"]
for r in rows:
    for k, v in r.items():
        assert not v or v[0] not in "=+-@\t\r", (k, v)
PY
grep -qF "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"" report.csv ||
    fail "the formula cell is not quoted per RFC 4180: $(cat report.csv)"
certctl list --home H --csv >list.csv 2>err.txt || fail "list --csv: $(cat err.txt)"
python3 - list.csv <<'PY' || fail "list --csv is not 7 columns a row: $(cat list.csv)"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows and all(len(r) == 7 for r in rows), rows
PY

# --- "Invisible characters": refused in names and rosters, naming the character and position --
expect 2 "U+202E RIGHT-TO-LEFT OVERRIDE at character 4" certctl issue --paper --home H \
    --recorded-by "Capt. A" --name "$(printf 'Ann\xe2\x80\xaeEx')" --nation NOR \
    --service-number 5 --category military
expect 2 "U+200B ZERO WIDTH SPACE at character 1" certctl issue --paper --home H \
    --recorded-by "Capt. A" --name "$(printf '\xe2\x80\x8bAnn')" --nation NOR \
    --service-number 5 --category military
expect 2 "U+2066 LEFT-TO-RIGHT ISOLATE" certctl issue --paper --home H \
    --recorded-by "$(printf 'Capt.\xe2\x81\xa6 A')" --name Ann --nation NOR --service-number 5 \
    --category military
printf 'nation,id,name,category\nNOR,1,Plain Name,military\nNOR,2,Bad\xe2\x80\x8fName,military\nNOR,3,Zero\xef\xbb\xbfWidth,civilian\n' >inv.csv
certctl report --registry "$t/reg" --roster inv.csv >inv.txt 2>&1
grep -qF "line 3" inv.txt && grep -qF "U+200F RIGHT-TO-LEFT MARK at character 4" inv.txt ||
    fail "the roster's RLM was not named with its line and position: $(cat inv.txt)"
grep -qF "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 5" inv.txt ||
    fail "the roster's ZWNBSP was not named: $(cat inv.txt)"
before="$(certctl list --home H --csv | wc -l)"
certctl issue --paper --home H --recorded-by "Capt. A" --csv inv.csv >/dev/null 2>inv.txt
grep -qF "U+200F RIGHT-TO-LEFT MARK" inv.txt || fail "issue --csv took an RLM: $(cat inv.txt)"
[ "$(certctl list --home H --csv | wc -l)" = $((before + 1)) ] ||
    fail "issue --csv issued other than the one plain row: $(cat inv.txt)"

echo "test_cli_hardening: all passed"
