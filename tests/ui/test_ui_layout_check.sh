#!/usr/bin/env bash
# tests/ui/layout_check.py judged on hand-made layout dumps: a heading with a
# word broken inside ("Διαχειριστή|ς" at 150 %) is a violation; free text
# whose word alone is wider than its line may break it; a heading that shrank
# to fit passes. Then each layout finding of issue 14 as the dump it made
# (1280x800 at 4 px/mm: 15 mm = 60 px, keys 11 mm = 44 px) is judged a
# violation of its own rule, and a screen that holds passes with --demo.
set -euo pipefail
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
check="$CK_SRC/tests/ui/layout_check.py"

dump() { # FILE FLAGS HEAD
    printf '# screen admin_pin\n#language\tel\n#display\t1280\t800\t4.0\t150\tnormal\n' >"$1"
    printf '#run\t-\t447\t116\t386\t172\t440\t116\t400\t172\t-\t%s\t%s\n' "$2" "$3" >>"$1"
}
dump "$tmp/broken-heading.tsv" "broken,heading" "Διαχειριστής"
dump "$tmp/broken-free.tsv" "broken" "Διαχειριστής"
dump "$tmp/heading.tsv" "heading" "Διαχειριστής"

set +e
out="$(python3 "$check" "$tmp/broken-heading.tsv")"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a broken heading passed (exit $rc): $out"
grep -q 'heading: a word of the heading "Διαχειριστής" is broken inside' <<<"$out" ||
    fail "no heading violation named: $out"
grep -q '^layout check: 1 screen variants, 1 violations (heading 1)$' <<<"$out" ||
    fail "wrong summary: $out"
python3 "$check" "$tmp/broken-free.tsv" "$tmp/heading.tsv" |
    grep -q '^layout check: 2 screen variants, 0 violations$' ||
    fail "free text with a word wider than its line, or a whole heading, was judged a violation"
echo "ok: layout_check judges headings"

# finding NAME RULE... : $tmp/NAME.tsv (written before) fails with exactly these rules.
finding() {
    local name="$1" out rc
    shift
    set +e
    out="$(python3 "$check" --demo "$tmp/$name.tsv")"
    rc=$?
    set -e
    [ "$rc" -eq 1 ] || fail "$name passed the layout check: $out"
    local got
    got="$(sed -n 's/^[^:]*: \([a-z-]*\): .*/\1/p' <<<"$out" | sort -u | tr '\n' ' ')"
    [ "$got" = "$* " ] || fail "$name: rules \"$got\", expected \"$* \": $out"
}
# A screen of a DEMO kiosk with its top bar: what every dump below starts from.
head() { # FILE
    printf '# screen quiz\n' >"$1"
    printf 'demo-badge\ttext\t92\t20\t76\t36\tenabled\tDEMO\n' >>"$1"
    printf 'bar-title\ttext\t184\t0\t180\t76\tenabled\t\n' >>"$1"
    printf 'bar-language\tbutton\t383\t8\t159\t60\tenabled\tEnglish\n' >>"$1"
    printf 'bar-text-size\tbutton\t554\t8\t375\t60\tenabled\tText size 150 %%\n' >>"$1"
    printf 'btn-cancel\tbutton\t40\t700\t399\t72\tenabled\tCancel and erase\n' >>"$1"
    printf 'btn-next\tbutton\t940\t700\t300\t72\tenabled\tNext\n' >>"$1"
}
tail_() { # FILE
    printf '#language\ten\n#display\t1280\t800\t4.000\t150\tnormal\n' >>"$1"
    printf '#run\tbtn-next\t1040\t716\t100\t40\t940\t716\t300\t40\t-\t-\tNext\n' >>"$1"
}
head "$tmp/holds.tsv"; tail_ "$tmp/holds.tsv"
python3 "$check" --demo "$tmp/holds.tsv" | grep -q '^layout check: 1 screen variants, 0 violations$' ||
    fail "a screen that holds was judged a violation: $(python3 "$check" --demo "$tmp/holds.tsv")"

