#!/usr/bin/env bash
# test_cli_sdjwt_interop: certificates and QR presentations checked by an independent SD-JWT
# implementation (npm @sd-jwt/core and @sd-jwt/sd-jwt-vc), their claims expanded with jsonld.js
# against the shipped context (served from assets/contexts, never fetched) with no term dropped,
# and the issuer-signed JWT checked by python3-jwcrypto (tests/cli/jose_check.py).
# The npm packages are installed once into $CK_BIN/npm-interop (versions pinned; they run on
# Debian 12's nodejs 18 as on newer ones).
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
. "$CK_SRC/tests/cli/lib.sh" # fail, expect
MKCERT="$CK_BIN/tests/ck_mkcert"
CTX="$CK_SRC/assets/contexts/certkiosk-v1.jsonld"
PKGS=(@sd-jwt/core@0.15.0 @sd-jwt/sd-jwt-vc@0.15.1 jsonld@9.0.0 @digitalbazaar/credentials-context@3.2.0)

command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed (kiosk/setup.sh installs nodejs and npm)"
nm="$CK_BIN/npm-interop/node_modules"
if [ "$(cat "$CK_BIN/npm-interop/stamp" 2>/dev/null)" != "${PKGS[*]}" ]; then
    rm -rf "$CK_BIN/npm-interop"
    mkdir -p "$CK_BIN/npm-interop"
    (cd "$CK_BIN/npm-interop" && npm install --no-audit --no-fund --no-save --loglevel=error \
        "${PKGS[@]}" >npm.log 2>&1) || fail "npm install failed: $(tail -5 "$CK_BIN/npm-interop/npm.log")"
    echo "${PKGS[*]}" >"$CK_BIN/npm-interop/stamp"
fi
check() { # CERT: the independent verdict as one JSON line in $out, exit code in $rc
    out="$(node "$CK_SRC/tests/cli/sdjwt_check.cjs" "$nm" "$CTX" home/kiosk.jwk "$1" 2>&1)"
    rc=$?
}
field() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]]))' "$out" "$1"; }

export CERTKIOSK_NOW=2026-03-01T00:00:00Z
echo "s3cret passphrase" >pass
chmod 600 pass
certctl authority create --out auth --name "Test authority" --passphrase-file pass >/dev/null ||
    fail "authority create"
certctl kiosk init --home home --kiosk-id KIOSK-1 --operator "Demo Contingent" >/dev/null || fail "kiosk init"
certctl kiosk endorse --authority auth --home home --days 365 --passphrase-file pass >/dev/null ||
    fail "kiosk endorse"
certctl trust export --home home --out trust.jwks >/dev/null || fail "trust export"
export CERTKIOSK_NOW=2026-04-01T00:00:00Z

# --- a full certificate as the kiosk signs it (every evidence kind) ---------------------------
"$MKCERT" home "Ola Nordmann" NOR 15038510190 7 2026-03-02T10:00:00Z 2027-03-02T10:00:00Z kiosk \
    >full.sdjwt || fail "ck_mkcert"
check full.sdjwt
[ "$rc" = 0 ] || fail "@sd-jwt refused the full certificate: $out"
[ "$(field disclosed)" = '["serviceNumber", "rank", "unit", "operation", "evidence"]' ] ||
    fail "full certificate: disclosed $(field disclosed)"
[ "$(field jsonld)" = '"ok"' ] || fail "JSON-LD: $out"
python3 - "$out" <<'PY' || fail "the independent reading of the full certificate differs: $out"
import json, sys
r = json.loads(sys.argv[1]); c = r["claims"]
assert r["kid"].startswith("urn:certkiosk:kiosk:KIOSK-1#") and r["id"] == "urn:certkiosk:KIOSK-1-000007"
assert c["credentialSubject"]["serviceRecord"]["serviceNumber"] == "15038510190"
types = sorted(e["type"] for e in c["evidence"])
assert types == ["CodeOfConductAcknowledgement", "QuizResult", "TrainingConfirmation"], types
ack = [e for e in c["evidence"] if e["type"] == "CodeOfConductAcknowledgement"][0]
assert ack["clauses"] == ["urn:certkiosk:bundle:int.nato.cthb#c1", "urn:certkiosk:bundle:no.forsvaret.cthb#c1"]
quiz = [e for e in c["evidence"] if e["type"] == "QuizResult"][0]
assert quiz["choiceOrder"] == [{"question": "urn:certkiosk:bundle:int.nato.cthb#q1", "order": [2, 0, 1]}]
assert r["expandedTerms"] >= 25, r["expandedTerms"]
PY
expect 0 "jwcrypto: accepted urn:certkiosk:KIOSK-1-000007" /usr/bin/python3 "$CK_SRC/tests/cli/jose_check.py" home/kiosk.jwk full.sdjwt

