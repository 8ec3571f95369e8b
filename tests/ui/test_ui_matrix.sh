#!/usr/bin/env bash
# The layout matrix: the walks of tests/matrix (every screen and state) played
# at one display size, every screen dumped in every UI language x text size
# (100/125/150 %) x contrast (the replay's `variants` step), every dump judged
# by tests/ui/layout_check.py. Prints the number of screen variants checked
# and the violations (there must be none). Writes the contact sheets (one
# montage PNG per language at this size, of the screens at 150 %) to
# $CK_BIN/ui-matrix/. Header lines of a walk:
#   # rules CODE JSON   members merged into plugins/CODE's manifest rules (the
#                       bundle re-signed with the demo publisher key) first
#   # full-disk         played with every write failing with ENOSPC once the
#                       kiosk has started (tests/fault_shim.c): the error screen
#
#   CK_MATRIX_SIZE=WxH   the display size (default 1920x1080)
#   CK_MATRIX_KEEP=DIR   keep the dumps and snapshots in DIR
set -euo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
size="${CK_MATRIX_SIZE:-1920x1080}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$CK_SRC/kiosk/demo-home.sh" "$CK_BIN" "$tmp/demo" >/dev/null 2>&1
out="${CK_MATRIX_KEEP:-$tmp/out}"
mkdir -p "$out"
for walk in "$CK_SRC"/tests/matrix/walk_*.txt; do
    name="$(basename "$walk" .txt)"
    home="$tmp/home-$name"
    cp -a "$tmp/demo/kiosk" "$home"
    mkdir -p "$out/$name"
    rules="$(sed -n 's/^# rules //p' "$walk")"
    if [ -n "$rules" ]; then
        code="${rules%% *}"
        python3 -c 'import json,sys; p=sys.argv[1]; m=json.load(open(p)); m["rules"].update(json.loads(sys.argv[2])); json.dump(m, open(p, "w"), indent=2)' \
            "$home/plugins/$code/manifest.json" "${rules#* }"
        certctl plugin sign --key "$CK_BIN/demo-keys/demo-publisher-$code.key" \
            --passphrase-file "$CK_BIN/demo-keys/demo-passphrase.txt" "$home/plugins/$code" \
            >/dev/null || fail "$name: could not re-sign plugins/$code"
    fi
    runner=(certkiosk)
    if grep -q '^# full-disk$' "$walk"; then
        # As tests/ui/test_ui_replay.sh: the fewest writes the start-up takes,
        # then every later write fails.
        shim="$CK_BIN/tests/ck_fault_shim.so"
        [ -f "$shim" ] || fail "no fault shim at $shim"
        export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
        printf 'expect screen attract\n' >"$tmp/start.txt"
        lo=0 hi=400
        while [ "$lo" -lt "$hi" ]; do
            mid=$(((lo + hi) / 2))
            rm -rf "$tmp/probe"
            cp -a "$home" "$tmp/probe"
            if env CK_FAULT_DIR="$tmp/probe" CK_FAULT_WRITE_AFTER="$mid" LD_PRELOAD="$shim" \
                certkiosk --home "$tmp/probe" --replay "$tmp/start.txt" >/dev/null 2>&1; then
                hi=$mid
            else
                lo=$((mid + 1))
            fi
        done
        [ "$lo" -lt 400 ] || fail "the kiosk does not start even with 400 writes"
        runner=(env CK_FAULT_DIR="$home" CK_FAULT_WRITE_AFTER="$lo" LD_PRELOAD="$shim" certkiosk)
    fi
    "${runner[@]}" --home "$home" --replay "$walk" --snapshots "$out/$name" --size "$size" ||
        fail "$name at $size: the walk failed"
done

python3 "$CK_SRC/tests/ui/layout_check.py" --demo "$out" | tee "$tmp/report" | tail -40
grep -q '^layout check: [1-9][0-9]* screen variants, 0 violations$' "$tmp/report" ||
    fail "layout violations at $size"

# Contact sheets: one per language at this size, for people to look at.
sheets="$CK_BIN/ui-matrix"
mkdir -p "$sheets"
if command -v montage >/dev/null; then
    langs="$(find "$out" -name '*@*-150-normal.png' | sed 's/.*@\(.*\)-150-normal.png/\1/' | sort -u)"
    font=/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf
    [ -f "$font" ] || font=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    for lang in $langs; do
        mapfile -t pngs < <(find "$out" -name "*@$lang-150-normal.png" | sort)
        montage -font "$font" -label '%t' -pointsize 14 -geometry 480x+6+6 -tile 5x "${pngs[@]}" \
            "$sheets/contact-$lang-$size.png" ||
            fail "montage of $lang at $size"
    done
    echo "contact sheets: $sheets/contact-*-$size.png"
fi
echo "ok: layout matrix at $size"
