/* cli: what every certctl verb shares — exit codes, messages, passphrases, options. */
#ifndef CERTKIOSK_CLI_H
#define CERTKIOSK_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* certctl's exit codes, the same for every verb. */
enum {
    CLI_OK = 0,      /* everything checked out */
    CLI_INVALID = 1, /* a verification failed: a certificate, a log, a bundle */
    CLI_USAGE = 2,   /* usage, input/output or any other error */
};

/* A verb: `certctl NAME ...`. run() gets argv with argv[0] == NAME. */
typedef struct CliVerb {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} CliVerb;

/* Runs `certctl GROUP SUB ...`: the entry of subs[0..n_subs) named argv[1],
 * with argv[0] == SUB. No SUB prints usage on stderr and returns CLI_USAGE;
 * --help or -h prints it on stdout and returns CLI_OK; an unknown SUB prints
 * usage on stderr and "certctl: unknown GROUP command "SUB"" (CLI_USAGE). */
int cli_subcommand(const char *group, const CliVerb *subs, size_t n_subs, void (*usage)(FILE *f),
                   int argc, char **argv);

/* One option of a verb, for cli_options(). --NAME VALUE (or -LETTER VALUE) stores VALUE in
 * *value, the last one given winning; with count set, value is an array of at least argc
 * entries and each VALUE is appended at value[(*count)++]. --NAME alone sets *flag. Each
 * option has value or flag, not both. Two rows may point at one variable (an alias). */
typedef struct CliOption {
    const char *name;
    char letter; /* a short option too; 0 for none */
    const char **value;
    bool *flag;
    size_t *count;
} CliOption;

/* cli_options()'s results besides an exit code; never returned by a verb. */
enum {
    CLI_NEXT = -1, /* the options are read: go on with the operands from optind */
    CLI_HELP = -2, /* --help was asked for, and usage was NULL */
};

#define CLI_OPTIONS_MAX 16

/* Reads the options of argv (argv[0] the verb's name) with getopt_long: the rows of opts, up to
 * the one whose name is NULL (at most CLI_OPTIONS_MAX), and --help / -h; optind is left at the
 * first operand. Returns CLI_NEXT when they all parse. --help: usage(stdout) and CLI_OK. An
 * unknown option or one without its value (getopt names it on stderr): usage(stderr) and
 * CLI_USAGE. With usage NULL nothing more is printed: --help returns CLI_HELP, for a verb whose
 * messages say more. */
int cli_options(int argc, char **argv, const CliOption *opts, void (*usage)(FILE *f));

/* Prints "certctl: <detail of err>" on stderr and returns the exit code for
 * err: CLI_INVALID for verification failures (signature, untrusted, expired,
 * revoked, tampered, rollback), CLI_USAGE otherwise. */
int cli_fail(CkErr err);

/* Prints "certctl: <message>" on stderr and returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True if the error means "verification failed" rather than "could not check". */
bool cli_err_is_invalid(CkErr err);

/* Takes CERTKIOSK_PASSPHRASE (for automation only) out of the environment:
 * copies it into sodium_malloc memory for cli_passphrase(), zeroes it where
 * it was and unsets it, so that /proc/PID/environ and child processes never
 * see it. main() calls it first, before anything else runs. */
void cli_env_take(void);

/* Gets a passphrase into sodium_malloc memory (*pass_out, free with
 * sodium_free(); *len_out bytes, NUL-terminated): from the file named by
 * pass_file if not NULL, else from the environment variable
 * CERTKIOSK_PASSPHRASE (as cli_env_take() found it), else by prompting on the terminal without echo
 * (twice when confirm is set). With no terminal and no other source it fails
 * with a message that names the two options. */
CkErr cli_passphrase(const char *pass_file, const char *prompt, bool confirm, char **pass_out,
                     size_t *len_out);

/* Asks question (a yes/no question, shown after what it is about was
 * printed) on the terminal: CK_OK for "y" or "yes", CK_ERR_USAGE ("not
 * confirmed; nothing was changed") for anything else. With yes set it does
 * not ask. With no terminal it fails (CK_ERR_USAGE) naming yes_option, the
 * option that confirms without a terminal. */
CkErr cli_confirm(const char *question, bool yes, const char *yes_option);

/* The default folder for certctl's own state (witness checkpoints, the
 * registry): $CERTKIOSK_STATE_DIR, else $XDG_STATE_HOME/certkiosk, else
 * $HOME/.local/state/certkiosk; never a shared folder (with neither HOME nor
 * XDG_STATE_HOME it is CK_ERR_USAGE). Made 0700 when missing; one others can
 * read or that another user owns is CK_ERR_PERMISSION (fileio_private_dir).
 * *dir_out: a new string, free with free(). */
CkErr cli_state_dir(char **dir_out);

/* Makes standard output and standard error safe for whoever reads them: from
 * here on, everything certctl prints passes through utf8_escape() (stream
 * mode), so a C0 or C1 control, DEL, a bidi control or an invisible
 * character that came from a certificate, a roster, a log or a bundle
 * arrives as "\u202E", never raw: no terminal escape sequence, no reordered
 * line. Newlines, tabs and "\r\n" pass; JSON stays JSON (those characters
 * appear only inside its strings, where \uXXXX means the same). main() calls
 * it once, first. */
void cli_output_guard(void);

/* One field of a line for a terminal: s with every control, newlines and tabs
 * included, escaped (utf8_escape with UTF8_ESCAPE_NEWLINES), so a value can
 * never start a line of its own. Returns a new string (free()). */
char *cli_text(const char *s);

/* cli_text() for printf arguments: printf("%s", cli_tx(name)). The copy is
 * owned by a ring of 16 per thread: valid until 16 more calls. NULL is "". */
const char *cli_tx(const char *s);

/* Writes s as one CSV field (RFC 4180: quoted when it holds a comma, quote,
 * CR or LF, quotes doubled), followed by a comma, or by a line feed when last. A
 * field that starts with = + - @ TAB or CR, which a spreadsheet would run as
 * a formula, is written as text: a leading apostrophe, quoted. Every CSV
 * certctl writes goes through here. */
void cli_csv_field(FILE *out, const char *s, bool last);

/* True when standard error is a terminal (progress bars go only there). */
bool cli_progress_enabled(void);

/* Draws a one-line progress bar on standard error when enabled; done == total ends it. */
void cli_progress(const char *what, size_t done, size_t total);

#endif
