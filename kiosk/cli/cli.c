/* cli: shared helpers for certctl's verbs. */
#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "fileio.h"
#include "utf8.h"

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
cli_options(int argc, char **argv, const CliOption *opts, void (*usage)(FILE *f))
{
    /* getopt_long returns 0x100 + the row for a long-only option, clear of every letter. */
    enum { ROW = 0x100 };
    struct option longopts[CLI_OPTIONS_MAX + 2];
    char shortopts[2 * CLI_OPTIONS_MAX + 2] = "h";
    size_t n = 0, k = 1;
    int c;

    for (; opts[n].name != NULL; n++) {
        assert(n < CLI_OPTIONS_MAX && (opts[n].value == NULL) != (opts[n].flag == NULL));
        longopts[n] =
            (struct option){opts[n].name, opts[n].value != NULL ? required_argument : no_argument,
                            NULL, opts[n].letter ? opts[n].letter : ROW + (int)n};
        if (opts[n].letter) {
            shortopts[k++] = opts[n].letter;
            if (opts[n].value != NULL)
                shortopts[k++] = ':';
        }
    }
    shortopts[k] = '\0';
    longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        size_t i = 0;
        if (c == 'h') {
            if (usage == NULL)
                return CLI_HELP;
            usage(stdout);
            return CLI_OK;
        }
        while (i < n && c != (opts[i].letter ? opts[i].letter : ROW + (int)i))
            i++;
        if (i == n) {
            if (usage != NULL)
                usage(stderr);
            return CLI_USAGE;
        }
        if (opts[i].flag != NULL)
            *opts[i].flag = true;
        else if (opts[i].count != NULL)
            opts[i].value[(*opts[i].count)++] = optarg;
        else
            *opts[i].value = optarg;
    }
    return CLI_NEXT;
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

/* CERTKIOSK_PASSPHRASE, taken out of the environment by cli_env_take(). */
static char *env_pass;
static bool env_pass_too_long;

void
cli_env_take(void)
{
    char *v = getenv("CERTKIOSK_PASSPHRASE");
    size_t len;

    if (v == NULL)
        return;
    len = strlen(v);
    if (len >= PASS_MAX)
        env_pass_too_long = true;
    else if ((env_pass = sodium_malloc(PASS_MAX)) != NULL)
        memcpy(env_pass, v, len + 1);
    /* Zero the bytes where they lie (the initial environment, which
     * /proc/PID/environ shows) before removing the variable, so that neither
     * that file nor any child process sees it. */
    sodium_memzero(v, len);
    unsetenv("CERTKIOSK_PASSPHRASE");
}

static CkErr
prompt_once(const char *prompt, char *buf, size_t cap, size_t *len_out)
{
    struct termios old, quiet;
    FILE *tty = fopen("/dev/tty", "r+");
    CkErr err = CK_OK;

    if (tty == NULL)
        return ck_err(CK_ERR_USAGE, "no terminal to ask for the passphrase: give "
                                    "--passphrase-file FILE or set CERTKIOSK_PASSPHRASE");
    fflush(stdout);
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
    const char *env = env_pass;
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
    } else if (env_pass_too_long) {
        err = ck_err(CK_ERR_TOO_LARGE, "CERTKIOSK_PASSPHRASE is too long");
        goto out;
    } else if (env != NULL) {
        len = strlen(env);
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
    fflush(stdout); /* what the question is about, first */
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

CkErr
cli_state_dir(char **dir_out)
{
    const char *v;
    char *dir = NULL;
    CkErr err;

    *dir_out = NULL;
    if ((v = getenv("CERTKIOSK_STATE_DIR")) != NULL && *v)
        dir = strdup(v);
    else if ((v = getenv("XDG_STATE_HOME")) != NULL && *v)
        dir = fileio_join(v, "certkiosk");
    else if ((v = getenv("HOME")) != NULL && *v)
        dir = fileio_join(v, ".local/state/certkiosk");
    else
        /* No shared fallback such as /tmp: another user could make it first
         * and feed the witness the history they want. */
        return ck_err(CK_ERR_USAGE, "neither HOME nor XDG_STATE_HOME is set, so certctl has no "
                                    "folder for its state (witness, registry, status lists): set "
                                    "one of them, or CERTKIOSK_STATE_DIR");
    if (dir == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((err = fileio_private_dir(dir, "state folder", true)) != CK_OK) {
        free(dir);
        return err;
    }
    *dir_out = dir;
    return CK_OK;
}

/* ---- output that cannot be turned against its reader ---- */

/* One guarded stream: what certctl writes goes through utf8_escape() to fd.
 * An incomplete UTF-8 sequence or a '\r' at the end of a write waits in
 * carry for the next one (or for exit). */
typedef struct Guard {
    int fd;
    unsigned char carry[4];
    size_t n_carry;
} Guard;

static Guard guards[2] = {{STDOUT_FILENO, {0}, 0}, {STDERR_FILENO, {0}, 0}};

static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* a closed pipe: nothing more to say */
        p += w;
        n -= (size_t)w;
    }
}

