#!/usr/bin/env bash
# As a new administrator: two kiosks' exports imported into a registry, a roster
# reported (certified, missing, expired, expiring, revoked) as a table, CSV and
# JSON; a tampered export refused with the registry unchanged; a revoked
# certificate shown as revoked by verify, with its reason.
# Run twice by ctest: on the SQLite registry, and (test_cli_report_pg, CK_PG_DIR set) on a
# PostgreSQL one.
set -euo pipefail
T=$(mktemp -d)
trap 'pg_registry_drop; rm -rf "$T"' EXIT
cd "$T"
export CERTKIOSK_PASSPHRASE=correct-horse CERTKIOSK_TEST_FAST_KDF=1 CERTKIOSK_STATE_DIR="$T/state"
. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc
pg_registry_db

# The authority and two kiosks, endorsed long before the deployment.
export CERTKIOSK_NOW=2025-01-01T00:00:00Z
certctl authority create --out auth --name "HQ" >/dev/null
for k in A B; do
    certctl kiosk init --home "k$k" --kiosk-id "KIOSK-$k" --operator "Op $k" >/dev/null
    certctl kiosk endorse --authority auth --home "k$k" --days 1000 >/dev/null
done
certctl trust export --authority auth --home kA --home kB --out trust.jwks

# Certificates on paper forms: kiosk A in January 2025 (one expired by June 2026,
# one expiring in July 2026), kiosk B in May 2026.
export CERTKIOSK_NOW=2025-07-01T00:00:00Z
printf 'name,nation,id,category,unit\nOld Timer,NOR,1001,military,1st\n' > a1.csv
certctl issue --paper --home kA --recorded-by admin --csv a1.csv --signed-on 2025-01-01 --days 365 >a1.jws 2>/dev/null
printf 'name,nation,id,category,unit\nSoon Due,NOR,1002,military,1st\n' > a2.csv
certctl issue --paper --home kA --recorded-by admin --csv a2.csv --signed-on 2025-07-01 --days 365 >a2.jws 2>/dev/null
export CERTKIOSK_NOW=2026-05-01T00:00:00Z
printf 'name,nation,id,category,unit\nKari Nordmann,NOR,1003,military,2nd\nJoe Smith,USA,2001,contractor,HQ\nBad Apple,USA,2002,military,HQ\n' > b.csv
certctl issue --paper --home kB --recorded-by admin --csv b.csv --signed-on 2026-05-01 --days 365 >b.jws 2>/dev/null
[ "$(wc -l < b.jws)" = 3 ] || fail "kiosk B issued $(wc -l < b.jws) certificates, wanted 3"

export CERTKIOSK_NOW=2026-06-01T00:00:00Z
certctl export --home kA --out kA.json >/dev/null
certctl export --home kB --out kB.json >/dev/null

# A tampered export is refused, says why, and changes nothing. The export is JSON Lines:
# the header, then one log entry per line.
python3 - <<'P'
lines = open("kB.json").read().split("\n")  # header, entries..., "" after the last newline
def write(name, ls):
    open(name, "w").write("\n".join(ls))
write("kB-tampered.json", lines[:-2] + [lines[-2].replace("2026", "2027", 1), ""])
write("kB-dropped.json", lines[:2] + lines[3:])
write("kB-swapped.json", [lines[0], lines[2], lines[1]] + lines[3:])
write("kB-blank-line.json", lines[:2] + [""] + lines[2:])
write("kB-not-json.json", lines[:2] + ["not json"] + lines[3:])
write("kB-cut.json", ["\n".join(lines)[:-40]])
write("kB-dup-header.json", [lines[0][:-1] + ',"size":1}'] + lines[1:])
import json
write("kB-header-lines.json", [json.dumps(json.loads(lines[0]), indent=1), ""])
write("kB-extra-entry.json", lines[:-1] + [lines[-2], ""])
# Two million one-byte lines: refused at the checkpoint's count, before an item each.
write("kB-flood.json", lines[:-1] + ["x"] * 2000000 + [""])
P
for bad in tampered dropped swapped not-json cut; do
    expect_rc 1 certctl import --trust trust.jwks "kB-$bad.json"
    grep -q "do not match its signed checkpoint" err.txt || fail "$bad: $(cat err.txt)"
    grep -q "registry is unchanged" err.txt || fail "$bad: no 'unchanged' message: $(cat err.txt)"
