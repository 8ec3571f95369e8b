# kiosk/setup.sh: shared by kiosk/run and tests/run (sourced, not run).
# Installs what a fresh Debian 12 machine lacks, then configures and builds
# one build folder. Quiet when everything is already there.

CK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

CK_PACKAGES=(build-essential cmake pkg-config clang
             libsdl2-dev libsdl2-ttf-dev libsodium-dev libcmocka-dev libjansson-dev
             libsqlite3-dev libqrcodegen-dev libpng-dev libfribidi-dev libharfbuzz-dev
             fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core
             xvfb xauth zbar-tools sqlite3 libclang-rt-14-dev python3-jsonschema python3-jwcrypto
             libpq-dev postgresql libsystemd-dev libseccomp-dev imagemagick nodejs iso-codes jq)
# npm for tests/cli/test_cli_sdjwt_interop.sh (the independent SD-JWT and JSON-LD checks).
# Debian 12 packages it apart from nodejs (18); a nodesource nodejs bundles npm and conflicts
# with Debian's npm package, so it is only asked for where no npm exists.
command -v npm >/dev/null 2>&1 || CK_PACKAGES+=(npm)

# What packaging/build-debs and tests/package/test_install.sh need on top (added by them):
# the package tools, and what runs and checks the installed kiosk.
CK_PACKAGING_PACKAGES=(dpkg-dev lintian systemd libpam-systemd cage grim xwayland imagemagick)

ck_install_deps() {
    local missing=()
    for p in "${CK_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null ||
        { echo "setup: could not install ${missing[*]}" >&2; return 1; }
}

# ck_build DIR [cmake options...]: configure (once) and build DIR.
ck_build() {
    local dir="$1"; shift
    local opts=("$@")
    [ "${CI:-}" = "true" ] && opts+=(-DCERTKIOSK_WERROR=ON)
    cmake -S "$CK_ROOT" -B "$dir" "${opts[@]}" >/dev/null || return 1
    cmake --build "$dir" -j"$(nproc)" -- --no-print-directory >/dev/null 2>"$dir/build.log" ||
        { cat "$dir/build.log" >&2; echo "setup: build failed" >&2; return 1; }
}
