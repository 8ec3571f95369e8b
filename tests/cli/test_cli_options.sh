#!/usr/bin/env bash
# test_cli_options: the options every certctl verb reads the same way (cli_options) — help,
# unknown and incomplete options, abbreviations, the last value winning, aliases, the plugin
# verbs' short options and messages — as the administrator meets them.
set -uo pipefail
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT
cd "$t"
export CERTKIOSK_STATE_DIR="$t/state" CERTKIOSK_TEST_FAST_KDF=1
unset CERTKIOSK_PASSPHRASE

. "$CK_SRC/tests/cli/lib.sh" # fail, expect, expect_rc

# --- An unknown option: getopt names it, the verb's usage follows, exit 2, nothing on stdout ---
for verb in "revoke" "audit" "kiosk endorse" "trust export" "report" "verify"; do
    # shellcheck disable=SC2086
    expect_rc 2 certctl $verb --no-such-option
    grep -qF "unrecognized option '--no-such-option'" err.txt || fail "$verb: $(cat err.txt)"
    grep -q "^usage: certctl" err.txt || fail "$verb: no usage after an unknown option"
    [ ! -s out.txt ] || fail "$verb printed on stdout for an unknown option"
done
# An option without its value is refused the same way.
expect_rc 2 certctl revoke --reason
grep -qF "option '--reason' requires an argument" err.txt || fail "revoke --reason: $(cat err.txt)"
grep -q "^usage: certctl revoke" err.txt || fail "revoke --reason: no usage"

# --- --help and -h: the usage on stdout, exit 0, nothing on stderr -------------------------------
for verb in "revoke" "issue" "kiosk init" "publisher endorse" "import" "status"; do
    for h in --help -h; do
        # shellcheck disable=SC2086
        expect_rc 0 certctl $verb "$h"
        grep -q "^usage: certctl" out.txt || fail "$verb $h: no usage on stdout"
        [ ! -s err.txt ] || fail "$verb $h wrote on stderr: $(cat err.txt)"
    done
done

# --- Abbreviations, the last value winning, a flag ------------------------------------------
certctl kiosk init --home nowhere/else --hom K --kiosk-id OPT-KIOSK-01 --oper "Options" \
    >/dev/null 2>err.txt || fail "kiosk init: $(cat err.txt)"
[ -d K ] && [ ! -e nowhere ] || fail "kiosk init did not take the last --home"
expect 2 "--home HOME and --out FILE" certctl kiosk request --home K
echo "a long enough test passphrase" >pass.txt
certctl authority create --out A --name "TEST authority" --passphrase-file pass.txt >/dev/null \
    2>err.txt || fail "authority create: $(cat err.txt)"
certctl kiosk endorse --authority A --home K --days 30 --passphrase-file pass.txt >/dev/null \
    2>err.txt || fail "endorse: $(cat err.txt)"
# --kiosk is --home by another name.
certctl trust export --kiosk K --out trust.jwks >/dev/null 2>err.txt ||
    fail "trust export --kiosk: $(cat err.txt)"
grep -q OPT-KIOSK-01 trust.jwks || fail "trust export --kiosk left the kiosk out"
expect 0 "" certctl audit --home K --no-witness --json
grep -q '"witness"' <<<"$out" && fail "audit --no-witness still witnessed: $out"

# --- The plugin verbs: short options, and messages that name the subcommand -----------------
certctl plugin keygen -o P -n NOR -p pass.txt >/dev/null 2>err.txt ||
    fail "plugin keygen with short options: $(cat err.txt)"
ls P/*.key >/dev/null 2>&1 || fail "plugin keygen -o P wrote no key"
expect 2 "certctl plugin: unknown option for keygen" certctl plugin keygen --bogus
expect 2 "certctl plugin: unknown option for list" certctl plugin list -x
expect 2 "certctl: plugin install: unknown option (see certctl plugin --help)" \
    certctl plugin install --bogus
expect_rc 0 certctl plugin sign -h
grep -q "certctl plugin" out.txt || fail "plugin sign -h: no usage on stdout"
echo "ok"
