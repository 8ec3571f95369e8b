/* A module whose entry returns a table claiming ABI 2.0: the loader must refuse it. */
#include <stdio.h>

#include <certkiosk/plugin.h>

static const CkPlugin plugin = {
    .struct_size = sizeof(CkPlugin),
    .abi_major = CK_PLUGIN_ABI_MAJOR + 1,
    .abi_minor = 0,
    .nation = "NOR",
    .name = "fixture with a table of another ABI major",
    .version = "0",
};

CK_PLUGIN_EXPORT CkPluginStatus
CK_PLUGIN_ENTRY(const CkPluginHost *h, const CkPlugin **plugin_out, char *err, size_t err_len)
{
    (void)h;
    (void)err;
    (void)err_len;
    *plugin_out = &plugin;
    return CK_PLUGIN_OK;
}
