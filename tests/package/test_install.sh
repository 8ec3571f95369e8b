#!/usr/bin/env bash
# tests/package/test_install.sh: the kiosk as a contingent installs it, on this machine, as
# root (CI is). Builds the three Debian packages (packaging/build-debs: lintian without
# errors or warnings), installs them with apt, checks the user, owners and modes, runs
# systemd-analyze verify and security, provisions a kiosk with the file-carried verbs as user
# certkiosk, starts the installed kiosk the way certkiosk.service does (its wrapper, cage,
# the user certkiosk) on wlroots' headless backend, takes a screenshot with grim and compares
# it with the attract screen, checks the maintenance exit status reaches the unit through
# the wrapper, installs a newer version over it, then removes and purges the packages and
# checks the evidence is still there.
# About 2 to 4 minutes. Usage: tests/package/test_install.sh (from .ci/run, after tests/run).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
home=/var/lib/certkiosk
kiosk_id=PKGTEST-KIOSK-01 # a kiosk home with this ID is the test's own, from an earlier run
step() { echo "== $*"; }
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || { echo "SKIP: installing packages needs root (CI runs this as root)"; exit 0; }
export DEBIAN_FRONTEND=noninteractive CERTKIOSK_TEST_FAST_KDF=1
source "$root/kiosk/setup.sh"
CK_PACKAGES+=("${CK_PACKAGING_PACKAGES[@]}")
ck_install_deps

tmp="$(mktemp -d /tmp/certkiosk-pkgtest.XXXXXX)"
chmod 755 "$tmp"
session=""
cleanup() {
    [ -n "$session" ] && kill "$session" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- a clean start: no package, no kiosk home but the test's own ----
if [ -e "$home/kiosk.json" ] && ! grep -q "\"$kiosk_id\"" "$home/kiosk.json"; then
    fail "$home holds a kiosk home that is not this test's: not touching it"
fi
dpkg --purge certkiosk certkiosk-dev certctl >/dev/null 2>&1 || true
rm -rf "$home"

step "build the packages (lintian: no error, no warning)"
"$root/packaging/build-debs" "$tmp/debs" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "packaging/build-debs"; }
for p in certkiosk certctl certkiosk-dev; do
    ls "$tmp"/debs/${p}_*_amd64.deb >/dev/null || fail "no $p package"
done
# certctl alone pulls in no SDL (an administrator's laptop installs only it).
dpkg-deb -f "$tmp"/debs/certctl_*.deb Depends | grep -qi sdl && fail "certctl depends on SDL"
dpkg-deb -f "$tmp"/debs/certkiosk_*.deb Depends | grep -q "cage" || fail "certkiosk does not depend on cage"
dpkg-deb -f "$tmp"/debs/certkiosk_*.deb Depends | grep -q "iso-codes" || fail "certkiosk does not depend on iso-codes (the nation chooser's country names)"
# Names in any script (kiosk/ui/fontchain.c): the Noto fallback fonts, FriBidi and HarfBuzz.
for dep in fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji libfribidi0 libharfbuzz0b; do
    dpkg-deb -f "$tmp"/debs/certkiosk_*.deb Depends | grep -q "$dep" || fail "certkiosk does not depend on $dep"
done

step "apt install ./certkiosk_*.deb ./certctl_*.deb ./certkiosk-dev_*.deb"
(cd "$tmp/debs" && apt-get install -y -qq ./certkiosk_*.deb ./certctl_*.deb ./certkiosk-dev_*.deb >"$tmp/apt.log" 2>&1) ||
    { cat "$tmp/apt.log" >&2; fail "apt install"; }

