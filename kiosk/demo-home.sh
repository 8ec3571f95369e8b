#!/usr/bin/env bash
# kiosk/demo-home.sh BUILD_DIR DEMO_DIR: sets up a DEMO kiosk once, with certctl only.
#   DEMO_DIR/authority/   a demo authority (passphrase in DEMO_DIR/authority/DEMO-PASSPHRASE)
#   DEMO_DIR/kiosk/       a demo kiosk home, endorsed by it, trusting the demo publishers
# and refreshes the signed plugin bundles from BUILD_DIR/plugins on every start.
# Everything here is marked DEMO: none of these keys may be used in a deployment.
set -euo pipefail
build="$1"
demo="$2"
certctl="$build/kiosk/cli/certctl"
home="$demo/kiosk"
auth="$demo/authority"

if [ ! -f "$home/kiosk.json" ]; then
    echo "demo: setting up a DEMO kiosk home in $demo (DEMO keys, not for deployment)" >&2
    rm -rf "$demo"
    mkdir -p "$auth"
    head -c 24 /dev/urandom | base64 > "$auth/DEMO-PASSPHRASE"
    chmod 600 "$auth/DEMO-PASSPHRASE"
    pass=(--passphrase-file "$auth/DEMO-PASSPHRASE")
    "$certctl" authority create --out "$auth" --name "DEMO authority - not for deployment" "${pass[@]}"
    "$certctl" kiosk init --home "$home" --kiosk-id DEMO-KIOSK-01 --operator "DEMO contingent"
    "$certctl" kiosk endorse --authority "$auth" --home "$home" --days 365 "${pass[@]}"
    for jwk in "$build"/demo-keys/demo-publisher-*.jwk; do
        # The template bundle is a starting point for nations, not a nation: not in the demo.
        [ "$(basename "$jwk")" = demo-publisher-template.jwk ] && continue
        nation="$(tr -d ' \n' <"$jwk" | sed -n 's/.*"nation":"\([A-Z]*\)".*/\1/p')"
        "$certctl" publisher endorse --authority "$auth" --publisher "$jwk" --nation "$nation" \
            --home "$home" --days 365 "${pass[@]}"
    done
    "$certctl" kiosk set-pin --home "$home" --pin-file <(echo 246810)
    echo "demo: admin PIN is 246810 (DEMO); hidden gesture: hold the top-left corner for 3 s" >&2
fi
mkdir -p "$home/plugins"
for bundle in "$build"/plugins/*/; do
    [ -f "$bundle/manifest.sig" ] || continue
    code="$(basename "$bundle")"
    [ "$code" = template ] && continue
    rm -rf "$home/plugins/$code.new"
    cp -r "$bundle" "$home/plugins/$code.new"
    rm -rf "$home/plugins/$code"
    mv "$home/plugins/$code.new" "$home/plugins/$code"
done
