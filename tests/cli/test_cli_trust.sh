#!/usr/bin/env bash
# test_cli_trust: certctl's authority, kiosk, publisher, trust, verify and show verbs, run as a
# user would — exit codes and messages, hostile certificates first-class.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
PY=/usr/bin/python3
MKCERT="$CK_BIN/tests/ck_mkcert"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# A certificate: issued with `certctl issue --paper` once that verb exists, else with the
# test-only signer (same library call, without the log).
mkcert() { # HOME NAME SERVICE INDEX FROM UNTIL
    "$MKCERT" "$1" "$2" NOR "$3" "$4" "$5" "$6" || fail "could not make a certificate"
}

# Rewrites the payload of a certificate (stdin) with a Python expression on `p` (a dict).
tamper() {
    "$PY" -c '
import base64, json, sys
h, p64, s = sys.stdin.read().strip().split(".")
pad = lambda x: x + "=" * (-len(x) % 4)
p = json.loads(base64.urlsafe_b64decode(pad(p64)))
exec(sys.argv[1])
enc = base64.urlsafe_b64encode(json.dumps(p, separators=(",", ":")).encode()).decode().rstrip("=")
print(h + "." + enc + "." + s)' "$1"
}

echo "s3cret passphrase" >pass
chmod 600 pass
echo "wrong passphrase" >wrong
export CERTKIOSK_NOW=2026-03-01T00:00:00Z

# ---- usage ----
expect 2 "needs --out DIR and --name NAME" certctl authority create --out auth
expect 0 "usage: certctl authority create" certctl authority create --help
expect 0 "usage: certctl verify" certctl verify --help
expect 2 "unknown kiosk command" certctl kiosk frobnicate

# ---- authority, kiosk, endorsement, trust ----
expect 0 "created authority" certctl authority create --out auth --name "Test HQ" \
    --passphrase-file pass
[ "$(stat -c %a auth/authority.key)" = 600 ] || fail "authority.key is not 0600"
grep -q '"d"' auth/authority.jwk && fail "the public JWK holds a private part"
expect 2 "already exists" certctl authority create --out auth --name X --passphrase-file pass
expect 2 "invalid kiosk ID" certctl kiosk init --home bad --kiosk-id "bad/id"
expect 0 "created kiosk home" certctl kiosk init --home home --kiosk-id KIOSK-1 --operator "Op 1"
[ "$(stat -c %a home/kiosk.key)" = 600 ] || fail "kiosk.key is not 0600"
[ -s home/store.db ] || fail "kiosk init made no store.db (the log with kiosk.created)"
expect 2 "not empty" certctl kiosk init --home home --kiosk-id KIOSK-1
expect 2 "wrong passphrase" certctl kiosk endorse --authority auth --home home \
    --passphrase-file wrong
chmod 644 home/kiosk.key
expect 2 "too open" "$MKCERT" home A NOR 1 1 2026-03-02 2027-03-02
chmod 600 home/kiosk.key
expect 2 "--until" certctl kiosk endorse --authority auth --home home --until 2020-01-01 \
    --passphrase-file pass
expect 0 "endorsed kiosk KIOSK-1" certctl kiosk endorse --authority auth --home home \
    --until 2026-12-31 --passphrase-file pass
[ -s home/endorsement.jws ] || fail "no endorsement.jws"
expect 0 "1 authorities, 1 kiosks" certctl trust export --home home --out trust.jwks
expect 2 "needs --home HOME or --authority DIR" certctl trust export

# ---- a publisher key, endorsed for one nation ----
"$PY" -c '
import hashlib, json, base64
from jwcrypto import jwk
k = json.loads(jwk.JWK.generate(kty="OKP", crv="Ed25519").export_public())
x = base64.urlsafe_b64decode(k["x"] + "==")
k.update(kid=hashlib.sha256(x).hexdigest()[:16], certkiosk_role="publisher")
print(json.dumps(k))' >pub.jwk || fail "could not make a publisher JWK"
expect 2 "not an ISO 3166-1 alpha-3" certctl publisher endorse --authority auth \
    --publisher pub.jwk --nation norway --home home --passphrase-file pass
expect 2 "holds a kiosk key, not a publisher key" certctl publisher endorse --authority auth \
    --publisher home/kiosk.jwk --nation NOR --home home --passphrase-file pass
expect 0 "for NOR" certctl publisher endorse --authority auth --publisher pub.jwk --nation NOR \
    --home home --days 30 --passphrase-file pass
expect 0 "1 publishers" certctl trust export --home home --out trust.jwks

# ---- certificates ----
export CERTKIOSK_NOW=2026-04-01T00:00:00Z
mkcert home "Kari Nordmann" 12345678 1 2026-03-02T10:00:00Z 2027-03-02T10:00:00Z >one.jws
expect 0 "1 valid, 0 invalid" certctl verify --trust trust.jwks one.jws
expect 0 "days left" certctl verify --trust trust.jwks one.jws
expect 0 "VALID" certctl verify --trust trust.jwks - <one.jws

