#!/usr/bin/env bash
# test_cli_plugin: `certctl plugin keygen|sign|check|list` as a nation and an administrator use
# them — every shipped bundle passes check; altered bundles are refused, each with its reason.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_NOW=2026-03-01T00:00:00Z

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

echo "s3cret passphrase" >pass
chmod 600 pass
DEMO="$CK_BIN/demo-keys"
SHIPPED="$CK_BIN/plugins"

expect 0 "usage: certctl plugin keygen" certctl plugin --help
expect 2 "which one" certctl plugin
expect 2 "keygen needs --out DIR and --nation CODE" certctl plugin keygen --out keys
expect 2 "is not a nation code" certctl plugin keygen --out keys --nation norway --passphrase-file pass

# ---- an authority endorses the demo publisher keys, each for its nation ----
certctl authority create --out auth --name "Test HQ" --passphrase-file pass >/dev/null \
    || fail "authority create"
for pair in nato:NATO nor:NOR usa:USA template:ZZT; do
    code=${pair%%:*} nation=${pair##*:}
    grep -q "\"nation\": *\"$nation\"" "$DEMO/demo-publisher-$code.jwk" \
        || fail "demo-publisher-$code.jwk does not name nation $nation"
    certctl publisher endorse --authority auth --publisher "$DEMO/demo-publisher-$code.jwk" \
        --nation "$nation" --trust trust.jwks --passphrase-file pass >/dev/null \
        || fail "endorsing the demo key for $nation"
done

# ---- every shipped bundle passes check ----
for code in nato nor usa template; do
    expect 0 "1 loaded, 0 refused" certctl plugin check --trust trust.jwks "$SHIPPED/$code"
done
expect 0 "native module: entry certkiosk_plugin_entry_v1" certctl plugin check --trust trust.jwks \
    "$SHIPPED/nor"
out="$(certctl plugin check --json --trust trust.jwks "$SHIPPED/usa")" || fail "check --json"
grep -q '"bundle_id": "mil.dod.ctip"' <<<"$out" || fail "check --json does not give the bundle ID"

# ---- a nation's own key: keygen, endorse, sign ----
expect 0 "publisher key" certctl plugin keygen --out keys --nation NOR --passphrase-file pass
[ -f keys/publisher-nor.key ] && [ -f keys/publisher-nor.jwk ] || fail "keygen file names"
[ "$(stat -c %a keys/publisher-nor.key)" = 600 ] || fail "publisher key is not mode 600"
grep -q '"certkiosk_role": *"publisher"' keys/publisher-nor.jwk || fail "JWK lacks the role"
expect 2 "already exists" certctl plugin keygen --out keys --nation NOR --passphrase-file pass
echo "wrong" >wrong
cp -r "$SHIPPED/nor" mine
expect 2 "wrong passphrase" certctl plugin sign --key keys/publisher-nor.key --passphrase-file wrong mine
expect 0 "signed mine" certctl plugin sign --key keys/publisher-nor.key --passphrase-file pass mine
expect 1 "not a publisher key in the trust file" certctl plugin check --trust trust.jwks mine
certctl publisher endorse --authority auth --publisher keys/publisher-nor.jwk --nation NOR \
    --trust trust.jwks --passphrase-file pass >/dev/null || fail "endorsing the NOR key"
expect 0 "1 loaded, 0 refused" certctl plugin check --trust trust.jwks mine

# ---- altered bundles: each refused, naming the reason ----
cp -r "$SHIPPED/usa" usa-by-nor
certctl plugin sign --key keys/publisher-nor.key --passphrase-file pass usa-by-nor >/dev/null
expect 1 "endorsed for NOR, not USA" certctl plugin check --trust trust.jwks usa-by-nor

cp -r "$SHIPPED/nor" altered
sed -i 's/a/A/' altered/content/en.json
expect 1 "\"content/en.json\" differs from the signed manifest" certctl plugin check --trust trust.jwks altered

cp -r "$SHIPPED/nor" extra
echo hi >extra/README
expect 1 "\"README\" is not in the manifest" certctl plugin check --trust trust.jwks extra

cp -r "$SHIPPED/nor" broken
printf '{\n  "language": "en",\n  "title" "x"\n}\n' >broken/content/en.json
certctl plugin sign --key keys/publisher-nor.key --passphrase-file pass broken >/dev/null
expect 1 "content/en.json:3:" certctl plugin check --trust trust.jwks broken

cp -r "$SHIPPED/nor" notelf
echo "not a module" >notelf/nor.so
certctl plugin sign --key keys/publisher-nor.key --passphrase-file pass notelf >/dev/null
expect 1 "nor.so: not an ELF shared object" certctl plugin check --trust trust.jwks notelf

# ---- what a kiosk home would load and refuse ----
certctl kiosk init --home home --kiosk-id PLUGIN-TEST --operator "Test" >/dev/null || fail "kiosk init"
cp trust.jwks home/trust.jwks
mkdir -p home/plugins
cp -r "$SHIPPED/nato" "$SHIPPED/nor" "$SHIPPED/usa" home/plugins/
expect 0 "3 loaded, 0 refused" certctl plugin list --home home
cp -r usa-by-nor home/plugins/zz-forged
expect 1 "REFUSED" certctl plugin list --home home
expect 1 "endorsed for NOR, not USA" certctl plugin list --home home
expect 1 "3 loaded, 1 refused" certctl plugin list --home home
out="$(certctl plugin list --json --home home)"
[ $? -eq 1 ] || fail "list --json with a refusal should exit 1"
grep -q '"status": "refused"' <<<"$out" || fail "list --json does not show the refusal"
echo "ok: certctl plugin"
