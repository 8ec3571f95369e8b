/* plugin_client: a nation's native code runs only in a sandboxed worker, and the kiosk trusts
 * none of its answers until they are checked here. */
#include "plugin_client.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin_proto.h"
#include "utf8.h"

struct PluginClient {
    pid_t pid; /* 0 once reaped */
    int sock;  /* -1 once closed */
    char *who; /* "bundle DIR (ID VERSION)" */
    unsigned timeout_ms;
    unsigned waited_ms; /* the timeout of the exchange under way, for the message */
    unsigned fns;
    char name[PLUGIN_PROTO_INFO_BYTES];
    char version[PLUGIN_PROTO_INFO_BYTES];
    bool failed;
    int64_t now; /* the clock and language the entry call sees */
    char locale[16];
    void (*on_log)(void *ctx, CkPluginLogLevel level, const char *msg);
    void *ctx;
};

const char *
plugin_client_worker_path(void)
{
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t blen = strlen(CK_BUILD_DIR);

    /* Only a program inside the build tree uses the build tree's worker: an
     * installed kiosk must never run whatever sits at a build path. */
    if (n > 0) {
        exe[n] = '\0';
        if ((size_t)n > blen && strncmp(exe, CK_BUILD_DIR, blen) == 0 && exe[blen] == '/')
            return CK_WORKER_BUILD_PATH;
    }
    return CK_WORKER_INSTALL_PATH;
}

/* ---- the worker's end ---- */

static void
reap(PluginClient *c, bool force, int *status_out)
{
    int status = 0;

    *status_out = -1;
    if (c->sock >= 0) {
        close(c->sock);
        c->sock = -1;
    }
    if (c->pid <= 0)
        return;
    /* A worker that closed its socket is usually dying already: give it a
     * moment so the cause (the signal) is its own, then stop it for sure. */
    for (int i = 0; !force && i < 50; i++) {
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid) {
            *status_out = status;
            c->pid = 0;
            return;
        }
        if (r < 0)
            break;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!force)
        *status_out = status;
    c->pid = 0;
}

/* Why a worker ended, for the refusal. */
static void
describe_end(int status, char *buf, size_t len)
{
    if (status < 0) {
        snprintf(buf, len, "it closed its connection and was stopped");
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGSYS)
            snprintf(buf, len, "the sandbox killed it for a forbidden system call (SIGSYS)");
        else if (sig == SIGXCPU)
            snprintf(buf, len, "it used up its CPU time (SIGXCPU)");
        else if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
                 sig == SIGABRT)
            snprintf(buf, len, "it crashed (%s)", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        else
            snprintf(buf, len, "it was killed by signal %d (SIG%s)", sig,
                     sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    } else if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == 70)
            snprintf(buf, len, "its sandbox could not be raised");
        else
            snprintf(buf, len, "it exited (status %d)", code);
    } else {
        snprintf(buf, len, "it ended");
    }
}

/* Marks the worker failed, stops it and records why. Returns CK_ERR_REFUSED. */
static CkErr
fail(PluginClient *c, PluginProtoErr e, const char *what)
{
    char cause[160];
    int status;

    c->failed = true;
    if (e == PLUGIN_PROTO_TIMEOUT) {
        reap(c, true, &status);
        return ck_err(CK_ERR_REFUSED, "%s: its worker did not answer within %u ms and was stopped",
                      c->who, c->waited_ms);
    }
    if (e == PLUGIN_PROTO_MALFORMED || what != NULL) {
        reap(c, true, &status);
        return ck_err(CK_ERR_REFUSED, "%s: its worker sent a malformed reply (%s) and was stopped",
                      c->who, what ? what : "bad framing");
    }
    reap(c, false, &status);
    describe_end(status, cause, sizeof cause);
    return ck_err(CK_ERR_REFUSED, "%s: its worker failed: %s", c->who, cause);
}

static void
put_context(PluginProtoOut *o, int64_t now, const char *locale)
{
    plugin_proto_put_u64(o, (uint64_t)now);
    plugin_proto_put_str(o, locale && locale[0] && strlen(locale) < 16 ? locale : "en");
}

