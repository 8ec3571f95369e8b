#!/usr/bin/env bash
# Headless kiosk replays (SDL_VIDEODRIVER=dummy) against a demo home made by
# kiosk/demo-home.sh (admin PIN 246810), plus the refused template bundle.
#
#   CK_REPLAY=NAME@WxH  plays tests/replays/NAME.txt at that window size and
#                       checks what its header lines ask for (below);
#   no CK_REPLAY        checks the replay machinery and the start-up refusals.
#
# Header lines of a replay script:
#   # sizes WxH...          the sizes ctest plays it at (tests/CMakeLists.txt reads it)
#   # expect-dump FILE RE   a line of the layout dump FILE matches the regex RE
#   # expect-outlined NAME ID  in snapshot NAME.png (layout dump NAME.tsv) the
#                           widget ID is drawn as a button, not as a link: its left
#                           edge (a border or a fill) stands out from the screen
#                           beside it at 3:1 at least (WCAG 1.4.11)
#   # expect-issued         exactly one new cert.issued entry; the certificate
#                           screen's QR (decoded from the PNG with zbarimg, also
#                           after an ImageMagick "phone camera" degradation) is
#                           the presentation of that entry's certificate (no
#                           disclosures), <= 1000 bytes, 7 px modules at 1280x800
#                           and 8 px at 1920x1080; certctl verify accepts it
#   # qr-limits BYTES PX    with expect-issued: the QR may hold up to BYTES bytes
#                           (instead of 1000: a long name in a wide script) and
#                           must have modules of at least PX px (instead of 7
#                           at 1280x800, 8 at 1920x1080); still read after the
#                           degradation
#   # expect-run-right FILE HEAD  the text run of the layout dump FILE whose head
#                           starts with HEAD ends at its box's right edge
#   # expect-run-left FILE HEAD   ... starts at its box's left edge
#   # expect-attempts N     ... and its evidence records N quiz attempts
#   # expect-clauses IDS    ... and its evidence lists exactly these clauses
#                           ("<bundle_id>#<id>", comma-separated, in order)
#   # expect-choice-orders N  ... and records the order the choices of N questions
#                           were shown in (each a permutation of its choices)
#   # qr-discloses CODE JSON  the bundle plugins/CODE re-signed (demo publisher key) with
#                           rules.qr_discloses = JSON before the replay; with
#                           expect-issued, the QR then discloses those claims and
#                           withholds the rest (size and module checks skipped)
#   # expect-not-issued     no new cert.issued entry
#   # expect-exit N         the kiosk exits with status N (the admin stopped it:
#                           3 restart, 4 maintenance); otherwise it must exit 0
#   # config JSON           members merged into HOME/config.json for this replay
#   # env VAR=VALUE         an environment variable for the kiosk (one per line)
#   # endorse-days N        the kiosk key endorsed for N days from now only (the demo's
#                           365-day endorsement replaced): the admin screen's warning
#   # full-disk             played with every write failing with ENOSPC from the
#                           end of the kiosk's start-up on (tests/fault_shim.c)
# After every replay the kiosk's log passes certctl audit.
set -euo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# The QR code in an image, and nothing else. zbarimg tries every symbology by
# default, and now and then finds a GS1 DataBar in a QR code's modules (2 of
# 300 random 990-byte codes at 8 px; the modules follow the certificate's
# random salts, and a suite run reads about 30 codes): it then prints a
# second line, and the QR seemed to differ from the stored certificate (the
# flaky quiz_fail_then_pass and certify_nor).
read_qr() { zbarimg --raw -q -Sdisable -Sqrcode.enable "$1" 2>/dev/null; }

bash "$CK_SRC/kiosk/demo-home.sh" "$CK_BIN" "$tmp/demo" 2>/dev/null >/dev/null
home="$tmp/demo/kiosk"
# A bundle whose publisher this kiosk does not trust: refused, and shown so to the admin.
cp -r "$CK_BIN/plugins/template" "$home/plugins/template"

