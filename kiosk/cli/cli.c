/* cli: shared helpers for certctl's verbs. */
#include "cli.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fileio.h"

bool
cli_err_is_invalid(CkErr err)
{
    switch (err) {
    case CK_ERR_SIGNATURE:
    case CK_ERR_UNTRUSTED:
    case CK_ERR_EXPIRED:
    case CK_ERR_NOT_YET_VALID:
    case CK_ERR_REVOKED:
    case CK_ERR_TAMPERED:
    case CK_ERR_ROLLBACK:
    case CK_ERR_REFUSED:
        return true;
    default:
        return false;
    }
}

int
cli_subcommand(const char *group, const CliVerb *subs, size_t n_subs, void (*usage)(FILE *f),
               int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    for (size_t i = 0; i < n_subs; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    usage(stderr);
    return cli_usage_error("unknown %s command \"%s\"", group, argv[1]);
}

int
cli_fail(CkErr err)
{
    fprintf(stderr, "certctl: %s\n", ck_err_detail());
    return cli_err_is_invalid(err) ? CLI_INVALID : CLI_USAGE;
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("certctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_USAGE;
}

#define PASS_MAX 1024

static CkErr
prompt_once(const char *prompt, char *buf, size_t cap, size_t *len_out)
{
    struct termios old, quiet;
    FILE *tty = fopen("/dev/tty", "r+");
    CkErr err = CK_OK;

    if (tty == NULL)
        return ck_err(CK_ERR_USAGE, "no terminal to ask for the passphrase: give "
                                    "--passphrase-file FILE or set CERTKIOSK_PASSPHRASE");
    fprintf(tty, "%s: ", prompt);
    fflush(tty);
    tcgetattr(fileno(tty), &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    if (fgets(buf, (int)cap, tty) == NULL)
        err = ck_err(CK_ERR_IO, "could not read the passphrase from the terminal");
    tcsetattr(fileno(tty), TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    if (err == CK_OK) {
        *len_out = strcspn(buf, "\r\n");
        buf[*len_out] = '\0';
    }
    return err;
}

CkErr
cli_passphrase(const char *pass_file, const char *prompt, bool confirm, char **pass_out,
               size_t *len_out)
{
    char *pass = sodium_malloc(PASS_MAX), *again = NULL;
    const char *env = getenv("CERTKIOSK_PASSPHRASE");
    size_t len = 0, len2 = 0;
    CkErr err = CK_OK;

    *pass_out = NULL;
    *len_out = 0;
    if (pass == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (pass_file != NULL) {
        unsigned char *data;
        size_t n;
        if ((err = fileio_read(pass_file, PASS_MAX - 1, &data, &n)) != CK_OK)
            goto out;
        len = strcspn((char *)data, "\r\n");
        memcpy(pass, data, len);
        pass[len] = '\0';
        sodium_memzero(data, n);
        free(data);
    } else if (env != NULL) {
        len = strlen(env);
        if (len >= PASS_MAX) {
            err = ck_err(CK_ERR_TOO_LARGE, "CERTKIOSK_PASSPHRASE is too long");
            goto out;
        }
        memcpy(pass, env, len + 1);
    } else {
        if ((err = prompt_once(prompt, pass, PASS_MAX, &len)) != CK_OK)
            goto out;
        if (confirm) {
            if ((again = sodium_malloc(PASS_MAX)) == NULL) {
                err = ck_err(CK_ERR_NOMEM, "out of memory");
                goto out;
            }
            if ((err = prompt_once("Repeat the passphrase", again, PASS_MAX, &len2)) != CK_OK)
                goto out;
            if (len != len2 || sodium_memcmp(pass, again, len) != 0) {
                err = ck_err(CK_ERR_USAGE, "the two passphrases differ");
                goto out;
            }
        }
    }
    if (len == 0) {
        err = ck_err(CK_ERR_USAGE, "the passphrase is empty");
        goto out;
    }
out:
    if (again != NULL)
        sodium_free(again);
    if (err != CK_OK) {
        sodium_free(pass);
        return err;
    }
    *pass_out = pass;
    *len_out = len;
    return CK_OK;
}

CkErr
cli_confirm(const char *question, bool yes, const char *yes_option)
{
    char answer[16];
    FILE *tty;
    size_t n;

    if (yes)
        return CK_OK;
    if ((tty = fopen("/dev/tty", "r+")) == NULL)
        return ck_err(CK_ERR_USAGE, "no terminal to confirm on: check what is shown above, then "
                                    "give %s",
                      yes_option);
    fprintf(tty, "%s [y/N] ", question);
    fflush(tty);
    if (fgets(answer, sizeof answer, tty) == NULL)
        answer[0] = '\0';
    fclose(tty);
    n = strcspn(answer, "\r\n");
    answer[n] = '\0';
    if (strcmp(answer, "y") == 0 || strcmp(answer, "Y") == 0 || strcmp(answer, "yes") == 0)
        return CK_OK;
    return ck_err(CK_ERR_USAGE, "not confirmed; nothing was changed");
}

char *
cli_state_dir(void)
{
    const char *v;
    char *out = NULL;

    if ((v = getenv("CERTKIOSK_STATE_DIR")) != NULL && *v)
        return strdup(v);
    if ((v = getenv("XDG_STATE_HOME")) != NULL && *v)
        return fileio_join(v, "certkiosk");
    if ((v = getenv("HOME")) == NULL || !*v)
        v = "/tmp";
    if (asprintf(&out, "%s/.local/state/certkiosk", v) < 0)
        return NULL;
    return out;
}

bool
cli_progress_enabled(void)
{
    return isatty(STDERR_FILENO) && getenv("CI") == NULL;
}

void
cli_progress(const char *what, size_t done, size_t total)
{
    enum { WIDTH = 30 };
    size_t fill;

    if (!cli_progress_enabled() || total == 0)
        return;
    fill = done * WIDTH / total;
    fprintf(stderr, "\r%-12s [", what);
    for (size_t i = 0; i < WIDTH; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu", done, total);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}
