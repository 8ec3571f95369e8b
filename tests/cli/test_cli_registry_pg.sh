#!/usr/bin/env bash
# A registry shared on PostgreSQL (the pg fixture's server, CK_PG_DIR): several administrators'
# certctl processes importing at once, and the two roles of kiosk/core/registry/pg_roles.sql.
#   - different kiosks' exports imported at once: all land;
#   - the same export twice at once: it lands once, the other run reports it as known;
#   - two forks of one kiosk's log raced: exactly one wins, the other is refused;
#   - three exports of one kiosk (growing) raced: the witness ends at the largest, never lower;
#   - certkiosk_read can report and show but not import, revoke or write SQL;
#     certkiosk_import can import but never change or delete a certificate.
set -euo pipefail
[ -n "${CK_PG_DIR:-}" ] || { echo "FAIL: needs CK_PG_DIR (the pg ctest fixture)" >&2; exit 1; }
T=$(mktemp -d)
trap 'pg_registry_drop; rm -rf "$T"' EXIT
cd "$T"
export CERTKIOSK_PASSPHRASE=correct-horse CERTKIOSK_TEST_FAST_KDF=1 CERTKIOSK_STATE_DIR="$T/state"
. "$CK_SRC/tests/cli/lib.sh"
pg_registry_db
url() { echo "postgresql://$1@/$PG_DB?host=$CK_PG_DIR"; }

export CERTKIOSK_NOW=2026-01-01T00:00:00Z
certctl authority create --out auth --name "HQ" >/dev/null
# roster N FIRST: a CSV of N people with service numbers FIRST, FIRST+1, ...
roster() {
    echo "name,nation,id,category,unit"
    for ((i = 0; i < $1; i++)); do echo "Person $(($2 + i)),NOR,$(($2 + i)),military,1st"; done
}
# kiosk ID: a kiosk home kID, endorsed.
kiosk() {
    certctl kiosk init --home "k$1" --kiosk-id "KIOSK-$1" --operator "Op $1" >/dev/null
    certctl kiosk endorse --authority auth --home "k$1" --days 1000 >/dev/null
}
# issue HOME N FIRST: N certificates on paper at HOME.
issue() {
    roster "$2" "$3" >"$1-$3.csv"
    certctl issue --paper --home "$1" --recorded-by admin --csv "$1-$3.csv" --signed-on 2026-01-01 \
        >/dev/null 2>&1 || fail "issuing at $1"
}
homes=()
for k in A B C D E F G; do kiosk "$k"; homes+=(--home "k$k"); done
cp -r kF kF2 # the same kiosk (key and ID) twice: a fork once both issue
certctl trust export --authority auth "${homes[@]}" --out trust.jwks >/dev/null
issue kA 60 1000; issue kB 60 2000; issue kC 60 3000; issue kD 60 4000; issue kE 80 5000
issue kF 40 6000; issue kF2 41 7000
issue kG 20 8000; certctl export --home kG --out kG-1.json >/dev/null 2>&1
issue kG 20 8100; certctl export --home kG --out kG-2.json >/dev/null 2>&1
issue kG 20 8200; certctl export --home kG --out kG-3.json >/dev/null 2>&1
for k in A B C D E F F2; do certctl export --home "k$k" --out "k$k.json" >/dev/null 2>&1; done

# The owner makes the tables; the roles file is applied; the working roles take over.
pg_psql postgres -c "CREATE ROLE certkiosk_owner LOGIN" 2>/dev/null || true
pg_psql postgres -c "ALTER DATABASE $PG_DB OWNER TO certkiosk_owner"
export CERTKIOSK_REGISTRY="$(url certkiosk_owner)"
expect 2 "no registry here yet" certctl report --roster kA-1000.csv
expect 0 "schema 0 -> 4" certctl registry migrate --registry "$(url certkiosk_owner)"
expect 0 "already current" certctl registry migrate --registry "$(url certkiosk_owner)"
pg_psql "$PG_DB" -f "$CK_SRC/kiosk/core/registry/pg_roles.sql"
export CERTKIOSK_REGISTRY="$(url certkiosk_import)"

# race CMD-LINES...: runs each quoted command line at once in the background; their exit codes
# go to rc.N and their output to out.N / err.N.
race() {
    local n=0 pids=()
    for c in "$@"; do
        (set +e; eval "$c" >"out.$n" 2>"err.$n"; echo $? >"rc.$n") &
        pids+=($!)
        n=$((n + 1))
    done
    wait "${pids[@]}"
}

# 1. Four kiosks' exports, four administrators at once: all land.
race "certctl import --trust trust.jwks kA.json" "certctl import --trust trust.jwks kB.json" \
     "certctl import --trust trust.jwks kC.json" "certctl import --trust trust.jwks kD.json"
