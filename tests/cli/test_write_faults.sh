#!/usr/bin/env bash
# test_write_faults: `certctl issue` with each write to the kiosk home failing in turn (a full
# disk, from the LD_PRELOAD fault shim) and with each fsync failing in turn. At every point:
# either the certificate was committed and reported, or a clear error and not a trace of it;
# every earlier entry intact, and audit (as a witness, so history never shrinks) passes.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
shim="$CK_BIN/tests/ck_fault_shim.so"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state"
# Under ASan (tests/run --sanitize) the preloaded shim comes before the ASan runtime; that is
# fine for a shim that only wraps write and fsync, so the order check is turned off.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

[ -f "$shim" ] || fail "no fault shim at $shim"

paper() { # NAME NUMBER
    certctl issue --paper --home H --recorded-by "Capt. Admin" --name "$1" --nation NOR \
        --service-number "$2" --category military
}

certctl kiosk init --home H --kiosk-id FAULT-KIOSK-01 --operator "Fault Test" >/dev/null ||
    fail "kiosk init"
paper "Before One" 1001 >/dev/null 2>&1 || fail "issue"
paper "Before Two" 1002 >/dev/null 2>&1 || fail "issue"
certctl audit --home H >/dev/null || fail "first audit"

# How many writes and fsyncs one issue makes: the points to fail.
CK_FAULT_DIR="$t/H" CK_FAULT_COUNT="$t/count" LD_PRELOAD="$shim" paper "Counting" 1003 \
    >/dev/null 2>&1 || fail "issue under the shim without faults"
read -r _ writes _ fsyncs <"$t/count"
[ "$writes" -ge 3 ] && [ "$fsyncs" -ge 1 ] ||
    fail "the shim saw $writes writes and $fsyncs fsyncs: it is not intercepting SQLite"

refused=0
committed=0
# faulted KIND N MESSAGE: one issue with the (N+1)th write or fsync failing, then the checks.
faulted() {
    local kind="$1" n="$2" message="$3" rc serial
    certctl list --home H --csv >before.csv || fail "list"
    env CK_FAULT_DIR="$t/H" "CK_FAULT_${kind}_AFTER=$n" LD_PRELOAD="$shim" \
        certctl issue --paper --home H --recorded-by "Capt. Admin" --name "Faulted $kind $n" \
        --nation NOR --service-number "$kind$n" --category civilian >out.txt 2>err.txt
    rc=$?
    out="$(certctl audit --home H 2>&1)" ||
        fail "$kind fault at $n (issue exit $rc): audit fails afterwards: $out"
    certctl list --home H --csv >after.csv || fail "list after a $kind fault at $n"
    case "$rc" in
    0)
        committed=$((committed + 1))
        serial="$(sed -n 's/^issued \([^,]*\),.*/\1/p' err.txt)"
        [ -n "$serial" ] || fail "$kind fault at $n: success without an 'issued' line"
        [ "$(wc -l <after.csv)" -eq $(($(wc -l <before.csv) + 1)) ] ||
            fail "$kind fault at $n: reported issued, but the log did not grow by one"
        grep -qF "$serial" after.csv || fail "$kind fault at $n: $serial reported but not listed"
        ;;
    2)
        refused=$((refused + 1))
        grep -qiF "$message" err.txt ||
            fail "$kind fault at $n: the error does not say \"$message\": $(cat err.txt)"
        [ -s out.txt ] && fail "$kind fault at $n: a certificate was printed for a failed issue"
        cmp -s before.csv after.csv ||
            fail "$kind fault at $n: a failed issue changed the log: $(diff before.csv after.csv)"
        ;;
    *) fail "$kind fault at $n: issue exited $rc: $(cat err.txt)" ;;
    esac
    grep -qiE "assert|sanitizer|runtime error" err.txt && fail "$kind fault at $n: $(cat err.txt)"
    return 0
}

for n in $(seq 0 $((writes - 1))); do
    faulted WRITE "$n" "the disk is full"
done
[ "$refused" -gt 0 ] || fail "no write failure was refused: the sweep missed the commit"
w_refused=$refused
refused=0
for n in $(seq 0 $((fsyncs - 1))); do
    faulted FSYNC "$n" "input/output error"
done
[ "$refused" -gt 0 ] || fail "no fsync failure was refused: the sweep missed the commit"

# Once the disk is well again, the kiosk goes on where it stopped.
paper "After" 1004 >/dev/null 2>err.txt || fail "issue after the faults: $(cat err.txt)"
out="$(certctl audit --home H 2>&1)" || fail "final audit: $out"
n=$(certctl list --home H --csv | tail -n +2 | wc -l)
[ "$n" -eq $((4 + committed)) ] ||
    fail "$n certificates in the log; expected $((4 + committed)) (4 plain, $committed under faults)"
echo "test_write_faults: $writes write points ($w_refused refused), $fsyncs fsync points" \
    "($refused refused), $committed committed despite a late fault; all passed"