/* Sends o and reads the reply of type; checks it and forwards its log lines. */
static CkErr
exchange(PluginClient *c, PluginProtoOut *o, PluginProtoType type, unsigned timeout_ms,
         PluginProtoIn *in)
{
    PluginProtoErr e;
    uint32_t nlogs;

    if (c->failed)
        return ck_err(CK_ERR_REFUSED, "%s: its worker failed earlier", c->who);
    c->waited_ms = timeout_ms;
    if ((e = plugin_proto_send(c->sock, o)) != PLUGIN_PROTO_OK)
        return e == PLUGIN_PROTO_NOMEM ? ck_err(CK_ERR_NOMEM, "out of memory") : fail(c, e, NULL);
    if ((e = plugin_proto_recv(c->sock, PLUGIN_PROTO_MAX_REPLY, (int)timeout_ms, in)) !=
        PLUGIN_PROTO_OK)
        return e == PLUGIN_PROTO_NOMEM ? ck_err(CK_ERR_NOMEM, "out of memory") : fail(c, e, NULL);
    if (in->type != (PluginProtoType)(type | PLUGIN_PROTO_REPLY)) {
        plugin_proto_in_free(in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "a reply of another type");
    }
    nlogs = plugin_proto_get_u32(in);
    if (nlogs > PLUGIN_PROTO_LOGS_MAX) {
        plugin_proto_in_free(in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "too many log lines");
    }
    for (uint32_t i = 0; i < nlogs; i++) {
        uint32_t level = plugin_proto_get_u32(in);
        char *msg = plugin_proto_get_str(in, PLUGIN_PROTO_LOG_BYTES);
        /* Log lines are checked as strictly as answers: UTF-8, no control characters. */
        if (msg == NULL || level > CK_PLUGIN_LOG_ERROR ||
            utf8_check(msg, strlen(msg), PLUGIN_PROTO_LOG_BYTES, false, NULL, NULL) != UTF8_OK) {
            free(msg);
            plugin_proto_in_free(in);
            return fail(c, PLUGIN_PROTO_MALFORMED, "a bad log line");
        }
        if (c->on_log != NULL)
            c->on_log(c->ctx, (CkPluginLogLevel)level, msg);
        free(msg);
    }
    return CK_OK;
}

/* ---- starting ---- */

static int
module_memfd(const char *name, const unsigned char *data, size_t len)
{
    size_t done = 0;
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

    if (fd < 0)
        return -1;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)n;
    }
    /* Sealed: what the worker maps is exactly what was verified. */
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static CkErr
spawn(PluginClient *c, const char *path, int module_fd)
{
    int sv[2] = {-1, -1}, sock_hi = -1, mod_hi = -1, rc;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    char *const argv[] = {(char *)"certkiosk-plugin-worker", NULL};
    char *const envp[] = {NULL};
    CkErr err = CK_OK;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return ck_err(CK_ERR_IO, "%s: socketpair: %s", c->who, strerror(errno));
    /* Above the fixed numbers, so the dup2s below cannot clobber each other. */
    if ((sock_hi = fcntl(sv[1], F_DUPFD_CLOEXEC, 10)) < 0 ||
        (mod_hi = fcntl(module_fd, F_DUPFD_CLOEXEC, 10)) < 0) {
        err = ck_err(CK_ERR_IO, "%s: fcntl: %s", c->who, strerror(errno));
        goto out;
    }
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* Only the socket (3) and the module (4) reach the worker, whatever this
     * process holds open; signals as fresh. posix_spawn runs the child on the
     * parent's memory until exec (CLONE_VFORK), so no copy of the kiosk's
     * memory — its key included — ever exists in another process. */
    posix_spawn_file_actions_adddup2(&fa, sock_hi, PLUGIN_PROTO_FD_SOCKET);
    posix_spawn_file_actions_adddup2(&fa, mod_hi, PLUGIN_PROTO_FD_MODULE);
    posix_spawn_file_actions_addclosefrom_np(&fa, PLUGIN_PROTO_FD_MODULE + 1);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(&c->pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        c->pid = 0;
        err = ck_err(CK_ERR_IO, "%s: cannot start the plugin worker %s: %s", c->who, path,
                     strerror(rc));
        goto out;
    }
    c->sock = sv[0];
    sv[0] = -1;
out:
    if (sv[0] >= 0)
        close(sv[0]);
    close(sv[1]);
    if (sock_hi >= 0)
        close(sock_hi);
    if (mod_hi >= 0)
        close(mod_hi);
    return err;
}

