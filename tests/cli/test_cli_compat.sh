#!/usr/bin/env bash
# test_cli_compat: the log, export and certificates of the first release (format 1: compact JWS
# "vc+jwt", tests/fixtures/v1-store, made by tests/fixtures/make_v1_store.sh with that release)
# still audit, verify, import and report with this one; and a kiosk upgraded in place goes on
# issuing format-2 certificates into the same log, which still audits, exports and imports.
set -uo pipefail
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
. "$CK_SRC/tests/cli/lib.sh" # fail, expect
fx="$CK_SRC/tests/fixtures/v1-store"
export CERTKIOSK_STATE_DIR="$t/state"
# The time the fixture was made: its endorsements and certificates are valid then.
CERTKIOSK_NOW="$(cat "$fx/NOW")"
export CERTKIOSK_NOW

cp -r "$fx/home" home
chmod 700 home
chmod 600 home/*
expect 0 "audit ok: kiosk DEMO-KIOSK-01, 8 entries, 3 certificates" certctl audit --home home
expect 0 "3 valid, 0 invalid" certctl verify --trust home/trust.jwks "$fx/certs.txt"
[ "$(grep -c '\[certificate, format 1\]' <<<"$out")" = 3 ] || fail "verify does not say format 1: $out"
grep -qF "vc+jwt certificate DEMO-KIOSK-01-000005" <<<"$out" || fail "no format step detail: $out"
head -1 "$fx/certs.txt" >one.jws
expect 0 "format 1 (vc+jwt" certctl show one.jws
grep -qF "service number 15038510190" <<<"$out" || fail "show lost the service number: $out"
# A format-1 certificate has nothing to withhold: no presentation can be cut from it.
expect 0 '"form": "v1"' certctl show --json one.jws
# Import into a registry, and the roster report matches nation + service number as before.
expect 0 "3 certificates, 3 new" certctl import --trust home/trust.jwks --registry reg "$fx/export.json"
expect 0 "certified NOR    01017012345" certctl report --roster "$fx/roster.csv" --registry reg
grep -qE '^certified USA +123456789 ' <<<"$out" || fail "USA person not certified: $out"
grep -qE '^missing +NOR +99 ' <<<"$out" || fail "the missing person is not missing: $out"
# Export again from the old store: the same certificates, byte for byte.
expect 0 "exported DEMO-KIOSK-01: 3 certificate(s)" certctl export --home home --out again.json
python3 - "$fx/export.json" again.json <<'PY' || fail "re-export differs from the v1 export"
import json, sys
a = json.load(open(sys.argv[1]))  # format 1: one document
b = open(sys.argv[2]).read().split("\n")  # format 2: a header line, then one entry per line
assert json.loads(b[0])["format"] == "certkiosk-export/2"
assert a["log"] == b[1:-1]
assert [c["jws"] for c in a["certificates"]] == [json.loads(x)["jws"] for x in b[1:-1] if "jws" in x]
PY
# A format-1 certificate altered in one byte of its payload fails at "signature".
python3 - one.jws >bad.jws <<'PY'
import sys
h, p, s = open(sys.argv[1]).read().strip().split(".")
i = len(p) // 2
print(h + "." + p[:i] + ("A" if p[i] != "A" else "B") + p[i + 1:] + "." + s)
PY
expect 1 "INVALID" certctl verify --trust home/trust.jwks bad.jws

# --- the kiosk upgraded in place: its log goes on with format-2 certificates -------------------
certctl issue --paper --home home --recorded-by "Capt. Admin" --name "Per Hansen" --nation NOR \
    --service-number 02029912345 --category civilian >new.sdjwt 2>/dev/null || fail "issue on the v1 home"
grep -q '~$' new.sdjwt || fail "the upgraded kiosk did not issue an SD-JWT"
expect 0 "audit ok: kiosk DEMO-KIOSK-01, 9 entries, 4 certificates" certctl audit --home home
expect 0 "exported DEMO-KIOSK-01: 4 certificate(s)" certctl export --home home --out mixed.json
jq -r 'select(.jws) | .jws' mixed.json >mixed.txt # after the header line, one entry per line
expect 0 "4 valid, 0 invalid" certctl verify --trust home/trust.jwks mixed.txt
[ "$(grep -c '\[certificate, format 1\]' <<<"$out")" = 3 ] || fail "mixed log: not 3 format-1: $out"
[ "$(grep -c '\[full certificate\]' <<<"$out")" = 1 ] || fail "mixed log: no full SD-JWT: $out"
# The registry that witnessed the v1 log takes its continuation, and reports the new person.
expect 0 "1 new" certctl import --trust home/trust.jwks --registry reg mixed.json
grep -qF "consistent with what the registry witnessed" <<<"$out" || fail "import: $out"
printf 'id,nation,name\n02029912345,NOR,Per Hansen\n01017012345,NOR,Kari Nordmann\n' >roster2.csv
expect 0 "certified NOR    02029912345" certctl report --roster roster2.csv --registry reg
grep -qE '^certified NOR +01017012345 ' <<<"$out" || fail "the v1 person is no longer certified: $out"
echo "ok: format-1 store, export and certificates, and the same log continued in format 2"
