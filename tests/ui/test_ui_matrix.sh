#!/usr/bin/env bash
# The layout matrix: the walks of tests/matrix (every screen and state) played
# at one display size, every screen dumped in every UI language x text size
# (100/125/150 %) x contrast (the replay's `variants` step), every dump judged
# by tests/ui/layout_check.py. Prints the number of screen variants checked
# and the violations (there must be none). Writes the contact sheets (one
# montage PNG per language at this size, of the screens at 150 %) to
# $CK_BIN/ui-matrix/.
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
    cp -a "$tmp/demo/kiosk" "$tmp/home-$name"
    mkdir -p "$out/$name"
    certkiosk --home "$tmp/home-$name" --replay "$walk" --snapshots "$out/$name" --size "$size" ||
        fail "$name at $size: the walk failed"
done

python3 "$CK_SRC/tests/ui/layout_check.py" "$out" | tee "$tmp/report" | tail -40
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