static CkErr
read_hello(PluginClient *c)
{
    PluginProtoIn in;
    PluginProtoErr e;
    uint32_t ok, flags;
    char *note, line[400];

    c->waited_ms = PLUGIN_CLIENT_LOAD_TIMEOUT_MS;
    e = plugin_proto_recv(c->sock, PLUGIN_PROTO_MAX_REPLY, PLUGIN_CLIENT_LOAD_TIMEOUT_MS, &in);
    if (e != PLUGIN_PROTO_OK)
        return fail(c, e, NULL);
    ok = plugin_proto_get_u32(&in);
    flags = plugin_proto_get_u32(&in);
    (void)plugin_proto_get_u32(&in); /* the Landlock ABI, for PROTOCOL.md readers */
    note = plugin_proto_get_str(&in, 512);
    if (in.type != PLUGIN_PROTO_HELLO || !plugin_proto_done(&in)) {
        free(note);
        plugin_proto_in_free(&in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "no HELLO");
    }
    plugin_proto_in_free(&in);
    if (!ok) {
        CkErr err;
        c->failed = true;
        err = ck_err(CK_ERR_REFUSED, "%s: the plugin worker could not raise its sandbox: %s",
                     c->who, note);
        free(note);
        reap(c, true, &(int){0});
        return err;
    }
    /* Said once per worker: what is missing, and what still protects. */
    if (note[0] != '\0' && c->on_log != NULL) {
        snprintf(line, sizeof line, "sandbox: %s%s", note,
                 flags & PLUGIN_PROTO_SB_LANDLOCK
                     ? ""
                     : " — without Landlock, files readable by the worker's user are protected "
                       "only by its uid and by seccomp after load");
        c->on_log(c->ctx, CK_PLUGIN_LOG_WARNING, line);
    }
    free(note);
    return CK_OK;
}

static CkErr
send_load(PluginClient *c, const Bundle *b, const char *module_name, int64_t now,
          const char *locale, PluginProtoIn *in)
{
    const json_t *files = json_object_get(bundle_manifest(b), "files");
    PluginProtoOut o = {0};
    const char *name;
    json_t *v;
    uint32_t n = 0;
    CkErr err;

    plugin_proto_out_begin(&o, PLUGIN_PROTO_LOAD);
    put_context(&o, now, locale);
    json_object_foreach((json_t *)files, name, v)
    {
        if (strcmp(name, module_name) != 0)
            n++;
    }
    plugin_proto_put_u32(&o, n);
    json_object_foreach((json_t *)files, name, v)
    {
        const unsigned char *data;
        size_t len;
        if (strcmp(name, module_name) == 0)
            continue;
        if (bundle_file(b, name, &data, &len) != CK_OK) {
            data = (const unsigned char *)"";
            len = 0;
        }
        plugin_proto_put_str(&o, name);
        plugin_proto_put_bytes(&o, data, len);
    }
    err = exchange(c, &o, PLUGIN_PROTO_LOAD, PLUGIN_CLIENT_LOAD_TIMEOUT_MS, in);
    plugin_proto_out_free(&o);
    return err;
}

