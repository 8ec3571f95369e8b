#!/usr/bin/env bash
# test_plugin_hostile: hostile nation modules (tests/fixture_plugin_hostile.c), each signed into an
# EST bundle by a publisher endorsed for EST only, against certctl and the kiosk (issue 10).
#   certctl plugin check: every module; those that attack while loading (a constructor, a bad
#     table) are refused with the bundle and the cause, the others load; nothing gets through.
#   the kiosk (replays): a module that attacks in its service-number check is refused at the
#     first EST number with the cause in a plugin.refused entry, the person is told to call
#     staff, and a Norwegian certification then completes in the same run; one that attacks
#     from its constructor is refused at start-up and the Norwegian certification completes.
#     Each run adds exactly one plugin.refused entry and one cert.issued (NOR), nothing holds
#     "BREACH", and the log passes certctl audit.
#   the kiosk, once more: a module that accepts the number and crashes when asked the validity
#     right before signing leaves the person with "No certificate was issued", and no certificate.
# The kiosk home is CK_HOSTILE_HOME, the one the modules were built to attack.
set -euo pipefail
export SDL_VIDEODRIVER=dummy CERTKIOSK_TEST_FAST_KDF=1
. "$CK_SRC/tests/cli/lib.sh"
home="$CK_HOSTILE_HOME"
dir="$(dirname "$home")"
breach=/tmp/certkiosk-hostile-breach
rm -rf "$dir" "$breach"
trap '[ -n "${CK_KEEP:-}" ] || rm -rf "$dir"' EXIT

bash "$CK_SRC/kiosk/demo-home.sh" "$CK_BIN" "$dir" >/dev/null 2>&1
pass=(--passphrase-file "$dir/authority/DEMO-PASSPHRASE")
certctl plugin keygen --out "$dir/est" --nation EST --name est "${pass[@]}" >/dev/null
certctl publisher endorse --authority "$dir/authority" --publisher "$dir/est/est.jwk" \
    --nation EST --home "$home" --days 365 "${pass[@]}" >/dev/null

# make_est FIXTURE: a signed EST bundle in $dir/bundles/FIXTURE with that module.
make_est() {
    local b="$dir/bundles/$1"
    rm -rf "$b" && mkdir -p "$b"
    cp -r "$CK_SRC/plugins/template/content" "$b/"
    cp "$CK_HOSTILE_MODULES/ck_hostile_$1.so" "$b/hostile.so"
    python3 - "$CK_SRC/plugins/template/manifest.json" "$b/manifest.json" "$1" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m.update(nation="EST", bundle_id="ee.test.hostile-" + sys.argv[3], module="hostile.so")
json.dump(m, open(sys.argv[2], "w"), indent=2)
EOF
    certctl plugin sign --key "$dir/est/est.key" "${pass[@]}" "$b" >/dev/null
}

# ---- certctl: check never runs module code in its own process ----
for so in "$CK_HOSTILE_MODULES"/ck_hostile_*.so; do
    f="$(basename "$so" .so)"
    f="${f#ck_hostile_}"
    make_est "$f"
    set +e
    out="$(certctl plugin check --trust "$home/trust.jwks" "$dir/bundles/$f" 2>&1)"
    rc=$?
    set -e
    grep -q BREACH <<<"$out" && fail "certctl plugin check $f: the attack got through: $out"
    [ ! -e "$breach" ] || fail "certctl plugin check $f: a file appeared in /tmp"
    case "$f" in
    ctor_*)
        [ "$rc" = 1 ] || fail "check $f exited $rc, expected 1 (refused): $out"
        grep -q "ee.test.hostile-$f.*forbidden system call" <<<"$out" ||
            fail "check $f: no refusal naming the bundle and the cause: $out"
        ;;
    call_hugesize)
        [ "$rc" = 1 ] || fail "check $f exited $rc, expected 1: $out"
        grep -q "impossible struct_size" <<<"$out" || fail "check $f: no cause: $out"
        ;;
    *) [ "$rc" = 0 ] || fail "check $f exited $rc, expected 0 (it only attacks when asked): $out" ;;
    esac
