#!/usr/bin/env bash
# test_cli_provision: setting up a kiosk with files carried between machines, the authority's
# key never on the kiosk — certctl kiosk request, kiosk endorse --request, kiosk
# install-endorsement, plugin install — hostile cases first. Commands that would ask on a
# terminal run under setsid (no controlling terminal), as from a script.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc
keys="$CK_BIN/demo-keys"
bundles="$CK_BIN/plugins"
notty() { setsid -w "$@"; }

echo "authority passphrase" >pass
chmod 600 pass
expect 0 "created authority" certctl authority create --out auth --name "Test HQ" --passphrase-file pass
expect 0 "created authority" certctl authority create --out other --name "Other HQ" --passphrase-file pass
# The contingent's trust file on the authority's machine: the publishers it endorsed.
for code in nato nor usa; do
    nation="$(tr -d ' \n' <"$keys/demo-publisher-$code.jwk" | sed -n 's/.*"nation":"\([A-Z]*\)".*/\1/p')"
    expect 0 "endorsed" certctl publisher endorse --authority auth --publisher "$keys/demo-publisher-$code.jwk" \
        --nation "$nation" --trust contingent.jwks --passphrase-file pass
done

# ---- the kiosk: init in the empty folder systemd's StateDirectory= makes ----
mkdir -m 700 kiosk
expect 0 "next: certctl kiosk request" certctl kiosk init --home kiosk --kiosk-id KFOR-NOR-01 --operator "NOR contingent"
expect 0 "created kiosk home" certctl kiosk init --home kiosk2 --kiosk-id KFOR-NOR-02
expect 2 "needs --home HOME and --out FILE" certctl kiosk request --home kiosk
expect 2 "not a kiosk home" certctl kiosk request --home nowhere --out r.json
expect 0 "key ID" certctl kiosk request --home kiosk --out request.json
kid="$(sed -n 's/.*key ID \([0-9a-f]*\).*/\1/p' <<<"$out")"
[ -n "$kid" ] || fail "kiosk request printed no key ID: $out"
grep -q "\"kid\": \"$kid\"" kiosk/kiosk.jwk || fail "the key ID printed is not the kiosk's"
expect 0 "key ID" certctl kiosk request --home kiosk2 --out request2.json
grep -q '"d"' request.json && fail "the request holds a private key part"

# ---- hostile requests ----
# the payload changed (another kiosk ID) under the same signature
python3 - request.json bad-sig.json <<'PY'
import base64, json, sys
f = json.load(open(sys.argv[1]))
h, p, s = f["request"].split(".")
pad = lambda x: x + "=" * (-len(x) % 4)
d = json.loads(base64.urlsafe_b64decode(pad(p)))
d["kiosk_id"] = "KFOR-EVIL-01"
d["jwk"]["kiosk_id"] = "KFOR-EVIL-01"
p = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")
f["request"] = ".".join([h, p, s])
json.dump(f, open(sys.argv[2], "w"))
PY
expect 1 "signature does not verify" certctl kiosk endorse --authority auth --request bad-sig.json \
    --out e.json --yes --passphrase-file pass
# kiosk2's key with kiosk1's signature: signed by another key than the one it names
python3 - request.json request2.json mixed.json <<'PY'
import base64, json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
ha, pa, sa = a["request"].split("."); hb, pb, sb = b["request"].split(".")
a["request"] = ".".join([ha, pb, sa])
json.dump(a, open(sys.argv[3], "w"))
PY
expect 1 "" certctl kiosk endorse --authority auth --request mixed.json --out e.json --yes --passphrase-file pass
expect 2 "not a kiosk's endorsement request" certctl kiosk endorse --authority auth \
    --request contingent.jwks --out e.json --yes --passphrase-file pass
expect 2 "--out FILE" certctl kiosk endorse --authority auth --request request.json --passphrase-file pass
expect 2 "not the kiosk you meant" certctl kiosk endorse --authority auth --request request.json \
    --out e.json --kid 0123456789abcdef --passphrase-file pass
# no terminal to confirm on, and neither --kid nor --yes: nothing is endorsed
expect 2 "no terminal to confirm on" notty certctl kiosk endorse --authority auth --request request.json \
    --out e.json --passphrase-file pass
grep -q "KFOR-NOR-01" <<<"$out" || fail "endorse did not show the kiosk ID before asking: $out"
grep -q "$kid" <<<"$out" || fail "endorse did not show the key ID before asking: $out"
[ -e e.json ] && fail "an unconfirmed endorsement was written"
expect 2 "wrong passphrase" certctl kiosk endorse --authority auth --request request.json --out e.json \
    --kid "$kid" --passphrase-file <(echo nope)

# ---- the authority endorses ----
expect 0 "endorsed kiosk KFOR-NOR-01 (key $kid)" certctl kiosk endorse --authority auth \
    --request request.json --out endorsement.json --trust contingent.jwks --kid "$kid" --passphrase-file pass
grep -q "with 3 publisher keys" <<<"$out" || fail "the endorsement does not carry the 3 publishers: $out"
grep -q "\"kiosk_id\": \"KFOR-NOR-01\"" contingent.jwks || fail "the contingent's trust file did not record the kiosk"
expect 0 "endorsed kiosk KFOR-NOR-02" certctl kiosk endorse --authority auth --request request2.json \
    --out endorsement2.json --trust contingent.jwks --yes --passphrase-file pass