done
expect_rc 2 certctl import --trust trust.jwks kB-blank-line.json
grep -q "kB-blank-line.json: line 3 is empty" err.txt || fail "blank line: $(cat err.txt)"
expect_rc 2 certctl import --trust trust.jwks kB-dup-header.json
grep -q "kB-dup-header.json: line 1, .*duplicate" err.txt || fail "duplicate size: $(cat err.txt)"
for bad in extra-entry flood; do
    expect_rc 1 certctl import --trust trust.jwks "kB-$bad.json"
    grep -q "kB-$bad.json: the export holds more than the 4 entries its signed checkpoint covers" \
        err.txt || fail "$bad: $(cat err.txt)"
done
expect_rc 2 certctl import --trust trust.jwks kB-header-lines.json
grep -q "is JSON Lines: its header must be the first line" err.txt || fail "header lines: $(cat err.txt)"
[ "$(certctl registry show 2>&1 | grep -c "0 kiosks, 0 certificates")" = 1 ] ||
    fail "a refused export changed the registry: $(certctl registry show 2>&1)"
expect_rc 0 certctl import --trust trust.jwks kA.json kB.json
grep -q "KIOSK-A (new to the registry): 2 certificates, 2 new" out.txt || fail "import A: $(cat out.txt)"
grep -q "KIOSK-B (new to the registry): 3 certificates, 3 new" out.txt || fail "import B: $(cat out.txt)"
expect_rc 0 certctl import --trust trust.jwks kA.json
grep -q "0 new, 2 already known" out.txt || fail "second import: $(cat out.txt)"
expect_rc 1 certctl import --trust trust.jwks kB-tampered.json
certctl registry show | grep -q "2 kiosks, 5 certificates" || fail "registry: $(certctl registry show)"
if [ -n "${CK_PG_DIR:-}" ]; then
    certctl registry show | grep -q "(PostgreSQL)" || fail "not on PostgreSQL: $(certctl registry show)"
    [ ! -e "$CERTKIOSK_STATE_DIR/registry" ] || fail "a SQLite registry was made beside PostgreSQL"
fi

# Revoke Bad Apple's certificate.
BAD=$(sed -n 3p b.jws)
SERIAL=$(python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["id"].split(":")[-1])' "$BAD")
[ "$SERIAL" = KIOSK-B-000003 ] || fail "unexpected serial $SERIAL"
expect_rc 0 certctl revoke "$SERIAL" --reason misconduct --note "case 17" --authority auth
grep -q "version 1 with 1 revoked" out.txt || fail "revoke: $(cat out.txt)"
expect_rc 0 certctl status show auth/status.jws --trust trust.jwks
grep -q "$SERIAL *misconduct" out.txt || fail "status show: $(cat out.txt)"

# verify shows it revoked, with its reason.
echo "$BAD" > bad.jws
expect_rc 1 certctl verify --trust trust.jwks --status auth/status.jws bad.jws
grep -q "misconduct" out.txt err.txt || fail "verify does not give the reason: $(cat out.txt err.txt)"

# A second revocation makes version 2; a verifier that saw it refuses version 1.
cp auth/status.jws status-v1.jws
expect_rc 0 certctl revoke KIOSK-C-000009 --reason data_error --authority auth
grep -q "version 2 with 2 revoked" out.txt || fail "second revoke: $(cat out.txt)"
expect_rc 1 certctl verify --trust trust.jwks --status auth/status.jws bad.jws
expect_rc 1 certctl verify --trust trust.jwks --status status-v1.jws bad.jws
grep -q "older than version 2" err.txt || fail "verify took an older list: $(cat err.txt)"
expect_rc 1 certctl show --trust trust.jwks --status status-v1.jws bad.jws
grep -q "older than version 2" err.txt || fail "show took an older list: $(cat err.txt)"
expect_rc 1 certctl import --trust trust.jwks --status status-v1.jws
grep -q "older than version 2" err.txt || fail "registry took an older list: $(cat err.txt)"
# revoke refuses to build on the older file, too.
cp status-v1.jws auth/old.jws
expect_rc 1 certctl revoke KIOSK-A-000002 --reason withdrawn --authority auth --status auth/old.jws

