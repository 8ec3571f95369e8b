#!/usr/bin/env bash
# tests/pg/pg_server.sh start|stop DIR: a throw-away PostgreSQL 15 server for the registry's
# tests (a ctest fixture: pg_start before, pg_stop after every PostgreSQL test).
#
# start: initdb into DIR/data as an unprivileged user (ckpg, created when we
# are root: PostgreSQL refuses to run as root), then a server listening on a
# Unix socket in DIR only (no TCP), trust authentication for local
# connections (roles are what the tests check, not passwords), fsync off (a
# test server; CK_PG_DURABLE=1 keeps fsync on, as tests/bench does).
# Connect with postgresql://ckpg@/postgres?host=DIR.
# stop: stops it and removes DIR. Fails loudly: the PostgreSQL tests are never
# skipped.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd="${1:-}" dir="${2:-}"
[ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
user="$(id -un)"
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u ckpg -- "$@"; else "$@"; fi
}
stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
}
case "$cmd" in
start)
    [ -x "$bin/initdb" ] || { echo "pg_server: no $bin/initdb (install postgresql: kiosk/setup.sh)" >&2; exit 1; }
    if [ "$(id -u)" = 0 ]; then
        id ckpg >/dev/null 2>&1 ||
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ckpg
        user=ckpg
    fi
    stop
    rm -rf "$dir"
    mkdir -m 0700 -p "$dir"
    [ "$(id -u)" = 0 ] && chown ckpg "$dir"
    if ! as_pg "$bin/initdb" -D "$dir/data" -U ckpg --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        exit 1
    fi
    opts="-c listen_addresses='' -k $dir -c max_connections=60"
    [ "${CK_PG_DURABLE:-0}" = 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off"
    if ! as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null; then
        cat "$dir/server.log" >&2
        exit 1
    fi
    echo "pg_server: PostgreSQL 15 on $dir (superuser ckpg, server run by $user)"
    ;;
stop)
    stop
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