step "user, owners, modes"
IFS=: read -r _ _ uid _ _ uhome ushell < <(getent passwd certkiosk) || fail "no user certkiosk"
[ "$uid" -lt 1000 ] || fail "certkiosk is not a system user (uid $uid)"
[ "$uhome" = "$home" ] || fail "certkiosk's home is $uhome"
[ "$ushell" = /usr/sbin/nologin ] || fail "certkiosk's shell is $ushell"
[ "$(stat -c '%U:%G %a' "$home")" = "certkiosk:certkiosk 700" ] || fail "$home is $(stat -c '%U:%G %a' "$home")"
for f in /usr/bin/certkiosk /usr/bin/certctl /usr/libexec/certkiosk/certkiosk-session; do
    [ "$(stat -c '%U:%G %a' "$f")" = "root:root 755" ] || fail "$f is $(stat -c '%U:%G %a' "$f")"
done
for f in /lib/systemd/system/certkiosk.service /etc/pam.d/certkiosk /usr/lib/sysusers.d/certkiosk.conf \
    /usr/lib/tmpfiles.d/certkiosk.conf /usr/share/certkiosk/assets/ui/en.json \
    /usr/share/certkiosk/logind.conf.d/50-certkiosk-no-vt.conf /usr/include/certkiosk/plugin.h; do
    [ "$(stat -c '%U:%G %a' "$f")" = "root:root 644" ] || fail "$f is $(stat -c '%U:%G %a' "$f")"
done
dpkg-query -W -f='${Conffiles}\n' certkiosk | grep -q /etc/pam.d/certkiosk || fail "/etc/pam.d/certkiosk is not a conffile"
# The optional logind drop-in is shipped, and off.
[ -e /etc/systemd/logind.conf.d/50-certkiosk-no-vt.conf ] && fail "the no-VT drop-in is on by default"

