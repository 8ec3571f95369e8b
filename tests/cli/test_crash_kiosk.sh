#!/usr/bin/env bash
# test_crash_kiosk: the kiosk process (certkiosk --replay) killed with SIGKILL at random moments
# of complete certification replays (tests/replays/certify_{nor,usa,nato_only}.txt, in turn),
# many times. After each kill:
#   - the store opens and `certctl audit --state-dir` passes, and its witness sees a log that
#     only grew (the entry count never falls either);
#   - the run added at most one certificate, and every new cert.issued entry verifies with
#     `certctl verify` against the kiosk's exported trust;
#   - the promise that matters: if the kiosk had reached the certificate screen before it died,
#     that certificate is in the store. The test knows it from the replay itself: it plays a copy
#     of the script without its snapshot and dump-layout lines, with `dump-layout shown.tsv` and
#     `snapshot shown` inserted right after each `expect screen certificate`. The dump file
#     exists (even empty: killed while writing it) only once that step has passed, so then the
#     run must have added a certificate; when shown.png is complete (ends with PNG's IEND chunk:
#     files are written in order, so its last bytes come last) its QR code, read with zbarimg,
#     must be exactly the newest stored certificate.
# Kill moments, from one uninterrupted run of each script (timed; its certificate checked as
# above): 15 % during start-up (a replay of just `expect screen attract`); 35 % within 30 ms of
# the moment the certificate is committed, taken as 15 ms before the dump (with strace the
# commit's fdatasync comes ~19 ms before it: the certificate screen is laid out between);
# 10 % from the dump to the end (the snapshot, SQLite's checkpoint at close, exit); the rest
# uniform over the whole run. The dump's time follows the machine's load: every dump a run
# writes moves it halfway to that run's, and a run killed after the estimated commit but with
# no certificate stored moves it past the kill. Timings only aim the kills: nothing asserts on
# time, and a kiosk that finishes before its kill is checked like the others.
#
#   CK_CRASH_KIOSK_KILLS=n  the number of kills (default 120, ~60 s on 2 cores; 60 in a sanitizer
#                           build, where the kiosk and certctl run ~2x slower, to stay within the
#                           same time: CK_SANITIZE is set by tests/CMakeLists.txt)
#   CK_CRASH_SEED=n         replays a run's kill moments (printed at the start; as closely as
#                           the timings, which follow the load, allow)
#   CK_CRASH_VERBOSE=1      prints each kill: when, what the run had stored and shown
set -uo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
default_kills=120
[ -n "${CK_SANITIZE:-}" ] && default_kills=60
kills="${CK_CRASH_KIOSK_KILLS:-$default_kills}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
. "$CK_SRC/tests/cli/lib.sh" # fail

bash "$CK_SRC/kiosk/demo-home.sh" "$CK_BIN" "$tmp/demo" >/dev/null 2>&1 || fail "demo home"
home="$tmp/demo/kiosk" state="$tmp/state" snap="$tmp/snap"
certctl trust export --home "$home" --out "$tmp/trust.jwks" >/dev/null 2>&1 || fail "trust export"

# The scripts as played here: the replay's own steps, its snapshots and dumps left out, the
# two markers inserted after the certificate screen is expected.
names=(certify_nor certify_usa certify_nato_only)
for name in "${names[@]}"; do
    src="$CK_SRC/tests/replays/$name.txt"
    grep -q '^expect screen certificate *$' "$src" || fail "$name: no 'expect screen certificate'"
    sed -E '/^[[:space:]]*(snapshot|dump-layout)[[:space:]]/d
            s/^expect screen certificate *$/&\ndump-layout shown.tsv\nsnapshot shown/' \
        "$src" >"$tmp/$name.txt"
done
printf 'expect screen attract\n' >"$tmp/startup.txt"
# The smallest window size the replays are played at (their "# sizes" header).
size="$(sed -n 's/^# sizes //p' "$CK_SRC/tests/replays/certify_nor.txt" | tr ' ' '\n' |
    awk -Fx '$1*$2 > 0 && (!m || $1*$2 < m) {m = $1*$2; s = $0} END {print s}')"
size="${size:-1280x800}"

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
mtime_ms() { stat -c %.3Y "$1" | tr -d .; }

