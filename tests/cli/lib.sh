# lib.sh: what the CLI test scripts share — sourced, never run: . "$CK_SRC/tests/cli/lib.sh"

# fail TEXT...: says why on stderr and ends the test.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect CODE TEXT CMD...: CMD must exit with CODE and print TEXT (stdout or stderr).
# Leaves CMD's output in $out.
expect() {
    local code="$1" text="$2"
    shift 2
    local rc
    out="$("$@" 2>&1)" && rc=0 || rc=$? # (safe under set -e)
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code; output: $out"
    grep -qF -- "$text" <<<"$out" || fail "'$*' did not say \"$text\"; output: $out"
}

# expect_rc CODE CMD...: CMD must exit with CODE; its output goes to out.txt and err.txt
# (shown when it fails). Keeps the caller's `set -e` as it was.
expect_rc() {
    local want=$1 errexit=0 rc
    shift
    [[ $- == *e* ]] && errexit=1
    set +e
    "$@" >out.txt 2>err.txt
    rc=$?
    if [ "$errexit" = 1 ]; then set -e; fi
    [ "$rc" = "$want" ] || { cat out.txt err.txt >&2; fail "$* exited $rc, wanted $want"; }
}

# pg_psql DB [psql options...]: psql as the test server's superuser (tests/pg/pg_server.sh), on
# database DB; SQL on stdin or with -c.
pg_psql() {
    local db="$1"
    shift
    /usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h "$CK_PG_DIR" -U ckpg -d "$db" "$@"
}

# pg_registry_db: when the test runs on PostgreSQL (CK_PG_DIR set by the pg fixture), makes a
# fresh database, drops it when the test ends, and points CERTKIOSK_REGISTRY at it.
pg_registry_db() {
    [ -n "${CK_PG_DIR:-}" ] || return 0
    PG_DB="ckcli_$$_${RANDOM}"
    pg_psql postgres -c "CREATE DATABASE $PG_DB" || fail "cannot create database $PG_DB"
    export CERTKIOSK_REGISTRY="postgresql://ckpg@/$PG_DB?host=$CK_PG_DIR"
}
pg_registry_drop() {
    [ -n "${PG_DB:-}" ] && pg_psql postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
}