grep -q "KFOR-NOR-01" endorsement2.json && fail "kiosk 2's endorsement file lists kiosk 1"
expect 0 "endorsed kiosk KFOR-NOR-01" certctl kiosk endorse --authority other --request request.json \
    --out other.json --yes --passphrase-file pass

# ---- hostile endorsements on the kiosk ----
expect 2 "install the kiosk's endorsement first" certctl plugin install --home kiosk "$bundles/nato"
expect 1 "does not endorse this kiosk's key" certctl kiosk install-endorsement --home kiosk --yes endorsement2.json
expect 2 "no terminal to confirm on" notty certctl kiosk install-endorsement --home kiosk endorsement.json
grep -q "<- new" <<<"$out" || fail "install-endorsement did not show the new authority: $out"
[ -e kiosk/trust.jwks ] && fail "an unconfirmed authority was pinned"

# ---- the kiosk installs it ----
expect 0 "installed: kiosk KFOR-NOR-01 is endorsed" certctl kiosk install-endorsement --home kiosk --yes endorsement.json
grep -q "3 publisher keys" <<<"$out" || fail "the publishers did not reach the kiosk: $out"
[ "$(stat -c %a kiosk/endorsement.jws)" = 600 ] || fail "endorsement.jws is not 0600"
# another authority's endorsement is refused once one is pinned
expect 1 "which this kiosk does not trust" certctl kiosk install-endorsement --home kiosk --yes other.json
# a renewal from the pinned authority needs no question, and keeps the earlier window
expect 0 "endorsed" certctl kiosk endorse --authority auth --request request.json --out renewal.json \
    --trust contingent.jwks --kid "$kid" --days 400 --passphrase-file pass
expect 0 "installed" notty certctl kiosk install-endorsement --home kiosk renewal.json
n="$(python3 -c 'import json,sys; k=[k for k in json.load(open(sys.argv[1]))["keys"] if k.get("kid")==sys.argv[2]][0]; print(len(k["endorsements"]))' kiosk/trust.jwks "$kid")"
[ "$n" = 2 ] || fail "after a renewal the kiosk key has $n endorsements, expected 2"

# ---- plugin install: hostile bundles first ----
cp -r "$bundles/nor" tampered
echo " " >>tampered/content/en.json
expect 1 "" certctl plugin install --home kiosk tampered
expect 1 "" certctl plugin install --home kiosk "$bundles/template" # publisher not endorsed
[ -e kiosk/plugins ] && [ -n "$(ls -A kiosk/plugins)" ] && fail "a refused bundle left something in plugins/"
expect 2 "one BUNDLE_DIR" certctl plugin install --home kiosk

for code in nato nor usa; do
    expect 0 "installed bundle" certctl plugin install --home kiosk "$bundles/$code"
done
[ "$(ls kiosk/plugins | wc -l)" = 3 ] || fail "plugins/ holds $(ls -A kiosk/plugins)"
bad="$(find kiosk/plugins \( -type d ! -perm 700 \) -o \( -type f ! -perm 600 \))"
[ -z "$bad" ] || fail "installed bundle files not 0700/0600: $bad"
expect 0 "no.forsvaret.cthb" certctl plugin list --home kiosk

# a newer version replaces the installed one in place; an older one is refused
sign() { certctl plugin sign --key "$keys/demo-publisher-nor.key" --passphrase-file "$keys/demo-passphrase.txt" "$1" >/dev/null || fail "could not sign $1"; }
cp -r "$bundles/nor" newer
sed -i 's/"version": "[0-9.]*"/"version": "2099.1.0"/' newer/manifest.json
sign newer
cp -r "$bundles/nor" older
sed -i 's/"version": "[0-9.]*"/"version": "2000.1.0"/; s/"material_since": "[0-9.]*"/"material_since": "2000.1.0"/' older/manifest.json
sign older
expect 0 "replacing" certctl plugin install --home kiosk newer
[ "$(ls kiosk/plugins | wc -l)" = 3 ] || fail "a newer version added a folder: $(ls -A kiosk/plugins)"
grep -rq '"version": "2099.1.0"' kiosk/plugins/*/manifest.json || fail "the newer version is not installed"
expect 1 "roll" certctl plugin install --home kiosk older
expect 1 "roll" certctl plugin install --home kiosk "$bundles/nor"
grep -rq '"version": "2099.1.0"' kiosk/plugins/*/manifest.json || fail "a refused rollback changed the installed bundle"
ls -A kiosk/plugins | grep -q '^\.' && fail "a staging folder was left in plugins/"

# ---- the provisioned kiosk starts, with every bundle loaded ----
expect 0 "set" certctl kiosk set-pin --home kiosk --pin-file <(echo 135790)
printf 'expect screen attract\nexpect-text "Norsk"\n' >start.txt
# The shipped bundles have had no authority review: a deployed kiosk refuses them...
SDL_VIDEODRIVER=dummy expect 2 "allow_draft_content" certkiosk --home kiosk --replay start.txt
# ...until its config allows draft content (then marked DRAFT CONTENT on every reading screen).
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["allow_draft_content"]=True; json.dump(c,open(p,"w"))' kiosk/config.json
SDL_VIDEODRIVER=dummy expect_rc 0 certkiosk --home kiosk --replay start.txt
expect 0 "" certctl audit --home kiosk --state-dir state
echo "ok: provisioning without the authority key"
