/* cmd_plugin: what the `certctl plugin` sub-commands in cmd_plugin.c and cmd_plugin_install.c share. */
#ifndef CERTKIOSK_CMD_PLUGIN_H
#define CERTKIOSK_CMD_PLUGIN_H

/* The usage text of every plugin sub-command. */
extern const char plugin_usage[];

/* `certctl plugin install --home HOME BUNDLE_DIR`. */
int plugin_install(int argc, char **argv);

#endif
