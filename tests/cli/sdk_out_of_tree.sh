#!/bin/bash
# The plugin SDK: install this build to a temporary prefix, then build plugins/template
# OUT OF TREE against it, with CMake and with pkg-config, as a nation would.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$CK_BIN" --prefix "$tmp/sdk" > "$tmp/install.log"
for f in include/certkiosk/plugin.h share/certkiosk/schema/manifest.schema.json \
         share/certkiosk/schema/content.schema.json; do
    [ -f "$tmp/sdk/$f" ] || { echo "FAIL: the SDK lacks $f"; exit 1; }
done
pc=$(find "$tmp/sdk" -name certkiosk-plugin.pc)
cfg=$(find "$tmp/sdk" -name certkiosk-pluginConfig.cmake)
[ -n "$pc" ] && [ -n "$cfg" ] || { echo "FAIL: no pkg-config file or CMake package config"; exit 1; }

# A copy of the template, away from the source tree, so nothing of the tree leaks in.
cp -r "$CK_SRC/plugins/template" "$tmp/mynation"
cmake -S "$tmp/mynation" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/sdk" > "$tmp/configure.log"
cmake --build "$tmp/build" > "$tmp/build.log"
so="$tmp/build/template.so"
[ -f "$so" ] || { echo "FAIL: the template did not build"; cat "$tmp/build.log"; exit 1; }
exported=$(nm -D --defined-only "$so" | awk '{print $3}')
if [ "$exported" != "certkiosk_plugin_entry_v1" ]; then
    echo "FAIL: template.so exports more or other than the entry symbol: $exported"; exit 1
fi

# The same with pkg-config and a plain compiler.
PKG_CONFIG_PATH=$(dirname "$pc") cc -shared $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags certkiosk-plugin) \
    $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=module_cflags certkiosk-plugin) \
    -o "$tmp/pc.so" "$tmp/mynation/template.c"
nm -D --defined-only "$tmp/pc.so" | grep -q ' T certkiosk_plugin_entry_v1$' \
    || { echo "FAIL: pkg-config build has no entry symbol"; exit 1; }
if nm -D --defined-only "$tmp/pc.so" | grep -q template_validate; then
    echo "FAIL: pkg-config flags do not hide internal symbols"; exit 1
fi

# A host built from the installed header alone loads the module and calls it.
cat > "$tmp/host.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <certkiosk/plugin.h>
static const char *loc(void *c) { (void)c; return "en"; }
int main(int argc, char **argv) {
    CkPluginHost h = {sizeof h, CK_PLUGIN_ABI_MAJOR, CK_PLUGIN_ABI_MINOR, 0, 0, 0, loc, 0, {0}};
    const CkPlugin *p = 0; char err[256], reason[256];
    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    CkPluginEntryFn entry;
    (void)argc;
    if (!so) return 2;
    *(void **)&entry = dlsym(so, CK_PLUGIN_ENTRY_NAME);
    if (!entry || entry(&h, &p, err, sizeof err) != CK_PLUGIN_OK) return 3;
    if (p->validate_service_number(p->ctx, "79927398713", reason, sizeof reason) != CK_PLUGIN_OK) return 4;
    if (p->validate_service_number(p->ctx, "79927398710", reason, sizeof reason) != CK_PLUGIN_INVALID) return 5;
    printf("%s: %s\n", p->nation, reason);
    return 0;
}
C
cc -std=c11 -Wall -Werror -I"$tmp/sdk/include" -o "$tmp/host" "$tmp/host.c" -ldl
"$tmp/host" "$so" | grep -q "^ZZT: the check digit is wrong" || { echo "FAIL: the out-of-tree module does not work"; exit 1; }
echo "ok: plugins/template built out of tree against the installed SDK"
