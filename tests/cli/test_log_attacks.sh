#!/usr/bin/env bash
# test_log_attacks: attacks on a kiosk's log that test_cli_store.sh and test_audit.c do not
# make — the insider who holds the kiosk key and re-signs a rewritten history, a store swapped
# for another kiosk's sound one, a flipped bit in a checkpoint signature, a dropped latest
# checkpoint, a tail cut off without continuing. Each caught by `certctl audit`, naming the
# entry where the log alone can show it, and by the witness where only history can.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
insider="$CK_BIN/tests/ck_insider"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# Runs SQL on a store as an insider without the key: the append-only triggers dropped first,
# and put back after, so only the log itself can give the change away.
tamper() { # STORE SQL
    local trig
    trig="$(sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'")"
    sqlite3 "$1" "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;
                  DROP TRIGGER checkpoints_no_update; DROP TRIGGER checkpoints_no_delete; $2;
                  $trig" || fail "sqlite3 could not tamper with $1"
}

paper() { # HOME NAME NUMBER
    certctl issue --paper --home "$1" --recorded-by "Capt. Admin" --name "$2" --nation NOR \
        --service-number "$3" --category military
}

[ -x "$insider" ] || fail "no $insider"
certctl kiosk init --home H --kiosk-id ATTACK-KIOSK-01 >/dev/null || fail "kiosk init"
for i in 1 2 3 4 5; do paper H "Person $i" "10$i" >/dev/null 2>&1 || fail "issue $i"; done
expect 0 "first audit" certctl audit --home H
cp -r H pristine

# --- the insider with the kiosk key rewrites a certificate and re-signs everything ------------
cp -r pristine R
"$insider" R 3 "Somebody Else" >/dev/null || fail "ck_insider"
# The log alone is sound again: every signature is the kiosk's own. This is why a witness exists.
expect 0 "audit ok" certctl audit --home R --no-witness
grep -qF "Somebody Else" <<<"$(sqlite3 R/store.db "SELECT body FROM entries WHERE idx = 3" |
    python3 -c 'import sys,json,base64; p=json.load(sys.stdin)["jws"].split(".")[1]; print(base64.urlsafe_b64decode(p+"="*(-len(p)%4)).decode())')" ||
    fail "ck_insider did not rewrite the certificate"
# The witness remembers the tree of H (same kiosk) and sees the rewritten history.
rm -rf H && cp -r R H
expect 1 "not consistent with the checkpoint of 6 entries" certctl audit --home H
expect 1 '"result": "tampered"' certctl audit --home H --json
# ...and still after the insider carries on issuing on top of the rewrite.
paper H "Person 6" 106 >/dev/null 2>&1 || fail "issue on the rewritten log"
expect 1 "not consistent" certctl audit --home H
rm -rf H && cp -r pristine H
expect 0 "consistent with the checkpoint of 6 entries" certctl audit --home H

# --- a store swapped for another kiosk's sound store -------------------------------------------
certctl kiosk init --home O --kiosk-id ATTACK-KIOSK-01 >/dev/null || fail "init O"
for i in 1 2 3 4 5 6 7; do paper O "Other $i" "20$i" >/dev/null 2>&1 || fail "issue on O"; done
cp -r pristine S
cp O/store.db S/store.db
expect 1 "entry 0" certctl audit --home S --no-witness

# --- one flipped bit in the latest checkpoint's signature ----------------------------------------
cp -r pristine B
python3 - B/store.db <<'PY' || fail "could not flip a bit"
import base64, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
size, note = con.execute("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
lines = note.split("\n")
dash, name, sig = lines[4].split(" ")
raw = bytearray(base64.b64decode(sig))
raw[10] ^= 0x01
lines[4] = " ".join([dash, name, base64.b64encode(bytes(raw)).decode()])
trig = [r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
con.execute("DROP TRIGGER checkpoints_no_update")
con.execute("UPDATE checkpoints SET note = ? WHERE size = ?", ("\n".join(lines), size))
con.execute([s for s in trig if "checkpoints_no_update" in s][0])
con.commit()
PY
expect 1 "entry 5 (serial ATTACK-KIOSK-01-000005)" certctl audit --home B --no-witness

# --- the latest checkpoint dropped: its entry is no longer covered -----------------------------
cp -r pristine C
tamper C/store.db "DELETE FROM checkpoints WHERE size = 6"
expect 1 "entry 5 (serial ATTACK-KIOSK-01-000005)" certctl audit --home C --no-witness

# --- the tail cut off, not continued: sound alone, a rollback to the witness --------------------
cp -r pristine T
tamper T/store.db "DELETE FROM entries WHERE idx >= 4; DELETE FROM checkpoints WHERE size > 4"
expect 0 "audit ok" certctl audit --home T --no-witness
expect 1 "older copy" certctl audit --home T
expect 1 '"result": "rollback"' certctl audit --home T --json

# --- two certificates swapped with their leaves and index columns, checkpoints untouched -------
cp -r pristine X
tamper X/store.db "UPDATE entries SET idx = -1 WHERE idx = 2; UPDATE entries SET idx = 2 WHERE idx = 4; UPDATE entries SET idx = 4 WHERE idx = -1"
expect 1 "entry 2 (serial ATTACK-KIOSK-01-000004)" certctl audit --home X --no-witness

# The witness state was never advanced by any refused audit: the pristine log still passes.
expect 0 "consistent with the checkpoint of 6 entries" certctl audit --home pristine
echo "test_log_attacks: all passed"
