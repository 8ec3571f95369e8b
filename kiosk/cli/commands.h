/* commands: the entry point of every certctl verb, one cmd_*.c file each. */
#ifndef CERTKIOSK_COMMANDS_H
#define CERTKIOSK_COMMANDS_H

/* Each takes argv with argv[0] the verb's name and returns an exit code (cli.h). */
int cmd_version(int argc, char **argv);
int cmd_authority(int argc, char **argv);
int cmd_kiosk(int argc, char **argv);
int cmd_publisher(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_plugin(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