step "systemd-analyze verify and security"
systemd-analyze verify /lib/systemd/system/certkiosk.service >"$tmp/verify.log" 2>&1 ||
    { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify"; }
[ -s "$tmp/verify.log" ] && { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify is not clean"; }
score="$(systemd-analyze security --offline=yes /lib/systemd/system/certkiosk.service 2>/dev/null |
    sed -n 's/.*Overall exposure level for certkiosk.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')"
echo "   exposure: $score"
awk -v s="${score%% *}" 'BEGIN { exit !(s != "" && s <= 2.5) }' || fail "exposure $score, goal <= 2.5"

step "provision as user certkiosk, the authority's key on another 'machine'"
as_kiosk() { runuser -u certkiosk -- "$@"; }
usb="$tmp/usb" # what travels between the machines
mkdir -p "$usb" "$tmp/authority"
chown certkiosk: "$usb"
build="$root/build-deb"
echo "authority passphrase" >"$tmp/authority/pass"
chmod 600 "$tmp/authority/pass"
(
    cd "$tmp/authority"
    certctl authority create --out auth --name "Package test HQ" --passphrase-file pass >/dev/null
    for code in nato nor usa; do
        nation="$(tr -d ' \n' <"$build/demo-keys/demo-publisher-$code.jwk" | sed -n 's/.*"nation":"\([A-Z]*\)".*/\1/p')"
        certctl publisher endorse --authority auth --publisher "$build/demo-keys/demo-publisher-$code.jwk" \
            --nation "$nation" --trust contingent.jwks --passphrase-file pass >/dev/null
    done
)
as_kiosk certctl kiosk init --home "$home" --kiosk-id "$kiosk_id" --operator "Package test" >/dev/null
as_kiosk certctl kiosk request --home "$home" --out "$usb/request.json" >"$tmp/request.log"
kid="$(sed -n 's/.*key ID \([0-9a-f]*\).*/\1/p' "$tmp/request.log")"
[ -n "$kid" ] || fail "kiosk request printed no key ID"
(cd "$tmp/authority" && certctl kiosk endorse --authority auth --request "$usb/request.json" \
    --out "$usb/endorsement.json" --trust contingent.jwks --kid "$kid" --passphrase-file pass) >"$tmp/endorse.log"
grep -q "kiosk     $kiosk_id" "$tmp/endorse.log" || fail "endorse did not show the kiosk ID"
chown -R certkiosk: "$usb" # the stick, handed to the kiosk's user
as_kiosk certctl kiosk install-endorsement --home "$home" --yes "$usb/endorsement.json" >/dev/null
for code in nato nor usa; do
    cp -r "$build/plugins/$code" "$usb/"
done
chown -R certkiosk: "$usb"
for code in nato nor usa; do
    as_kiosk certctl plugin install --home "$home" "$usb/$code" >/dev/null
done
echo 246810 >"$usb/pin"
chown certkiosk "$usb/pin"
as_kiosk certctl kiosk set-pin --home "$home" --pin-file "$usb/pin" >/dev/null
# The shipped bundles are drafts (no authority review yet): a deployed kiosk shows them only
# when its config says so (README.md, step 8 of "Deploying a kiosk").
as_kiosk python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["allow_draft_content"]=True; json.dump(c, open(p,"w"), indent=2)' \
    "$home/config.json"
bad="$(find "$home" ! -user certkiosk)"
[ -z "$bad" ] || fail "not owned by certkiosk: $bad"
bad="$(find "$home" -perm /022)"
[ -z "$bad" ] || fail "writable by group or others: $bad"
[ "$(stat -c %a "$home/kiosk.key")" = 600 ] || fail "kiosk.key is not 0600"
[ "$(stat -c %a "$home")" = 700 ] || fail "$home is not 0700 after provisioning"

pid1="$(ps -o comm= -p 1)"
if [ "$pid1" = systemd ]; then
    systemctl daemon-reload
    [ "$(systemctl show -P LoadState certkiosk.service)" = loaded ] || fail "systemd did not load certkiosk.service"
    echo "   PID 1 is systemd: the unit loads; it is not started here (it would take tty1)"
else
    echo "   PID 1 is $pid1, not systemd: certkiosk.service itself is not started; its wrapper is, as the unit would start it"
fi

step "the installed kiosk under cage (headless wlroots), as user certkiosk"
run="$tmp/run" # the unit's RuntimeDirectory=
mkdir -m 700 "$run"
chown certkiosk: "$run"
# The window is 1200x700 in the 1280x720 headless output, through Xwayland: cage 0.1.4
# scans a client buffer that fills the output straight out, and wlroots 0.15's screencopy
# then hands grim an empty (black) frame; a smaller window is composited and captured.
setsid runuser -u certkiosk -- env WLR_BACKENDS=headless WLR_HEADLESS_OUTPUTS=1 WLR_LIBINPUT_NO_DEVICES=1 \
    WLR_RENDERER=pixman SDL_VIDEODRIVER=x11 RUNTIME_DIRECTORY="$run" STATE_DIRECTORY="$home" \
    /usr/libexec/certkiosk/certkiosk-session --windowed --size 1200x700 >"$tmp/session.log" 2>&1 &
session=$!
shot="$run/screen.png"
for _ in $(seq 40); do
    sleep 0.5
    [ -S "$run/wayland-0" ] || continue
    runuser -u certkiosk -- env XDG_RUNTIME_DIR="$run" WAYLAND_DISPLAY=wayland-0 grim "$shot" 2>/dev/null || continue
    [ "$(convert "$shot" -format %k info:)" -gt 100 ] && break
done
[ -f "$shot" ] || { cat "$tmp/session.log" >&2; fail "no screenshot"; }
colours="$(convert "$shot" -format %k info:)"
[ "$colours" -gt 100 ] || { cat "$tmp/session.log" >&2; fail "the screen is blank ($colours colours)"; }
# The same attract screen, drawn by the installed kiosk's headless replay of this home.
printf 'expect screen attract\nexpect-text "Start"\nsnapshot attract\n' >"$run/attract.txt"
chown certkiosk "$run/attract.txt"
runuser -u certkiosk -- env SDL_VIDEODRIVER=dummy /usr/bin/certkiosk --home "$home" --replay "$run/attract.txt" \
    --snapshots "$run/ref" --size 1200x700 >/dev/null || fail "the installed kiosk's replay failed"
convert "$shot" -crop 1200x700+0+0 +repage "$tmp/window.png"
diff_px="$(compare -metric AE -fuzz 10% "$tmp/window.png" "$run/ref/attract.png" null: 2>&1 || true)"
echo "   screenshot: $colours colours; $diff_px of 840000 pixels differ from the attract screen by more than 10 %"
[ "${diff_px%%.*}" -le 8400 ] || { cp "$shot" /tmp/certkiosk-pkgtest-screen.png; fail "the screen is not the attract screen (kept in /tmp/certkiosk-pkgtest-screen.png)"; }
# SIGTERM, as systemctl stop sends it: the kiosk ends cleanly (0), cage and the wrapper with it.
kill -TERM "$(pgrep -u certkiosk -x certkiosk)"
set +e
wait "$session"
rc=$?
set -e
session=""
[ "$rc" -eq 0 ] || { cat "$tmp/session.log" >&2; fail "the session ended with $rc after SIGTERM, expected 0"; }

step "full screen on Wayland, as the unit runs it: READY=1 and WATCHDOG=1 reach the notify socket"
# A stand-in for systemd's notify socket (NotifyAccess=all: the kiosk is cage's child).
runuser -u certkiosk -- python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode() + "\n")' "$run/notify" "$run/notify.log" >/dev/null 2>&1 &
listener=$!
for _ in $(seq 50); do [ -S "$run/notify" ] && break; sleep 0.1; done
rm -f "$run/wayland-0" "$run/wayland-0.lock"
setsid runuser -u certkiosk -- env WLR_BACKENDS=headless WLR_HEADLESS_OUTPUTS=1 WLR_LIBINPUT_NO_DEVICES=1 \
    WLR_RENDERER=pixman RUNTIME_DIRECTORY="$run" STATE_DIRECTORY="$home" NOTIFY_SOCKET="$run/notify" \
    WATCHDOG_USEC=2000000 /usr/libexec/certkiosk/certkiosk-session >"$tmp/session2.log" 2>&1 &