/* A string of the module's table: at most 128 bytes, NUL-free, UTF-8, no controls. */
static bool
get_info(PluginProtoIn *in, char out[PLUGIN_PROTO_INFO_BYTES], bool *present_out)
{
    size_t len;
    const unsigned char *p;

    *present_out = plugin_proto_get_u32(in) != 0;
    p = plugin_proto_get_bytes(in, PLUGIN_PROTO_INFO_BYTES, &len);
    out[0] = '\0';
    if (in->bad || len >= PLUGIN_PROTO_INFO_BYTES ||
        (len > 0 && utf8_check((const char *)p, len, len, false, NULL, NULL) != UTF8_OK) ||
        (len > 0 && memchr(p, '\0', len) != NULL))
        return false;
    if (len > 0)
        memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* The LOAD reply, checked as the direct load always checked the module. */
static CkErr
check_loaded(PluginClient *c, const Bundle *b, const char *what, PluginProtoIn *in)
{
    uint32_t stage = plugin_proto_get_u32(in), st, has_table, size, major, minor;
    char *text = plugin_proto_get_str(in, 1024), nation[PLUGIN_PROTO_INFO_BYTES];
    const unsigned char *errp;
    size_t errlen;
    bool has_nation, dummy;
    char errbuf[PLUGIN_PROTO_REASON_BYTES];
    CkErr err = CK_OK;

    if (text == NULL) {
        err = fail(c, PLUGIN_PROTO_MALFORMED, "a bad LOAD reply");
        goto out;
    }
    if (stage == PLUGIN_PROTO_STAGE_DLOPEN) {
        err = ck_err(CK_ERR_REFUSED, "%s: cannot be loaded: %s", what, text);
        goto out;
    }
    if (stage == PLUGIN_PROTO_STAGE_SYMBOL) {
        err = ck_err(CK_ERR_REFUSED,
                     "%s: has no entry symbol %s (built for another plugin ABI major?)", what,
                     CK_PLUGIN_ENTRY_NAME);
        goto out;
    }
    st = plugin_proto_get_u32(in);
    errp = plugin_proto_get_bytes(in, sizeof errbuf, &errlen);
    has_table = plugin_proto_get_u32(in);
    if (stage != PLUGIN_PROTO_STAGE_ENTRY || in->bad || errlen != sizeof errbuf) {
        err = fail(c, PLUGIN_PROTO_MALFORMED, "a bad LOAD reply");
        goto out;
    }
    memcpy(errbuf, errp, sizeof errbuf);
    errbuf[sizeof errbuf - 1] = '\0';
    if (st != CK_PLUGIN_OK) {
        if (utf8_check(errbuf, strlen(errbuf), sizeof errbuf, false, NULL, NULL) != UTF8_OK)
            snprintf(errbuf, sizeof errbuf, "(a reason that is not plain UTF-8 text)");
        err = ck_err(CK_ERR_REFUSED, "%s: its entry failed (status %u): %s", what, st,
                     errbuf[0] ? errbuf : "no reason given");
        goto out;
    }
    if (!has_table) {
        err = ck_err(CK_ERR_REFUSED, "%s: its entry returned no plugin table", what);
        goto out;
    }
    size = plugin_proto_get_u32(in);
    major = plugin_proto_get_u32(in);
    minor = plugin_proto_get_u32(in);
    if (!get_info(in, nation, &has_nation) || !get_info(in, c->name, &dummy) ||
        !get_info(in, c->version, &dummy)) {
        err = ck_err(CK_ERR_REFUSED,
                     "%s: its table has a nation, name or version that is not short UTF-8 text",
                     what);
        goto out;
    }
    c->fns = plugin_proto_get_u32(in);
    if (!plugin_proto_done(in) || c->fns > 0xf) {
        err = fail(c, PLUGIN_PROTO_MALFORMED, "a bad LOAD reply");
        goto out;
    }
    if (major != CK_PLUGIN_ABI_MAJOR)
        err = ck_err(CK_ERR_REFUSED, "%s: its table is for plugin ABI %u.%u; this kiosk has %d.%d",
                     what, major, minor, CK_PLUGIN_ABI_MAJOR, CK_PLUGIN_ABI_MINOR);
    else if (minor > CK_PLUGIN_ABI_MINOR)
        err = ck_err(CK_ERR_REFUSED,
                     "%s: its table needs plugin ABI %u.%u, newer than this kiosk's %d.%d", what,
                     major, minor, CK_PLUGIN_ABI_MAJOR, CK_PLUGIN_ABI_MINOR);
    else if (size < offsetof(CkPlugin, reserved) || size > 64 * 1024)
        err = ck_err(CK_ERR_REFUSED, "%s: its table has an impossible struct_size %u", what, size);
    else if (!has_nation || strcmp(nation, bundle_nation(b)) != 0)
        err = ck_err(CK_ERR_REFUSED, "%s: the module is for nation %.8s, the bundle for %s", what,
                     has_nation ? nation : "(none)", bundle_nation(b));
out:
    free(text);
    return err;
}

CkErr
plugin_client_spawn(const Bundle *b, const char *who, const PluginClientOptions *o,
                    PluginClient **client_out)
{
    const char *name, *path = o->worker_path ? o->worker_path : plugin_client_worker_path();
    const unsigned char *data;
    size_t len;
    char what[600];
    PluginClient *c;
    int fd;
    CkErr err;

    *client_out = NULL;
    if (!bundle_module(b, &name, &data, &len))
        return ck_err(CK_ERR_USAGE, "%s: no module", who);
    snprintf(what, sizeof what, "%s: module %s", who, name);
    if ((c = calloc(1, sizeof *c)) == NULL || (c->who = strdup(what)) == NULL) {
        free(c);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    c->sock = -1;
    c->timeout_ms = o->timeout_ms ? o->timeout_ms : PLUGIN_CLIENT_TIMEOUT_MS;
    c->now = o->now;
    snprintf(c->locale, sizeof c->locale, "%s", o->locale ? o->locale : "en");
    c->on_log = o->on_log;
    c->ctx = o->ctx;
    if ((fd = module_memfd(name, data, len)) < 0) {
        err = ck_err(CK_ERR_IO, "%s: memfd: %s", what, strerror(errno));
        plugin_client_stop(c);
        return err;
    }
    err = spawn(c, path, fd);
    close(fd);
    if (err != CK_OK) {
        plugin_client_stop(c);
        return err;
    }
    *client_out = c;
    return CK_OK;
}

CkErr
plugin_client_finish(PluginClient *c, const Bundle *b)
{
    const char *name;
    const unsigned char *data;
    size_t len;
    PluginProtoIn in = {0};
    CkErr err;

    if (!bundle_module(b, &name, &data, &len))
        return ck_err(CK_ERR_USAGE, "%s: no module", c->who);
    if ((err = read_hello(c)) == CK_OK &&
        (err = send_load(c, b, name, c->now, c->locale, &in)) == CK_OK)
        err = check_loaded(c, b, c->who, &in);
    plugin_proto_in_free(&in);
    if (err != CK_OK) {
        int status;
        c->failed = true;
        reap(c, true, &status);
    }
    return err;
}

CkErr
plugin_client_start(const Bundle *b, const char *who, const PluginClientOptions *o,
                    PluginClient **client_out)
{
    PluginClient *c;
    CkErr err;

    *client_out = NULL;
    if ((err = plugin_client_spawn(b, who, o, &c)) != CK_OK)
        return err;
    if ((err = plugin_client_finish(c, b)) != CK_OK) {
        plugin_client_stop(c);
        return err;
    }
    *client_out = c;
    return CK_OK;
}

void
plugin_client_stop(PluginClient *c)
{
    int status;

    if (c == NULL)
        return;
    reap(c, true, &status);
    free(c->who);
    free(c);
}

unsigned
plugin_client_functions(const PluginClient *c)
{
    return c->failed ? 0 : c->fns;
}

const char *
plugin_client_name(const PluginClient *c)
{
    return c->name;
}

const char *
plugin_client_version(const PluginClient *c)
{
    return c->version;
}

bool
plugin_client_failed(const PluginClient *c)
{
    return c->failed;
}

/* ---- calls ---- */

static bool
status_known(uint32_t st)
{
    return st <= CK_PLUGIN_FAILED;
}

/* Sends a request whose fields fill() puts after the context; reads the
 * reply into in; the status is checked to be one plugin.h defines. */
static CkErr
call(PluginClient *c, PluginProtoOut *o, PluginProtoType type, PluginProtoIn *in,
     CkPluginStatus *st_out)
{
    CkErr err = exchange(c, o, type, c->timeout_ms, in);
    uint32_t st;

    plugin_proto_out_free(o);
    if (err != CK_OK)
        return err;
    st = plugin_proto_get_u32(in);
    if (in->bad || !status_known(st)) {
        plugin_proto_in_free(in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "an unknown status");
    }
    *st_out = (CkPluginStatus)st;
    return CK_OK;
}

CkErr
plugin_client_validate(PluginClient *c, int64_t now, const char *locale, const char *number,
                       CkPluginStatus *st_out, char *reason)
{
    PluginProtoOut o = {0};
    PluginProtoIn in;
    const unsigned char *r;
    size_t len;
    const char *nul;
    CkErr err;

    reason[0] = '\0';
    plugin_proto_out_begin(&o, PLUGIN_PROTO_VALIDATE);
    put_context(&o, now, locale);
    plugin_proto_put_str(&o, number);
    if ((err = call(c, &o, PLUGIN_PROTO_VALIDATE, &in, st_out)) != CK_OK)
        return err;
    r = plugin_proto_get_bytes(&in, PLUGIN_PROTO_REASON_BYTES, &len);
    if (!plugin_proto_done(&in) || len != PLUGIN_PROTO_REASON_BYTES) {
        plugin_proto_in_free(&in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "a bad reason field");
    }
    if (*st_out == CK_PLUGIN_INVALID || *st_out == CK_PLUGIN_FAILED) {
        /* plugin.h: the plugin always NUL-terminates the reason it sets. */
        if ((nul = memchr(r, '\0', len)) == NULL) {
            plugin_proto_in_free(&in);
            return fail(c, PLUGIN_PROTO_MALFORMED, "a reason without NUL");
        }
        if (utf8_check((const char *)r, (size_t)(nul - (const char *)r), len, false, NULL, NULL) !=
            UTF8_OK) {
            plugin_proto_in_free(&in);
            return fail(c, PLUGIN_PROTO_MALFORMED, "a reason that is not UTF-8 text");
        }
        memcpy(reason, r, (size_t)(nul - (const char *)r) + 1);
    }
    plugin_proto_in_free(&in);
    return CK_OK;
}

CkErr
plugin_client_must_certify(PluginClient *c, int64_t now, const char *locale, CkPluginCategory cat,
                           CkPluginStatus *st_out, int *must_out)
{
    PluginProtoOut o = {0};
    PluginProtoIn in;
    CkErr err;

    plugin_proto_out_begin(&o, PLUGIN_PROTO_MUST_CERTIFY);
    put_context(&o, now, locale);
    plugin_proto_put_u32(&o, (uint32_t)cat);
    if ((err = call(c, &o, PLUGIN_PROTO_MUST_CERTIFY, &in, st_out)) != CK_OK)
        return err;
    *must_out = (int)plugin_proto_get_u32(&in);
    if (!plugin_proto_done(&in)) {
        plugin_proto_in_free(&in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "a bad must_certify reply");
    }
    plugin_proto_in_free(&in);
    return CK_OK;
}

CkErr
plugin_client_validity(PluginClient *c, int64_t now, const char *locale, CkPluginCategory cat,
                       CkPluginStatus *st_out, uint32_t *days_out)
{
    PluginProtoOut o = {0};
    PluginProtoIn in;
    CkErr err;

    plugin_proto_out_begin(&o, PLUGIN_PROTO_VALIDITY);
    put_context(&o, now, locale);
    plugin_proto_put_u32(&o, (uint32_t)cat);
    if ((err = call(c, &o, PLUGIN_PROTO_VALIDITY, &in, st_out)) != CK_OK)
        return err;
    *days_out = plugin_proto_get_u32(&in);
    if (!plugin_proto_done(&in)) {
        plugin_proto_in_free(&in);
        return fail(c, PLUGIN_PROTO_MALFORMED, "a bad validity_days reply");
    }
    plugin_proto_in_free(&in);
    return CK_OK;
}

static bool
claim_key_valid(const char *k)
{
    if (k[0] == '\0')
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '.' || *k == '_' || *k == '-'))
            return false;
    return true;
}