for n in 0 1 2 3; do
    [ "$(cat rc.$n)" = 0 ] || fail "concurrent import $n exited $(cat rc.$n): $(cat err.$n)"
    grep -q "60 certificates, 60 new" "out.$n" || fail "import $n: $(cat out.$n)"
done
certctl registry show | grep -q "4 kiosks, 240 certificates" || fail "after the four: $(certctl registry show)"

# 2. The same export twice at once: lands once; the other run reports the duplicate.
race "certctl import --trust trust.jwks kE.json" "certctl import --trust trust.jwks kE.json"
[ "$(cat rc.0)$(cat rc.1)" = 00 ] || fail "same export twice: $(cat err.0 err.1)"
[ "$(cat out.0 out.1 | grep -c '80 certificates, 80 new')" = 1 ] || fail "not exactly one landed: $(cat out.0 out.1)"
[ "$(cat out.0 out.1 | grep -c '0 new, 80 already known')" = 1 ] || fail "no duplicate reported: $(cat out.0 out.1)"
certctl registry show | grep -q "5 kiosks, 320 certificates" || fail "after E twice: $(certctl registry show)"

# 3. Two forks of kiosk F raced: exactly one wins, the other is refused; the witness is the winner's.
race "certctl import --trust trust.jwks kF.json" "certctl import --trust trust.jwks kF2.json"
[ "$(cat rc.0 rc.1 | sort | tr -d '\n')" = 01 ] || fail "forks: exits $(cat rc.0) $(cat rc.1): $(cat err.0 err.1)"
if [ "$(cat rc.0)" = 0 ]; then won=kF; lost=1 fcerts=40; else won=kF2; lost=0 fcerts=41; fi
grep -Eq "rewritten|fewer than" "err.$lost" || fail "the loser's refusal: $(cat err.$lost)"
size=$(($(wc -l <"$won.json") - 1)) # the header, then one line per entry
certctl registry show | grep -Eq "KIOSK-F .* log $size entries" || fail "witness is not the winner's ($size): $(certctl registry show)"

# 4. One kiosk's three exports raced, three rounds: the witness ends at the largest.
size3=$(($(wc -l <kG-3.json) - 1))
for round in 1 2 3; do
    race "certctl import --trust trust.jwks kG-2.json" "certctl import --trust trust.jwks kG-3.json" \
         "certctl import --trust trust.jwks kG-1.json"
    certctl registry show | grep -Eq "KIOSK-G .* log $size3 entries" ||
        fail "round $round: witness lost an update: $(certctl registry show)"
    for n in 0 1 2; do
        case "$(cat rc.$n)" in
        0) ;;
        1) grep -q "fewer than" "err.$n" || fail "round $round, import $n: $(cat err.$n)" ;;
        *) fail "round $round, import $n exited $(cat rc.$n): $(cat err.$n)" ;;
        esac
    done
done
certctl registry show | grep -q "7 kiosks, $((380 + fcerts)) certificates" || fail "at the end: $(certctl registry show)"

# Roles: the reader reports and shows, but cannot import, revoke, or write.
export CERTKIOSK_REGISTRY="$(url certkiosk_read)"
roster 3 1000 >people.csv
expect_rc 0 certctl report --roster people.csv --csv
[ "$(grep -c ',certified,' out.txt)" = 3 ] || fail "reader's report: $(cat out.txt)"
expect 0 "7 kiosks, $((380 + fcerts)) certificates" certctl registry show
issue kA 1 1100
certctl export --home kA --out kA-2.json >/dev/null 2>&1
expect 2 "permission denied" certctl import --trust trust.jwks kA-2.json
expect 2 "permission denied" certctl revoke KIOSK-A-000001 --reason misconduct --authority auth
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_read -c "DELETE FROM certs"
certctl registry show | grep -q "7 kiosks, $((380 + fcerts)) certificates" || fail "the reader changed something"
# The importer imports and revokes, but cannot rewrite or delete a certificate.
export CERTKIOSK_REGISTRY="$(url certkiosk_import)"
expect 0 "1 certificates, 1 new" certctl import --trust trust.jwks kA-2.json
# (The reader's revoke above signed version 1 into auth/ before the registry refused it.)
expect 0 "version 2 with 2 revoked" certctl revoke KIOSK-A-000002 --reason misconduct --authority auth
expect 0 "1 status lists" certctl registry show
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_import -c "UPDATE cert_texts SET jws = 'x'"
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_import -c "DELETE FROM certs"
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_import -c "DELETE FROM cert_texts"
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_import -c "UPDATE certs SET valid_until = 0"
expect 1 "permission denied" pg_psql "$PG_DB" -U certkiosk_import -c "CREATE TABLE t(x int)"
echo ok
