/* A module without certkiosk_plugin_entry_v1, as if built for ABI 2: the loader must refuse it. */
#include <certkiosk/plugin.h>

__attribute__((visibility("default"))) int certkiosk_plugin_entry_v2(void);

__attribute__((visibility("default"))) int
certkiosk_plugin_entry_v2(void)
{
    return 0;
}
