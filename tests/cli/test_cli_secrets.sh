#!/usr/bin/env bash
# test_cli_secrets: a person's name and service number appear nowhere but inside the
# certificate — not in the log's other entries or columns, not in any message of the tools —
# and certctl refuses a kiosk key file that others may read or write.
set -uo pipefail
export CERTKIOSK_TEST_FAST_KDF=1
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state"

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

name="Yolanda Xerxes-Quimby"
number="8642097531"
certctl kiosk init --home H --kiosk-id SECRET-KIOSK-01 --operator "Secrets Test" \
    >log.txt 2>&1 || fail "kiosk init"

# --- a certificate with distinctive personal data, and everything the tools say about it ----
certctl issue --paper --home H --recorded-by "Capt. Admin" --name "$name" --nation NOR \
    --service-number "$number" --category military --unit "Secret Unit" >cert.jws 2>>log.txt ||
    fail "issue: $(cat log.txt)"
printf 'name,nation,id,category\n%s,NOR,%s1,civilian\nBad Row %s,NOR,,military\n' \
    "$name" "$number" "$name" >people.csv
certctl issue --paper --home H --recorded-by "Capt. Admin" --csv people.csv >>cert.jws 2>>log.txt
[ $? -eq 1 ] || fail "a CSV with a bad row must exit 1"
for cmd in "list --home H" "list --home H --csv" "list --home H --json" "audit --home H" \
    "audit --home H --json" "export --home H --out export.json"; do
    # shellcheck disable=SC2086
    certctl $cmd >>log.txt 2>&1 || fail "certctl $cmd: $(tail -3 log.txt)"
done
grep -qF "SECRET-KIOSK-01-000001" log.txt || fail "the tools said nothing to scan: $(cat log.txt)"
grep -qF "$name" log.txt && fail "a tool printed the name: $(grep -F "$name" log.txt)"
grep -qF "$number" log.txt && fail "a tool printed the service number: $(grep -F "$number" log.txt)"
grep -qF "Xerxes" log.txt && fail "a tool printed part of the name"

# The certificate itself does carry them (that is its purpose): the scan below is not blind.
payload="$(head -1 cert.jws | cut -d. -f2 | tr '_-' '/+')"
while [ $((${#payload} % 4)) -ne 0 ]; do payload="$payload="; done
base64 -d <<<"$payload" | grep -qF "$name" || fail "the certificate does not carry the name"

# --- the log: personal data only inside "jws" ----------------------------------------------
python3 - H/store.db "$name" "$number" <<'PY' || fail "personal data in the log outside a certificate"
import json, sqlite3, sys
db, name, number = sys.argv[1:]
con = sqlite3.connect(db)
bad = []
for table in [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]:
    cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
    for row in con.execute(f"SELECT * FROM {table}"):
        for col, val in zip(cols, row):
            if col == "body":
                body = json.loads(val if isinstance(val, str) else val.decode())
                body.pop("jws", None)
                val = json.dumps(body, ensure_ascii=False)
            text = val.decode("utf-8", "replace") if isinstance(val, bytes) else str(val)
            for secret in (name, number, "Xerxes", "Secret Unit"):
                if secret in text:
                    bad.append(f"{table}.{col}: {secret!r}")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
# The export carries the log and the certificates, nothing more in the clear.
python3 - export.json "$name" "$number" <<'PY' || fail "personal data in the export outside a certificate"
import json, sys
lines = open(sys.argv[1]).read().split("\n")
e = [json.loads(line) for line in lines if line]
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k != "jws"}
    if isinstance(o, list):
        return [strip(v) for v in o if not (isinstance(v, str) and v.count(".") == 2 and len(v) > 200)]
    if isinstance(o, str) and o.startswith("{"):
        try:
            return strip(json.loads(o))
        except ValueError:
            return o
    return o
text = json.dumps(strip(e), ensure_ascii=False)
sys.exit(1 if any(s in text for s in (sys.argv[2], sys.argv[3], "Xerxes")) else 0)
PY

# --- key files readable by others are refused --------------------------------------------------
for mode in 0640 0604 0660 0644 0606; do
    chmod "$mode" H/kiosk.key
    out="$(certctl issue --paper --home H --recorded-by A --name "Mode $mode" --nation NOR \
        --service-number "$mode" --category military 2>&1)"
    rc=$?
    case "$mode" in
    *)
        [ "$rc" -eq 2 ] || fail "a kiosk key of mode $mode was used (exit $rc): $out"
        grep -qiE "permission|0600|readable|mode" <<<"$out" ||
            fail "mode $mode refused without saying why: $out"
        grep -qF "Mode $mode" <<<"$(certctl list --home H --json 2>/dev/null)" &&
            fail "mode $mode: something was logged"
        ;;
    esac
done
chmod 0600 H/kiosk.key
certctl issue --paper --home H --recorded-by A --name "Mode ok" --nation NOR \
    --service-number 600 --category military >/dev/null 2>&1 || fail "mode 0600 must work"
chmod 0400 H/kiosk.key
certctl issue --paper --home H --recorded-by A --name "Mode ro" --nation NOR \
    --service-number 400 --category military >/dev/null 2>&1 || fail "mode 0400 must work"
certctl audit --home H >/dev/null 2>&1 || fail "audit after the permission cases"
echo "test_cli_secrets: all passed"