done
# certctl plugin list on a home holding one: the refusal and its cause.
cp -r "$dir/bundles/ctor_exec" "$home/plugins/est"
set +e
out="$(certctl plugin list --home "$home" 2>&1)"
rc=$?
set -e
[ "$rc" = 1 ] && grep -q "forbidden system call" <<<"$out" ||
    fail "certctl plugin list: exit $rc, expected 1 with the cause: $out"
rm -rf "$home/plugins/est"

# ---- the kiosk ----
entries() { sqlite3 "$home/store.db" "SELECT count(*) FROM entries WHERE $1"; }

# The EST attempt: the number is refused with the staff message; cancel; then certify_nor.
est_prefix() {
    cat <<'EOF'
expect screen attract
tap @btn-start
expect screen privacy
scroll @privacy-text end
tap @privacy-ack
tap @btn-next
expect screen nation
tap @nation-EST
tap @category-military
tap @btn-next
expect screen identity
tap @field-name
keys "Mari Maasikas"
tap @field-service-number
keys "38001085718"
tap @btn-next
expect screen identity
expect-text "Your nation's rules could not be applied"
tap @btn-cancel
tap @btn-cancel-confirm
expect screen attract
EOF
}

for f in call_key call_spin call_segv ctor_exec; do
    rm -rf "$home/plugins/est"
    cp -r "$dir/bundles/$f" "$home/plugins/est"
    script="$dir/$f.txt"
    case "$f" in
    ctor_*) grep -v '^#' "$CK_SRC/tests/replays/certify_nor.txt" >"$script" ;;
    *) { est_prefix; grep -v '^#' "$CK_SRC/tests/replays/certify_nor.txt"; } >"$script" ;;
    esac
    last0=$(sqlite3 "$home/store.db" "SELECT coalesce(max(idx), -1) FROM entries")
    # The per-call timeout comes from HOME/config.json: 120 ms for the spinning module.
    python3 - "$home/config.json" "$([ "$f" = call_spin ] && echo 120 || echo 0)" <<'EOF'
import json, os, sys
path, ms = sys.argv[1], int(sys.argv[2])
cfg = json.load(open(path)) if os.path.exists(path) else {}
cfg.pop("plugin_timeout_ms", None)
if ms:
    cfg["plugin_timeout_ms"] = ms
json.dump(cfg, open(path, "w"))
EOF
    refused0=$(entries "type='plugin.refused'")
    issued0=$(entries "type='cert.issued'")
    mkdir -p "$dir/snap-$f"
    set +e
    certkiosk --home "$home" --replay "$script" --snapshots "$dir/snap-$f" --size 1280x800 \
        >"$dir/$f.log" 2>&1
    rc=$?
    set -e
    [ "$rc" = 0 ] || fail "kiosk with $f: exit $rc: $(tail -5 "$dir/$f.log")"
    [ ! -e "$breach" ] || fail "kiosk with $f: a file appeared in /tmp"
    [ "$(entries "type='plugin.refused'")" = $((refused0 + 1)) ] ||
        fail "kiosk with $f: expected exactly one new plugin.refused entry"
    [ "$(entries "type='cert.issued'")" = $((issued0 + 1)) ] ||
        fail "kiosk with $f: expected exactly one new certificate"
    [ "$(entries "type='cert.issued' AND idx=(SELECT max(idx) FROM entries WHERE type='cert.issued') AND nation='NOR'")" = 1 ] ||
        fail "kiosk with $f: the new certificate is not Norwegian"
    # Nothing else new: the start, the bundles, the refusal, the certificate.
    [ "$(entries "idx > $last0 AND type NOT IN ('kiosk.started', 'plugin.loaded', 'plugin.refused', 'cert.issued')")" = 0 ] ||
        fail "kiosk with $f: the log holds entries of other kinds"
    reason="$(sqlite3 "$home/store.db" "SELECT CAST(body AS TEXT) FROM entries WHERE type='plugin.refused' ORDER BY idx DESC LIMIT 1")"
    grep -q "ee.test.hostile-$f" <<<"$reason" || fail "kiosk with $f: refusal without the bundle: $reason"
    case "$f" in
    call_spin) cause="did not answer within 120 ms" ;;
    call_segv) cause="crashed\|forbidden system call" ;;
    *) cause="forbidden system call" ;;
    esac
    grep -q "$cause" <<<"$reason" || fail "kiosk with $f: refusal without the cause ($cause): $reason"
    [ "$(sqlite3 "$home/store.db" "SELECT count(*) FROM entries WHERE CAST(body AS TEXT) LIKE '%BREACH%'")" = 0 ] ||
        fail "kiosk with $f: an attack got into the log"
    certctl audit --home "$home" --state-dir "$dir/state" >/dev/null || fail "kiosk with $f: audit fails"