# Training confirmation, 1280x800, 150 %: the tick over "Cancel and erase", off the bottom.
head "$tmp/confirm.tsv"
printf 'confirm-attended\tcheckbox\t40\t690\t1200\t130\tenabled\tI attended\n' >>"$tmp/confirm.tsv"
tail_ "$tmp/confirm.tsv"
finding confirm offscreen overlap
# Certificate, 150 %: "Finish and erase my data" over the valid-until date.
head "$tmp/certificate.tsv"
printf 'btn-done\tbutton\t700\t600\t520\t90\tenabled\tFinish\n' >>"$tmp/certificate.tsv"
tail_ "$tmp/certificate.tsv"
printf '#run\t-\t700\t620\t400\t40\t700\t620\t520\t40\t-\t-\tValid until 2027-05-01\n' >>"$tmp/certificate.tsv"
finding certificate covered
# Failed quiz: the sections to read again run under "Cancel and erase" and off the screen.
head "$tmp/failed.tsv"; tail_ "$tmp/failed.tsv"
printf '#run\t-\t40\t600\t900\t260\t40\t600\t1200\t260\t-\t-\tNATO baseline · Zero tolerance\n' >>"$tmp/failed.tsv"
finding failed covered offscreen
# "Read again" overflows its button; a two-line quiz answer spills out of its box.
head "$tmp/spill.tsv"
printf 'choice-1\tchoice\t40\t300\t1200\t60\tenabled\tAn answer\n' >>"$tmp/spill.tsv"
tail_ "$tmp/spill.tsv"
printf '#run\tchoice-1\t60\t310\t1100\t90\t60\t310\t1160\t90\t-\t-\tAn answer on two lines\n' >>"$tmp/spill.tsv"
printf '#run\tbtn-cancel\t30\t716\t420\t40\t40\t716\t399\t40\t-\tclipped\tRead again\n' >>"$tmp/spill.tsv"
finding spill clipped spill
# A Greek button label broken inside a word ("Καθα|ρισμό|ς").
head "$tmp/broken.tsv"; tail_ "$tmp/broken.tsv"
printf '#run\tbtn-cancel\t60\t704\t300\t64\t60\t704\t300\t64\t-\tbroken\tΚαθαρισμός\n' >>"$tmp/broken.tsv"
finding broken broken
# The Greek title gone from the top bar at 1280x800.
head "$tmp/title.tsv"; sed -i '/^bar-title/d' "$tmp/title.tsv"; tail_ "$tmp/title.tsv"
finding title title
# The reading pane about four lines high at 150 % on 1280x800.
head "$tmp/reading.tsv"
printf 'reading\tscroll\t40\t560\t1200\t120\tenabled\t\n' >>"$tmp/reading.tsv"
tail_ "$tmp/reading.tsv"
finding reading reading
# Top-bar buttons 52 px (13 mm) tall.
head "$tmp/target.tsv"
printf 'bar-contrast\tbutton\t941\t12\t299\t52\tenabled\tHigh contrast\n' >>"$tmp/target.tsv"
tail_ "$tmp/target.tsv"
finding target target
# The admin PIN keypad's 0 scrolled out of sight (Greek, 150 %, 1024x768).
head "$tmp/keys.tsv"
printf 'pin-body\tscroll\t32\t202\t960\t406\tenabled\t\n' >>"$tmp/keys.tsv"
printf 'key-0\tkey\t447\t590\t129\t18\tenabled\t0\n' >>"$tmp/keys.tsv"
tail_ "$tmp/keys.tsv"
printf '#full\tkey-0\t447\t590\t129\t56\tpin-body\n' >>"$tmp/keys.tsv"
finding keys keys
# The DEMO badge on the attract screen only.
head "$tmp/demo.tsv"; sed -i '/^demo-badge/d' "$tmp/demo.tsv"; tail_ "$tmp/demo.tsv"
finding demo demo
echo "ok: layout_check names each layout finding of issue 14 by its rule"
