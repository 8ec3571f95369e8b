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
    out="$("$@" 2>&1)"
    local rc=$?
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