session=$!
for _ in $(seq 60); do grep -q '^READY=1' "$run/notify.log" 2>/dev/null && break; sleep 0.5; done
sleep 2.5
kill -TERM "$(pgrep -u certkiosk -x certkiosk)"
set +e
wait "$session"
rc=$?
set -e
session=""
kill "$listener" 2>/dev/null || true
grep -q '^READY=1' "$run/notify.log" || { cat "$tmp/session2.log" >&2; fail "the kiosk under cage sent no READY=1"; }
grep -q '^WATCHDOG=1' "$run/notify.log" || fail "the kiosk under cage sent no WATCHDOG=1"
[ "$rc" -eq 0 ] || fail "the full-screen session ended with $rc after SIGTERM, expected 0"
echo "   READY=1, then $(grep -c '^WATCHDOG=1' "$run/notify.log") watchdog pings in 2.5 s; exit 0 on SIGTERM"

step "'Stop for maintenance' (exit 4) reaches the unit through the wrapper, whatever cage returns"
# A stand-in for cage 0.1.4: runs its client, then exits 0 whatever the client's status.
mkdir -p "$tmp/fakecage"
printf '#!/bin/sh\n[ "$1" = -- ] && shift\n"$@"\nexit 0\n' >"$tmp/fakecage/cage"
chmod 755 "$tmp/fakecage/cage" "$tmp/fakecage"
cp "$root/tests/replays/admin_maintenance.txt" "$run/"
chown certkiosk "$run/admin_maintenance.txt"
set +e
runuser -u certkiosk -- env PATH="$tmp/fakecage:$PATH" SDL_VIDEODRIVER=dummy RUNTIME_DIRECTORY="$run" \
    STATE_DIRECTORY="$home" /usr/libexec/certkiosk/certkiosk-session --replay "$run/admin_maintenance.txt" \
    >"$tmp/maint.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 4 ] || { cat "$tmp/maint.log" >&2; fail "maintenance stop: the wrapper exited $rc, expected 4"; }