issued_count() {
    certctl list --home "$home" --json |
        python3 -c 'import json,sys; print(sum(e["type"]=="cert.issued" for e in json.load(sys.stdin)))'
}

# The JWS of the newest certificate in the log (certctl export holds them).
newest_jws() {
    certctl export --home "$home" --out "$tmp/export.json" >/dev/null
    # After the header line, one log entry per line in index order: the last with a certificate.
    jq -r 'select(.jws) | .jws' "$tmp/export.json" | tail -n 1
}

if [ -z "${CK_REPLAY:-}" ]; then
    # A 991-byte QR code (8 px modules) in whose modules zbarimg's default scan
    # also finds a GS1 DataBar: read_qr gives the QR's text alone.
    fx="$CK_SRC/tests/fixtures/qr_with_databar"
    [ "$(zbarimg -q "$fx.png" 2>/dev/null | grep -c '^DataBar:')" -eq 1 ] ||
        fail "the fixture no longer shows zbarimg's spurious DataBar"
    [ "$(read_qr "$fx.png")" = "$(cat "$fx.txt")" ] || fail "read_qr does not give the QR code alone"
    # A broken script is refused with its line number and exit code 2.
    printf 'wait 10\ntap nowhere\n' >"$tmp/bad.txt"
    set +e
    msg="$(certkiosk --home "$home" --replay "$tmp/bad.txt" 2>&1)"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "bad script exit $rc, expected 2"
    grep -q "bad.txt:2:" <<<"$msg" || fail "bad script message lacks line 2: $msg"

    # A failed expectation is exit code 1.
    printf 'expect screen certificate\n' >"$tmp/wrong.txt"
    set +e
    certkiosk --home "$home" --replay "$tmp/wrong.txt" 2>/dev/null
    rc=$?
    set -e
    [ "$rc" -eq 1 ] || fail "failed expectation exit $rc, expected 1"

    # A display smaller than supported: exit 2 with a message saying so.
    printf 'expect screen attract\n' >"$tmp/ok.txt"
    set +e
    msg="$(certkiosk --home "$home" --replay "$tmp/ok.txt" --size 800x600 2>&1)"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "800x600 display exit $rc, expected 2"
    grep -q "needs at least" <<<"$msg" || fail "small display message: $msg"

    # Fonts: a --fonts folder without fonts falls back to the system's; with no
    # usable font anywhere (CERTKIOSK_FONT_DIRS replaces the system folders)
    # the kiosk stops with exit 2, naming the folders it tried.
    mkdir -p "$tmp/nofonts" "$tmp/nofonts2"
    certkiosk --home "$home" --replay "$tmp/ok.txt" --fonts "$tmp/nofonts" ||
        fail "no fallback from an empty font folder"
    set +e
    msg="$(CERTKIOSK_FONT_DIRS="$tmp/nofonts2" certkiosk --home "$home" --replay "$tmp/ok.txt" \
        --fonts "$tmp/nofonts" 2>&1)"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "no usable font: exit $rc, expected 2"
    grep -q "no usable font.*nofonts, .*nofonts2" <<<"$msg" || fail "no usable font: message: $msg"
    echo "ok: replay machinery"
    exit 0
fi

name="${CK_REPLAY%@*}"
size="${CK_REPLAY#*@}"
[ "$size" != "$CK_REPLAY" ] || size=1920x1080
script="$CK_SRC/tests/replays/$name.txt"
out="$tmp/snap"
mkdir -p "$out"
before="$(issued_count)"

config="$(sed -n 's/^# config //p' "$script")"
if [ -n "$config" ]; then
    python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c.update(json.loads(sys.argv[2])); json.dump(c, open(p, "w"))' \
        "$home/config.json" "$config"
fi