# An independent JOSE implementation accepts the signature with the exported kiosk JWK.
expect 0 "jwcrypto: accepted urn:certkiosk:KIOSK-1-000001" "$PY" "$CK_SRC/tests/cli/jose_check.py" \
    home/kiosk.jwk one.jws

# Tampered: a changed name fails the signature step (and jwcrypto agrees).
tamper 'p["credentialSubject"]["name"] = "Mallory"' <one.jws >tampered.jws
expect 1 "failed at step \"signature\"" certctl verify --trust trust.jwks tampered.jws
expect 1 "0 valid, 1 invalid" certctl verify --trust trust.jwks tampered.jws
expect 1 "jwcrypto: rejected" "$PY" "$CK_SRC/tests/cli/jose_check.py" home/kiosk.jwk \
    tampered.jws

# Garbage, truncated, alg none, HS256.
echo "this is not a certificate" >garbage.jws
expect 1 "failed at step \"format\"" certctl verify --trust trust.jwks garbage.jws
head -c 120 one.jws >truncated.jws
expect 1 "failed at step \"format\"" certctl verify --trust trust.jwks truncated.jws
for alg in none HS256; do
    h="$(printf '{"alg":"%s","typ":"vc+jwt"}' "$alg" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
    cut -d. -f2- one.jws | sed "s/^/$h./" >"alg-$alg.jws"
    expect 1 "\"$alg\" is refused" certctl verify --trust trust.jwks "alg-$alg.jws"
done

# Expired, and checked before its validFrom.
CERTKIOSK_NOW=2027-06-01T00:00:00Z expect 1 "failed at step \"expiry\"" \
    certctl verify --trust trust.jwks one.jws
CERTKIOSK_NOW=2026-03-02T00:00:00Z expect 1 "failed at step \"not before\"" \
    certctl verify --trust trust.jwks one.jws

# Issued after the kiosk's endorsement ended.
mkcert home "Late Issue" 222 2 2027-01-15T00:00:00Z 2028-01-15T00:00:00Z >late.jws
CERTKIOSK_NOW=2027-02-01T00:00:00Z expect 1 "failed at step \"kiosk endorsement\"" \
    certctl verify --trust trust.jwks late.jws

# A kiosk nobody endorsed, and one endorsed by an authority the verifier does not pin.
export CERTKIOSK_NOW=2026-03-01T00:00:00Z
certctl kiosk init --home home2 --kiosk-id KIOSK-2 >/dev/null || fail "kiosk init home2"
certctl authority create --out rogue --name Rogue --passphrase-file pass >/dev/null ||
    fail "rogue authority"
export CERTKIOSK_NOW=2026-04-01T00:00:00Z
mkcert home2 "Ola Nordmann" 333 3 2026-03-02T10:00:00Z 2027-03-02T10:00:00Z >k2.jws
expect 1 "not in the trust file" certctl verify --trust trust.jwks k2.jws
CERTKIOSK_NOW=2026-03-01T00:00:00Z certctl kiosk endorse --authority rogue --home home2 \
    --passphrase-file pass >/dev/null || fail "rogue endorse"
"$PY" -c '
import json, sys
t = json.load(open("trust.jwks"))
k2 = [k for k in json.load(open("home2/trust.jwks"))["keys"] if k["certkiosk_role"] == "kiosk"]
t["keys"] += k2
json.dump(t, open("smuggled.jwks", "w"))' || fail "could not build smuggled.jwks"
expect 1 "not a pinned authority" certctl verify --trust smuggled.jwks k2.jws

# A hostile trust file is refused as a whole.
"$PY" -c '
import json
t = json.load(open("trust.jwks"))
t["keys"].append(t["keys"][1])
json.dump(t, open("dup.jwks", "w"))'
expect 2 "duplicate kid" certctl verify --trust dup.jwks one.jws
expect 2 "no such file" certctl verify --trust missing.jwks one.jws
expect 2 "needs --trust" certctl verify one.jws

# ---- many at once: comments, blanks, input order, parallel ----
{
    echo "# a batch"
    cat one.jws
    echo
    cat tampered.jws
    for i in $(seq 10 209); do
        mkcert home "Person $i" "$i" "$i" 2026-03-02T10:00:00Z 2027-03-02T10:00:00Z
    done
} >batch.txt
expect 1 "201 valid, 1 invalid" certctl verify --trust trust.jwks batch.txt
out="$(certctl verify --trust trust.jwks batch.txt 2>&1)"
lines="$(grep -oE '^batch.txt:[0-9]+:' <<<"$out" | cut -d: -f2 | tr '\n' ' ')"
[ "$(tr ' ' '\n' <<<"$lines" | sed '/^$/d' | sort -n | tr '\n' ' ')" = "$lines" ] ||
    fail "results are not in input order: $lines"
grep -q "^batch.txt:4: INVALID" <<<"$out" || fail "the tampered line 4 is not reported"

