#!/usr/bin/env bash
# tests/ui/layout_check.py judged on hand-made layout dumps: a heading with a
# word broken inside ("Διαχειριστή|ς" at 150 %) is a violation; free text
# whose word alone is wider than its line may break it; a heading that shrank
# to fit passes.
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