qr_rule="$(sed -n 's/^# qr-discloses //p' "$script")"
if [ -n "$qr_rule" ]; then
    code="${qr_rule%% *}"
    python3 -c 'import json,sys; p=sys.argv[1]; m=json.load(open(p)); m["rules"]["qr_discloses"]=json.loads(sys.argv[2]); json.dump(m, open(p, "w"), indent=2)' \
        "$home/plugins/$code/manifest.json" "${qr_rule#* }"
    certctl plugin sign --key "$CK_BIN/demo-keys/demo-publisher-$code.key" \
        --passphrase-file "$CK_BIN/demo-keys/demo-passphrase.txt" "$home/plugins/$code" >/dev/null ||
        fail "$name: could not re-sign plugins/$code with qr_discloses"
fi

runner=(certkiosk)
if grep -q '^# full-disk$' "$script"; then
    # The disk fills once the kiosk has started: find how many writes its
    # start-up takes (the fewest with which it starts), then fail every later one.
    shim="$CK_BIN/tests/ck_fault_shim.so"
    [ -f "$shim" ] || fail "no fault shim at $shim"
    # Under ASan the preloaded shim comes before the ASan runtime: fine for a
    # shim that only wraps write and fsync (as in tests/cli/test_write_faults.sh).
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    printf 'expect screen attract\n' >"$tmp/start.txt"
    cp -a "$home" "$tmp/probe-home"
    lo=0 hi=400
    while [ "$lo" -lt "$hi" ]; do
        mid=$(((lo + hi) / 2))
        rm -rf "$tmp/probe"
        cp -a "$tmp/probe-home" "$tmp/probe"
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

days="$(sed -n 's/^# endorse-days \([0-9]*\)$/\1/p' "$script")"
if [ -n "$days" ]; then
    certctl kiosk endorse --authority "$tmp/demo/authority" --home "$home" --days "$days" \
        --passphrase-file "$tmp/demo/authority/DEMO-PASSPHRASE" >/dev/null 2>&1 ||
        fail "$name: could not endorse the kiosk for $days days"
    python3 - "$home/trust.jwks" "$home/endorsement.jws" <<'PY' || fail "$name: trust.jwks"
import json, sys
trust = json.load(open(sys.argv[1]))
new = open(sys.argv[2]).read().strip()
for k in trust["keys"]:
    if k.get("certkiosk_role") == "kiosk":
        k["endorsements"] = [new]
json.dump(trust, open(sys.argv[1], "w"), indent=2)
PY
fi
while read -r var; do
    [ -n "$var" ] && export "${var?}"
done < <(sed -n 's/^# env //p' "$script")
want_rc="$(sed -n 's/^# expect-exit \([0-9]*\)$/\1/p' "$script")"
set +e
"${runner[@]}" --home "$home" --replay "$script" --snapshots "$out" --size "$size" \
    --status-file "$tmp/status"
rc=$?
set -e
[ "$rc" -eq "${want_rc:-0}" ] || fail "$name at $size: the replay exited $rc, expected ${want_rc:-0}"
# The status file (for cage 0.1.4, which does not pass it on) says the same.
[ "$(cat "$tmp/status")" = "$rc" ] || fail "$name at $size: the status file says $(cat "$tmp/status"), not $rc"
if [ -n "$want_rc" ]; then
    want_type=admin.restart
    [ "$want_rc" -eq 4 ] && want_type=admin.maintenance
    last="$(sqlite3 -readonly "$home/store.db" 'SELECT type FROM entries ORDER BY idx DESC LIMIT 1')"
    [ "$last" = "$want_type" ] || fail "$name: the log's last entry is $last, not $want_type"
fi

while read -r _ _ file regex; do
    grep -Eq -- "$regex" "$out/$file" || fail "$name: $file has no line matching $regex"
done < <(grep '^# expect-dump ' "$script" || true)

