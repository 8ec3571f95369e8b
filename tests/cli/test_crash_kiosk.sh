#!/usr/bin/env bash
# test_crash_kiosk: the kiosk process (certkiosk --replay) killed with SIGKILL at random moments
# while it starts, loads its plugins and logs them; after each kill its store opens, audit
# passes, and the witness sees a log that only grew. A whole certification session takes
# ~25 s headless, so this kills the part of a run that writes the log at start-up (4 commits
# in ~1 s); test_crash_loop kills the issuing itself 200 times.
# CK_CRASH_KIOSK_KILLS=n changes the number of kills (default 20).
set -uo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
kills="${CK_CRASH_KIOSK_KILLS:-20}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export CERTKIOSK_STATE_DIR="$tmp/state"
script="$CK_SRC/tests/replays/attract_settings.txt"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# A home as tests/ui/test_ui_replay.sh makes it: authority, endorsed kiosk and publishers.
auth="$tmp/authority" home="$tmp/kiosk"
mkdir -p "$auth"
echo "crash-kiosk-passphrase" >"$auth/pass"
pass=(--passphrase-file "$auth/pass")
certctl authority create --out "$auth" --name "TEST authority" "${pass[@]}" >/dev/null || fail "authority"
certctl kiosk init --home "$home" --kiosk-id CRASH-KIOSK-02 --operator "TEST" >/dev/null ||
    fail "kiosk init"
certctl kiosk endorse --authority "$auth" --home "$home" --days 365 "${pass[@]}" >/dev/null ||
    fail "endorse"
mkdir -p "$home/plugins"
for code in nato nor usa; do
    nation="$(tr '[:lower:]' '[:upper:]' <<<"$code")"
    certctl publisher endorse --authority "$auth" \
        --publisher "$CK_BIN/demo-keys/demo-publisher-$code.jwk" --nation "$nation" \
        --home "$home" --days 365 "${pass[@]}" >/dev/null || fail "publisher $code"
    cp -r "$CK_BIN/plugins/$code" "$home/plugins/$code"
done

kiosk() {
    certkiosk --home "$home" --replay "$script" --size 1024x700
}
entries() { # the entry count audit reports (witnessed), or fail
    local out n
    out="$(certctl audit --home "$home" 2>&1)" || fail "$1: audit fails: $out"
    n="$(sed -n 's/.*, \([0-9]*\) entries,.*/\1/p' <<<"$out")"
    [ -n "$n" ] || fail "$1: audit did not say how many entries: $out"
    echo "$n"
}

# One whole run, timed, to know when to strike.
start=$(date +%s%N)
kiosk >"$tmp/run.log" 2>&1 || fail "the replay fails without any kill: $(cat "$tmp/run.log")"
span_ms=$((($(date +%s%N) - start) / 1000000))
last="$(entries "after the first run")" || exit 1
[ "$last" -ge 2 ] || fail "the kiosk logged nothing at start ($last entries)"

seed="${CK_CRASH_SEED:-$$}"
RANDOM=$seed
echo "test_crash_kiosk: CK_CRASH_SEED=$seed, a run takes $span_ms ms"
for i in $(seq 1 "$kills"); do
    # certkiosk itself in the background (not a function: $! would be a subshell).
    certkiosk --home "$home" --replay "$script" --size 1024x700 >"$tmp/kill.log" 2>&1 &
    pid=$!
    delay=$((RANDOM % (span_ms + 1)))
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    now="$(entries "kill $i at $delay ms")" || exit 1
    [ "$now" -ge "$last" ] || fail "kill $i: the log shrank from $last to $now entries"
    last="$now"
done
# After all that, the kiosk still starts and runs a whole replay, and the log is sound.
kiosk >"$tmp/run.log" 2>&1 || fail "the replay fails after the kills: $(cat "$tmp/run.log")"
final="$(entries "the last run")" || exit 1
[ "$final" -gt "$last" ] || fail "the last run logged nothing ($last -> $final entries)"
echo "test_crash_kiosk: $kills kills, log grew to $final entries, audit and witness passed"