# ---- what is checked after every run ----
n_certs=0 # cert.issued entries in the log so far (all verified)
n_entries=0
shown=0 qr_read=0 committed_unshown=0 not_committed=0 finished=0
certs() { # "index jws" of every cert.issued entry, index order, into $tmp/certs
    certctl export --home "$home" --out "$tmp/export.json" >"$tmp/export.log" 2>&1 ||
        fail "$1: export (it audits) fails: $(cat "$tmp/export.log")"
    # Line 1 is the header; line n + 2 is entry n.
    jq -r 'select(.type == "cert.issued") | "\(input_line_number - 2) \(.jws)"' \
        "$tmp/export.json" >"$tmp/certs" || fail "$1: export is not the JSON Lines expected"
}
# check WHAT: the store after a run (killed or not) keeps every promise; updates the counts.
check() {
    local what="$1" out n new
    out="$(certctl audit --home "$home" --state-dir "$state" 2>&1)" || fail "$what: audit fails: $out"
    n="$(sed -n 's/.*, \([0-9]*\) entries,.*/\1/p' <<<"$out" | head -1)"
    [ -n "$n" ] || fail "$what: audit did not say how many entries: $out"
    [ "$n" -ge "$n_entries" ] || fail "$what: the log shrank from $n_entries to $n entries"
    certs "$what"
    new=$(($(wc -l <"$tmp/certs") - n_certs))
    [ "$new" -ge 0 ] && [ "$new" -le 1 ] ||
        fail "$what: $new certificates appeared in one run (had $n_certs)"
    if [ "$new" -eq 1 ]; then
        tail -n 1 "$tmp/certs" | cut -d' ' -f2 >"$tmp/new.jws"
        certctl verify --trust "$tmp/trust.jwks" "$tmp/new.jws" >"$tmp/verify.log" 2>&1 ||
            fail "$what: the new certificate does not verify: $(cat "$tmp/verify.log")"
    fi
    if [ -e "$snap/shown.tsv" ]; then
        [ "$new" -eq 1 ] || fail "$what: the kiosk reached the certificate screen, but no certificate was stored"
        if [ -s "$snap/shown.tsv" ]; then
            head -n 1 "$snap/shown.tsv" | grep -qx '# screen certificate' ||
                fail "$what: the dump after 'expect screen certificate' is of another screen"
        fi
        if [ "$(tail -c 12 "$snap/shown.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = \
            0000000049454e44ae426082 ]; then
            local qr
            # Only QR codes: by default zbarimg may also find a spurious GS1
            # DataBar in the code's modules (see test_ui_replay.sh).
            qr="$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$snap/shown.png" 2>/dev/null)" ||
                fail "$what: no QR code read from the certificate screen"
            # The QR carries the presentation of the stored certificate (its
            # issuer-signed JWT, every disclosure withheld).
            [ "$qr" = "$(cut -d~ -f1 "$tmp/new.jws")~" ] ||
                fail "$what: the certificate shown is not the one stored"
            qr_read=$((qr_read + 1))
        fi
        shown=$((shown + 1)) outcome=shown
    elif [ "$new" -eq 1 ]; then
        committed_unshown=$((committed_unshown + 1)) outcome=unshown
    else
        not_committed=$((not_committed + 1)) outcome=none
    fi
    n_entries=$n n_certs=$((n_certs + new))
}
run_whole() { # run_whole SCRIPT WHAT: an uninterrupted replay; sets $span (ms) and $start
    rm -rf "$snap" && mkdir "$snap"
    start=$(now_ms)
    certkiosk --home "$home" --replay "$1" --snapshots "$snap" --size "$size" >"$tmp/run.log" 2>&1 ||
        fail "$2: the replay fails without any kill: $(cat "$tmp/run.log")"
    span=$(($(now_ms) - start))
}

check "the new home"
# Start-up alone, then each script once, whole: they must issue and show their certificate,
# and tell when to strike.
run_whole "$tmp/startup.txt" "start-up"
startup_ms=$span
check "start-up"
declare -A tail_ms at_ms
for name in "${names[@]}"; do
    run_whole "$tmp/$name.txt" "$name"
    [ -s "$snap/shown.png" ] || fail "$name: the uninterrupted replay showed no certificate"
    before=$qr_read
    check "$name, uninterrupted"
    [ "$qr_read" -gt "$before" ] || fail "$name: no certificate shown, stored and read back"
    at_ms[$name]=$(($(mtime_ms "$snap/shown.tsv") - start))
    tail_ms[$name]=$((span - at_ms[$name]))