/* How many bytes at the end of b[0..n) are an unfinished UTF-8 sequence or a
 * lone '\r' that the next write may complete. */
static size_t
unfinished_tail(const unsigned char *b, size_t n)
{
    if (n > 0 && b[n - 1] == '\r')
        return 1;
    for (size_t k = 1; k <= 3 && k <= n; k++) {
        unsigned char c = b[n - k];
        if ((c & 0xC0) == 0x80)
            continue; /* a continuation byte: look further back */
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > k ? k : 0;
    }
    return 0;
}

static void
guard_emit(Guard *g, const unsigned char *b, size_t n)
{
    char *text = utf8_escape((const char *)b, n, UTF8_ESCAPE_STREAM);

    if (text != NULL) {
        write_all(g->fd, text, strlen(text));
        free(text);
    }
}

static ssize_t
guard_write(void *cookie, const char *buf, size_t size)
{
    Guard *g = cookie;
    size_t total = g->n_carry + size, keep;
    unsigned char *b = malloc(total);

    if (b == NULL)
        return -1;
    memcpy(b, g->carry, g->n_carry);
    memcpy(b + g->n_carry, buf, size);
    keep = unfinished_tail(b, total);
    guard_emit(g, b, total - keep);
    memcpy(g->carry, b + total - keep, keep);
    g->n_carry = keep;
    free(b);
    return (ssize_t)size;
}

static void
guard_finish(void)
{
    fflush(stdout);
    fflush(stderr);
    for (size_t i = 0; i < 2; i++) {
        if (guards[i].n_carry > 0)
            guard_emit(&guards[i], guards[i].carry, guards[i].n_carry);
        guards[i].n_carry = 0;
    }
}

void
cli_output_guard(void)
{
    cookie_io_functions_t io = {NULL, guard_write, NULL, NULL};
    FILE *out = fopencookie(&guards[0], "w", io), *err = fopencookie(&guards[1], "w", io);

    if (out == NULL || err == NULL)
        return; /* out of memory at start: the plain streams still work */
    fflush(stdout);
    fflush(stderr);
    setvbuf(err, NULL, _IONBF, 0);
    /* A terminal sees each line as it is printed (before a question on
     * /dev/tty, for one), as the plain stdout would show it. */
    if (isatty(STDOUT_FILENO))
        setvbuf(out, NULL, _IOLBF, 0);
    stdout = out;
    stderr = err;
    atexit(guard_finish);
}

char *
cli_text(const char *s)
{
    char *t = utf8_escape(s, strlen(s), UTF8_ESCAPE_NEWLINES);

    if (t == NULL) {
        fputs("certctl: out of memory\n", stderr);
        exit(CLI_USAGE);
    }
    return t;
}

void
cli_csv_field(FILE *out, const char *s, bool last)
{
    /* OWASP's advice against formula injection: a cell a spreadsheet would
     * read as a formula (or as one after a tab or carriage return) starts
     * with an apostrophe, which shows it as text. */
    bool formula = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;

    if (quote)
        fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"' && quote)
            fputc('"', out);
        fputc(*s, out);
    }
    if (quote)
        fputc('"', out);
    fputc(last ? '\n' : ',', out);
}

const char *
cli_tx(const char *s)
{
    enum { RING = 16 };
    static _Thread_local char *ring[RING];
    static _Thread_local unsigned next;
    char **slot = &ring[next++ % RING];

    free(*slot);
    *slot = cli_text(s != NULL ? s : "");
    return *slot;
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
    char line[160];
    int n;

    fill = done * WIDTH / total;
    n = snprintf(line, sizeof line, "\r%-12.12s [", what);
    for (size_t i = 0; i < WIDTH; i++)
        line[n++] = i < fill ? '#' : '.';
    n += snprintf(line + n, sizeof line - (size_t)n, "] %zu/%zu%s", done, total,
                  done >= total ? "\n" : "");
    /* Straight to the terminal: the '\r' that redraws the bar is ours, and
     * the guard of cli_output_guard() would escape it. */
    fflush(stderr);
    write_all(STDERR_FILENO, line, (size_t)n);
}