# The roster: hostile rows reported with their line numbers, the rest reported.
printf '\xef\xbb\xbfID,Name,Nation,Unit,Category,Notes\r\n' > roster.csv
printf '1001,Old Timer,NOR,1st,military,\r\n' >> roster.csv
printf '1002,Soon Due,NOR,1st,military,"has, commas"\r\n' >> roster.csv
printf '1003,"Nordmann, Kari",NOR,2nd,military,"two\r\nlines"\r\n' >> roster.csv
printf '2001,Joe Smith,USA,HQ,contractor,\r\n' >> roster.csv
printf '2002,Bad Apple,USA,HQ,military,\r\n' >> roster.csv
printf '3001,Never Came,DEU,HQ,civilian,\r\n' >> roster.csv
printf ',No Id,NOR,1st,military,\r\n' >> roster.csv
printf '3002,Nobody,XYZ,HQ,civilian,\r\n' >> roster.csv
expect_rc 0 certctl report --roster roster.csv --until 2026-09-30
grep -q "line 9: blank id" err.txt || fail "blank id line: $(cat err.txt)"
grep -q "line 10: unknown nation code \"XYZ\"" err.txt || fail "unknown nation line: $(cat err.txt)"
for want in "^expired *NOR *1001" "^expiring *NOR *1002" "^certified *NOR *1003" \
            "^certified *USA *2001" "^revoked *USA *2002 .*misconduct - case 17" "^missing *DEU *3001"; do
    grep -Eq "$want" out.txt || fail "table lacks /$want/: $(cat out.txt)"
done
grep -Eq "^  all +6 +2 +1 +0 +1 +1 +1$" out.txt || fail "totals: $(cat out.txt)"
grep -q "Status list: authority .* version 2" out.txt || fail "no status list age"

expect_rc 0 certctl report --roster roster.csv --until 2026-09-30 --csv
grep -q '^4,NOR,1003,"Nordmann, Kari",,2nd,military,certified,2027-05-01,' out.txt || fail "csv: $(cat out.txt)"
grep -q '^7,USA,2002,Bad Apple,,HQ,military,revoked,.*,misconduct,case 17,' out.txt || fail "csv revoked"
[ "$(grep -c '' out.txt)" = 7 ] || fail "csv has $(grep -c '' out.txt) lines"

expect_rc 0 certctl report --roster roster.csv --until 2026-09-30 --json
python3 - <<'P'
import json
r = json.load(open("out.txt"))
states = {p["id"]: p["state"] for p in r["people"]}
assert states == {"1001": "expired", "1002": "expiring", "1003": "certified", "2001": "certified",
                  "2002": "revoked", "3001": "missing"}, states
bad = [p for p in r["people"] if p["id"] == "2002"][0]
assert bad["reason"] == "misconduct" and bad["note"] == "case 17", bad
assert r["totals"]["nation"]["NOR"]["people"] == 3
assert r["totals"]["unit"]["HQ"]["missing"] == 1
assert r["totals"]["category"]["contractor"]["certified"] == 1
assert [p["line"] for p in r["problems"]] == [9, 10], r["problems"]
assert r["status_lists"][0]["version"] == 2
P

# --within instead of --until: nobody's certificate ends within 10 days.
expect_rc 0 certctl report --roster roster.csv --within 10 --csv
grep -q "expiring" out.txt && fail "--within 10 still reports expiring"
expect_rc 2 certctl report --roster roster.csv --until 2026-09-30 --within 3
expect_rc 2 certctl report
echo "ok"