done

# ---- no certificate on the strength of a worker that failed afterwards ----
# An Estonian goes the whole way (NATO baseline and EST content, every question
# right, every clause, a signature); the EST module accepted the number, then
# crashes when the kiosk asks the validity right before signing. The kiosk
# checks the number once more, its worker is gone: "No certificate was issued".
f=call_latecrash
rm -rf "$home/plugins/est"
make_est "$f"
cp -r "$dir/bundles/$f" "$home/plugins/est"
python3 - "$CK_SRC" >"$dir/$f.txt" <<'EOF'
import json, os, sys
def content(code):
    with open(os.path.join(sys.argv[1], "plugins", code, "content", "en.json"), encoding="utf-8") as f:
        return json.load(f)
both = (content("nato"), content("template"))
out = ["expect screen attract", "tap @btn-start", "expect screen privacy",
       "scroll @privacy-text end", "tap @privacy-ack", "tap @btn-next", "expect screen nation",
       "tap @nation-EST", "tap @category-military", "tap @btn-next", "expect screen identity",
       "tap @field-name", 'keys "Mari Maasikas"', "tap @field-service-number", 'keys "12345678"',
       "tap @btn-next"]
for _ in range(sum(len(c["code_of_conduct"]["sections"]) for c in both)):
    out += ["expect screen conduct", "scroll @reading end", "tap @btn-next"]
for _ in range(sum(len(c.get("training", {}).get("pages", [])) for c in both)):
    out += ["expect screen training", "scroll @reading end", "tap @btn-next"]
for a in [q["answer"] for c in both for q in c["quiz"]["questions"]]:
    out += ["expect screen quiz", "reveal @choice-%d" % a, "tap @choice-%d" % a, "tap @btn-next"]
out += ["expect screen quiz_result", "tap @btn-next", "expect screen acknowledge"]
for i in range(sum(len(c["clauses"]) for c in both)):
    out += ["reveal @clause-%d" % i, "tap @clause-%d" % i]
out += ["tap @btn-next", "expect screen sign", "sign", "tap @btn-next", "expect screen error",
        'expect-text "No certificate was issued"']
print("\n".join(out))
EOF
last0=$(sqlite3 "$home/store.db" "SELECT coalesce(max(idx), -1) FROM entries")
certkiosk --home "$home" --replay "$dir/$f.txt" --size 1280x800 >"$dir/$f.log" 2>&1 ||
    fail "kiosk with $f: $(tail -5 "$dir/$f.log")"
[ "$(entries "idx > $last0 AND type='cert.issued'")" = 0 ] ||
    fail "kiosk with $f: a certificate was issued on the answer of a worker that then failed"
[ "$(entries "idx > $last0 AND type='plugin.refused' AND CAST(body AS TEXT) LIKE '%hostile-$f%'")" = 1 ] ||
    fail "kiosk with $f: no refusal of the bundle"
certctl audit --home "$home" --state-dir "$dir/state" >/dev/null || fail "kiosk with $f: audit fails"
echo "test_plugin_hostile: every hostile module contained"
