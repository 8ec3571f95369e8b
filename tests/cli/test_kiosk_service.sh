#!/usr/bin/env bash
# The kiosk as certkiosk.service runs it: sd_notify READY=1 once the start
# screen is drawn, WATCHDOG=1 from the main loop while it idles, STOPPING=1 and
# exit 0 on SIGTERM, the exit status written to --status-file; and a store
# written by a newer certkiosk refused at start with exit 2 and a message
# that says so. A Python datagram socket stands in for systemd's notify socket.
set -euo pipefail
. "$CK_SRC/tests/cli/lib.sh"
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
tmp="$(mktemp -d)"
trap 'kill "${listener:-}" 2>/dev/null || true; rm -rf "$tmp"' EXIT
cd "$tmp"
bash "$CK_SRC/kiosk/demo-home.sh" "$CK_BIN" "$tmp/demo" >/dev/null 2>&1
home="$tmp/demo/kiosk"

# --- hostile first: a store of a newer format ---
cp -a "$home" "$tmp/newer"
sqlite3 "$tmp/newer/store.db" 'PRAGMA user_version = 99'
set +e
expect 2 "made by a newer certkiosk" certkiosk --home "$tmp/newer" --status-file "$tmp/newer.status"
set -e
[ "$(cat "$tmp/newer.status")" = 2 ] || fail "the status file says $(cat "$tmp/newer.status"), not 2"
# ... and the store is left as it was: nothing was written to it.
[ "$(sqlite3 -readonly "$tmp/newer/store.db" 'PRAGMA user_version')" = 99 ] || fail "the newer store was changed"

# ... and a kiosk home of a newer format
cp -a "$home" "$tmp/newer-home"
sed -i 's|"certkiosk-home/1"|"certkiosk-home/2"|' "$tmp/newer-home/kiosk.json"
set +e
expect 2 "made by a newer certkiosk" certkiosk --home "$tmp/newer-home"
set -e

# --- a watchdog of 2 s: a ping at least every second ---
python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        msg = s.recv(4096).decode()
        for line in msg.split("\n"):
            log.write(line + "\n")
PY
listener=$!
for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
[ -S "$tmp/notify.sock" ] || fail "no notify socket"

NOTIFY_SOCKET="$tmp/notify.sock" WATCHDOG_USEC=2000000 WATCHDOG_PID=1 \
    certkiosk --home "$home" --size 1280x800 --status-file "$tmp/run.status" 2>"$tmp/err.txt" &
kiosk=$!
for _ in $(seq 100); do grep -q '^READY=1$' "$tmp/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^READY=1$' "$tmp/notify.log" || { cat "$tmp/err.txt" >&2; fail "no READY=1"; }
sleep 3.5
kill -TERM "$kiosk"
set +e
wait "$kiosk"
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$tmp/err.txt" >&2; fail "SIGTERM: exit $rc, expected 0"; }
[ "$(cat "$tmp/run.status")" = 0 ] || fail "the status file says $(cat "$tmp/run.status"), not 0"
sleep 0.2
pings="$(grep -c '^WATCHDOG=1$' "$tmp/notify.log" || true)"
# 3.5 s idle at one ping a second (half the interval; WATCHDOG_PID names another process)
[ "$pings" -ge 3 ] || fail "$pings watchdog pings in 3.5 s, expected at least 3"
[ "$pings" -le 6 ] || fail "$pings watchdog pings in 3.5 s: the idle loop pings too often"
grep -q '^STOPPING=1$' "$tmp/notify.log" || fail "no STOPPING=1"
grep -q '^STATUS=stopping (SIGTERM)$' "$tmp/notify.log" || fail "no STATUS= on stopping"
echo "ok: kiosk service notifications ($pings watchdog pings), newer store refused"