# "Cancel and erase" once looked like a plain link (issue 14): a button's edge
# must stand out from what lies beside it.
while read -r _ _ shot id; do
    rect="$(awk -F'\t' -v id="$id" '$1==id {print $3, $4, $5, $6; exit}' "$out/$shot.tsv")"
    [ -n "$rect" ] || fail "$name: no widget $id in $shot.tsv"
    read -r x y w h <<<"$rect"
    my=$((y + h / 2))
    # the darkest pixel of the widget's first 4 columns (its border), and the screen 6 px left of it
    edge="$(convert "$out/$shot.png" -crop "4x1+$x+$my" +repage -format '%[fx:minima.intensity]' info:)"
    side="$(convert "$out/$shot.png" -crop "1x1+$((x - 6))+$my" +repage -format '%[fx:intensity]' info:)"
    python3 - "$edge" "$side" "$name" "$id" <<'PY' || fail "$name: $id is not outlined"
import sys
def lum(v):  # an sRGB intensity 0..1 to relative luminance
    v = float(v)
    return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
a, b = sorted((lum(sys.argv[1]), lum(sys.argv[2])))
ratio = (b + 0.05) / (a + 0.05)
print(f"{sys.argv[3]}: {sys.argv[4]}'s edge against the screen beside it: {ratio:.1f}:1")
sys.exit(0 if ratio >= 3 else 1)
PY
done < <(grep '^# expect-outlined ' "$script" || true)

# Where a value's ink lies in its box (#run: owner, ink x y w h, box x y w h, ...).
while read -r _ kind file head; do
    run="$(awk -F'\t' -v h="$head" '$1=="#run" && index($13, h)==1 {print $3, $5, $7, $9; exit}' "$out/$file")"
    [ -n "$run" ] || fail "$name: $file has no text run starting \"$head\""
    read -r ix iw bx bw <<<"$run"
    if [ "$kind" = expect-run-right ]; then
        [ $((ix + iw)) -ge $((bx + bw - 2)) ] && [ $((ix + iw)) -le $((bx + bw)) ] ||
            fail "$name: \"$head\" in $file is not at its box's right edge (ink $ix+$iw, box $bx+$bw)"
    else
        [ "$ix" -eq "$bx" ] || fail "$name: \"$head\" in $file does not start at its box's left edge (ink $ix, box $bx)"
    fi
done < <(grep -E '^# expect-run-(right|left) ' "$script" || true)

