#!/usr/bin/env bash
# Headless kiosk replays (SDL_VIDEODRIVER=dummy): every script in tests/replays/
# runs against a fresh demo-style home; each must end with exit 0 and its
# layout dumps must hold what the script's "# expect-dump" lines say.
set -euo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# A home like kiosk/demo-home.sh makes: authority, endorsed kiosk, publishers.
auth="$tmp/authority" home="$tmp/kiosk"
mkdir -p "$auth"
echo "replay-test-passphrase" > "$auth/pass"
pass=(--passphrase-file "$auth/pass")
certctl authority create --out "$auth" --name "TEST authority" "${pass[@]}" >/dev/null
certctl kiosk init --home "$home" --kiosk-id TEST-KIOSK-01 --operator "TEST" >/dev/null
certctl kiosk endorse --authority "$auth" --home "$home" --days 365 "${pass[@]}" >/dev/null
for code in nato nor usa; do
    nation="$(tr '[:lower:]' '[:upper:]' <<<"$code")"
    certctl publisher endorse --authority "$auth" --publisher "$CK_BIN/demo-keys/demo-publisher-$code.jwk" \
        --nation "$nation" --home "$home" --days 365 "${pass[@]}" >/dev/null
    mkdir -p "$home/plugins"
    cp -r "$CK_BIN/plugins/$code" "$home/plugins/$code"
done

fail=0
for script in "$CK_SRC"/tests/replays/*.txt; do
    name="$(basename "$script" .txt)"
    out="$tmp/snap-$name"
    mkdir -p "$out"
    rm -f "$home/admin-lock.json"
    if ! certkiosk --home "$home" --replay "$script" --snapshots "$out" --size 1920x1080; then
        echo "FAIL: $name" >&2
        fail=1
        continue
    fi
    # "# expect-dump FILE REGEX": a line of the layout dump FILE matches REGEX.
    while read -r _ _ file regex; do
        grep -Eq -- "$regex" "$out/$file" || { echo "FAIL: $name: $file has no line matching $regex" >&2; fail=1; }
    done < <(grep '^# expect-dump ' "$script" || true)
    echo "ok: $name"
done

# A broken script is refused with its line number and exit code 2.
printf 'wait 10\ntap nowhere\n' > "$tmp/bad.txt"
set +e
msg="$(certkiosk --home "$home" --replay "$tmp/bad.txt" 2>&1)"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "FAIL: bad script exit $rc, expected 2" >&2; fail=1; }
grep -q "bad.txt:2:" <<<"$msg" || { echo "FAIL: bad script message lacks line 2: $msg" >&2; fail=1; }

# A failed expectation is exit code 1.
printf 'expect screen certificate\n' > "$tmp/wrong.txt"
set +e
certkiosk --home "$home" --replay "$tmp/wrong.txt" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: failed expectation exit $rc, expected 1" >&2; fail=1; }
exit $fail