# --- the QR's presentation: the issuer-signed JWT, nothing disclosed --------------------------
printf '%s~\n' "$(cut -d~ -f1 full.sdjwt)" >qr.sdjwt
check qr.sdjwt
[ "$rc" = 0 ] || fail "@sd-jwt refused the presentation: $out"
[ "$(field disclosed)" = '[]' ] || fail "presentation: disclosed $(field disclosed)"
[ "$(field withheld)" = '["serviceNumber", "rank", "unit", "operation", "evidence"]' ] ||
    fail "presentation: withheld $(field withheld)"
grep -q 15038510190 <<<"$out" && fail "the presentation shows the service number: $out"
[ "$(field jsonld)" = '"ok"' ] || fail "JSON-LD of the presentation: $out"
expect 0 "[presentation: claims withheld]" certctl verify --trust trust.jwks qr.sdjwt
expect 0 "withheld     serviceNumber, rank, unit, operation, evidence" certctl show qr.sdjwt

# --- a presentation a bundle could allow: the rank (and the serviceRecord it sits in) ----------
python3 - full.sdjwt >rank.sdjwt <<'PY'
import base64, json, sys
parts = open(sys.argv[1]).read().strip().split("~")
name = lambda d: (lambda a: a[1] if len(a) == 3 else None)(json.loads(base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))))
keep = [d for d in parts[1:-1] if name(d) in ("serviceRecord", "rank")]
print("~".join([parts[0]] + keep) + "~")
PY
check rank.sdjwt
[ "$rc" = 0 ] && [ "$(field disclosed)" = '["rank"]' ] || fail "rank presentation: $out"
expect 0 "disclosed    name, nation, category, validity, serial, issuer, status, rank" certctl show rank.sdjwt

# --- a paper certificate from certctl issue (paperSignedOn, recordedBy) ------------------------
certctl issue --paper --home home --recorded-by "Capt. Admin" --name "Kari Nordmann" --nation NOR \
    --service-number 01017012345 --category military --unit "2 Bn" --signed-on 2026-03-30 \
    >paper.sdjwt 2>/dev/null || fail "issue --paper"
check paper.sdjwt
[ "$rc" = 0 ] && [ "$(field jsonld)" = '"ok"' ] || fail "paper certificate: $out"
grep -qF '"paperSignedOn":"2026-03-30"' <<<"$out" || fail "the form's date is not its own evidence field: $out"

# --- hostile: both implementations refuse what is altered -------------------------------------
python3 - full.sdjwt >forged.sdjwt <<'PY'
import base64, json, sys
parts = open(sys.argv[1]).read().strip().split("~")
d = base64.urlsafe_b64encode(json.dumps(["c2FsdHNhbHRzYWx0c2FsdA", "rank", "General"]).encode()).decode().rstrip("=")
print("~".join([parts[0], d]) + "~")
PY
check forged.sdjwt
# @sd-jwt/core 0.15 ignores a disclosure no digest references (RFC 9901 §7.1 says reject, as
# certctl does): it must at least never show the forged claim.
grep -q General <<<"$out" && fail "@sd-jwt shows a disclosure the issuer never made: $out"
expect 1 "not referenced by any digest" certctl verify --trust trust.jwks forged.sdjwt
python3 - full.sdjwt >renamed.sdjwt <<'PY'
import base64, json, sys
parts = open(sys.argv[1]).read().strip().split("~")
h, p, s = parts[0].split(".")
pl = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
pl["credentialSubject"]["name"] = "Mallory"
p = base64.urlsafe_b64encode(json.dumps(pl, separators=(",", ":")).encode()).decode().rstrip("=")
print("~".join([".".join([h, p, s])] + parts[1:]))
PY
check renamed.sdjwt
[ "$rc" = 1 ] || fail "@sd-jwt accepted an altered name: $out"
expect 1 "signature" certctl verify --trust trust.jwks renamed.sdjwt
expect 1 "jwcrypto: rejected" /usr/bin/python3 "$CK_SRC/tests/cli/jose_check.py" home/kiosk.jwk renamed.sdjwt
echo "ok: @sd-jwt, jsonld.js and jwcrypto agree"
