#!/usr/bin/env bash
# test_cli_store: certctl issue --paper, list, export and audit as a user would run them —
# and audit after the store was altered behind the tool's back with the sqlite3 CLI.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
t="$(mktemp -d)"
full=""
cleanup() {
    [ -n "$full" ] && umount "$full" 2>/dev/null
    rm -rf "$t"
}
trap cleanup EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# Runs SQL on a store as an insider: the append-only triggers dropped first.
tamper() { # STORE SQL
    sqlite3 "$1" "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;
                  DROP TRIGGER checkpoints_no_update; DROP TRIGGER checkpoints_no_delete; $2" \
        || fail "sqlite3 could not tamper with $1"
}

paper() { # HOME NAME NUMBER
    certctl issue --paper --home "$1" --recorded-by "Capt. Admin" --name "$2" --nation NOR \
        --service-number "$3" --category military --unit "2 Bn" --form-ref "F-$3"
}

certctl kiosk init --home H --kiosk-id DEMO-KIOSK-01 --operator "Demo Contingent" >/dev/null \
    || fail "kiosk init"

# --- usage errors and help --------------------------------------------------------------------
for verb in issue audit list export; do
    expect 0 "usage: certctl $verb" certctl "$verb" --help
done
expect 2 "--recorded-by" certctl issue --paper --home H --name A --nation NOR \
    --service-number 1 --category military
expect 2 "only --paper" certctl issue --home H --recorded-by A --csv x.csv
expect 2 "either --csv" certctl issue --paper --home H --recorded-by A --csv x.csv --name A
expect 2 "not a date" certctl issue --paper --home H --recorded-by A --name A --nation NOR \
    --service-number 1 --category military --signed-on 2026-02-30
expect 2 "--home HOME, or --store" certctl audit
expect 2 "not a kiosk home" certctl audit --home "$t/nowhere"

# --- a single paper certificate ---------------------------------------------------------------
out="$(paper H "Kari Nordmann" 123456 2>err.txt)" || fail "issue --paper: $(cat err.txt)"
grep -qE '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~([A-Za-z0-9_-]+~)+$' <<<"$out" ||
    fail "not an SD-JWT with disclosures: $out"
# The issuer-signed part holds no service number, unit or evidence in clear.
payload="$(cut -d~ -f1 <<<"$out" | cut -d. -f2 | tr '_-' '/+')"
while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done
base64 -d <<<"$payload" | grep -qE '123456|2 Bn|recordedBy' && fail "claims in clear: $(base64 -d <<<"$payload")"
base64 -d <<<"$payload" | grep -q '"name":"Kari Nordmann"' || fail "the name is not in clear"
# Its disclosures, processed, say paper, recordedBy and the log index.
printf '%s\n' "$out" >paper1.sdjwt
certctl show --json paper1.sdjwt | python3 -c '
import json, sys
p = json.load(sys.stdin)["payload"]
ack = [e for e in p["evidence"] if e["type"] == "CodeOfConductAcknowledgement"][0]
assert ack["method"] == "paper" and ack["recordedBy"] == "Capt. Admin", ack
assert ack["logIndex"] == 1, ack
assert p["credentialSubject"]["serviceRecord"] == {"serviceNumber": "123456", "unit": "2 Bn"}, p
' || fail "the certificate does not say paper, recordedBy and its log index"
# An invalid nation is refused and nothing is logged.
expect 2 "nation" certctl issue --paper --home H --recorded-by A --name A --nation NORWAY \
    --service-number 1 --category military

# --- CSV: bad rows named by line, good rows issued ----------------------------------------------
printf 'name,nation,id,category,rank\nOla Normann,NOR,111,military,Sgt\nNo Number,NOR,,military,\nJane Doe,USA,222,civilian,\nPirate,NOR,333,pirate,\n' > people.csv
expect 1 "line 3" certctl issue --paper --home H --recorded-by Admin --csv people.csv
grep -qF "line 5" <<<"$out" || fail "the bad category on line 5 is not named: $out"
grep -qF "issued DEMO-KIOSK-01-000003" <<<"$out" || fail "good rows were not issued: $out"
grep -qF "2 row(s) of people.csv refused" <<<"$out" || fail "no summary: $out"

# --- list ----------------------------------------------------------------------------------
expect 0 "DEMO-KIOSK-01-000003" certctl list --home H
grep -qF "Kari" <<<"$out" && fail "list shows a name"
expect 0 "index,time,type,serial,nation,category,valid_until" certctl list --home H --csv
n=$(certctl list --home H --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 3 ] || fail "list --json has $n certificates, expected 3"