grep -q '^RestartPreventExitStatus=4$' /lib/systemd/system/certkiosk.service || fail "the unit does not keep a maintenance stop stopped"

step "the log before removal"
as_kiosk certctl audit --home "$home" --state-dir "$usb/witness" >/dev/null || fail "the kiosk's log fails its audit"
sum="$(sha256sum "$home/store.db" "$home/kiosk.key" | sha256sum)"

step "upgrade to a newer version: the home, the log and its witness stay"
# The same build packaged as a later version, installed over the running one.
(cd "$build" && cpack -G DEB -B "$tmp/debs-new" -D CPACK_PACKAGE_VERSION=0.1.0+pkgtest1 >/dev/null 2>&1)
(cd "$tmp/debs-new" && apt-get install -y -qq ./certkiosk_0.1.0+pkgtest1_amd64.deb \
    ./certctl_0.1.0+pkgtest1_amd64.deb >"$tmp/upgrade.log" 2>&1) || { cat "$tmp/upgrade.log" >&2; fail "the upgrade"; }
[ "$(dpkg-query -W -f='${Version}' certkiosk)" = 0.1.0+pkgtest1 ] || fail "the upgrade did not take"
[ "$(sha256sum "$home/store.db" "$home/kiosk.key" | sha256sum)" = "$sum" ] || fail "the upgrade changed the kiosk home"
as_kiosk certctl audit --home "$home" --state-dir "$usb/witness" >/dev/null || fail "the log fails its audit (against its witness) after the upgrade"
runuser -u certkiosk -- env SDL_VIDEODRIVER=dummy /usr/bin/certkiosk --home "$home" --replay "$run/attract.txt" \
    >/dev/null || fail "the upgraded kiosk does not start on its home"
sum="$(sha256sum "$home/store.db" "$home/kiosk.key" | sha256sum)"

step "remove, reinstall, purge: the evidence stays"
entries="$(sqlite3 -readonly "$home/store.db" 'SELECT count(*) FROM entries')"
apt-get remove -y -qq certkiosk certkiosk-dev certctl >/dev/null 2>&1
[ -f "$home/store.db" ] && [ -f "$home/kiosk.key" ] || fail "apt remove deleted the kiosk home"
(cd "$tmp/debs" && apt-get install -y -qq ./certkiosk_*.deb ./certctl_*.deb >/dev/null 2>&1)
[ "$(sha256sum "$home/store.db" "$home/kiosk.key" | sha256sum)" = "$sum" ] || fail "remove and reinstall changed the kiosk home"
as_kiosk certctl audit --home "$home" --state-dir "$usb/witness" >/dev/null || fail "the log fails its audit after a reinstall"
dpkg --purge certkiosk certkiosk-dev certctl >/dev/null 2>&1
[ -f "$home/store.db" ] || fail "apt purge deleted the log"
[ "$(sqlite3 -readonly "$home/store.db" 'SELECT count(*) FROM entries')" = "$entries" ] || fail "the log changed"
[ "$(sha256sum "$home/store.db" "$home/kiosk.key" | sha256sum)" = "$sum" ] || fail "purging changed the kiosk home"
getent passwd certkiosk >/dev/null || fail "purge removed the user certkiosk (its files would be orphaned)"
[ ! -e /usr/bin/certkiosk ] && [ ! -e /lib/systemd/system/certkiosk.service ] || fail "purge left the programs"

# The test's own kiosk home goes; a real one would be archived first (README.md).
rm -rf "$home"
echo "ok: packages built, installed, provisioned, shown, removed; evidence kept (exposure $score)"
