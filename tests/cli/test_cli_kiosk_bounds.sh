#!/usr/bin/env bash
# test_cli_kiosk_bounds: "An off-log certificate verifies" (issue 11). Whoever holds a kiosk key
# can sign any certificate; what the authority's endorsement allows (the longest validity, the
# nations), the log the registry witnessed, and a signed kiosk-key revocation bound what such a
# certificate is worth — and genuine certificates of the kiosk stay valid.
set -uo pipefail
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state" CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE
MKCERT="$CK_BIN/tests/ck_mkcert"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
now="$(date -u +%s)"
echo "a long enough test passphrase" >pass.txt
pass=(--passphrase-file pass.txt)
certctl authority create --out A --name "TEST authority" "${pass[@]}" >/dev/null 2>&1 ||
    fail "authority create"
certctl kiosk init --home H --kiosk-id BOUND-01 --operator "Bounds" >/dev/null 2>&1 ||
    fail "kiosk init"
expect 2 "--max-validity-days must be" certctl kiosk endorse --authority A --home H \
    --max-validity-days 0 "${pass[@]}"
expect 2 "is not a nation code" certctl kiosk endorse --authority A --home H --nations NOR,nor \
    "${pass[@]}"
expect 0 "for certificates of at most 400 days, of NOR, USA" certctl kiosk endorse \
    --authority A --home H --days 365 --max-validity-days 400 --nations USA,NOR "${pass[@]}"
certctl trust export --home H --out trust.jwks >/dev/null 2>&1 || fail "trust export"

# --- the endorsement bounds what the key may sign --------------------------------------------
sleep 1 # validFrom inside the endorsement's window, which began at endorse time
now="$(date -u +%s)"
from="$(iso "$now")"
"$MKCERT" H "Eve Forger" NOR 1 999999 "$from" 2100-01-01T00:00:00Z >long.jws || fail "mkcert"
expect 1 "endorsed for certificates of at most 400 days" certctl verify --trust trust.jwks long.jws
grep -qF 'kiosk endorsement' <<<"$out" || fail "not refused at the endorsement step: $out"
"$MKCERT" H "Sven Forger" SWE 2 999998 "$from" "$(iso $((now + 300 * 86400)))" >swe.jws
expect 1 "endorsed to certify NOR, USA only, not SWE" certctl verify --trust trust.jwks swe.jws
# Issuing enforces the same: nothing is signed or logged beyond the bounds.
expect 1 "at most 400 days" certctl issue --paper --home H --recorded-by "Capt. A" --name Ann \
    --nation NOR --service-number 7 --category military --days 500
expect 1 "not SWE" certctl issue --paper --home H --recorded-by "Capt. A" --name Ann \
    --nation SWE --service-number 7 --category military
certctl issue --paper --home H --recorded-by "Capt. A" --name "Ann Genuine" --nation NOR \
    --service-number 7 --category military >good.jws 2>err.txt || fail "issue: $(cat err.txt)"
[ "$(certctl list --home H --csv | wc -l)" = 2 ] || fail "a refused certificate was logged"
expect 0 "VALID" certctl verify --trust trust.jwks good.jws

# --- verify --registry: the certificate must be in a log the registry witnessed --------------
certctl export --home H --out h1.json >/dev/null 2>&1 || fail "export"
certctl import --registry "$t/reg" --trust trust.jwks h1.json >/dev/null 2>err.txt ||
    fail "import: $(cat err.txt)"
expect 0 "witnessed log" certctl verify --trust trust.jwks --registry "$t/reg" good.jws
grep -qE "ok +witnessed log +entry 1 of kiosk BOUND-01's log, witnessed at 2 entries" <<<"$out" ||
    fail "the witnessed-log step is not shown: $out"
expect 0 "no registry given" certctl verify --trust trust.jwks good.jws
# Within the bounds but never logged: valid by signature alone, refused with the registry.
"$MKCERT" H "Off Log" NOR 3 999999 "$from" "$(iso $((now + 300 * 86400)))" >offlog.jws
expect 0 "VALID" certctl verify --trust trust.jwks offlog.jws
expect 1 "is in no log the registry witnessed" certctl verify --trust trust.jwks \
    --registry "$t/reg" offlog.jws
# The serial of a genuine entry on another certificate.
"$MKCERT" H "Ann Forged" NOR 7 1 "$from" "$(iso $((now + 300 * 86400)))" >samesn.jws
expect 1 "another certificate with the same serial" certctl verify --trust trust.jwks \
    --registry "$t/reg" samesn.jws

# --- the kiosk key given up: a signed statement, certificates judged by the witnessed log ------
expect 2 "unknown reason" certctl kiosk revoke --authority A --kiosk-id BOUND-01 --since now \
    --reason stolen --registry "$t/reg" "${pass[@]}"
sleep 1
expect 0 "its 2 entries the registry witnessed stay valid" certctl kiosk revoke --authority A \
    --kiosk-id BOUND-01 --since now --reason key_compromise --registry "$t/reg" "${pass[@]}"
expect 0 "kiosk BOUND-01 key" certctl status show A/status.jws
grep -qF "its first 2 log entries stay valid" <<<"$out" || fail "status show: $out"
sleep 1
after="$(iso "$(date -u +%s)")"
# Signed after the revocation: refused with or without a registry.
"$MKCERT" H "After Theft" NOR 4 999997 "$after" "$(iso $((now + 300 * 86400)))" >after.jws
expect 1 "this certificate was issued after" certctl verify --trust trust.jwks \
    --status A/status.jws after.jws
# Backdated by the thief: without a registry it passes as the certificate claims (and says so);
# the witnessed log refuses it.
expect 0 "as the certificate says" certctl verify --trust trust.jwks --status A/status.jws \
    offlog.jws
expect 1 "is in no log the registry witnessed" certctl verify --trust trust.jwks \
    --status A/status.jws --registry "$t/reg" offlog.jws
# The genuine certificate logged before: still valid, the witnessed log says why.
expect 0 "entry 1 of the log witnessed before then" certctl verify --trust trust.jwks \
    --status A/status.jws --registry "$t/reg" good.jws
# A certificate the stolen kiosk logs after the revocation, imported later: beyond the
# witnessed entries, refused although its log is genuine and its validFrom is backdated.
CERTKIOSK_NOW="$from" certctl issue --paper --home H --recorded-by "Capt. A" --name "Late Entry" \
    --nation NOR --service-number 8 --category military >late.jws 2>err.txt ||
    fail "issue late: $(cat err.txt)"
certctl export --home H --out h2.json >/dev/null 2>&1 || fail "export 2"
certctl import --registry "$t/reg" --trust trust.jwks h2.json >/dev/null 2>err.txt ||
    fail "import 2: $(cat err.txt)"
expect 1 "beyond the 2 entries witnessed before then" certctl verify --trust trust.jwks \
    --status A/status.jws --registry "$t/reg" late.jws
expect 0 "VALID" certctl verify --trust trust.jwks --status A/status.jws --registry "$t/reg" \
    good.jws

echo "test_cli_kiosk_bounds: all passed"