# --- audit and export of a sound log -----------------------------------------------------------
expect 0 "audit ok: kiosk DEMO-KIOSK-01, 4 entries, 3 certificates" certctl audit --home H
expect 0 "first audit" certctl audit --home H --state-dir "$t/state2"
expect 0 '"result": "ok"' certctl audit --home H --json
expect 0 "audit ok" certctl audit --store H/store.db --kiosk-key H/kiosk.jwk --no-witness
expect 0 "exported DEMO-KIOSK-01: 3 certificate(s)" certctl export --home H --out export.json
python3 - export.json <<'PY' || fail "export.json is not what the registry expects"
import json, sys, hashlib, base64
# JSON Lines: the header, then every entry exactly as the kiosk stored it, one per line.
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "the last line ends with a newline"
e = json.loads(lines[0])
log = [line.decode() for line in lines[1:-1]]
assert e["format"] == "certkiosk-export/2" and e["size"] == len(log) == 4
assert "log" not in e and "certificates" not in e
assert all(json.dumps(json.loads(b), separators=(",", ":"), ensure_ascii=False) == b for b in log)
assert len([b for b in log if "jws" in json.loads(b)]) == 3
assert e["kiosk_jwk"]["kiosk_id"] == "DEMO-KIOSK-01"
# Recompute the RFC 6962 root from the exported bodies and compare with the checkpoint.
def mth(l):
    if len(l) == 1: return l[0]
    k = 1
    while k * 2 < len(l): k *= 2
    return hashlib.sha256(b"\x01" + mth(l[:k]) + mth(l[k:])).digest()
leaves = [hashlib.sha256(b"\x00" + b.encode()).digest() for b in log]
lines = e["checkpoint"].split("\n")
assert lines[1] == "4" and base64.b64decode(lines[2]) == mth(leaves)
PY
[ "$(stat -c %a export.json)" = 600 ] || fail "export.json is not mode 0600"
cp H/store.db old-store.db      # a copy for the rollback case below

# --- tampering: each caught, the entry named ----------------------------------------------------
cp -r H T1
tamper T1/store.db "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), 'cert.paper', 'cert.papes') AS BLOB) WHERE idx = 2"
expect 1 "entry 2 (serial DEMO-KIOSK-01-000002): body does not match its leaf hash" \
    certctl audit --home T1 --no-witness
cp -r H T2
tamper T2/store.db "DELETE FROM entries WHERE idx = 1"
expect 1 "entry 1" certctl audit --home T2 --no-witness
grep -qF "missing" <<<"$out" || fail "a deleted entry is not called missing: $out"
cp -r H T3
tamper T3/store.db "UPDATE entries SET idx = -1 WHERE idx = 1; UPDATE entries SET idx = 1 WHERE idx = 3; UPDATE entries SET idx = 3 WHERE idx = -1"
expect 1 "entry 1 (serial DEMO-KIOSK-01-000003)" certctl audit --home T3 --no-witness
cp -r H T4
tamper T4/store.db "UPDATE checkpoints SET note = replace(note, char(10) || '4' || char(10), char(10) || '5' || char(10)) WHERE size = 4"
expect 1 "entry 3" certctl audit --home T4 --no-witness
expect 1 '"result": "tampered"' certctl audit --home T4 --no-witness --json
printf 'SQLite format 3\0 but not really a database at all ..............................' > garbage.db
expect 2 "not a certkiosk store" certctl audit --store garbage.db --kiosk-key H/kiosk.jwk
sqlite3 foreign.db "CREATE TABLE photos(id INTEGER PRIMARY KEY)"
expect 2 "not a certkiosk store" certctl audit --store foreign.db --kiosk-key H/kiosk.jwk
expect 1 "entry 2 (serial DEMO-KIOSK-01-000002)" certctl export --home T1 --out bad-export.json
[ -e bad-export.json ] && fail "a tampered log was exported"

# --- the witness: truncate-and-continue, and rollback to an older copy --------------------------
paper H "Ola Nordmann" 777 >/dev/null 2>&1 || fail "issue"
expect 0 "consistent with the checkpoint of 4 entries" certctl audit --home H
cp -r H W
tamper W/store.db "DELETE FROM entries WHERE idx >= 2; DELETE FROM checkpoints WHERE size > 2"
sqlite3 W/store.db "$(sqlite3 H/store.db "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'")"
for i in 1 2 3 4; do paper W "Someone Else" "90$i" >/dev/null 2>&1 || fail "issue on W"; done
expect 0 "audit ok" certctl audit --home W --no-witness
expect 1 "not consistent with the checkpoint of 5 entries" certctl audit --home W
cp old-store.db H/store.db
expect 1 "older copy" certctl audit --home H
expect 1 '"result": "rollback"' certctl audit --home H --json

# --- a full disk: the certificate is refused, nothing earlier is lost ---------------------------
mkdir -p "$t/full"
if mount -t tmpfs -o size=600k tmpfs "$t/full" 2>/dev/null; then
    full="$t/full"
    certctl kiosk init --home "$full/K" --kiosk-id FULL-KIOSK >/dev/null || fail "init on tmpfs"
    paper "$full/K" "First Person" 1 >/dev/null 2>&1 || fail "issue on tmpfs"
    dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null
    rc=0
    for i in $(seq 2 40); do
        paper "$full/K" "Person $i" "$i" >/dev/null 2>"$t/full.err" || { rc=$?; break; }
    done
    [ "$rc" -eq 2 ] || fail "issue on a full disk exited $rc: $(cat "$t/full.err")"
    grep -qiE "full|space" "$t/full.err" || fail "no disk-full message: $(cat "$t/full.err")"
    rm -f "$full/filler"
    expect 0 "audit ok" certctl audit --home "$full/K" --no-witness
    n=$(certctl list --home "$full/K" --csv | tail -n +2 | wc -l)
    [ "$n" -ge 1 ] || fail "certificates issued before the disk filled are gone"
else
    echo "note: cannot mount a tmpfs here; the full-disk case runs in test_store only"
fi

echo "test_cli_store: all passed"