done
# The checker itself: the last run checked again (its certificate now counted as old) is a
# certificate shown but not stored; two fewer counted, two stored in one run.
(check "self-test" >/dev/null 2>&1) &&
    fail "the checker missed a certificate shown but not stored"
(n_certs=$((n_certs - 2)) && check "self-test" >/dev/null 2>&1) &&
    fail "the checker missed a run that stored two certificates"
rm -f "$tmp/new.jws"

seed="${CK_CRASH_SEED:-$$}"
RANDOM=$seed
echo "test_crash_kiosk: CK_CRASH_SEED=$seed, $kills kills at $size; start-up $startup_ms ms;" \
    "$(for n in "${names[@]}"; do printf '%s shown at %d ms of %d; ' "$n" "${at_ms[$n]}" $((at_ms[$n] + tail_ms[$n])); done)"
lead=15 # ms from the commit to the dump
shown=0 qr_read=0 committed_unshown=0 not_committed=0 finished=0
t0=$(now_ms)
for i in $(seq 1 "$kills"); do
    name="${names[$((i % ${#names[@]}))]}"
    at=${at_ms[$name]}
    c=$((at > lead ? at - lead : 0)) span=$((at + tail_ms[$name]))
    r=$((RANDOM % 100))
    if [ "$r" -lt 15 ]; then
        script="$tmp/startup.txt" lo=0 hi=$startup_ms kind=start-up
    elif [ "$r" -lt 50 ]; then
        script="$tmp/$name.txt" lo=$((c > 30 ? c - 30 : 0)) hi=$((c + 30)) kind="$name at issue"
    elif [ "$r" -lt 60 ]; then
        script="$tmp/$name.txt" lo=$at hi=$span kind="$name at exit"
    else
        script="$tmp/$name.txt" lo=0 hi=$span kind="$name"
    fi
    delay=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
    rm -rf "$snap" && mkdir "$snap"
    start=$(now_ms)
    # certkiosk itself in the background (not a function: $! would be a subshell).
    certkiosk --home "$home" --replay "$script" --snapshots "$snap" --size "$size" >"$tmp/kill.log" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    what="kill $i ($kind, $delay ms)"
    case $rc in
    137) ;;                          # killed
    0) finished=$((finished + 1)) ;; # it ended before its kill
    *) fail "$what: the kiosk failed on its own (exit $rc): $(cat "$tmp/kill.log")" ;;
    esac
    check "$what"
    [ -z "${CK_CRASH_VERBOSE:-}" ] || echo "$what: $outcome, exit $rc$([ -e "$snap/shown.tsv" ] &&
        echo ", dump at $(($(mtime_ms "$snap/shown.tsv") - start)) ms")"
    # Where this loop sees the certificate screen (a loaded machine, a cold cache): each dump
    # written moves the estimate halfway to its time; a run killed with no certificate stored
    # after the moment the estimate puts the commit shows that it comes later.
    [ "$script" = "$tmp/startup.txt" ] && continue
    if [ -e "$snap/shown.tsv" ]; then
        at_ms[$name]=$(((at + $(mtime_ms "$snap/shown.tsv") - start) / 2))
    elif [ "$outcome" = none ] && [ "$delay" -ge "$c" ]; then
        at_ms[$name]=$((delay + 5 + lead))
    fi
done
t1=$(now_ms)
echo "test_crash_kiosk: $kills kills in $(((t1 - t0) / 1000)) s: $shown runs had shown their" \
    "certificate (stored and verified; its QR read back from the $qr_read screens saved in full)," \
    "$committed_unshown had stored one not yet shown, $not_committed had stored none;" \
    "$finished ended before their kill"
# After all that, the kiosk still starts, issues and shows a certificate.
before=$qr_read
run_whole "$tmp/${names[0]}.txt" "the last run"
check "the last run"
[ "$qr_read" -gt "$before" ] || fail "the last run: no certificate shown, stored and read back"
# Every certificate in the log, verified once more all together.
cut -d' ' -f2 "$tmp/certs" >"$tmp/all.jws"
certctl verify --trust "$tmp/trust.jwks" "$tmp/all.jws" >"$tmp/verify.log" 2>&1 ||
    fail "the log's certificates do not all verify: $(grep -v '^ *ok' "$tmp/verify.log")"
grep -qx "$n_certs valid, 0 invalid" "$tmp/verify.log" ||
    fail "verify did not count $n_certs valid certificates: $(tail -n 1 "$tmp/verify.log")"
echo "test_crash_kiosk: $n_certs certificates, $n_entries entries, audit and witness passed"