CkErr
plugin_client_claims(PluginClient *c, int64_t now, const char *locale, const char *number,
                     CkPluginCategory cat, CkPluginStatus *st_out, CkPluginClaim *claims,
                     size_t *count_out)
{
    PluginProtoOut o = {0};
    PluginProtoIn in;
    const unsigned char *raw;
    uint64_t count;
    size_t len;
    const char *problem = NULL;
    CkErr err;

    *count_out = 0;
    plugin_proto_out_begin(&o, PLUGIN_PROTO_CLAIMS);
    put_context(&o, now, locale);
    plugin_proto_put_str(&o, number);
    plugin_proto_put_u32(&o, (uint32_t)cat);
    if ((err = call(c, &o, PLUGIN_PROTO_CLAIMS, &in, st_out)) != CK_OK)
        return err;
    count = plugin_proto_get_u64(&in);
    raw = plugin_proto_get_bytes(&in, PLUGIN_CLIENT_CLAIMS_CAP * sizeof *claims, &len);
    if (!plugin_proto_done(&in))
        problem = "a bad claims field";
    else if (*st_out == CK_PLUGIN_OK && count > PLUGIN_CLIENT_CLAIMS_CAP)
        problem = "more claims than there was room for";
    else if (*st_out == CK_PLUGIN_OK && len != count * sizeof *claims)
        problem = "a bad claims field";
    for (size_t i = 0; problem == NULL && *st_out == CK_PLUGIN_OK && i < count; i++) {
        CkPluginClaim *cl = &claims[i];
        memcpy(cl, raw + i * sizeof *cl, sizeof *cl);
        if (memchr(cl->key, '\0', sizeof cl->key) == NULL ||
            memchr(cl->value, '\0', sizeof cl->value) == NULL)
            problem = "an over-long claim";
        else if (!claim_key_valid(cl->key))
            problem = "a claim key outside [a-zA-Z0-9._-]";
        else if (utf8_check(cl->value, strlen(cl->value), sizeof cl->value, false, NULL, NULL) !=
                 UTF8_OK)
            problem = "a claim value that is not UTF-8 text";
    }
    plugin_proto_in_free(&in);
    if (problem != NULL)
        return fail(c, PLUGIN_PROTO_MALFORMED, problem);
    if (*st_out == CK_PLUGIN_OK)
        *count_out = (size_t)count;
    return CK_OK;
}