after="$(issued_count)"
if grep -q '^# expect-issued$' "$script"; then
    [ "$after" -eq $((before + 1)) ] || fail "$name: $((after - before)) certificates issued, expected 1"
    jws="$(newest_jws)"
    # The QR carries a presentation of the logged certificate: its issuer-signed
    # JWT and no disclosure (no service number, rank, unit or evidence).
    want="${jws%%~*}~"
    # An ordinary QR decoder reads it from the screen.
    qr="$(read_qr "$out/certificate.png")" || fail "$name: zbarimg read no QR code"
    if [ -n "$qr_rule" ]; then
        # The bundle lets the QR disclose more: the same issuer-signed JWT, plus
        # exactly the disclosures the rule names (and the ones they sit in).
        [ "${qr%%~*}~" = "$want" ] || fail "$name: the QR code is not a presentation of the stored certificate"
        want="$qr"
        shown="$(certctl show - <<<"$qr")" || fail "$name: certctl show refused the QR"
        while read -r line; do
            grep -qF -- "$line" <<<"$shown" || fail "$name: show does not say \"$line\": $shown"
        done < <(sed -n 's/^# expect-qr-shows //p' "$script")
    fi
    [ "$qr" = "$want" ] || fail "$name: the QR code is not the presentation of the stored certificate"
    qr_max=1000 qr_px=
    read -r qr_max qr_px < <(sed -n 's/^# qr-limits //p' "$script"; echo "1000") || true
    [ -n "$qr_rule" ] || [ "${#qr}" -le "${qr_max:-1000}" ] || fail "$name: the QR holds ${#qr} bytes, more than ${qr_max:-1000}"
    # ... and after what a phone's camera does to it: half the size, a blur,
    # a 5 degree tilt, JPEG at quality 50.
    convert "$out/certificate.png" -resize 50% -gaussian-blur 0x1 -rotate 5 \
        -quality 50 "$tmp/phone.jpg" || fail "$name: ImageMagick could not degrade the snapshot"
    qr2="$(read_qr "$tmp/phone.jpg")" || fail "$name: zbarimg read no QR code from the degraded snapshot"
    [ "$qr2" = "$want" ] || fail "$name: the degraded QR code decodes to something else"
    certctl trust export --home "$home" --out "$tmp/trust.jwks" >/dev/null
    verified="$(certctl verify --trust "$tmp/trust.jwks" <<<"$qr")" || fail "$name: certctl verify refused the QR's presentation"
    grep -qF "[presentation: claims withheld]" <<<"$verified" || fail "$name: verify does not call the QR a presentation: $verified"
    if [ -z "$qr_rule" ]; then
        shown="$(certctl show - <<<"$qr")" || fail "$name: certctl show refused the QR"
        grep -qE '^  withheld +serviceNumber, rank, unit, operation, evidence' <<<"$shown" ||
            fail "$name: show does not list the withheld claims: $shown"
        # Scannable from the screen: at least 7 px a module at 1280x800, 8 px at 1920x1080.
        min=8
        [ "${size#*x}" -ge 1080 ] || min=7
        [ -z "$qr_px" ] || min="$qr_px"
        px="$(awk -F'\t' '$1=="qr" {print $8}' "$out/certificate.tsv")"
        [ "${px:-0}" -ge "$min" ] || fail "$name: the QR code has ${px:-0} px a module at $size, expected >= $min"
    fi
    attempts="$(sed -n 's/^# expect-attempts \([0-9]*\)$/\1/p' "$script")"
    if [ -n "$attempts" ]; then
        got="$(certctl show --json - <<<"$jws" | python3 -c 'import json,sys; e=json.load(sys.stdin)["payload"]["evidence"]; print([x for x in e if x["type"]=="QuizResult"][0]["attempts"])')"
        [ "$got" = "$attempts" ] || fail "$name: the certificate records $got quiz attempts, expected $attempts"
    fi
    clauses="$(sed -n 's/^# expect-clauses //p' "$script")"
    if [ -n "$clauses" ]; then
        got="$(certctl show --json - <<<"$jws" | python3 -c 'import json,sys; e=json.load(sys.stdin)["payload"]["evidence"]; print(",".join(c.split(":")[-1] for x in e if x["type"]=="CodeOfConductAcknowledgement" for c in x["clauses"]))')"
        [ "$got" = "$clauses" ] || fail "$name: the certificate records clauses $got, expected $clauses"
    fi
    orders="$(sed -n 's/^# expect-choice-orders \([0-9]*\)$/\1/p' "$script")"
    if [ -n "$orders" ]; then
        got="$(certctl show --json - <<<"$jws" | python3 -c 'import json,sys; e=json.load(sys.stdin)["payload"]["evidence"]; o=[x for x in e if x["type"]=="QuizResult"][0]["choiceOrder"]; assert all(sorted(q["order"])==list(range(len(q["order"]))) and len(q["order"])>=3 for q in o); print(len(o))')" ||
            fail "$name: the choice orders are not permutations of 3 or more choices"
        [ "$got" = "$orders" ] || fail "$name: the certificate records $got choice orders, expected $orders"
    fi
fi
if grep -q '^# expect-not-issued$' "$script"; then
    [ "$after" -eq "$before" ] || fail "$name: a certificate was issued"
fi
certctl audit --home "$home" --state-dir "$tmp/state" >/dev/null || fail "$name: the log fails its audit"
echo "ok: $name at $size"
