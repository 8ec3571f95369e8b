#!/usr/bin/env bash
# test_replay_valgrind: every kiosk replay in tests/replays/ under valgrind memcheck — no
# invalid read or write, no use of uninitialised memory, no definite leak. Added to ctest only
# when valgrind is installed. Suppressions (each with its reason) in tests/valgrind.supp.
set -uo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# A home as tests/ui/test_ui_replay.sh makes it: authority, endorsed kiosk and publishers.
auth="$tmp/authority" home="$tmp/kiosk"
mkdir -p "$auth"
echo "replay-valgrind-passphrase" >"$auth/pass"
pass=(--passphrase-file "$auth/pass")
certctl authority create --out "$auth" --name "TEST authority" "${pass[@]}" >/dev/null || fail "authority"
certctl kiosk init --home "$home" --kiosk-id VG-KIOSK-01 --operator "TEST" >/dev/null || fail "kiosk init"
certctl kiosk endorse --authority "$auth" --home "$home" --days 365 "${pass[@]}" >/dev/null ||
    fail "endorse"
for code in nato nor usa; do
    nation="$(tr '[:lower:]' '[:upper:]' <<<"$code")"
    certctl publisher endorse --authority "$auth" \
        --publisher "$CK_BIN/demo-keys/demo-publisher-$code.jwk" --nation "$nation" \
        --home "$home" --days 365 "${pass[@]}" >/dev/null || fail "publisher $code"
    mkdir -p "$home/plugins"
    cp -r "$CK_BIN/plugins/$code" "$home/plugins/$code"
done
# Not a DEMO kiosk: it loads the shipped bundles, all drafts, only when told to.
printf '{"allow_draft_content": true}\n' >"$home/config.json"
chmod 600 "$home/config.json"

vg=(valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --track-origins=no --num-callers=30
    --suppressions="$CK_SRC/tests/valgrind.supp")
# run_one SCRIPT: one replay under memcheck; its exit code in $tmp/NAME.rc.
run_one() {
    local name
    name="$(basename "$1" .txt)"
    mkdir -p "$tmp/snap-$name" && mkdir -m 700 "$tmp/home-$name"
    cp -r "$home/." "$tmp/home-$name/"
    rm -f "$tmp/home-$name/admin-lock.json"
    # 1024x700, the smallest the kiosk accepts: memcheck runs the software renderer ~30x slower.
    "${vg[@]}" certkiosk --home "$tmp/home-$name" --replay "$1" --snapshots "$tmp/snap-$name" \
        --size 1024x700 >"$tmp/$name.log" 2>&1
    echo $? >"$tmp/$name.rc"
}

n=0
for script in "$CK_SRC"/tests/replays/*.txt; do
    run_one "$script" &
    n=$((n + 1))
    [ $((n % $(nproc))) -eq 0 ] && wait
done
wait
[ "$n" -gt 0 ] || fail "no replay scripts in $CK_SRC/tests/replays"
for script in "$CK_SRC"/tests/replays/*.txt; do
    name="$(basename "$script" .txt)"
    rc="$(cat "$tmp/$name.rc")"
    case "$rc" in
    0 | 1) ;; # the replay's own verdict at this size is test_ui_replay's business
    99) fail "$name: valgrind found errors:$(echo; cat "$tmp/$name.log")" ;;
    *) fail "$name: certkiosk exited $rc under valgrind:$(echo; tail -20 "$tmp/$name.log")" ;;
    esac
    grep -q "==[0-9]*==" "$tmp/$name.log" && fail "$name: valgrind reported:$(echo; cat "$tmp/$name.log")"
done
echo "test_replay_valgrind: $n replay(s) clean under memcheck"