# --json: machine-readable, with every step.
certctl verify --trust trust.jwks --json one.jws tampered.jws >v.json
[ $? -eq 1 ] || fail "verify --json of a bad batch did not exit 1"
"$PY" -c '
import json
d = json.load(open("v.json"))
assert d["valid"] == 1 and d["invalid"] == 1, d
r0, r1 = d["results"]
assert r0["valid"] and r0["secondsLeft"] > 0 and r0["serial"] == "KIOSK-1-000001"
assert [s["step"] for s in r0["steps"]][:2] == ["format", "signature"]
assert not r1["valid"] and r1["steps"][1]["outcome"] == "failed"' || fail "bad --json output"

# ---- show ----
expect 0 "Kari Nordmann" certctl show one.jws
expect 0 "recorded by Test administrator" certctl show one.jws
expect 0 "not checked: give --trust" certctl show one.jws
expect 0 "VALID" certctl show --trust trust.jwks one.jws
expect 1 "FAIL signature" certctl show --trust trust.jwks tampered.jws
expect 1 "step \"format\"" certctl show garbage.jws
expect 0 "\"credentialSubject\"" certctl show --json - <one.jws
# show --json names outcomes with verify --json's words, not the padded marks of the text view.
certctl show --json --trust trust.jwks tampered.jws >s.json
"$PY" -c '
import json
s = json.load(open("s.json"))["steps"]
assert s[0]["outcome"] == "passed" and s[1]["outcome"] == "failed", s
assert {x["outcome"] for x in s} <= {"passed", "failed", "not checked", "not run"}, s' ||
    fail "show --json step outcomes: $(cat s.json)"
# ---- renewal: a re-endorsed kiosk keeps its earlier window ----
export CERTKIOSK_NOW=2026-03-01T00:00:00Z
certctl kiosk init --home renew --kiosk-id KIOSK-R >/dev/null || fail "kiosk init renew"
expect 0 "valid 2026-03-01T00:00:00Z .. 2026-06-01T00:00:00Z" certctl kiosk endorse \
    --authority auth --home renew --until 2026-06-01 --passphrase-file pass
CERTKIOSK_NOW=2026-04-01T10:00:00Z certctl issue --paper --home renew --recorded-by "Test admin" \
    --name "Early Bird" --nation NOR --service-number 4711 --category military >early.jws \
    2>/dev/null || fail "paper certificate in the first window"
mkcert renew "In The Gap" 4712 99 2026-07-01T00:00:00Z 2027-07-01T00:00:00Z >gap.jws
export CERTKIOSK_NOW=2026-08-01T00:00:00Z
expect 0 "keeps 1 earlier endorsement" certctl kiosk endorse --authority auth --home renew \
    --days 365 --passphrase-file pass
"$PY" -c '
import json
k = [k for k in json.load(open("renew/trust.jwks"))["keys"] if k["certkiosk_role"] == "kiosk"][0]
assert len(k["endorsements"]) == 2 and "endorsement" not in k, k' ||
    fail "renew/trust.jwks does not list both endorsements"
grep -qF "$(cat renew/endorsement.jws)" <(tail -c 2000 renew/trust.jwks) ||
    fail "endorsement.jws is not the latest endorsement"
certctl trust export --home renew --out renew-trust.jwks >/dev/null 2>&1 || fail "trust export"
expect 0 "1 valid, 0 invalid" certctl verify --trust renew-trust.jwks early.jws
expect 1 "2026-03-01T00:00:00Z..2026-06-01T00:00:00Z, 2026-08-01T00:00:00Z..2027-08-01T00:00:00Z, not at 2026-07-01T00:00:00Z" \
    certctl verify --trust renew-trust.jwks gap.jws
# The export carries both endorsements, so a registry takes the first window's certificate.
certctl export --home renew --out renew.json 2>/dev/null || fail "export of the renewed kiosk"
"$PY" -c '
import json
e = json.loads(open("renew.json").readline())  # the header line
assert len(e["kiosk_jwk"]["endorsements"]) == 2, e["kiosk_jwk"]
assert e["endorsement"] == open("renew/endorsement.jws").read().strip()' ||
    fail "the export does not carry both endorsements"
certctl trust export --authority auth --out pins.jwks >/dev/null 2>&1 || fail "pins.jwks"
"$PY" -c '
import json
header, entries = open("renew.json").read().split("\n", 1)
e = json.loads(header)
e["kiosk_jwk"]["endorsements"] = e["kiosk_jwk"]["endorsements"][-1:]
open("renew-latest-only.json", "w").write(json.dumps(e) + "\n" + entries)' || fail "could not build renew-latest-only.json"
expect 1 "is endorsed 2026-08-01T00:00:00Z..2027-08-01T00:00:00Z, not at 2026-04-01T10:00:00Z" \
    certctl import --trust pins.jwks --registry reg renew-latest-only.json
expect 0 "1 certificates, 1 new" certctl import --trust pins.jwks --registry reg renew.json

echo "test_cli_trust: all passed"
