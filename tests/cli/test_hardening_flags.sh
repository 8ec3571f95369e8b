#!/usr/bin/env bash
# test_hardening_flags: every executable and plugin module we build is hardened as issue 11
# asks — a position-independent executable (ELF type DYN), full RELRO (a GNU_RELRO segment and
# immediate binding: BIND_NOW / FLAGS_1 NOW), the stack protector, and _FORTIFY_SOURCE's
# checked functions (CK_FORTIFY=1: builds that are optimised and not sanitized).
# usage: test_hardening_flags.sh BINARY...
set -uo pipefail
. "$CK_SRC/tests/cli/lib.sh" # fail

[ $# -gt 0 ] || fail "no binaries given"
for bin in "$@"; do
    [ -f "$bin" ] || fail "$bin: not built"
    name="$(basename "$bin")"
    readelf -h "$bin" | grep -qE "Type:[[:space:]]+DYN" ||
        fail "$name is not position-independent: $(readelf -h "$bin" | grep Type:)"
    readelf -lW "$bin" | grep -q "GNU_RELRO" || fail "$name has no GNU_RELRO segment"
    readelf -dW "$bin" | grep -qE "\(BIND_NOW\)|\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW" ||
        fail "$name binds lazily (no BIND_NOW): $(readelf -dW "$bin" | grep -E 'FLAGS')"
    syms="$(readelf --dyn-syms -W "$bin")"
    # An executable (it has an interpreter) has arrays on its stack somewhere; a small plugin
    # module may have none, and then -fstack-protector-strong rightly adds no check.
    if readelf -lW "$bin" | grep -q INTERP; then
        grep -q "__stack_chk_fail" <<<"$syms" || fail "$name is built without the stack protector"
    fi
    if [ "${CK_FORTIFY:-0}" = 1 ]; then
        grep -qE "__[a-z_]+_chk(@|$| )" <<<"$(grep -v __stack_chk <<<"$syms")" ||
            fail "$name uses no _FORTIFY_SOURCE checked function"
    fi
done
echo "test_hardening_flags: $# binaries hardened"
