/* certkiosk-plugin-worker: loads one nation's native module inside a sandbox and answers the
 * kiosk's calls to it over one socket (kiosk/worker/PROTOCOL.md).
 *
 * The kiosk spawns one worker per bundle with native code, with the socket on
 * descriptor 3, the sealed memfd of the verified module on 4, nothing else,
 * and an empty environment. The worker raises its sandbox (sandbox.c), says
 * HELLO, waits for LOAD, and only then maps the module. It never prints:
 * everything it has to say goes over the socket, and any trouble ends it. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <certkiosk/plugin.h>

#include "plugin_proto.h"
#include "sandbox.h"

#define SOCK PLUGIN_PROTO_FD_SOCKET

/* Sanitizer builds: no leak check (it would need ptrace, which seccomp kills)
 * and one allocation may not exceed 512 MiB, since RLIMIT_AS is off there. */
#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
    return "detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=512";
}
#endif

typedef struct Asset {
    char *name;
    unsigned char *data; /* a copy, with the NUL plugin.h promises after the bytes */
    size_t len;
} Asset;

/* What the host table's functions answer from, set for each call. */
static struct {
    Asset *assets;
    size_t n_assets;
    int64_t now;
    char locale[16];
    char logs[PLUGIN_PROTO_LOGS_MAX][PLUGIN_PROTO_LOG_BYTES];
    uint32_t log_levels[PLUGIN_PROTO_LOGS_MAX];
    size_t n_logs;
} W;

static CkPlugin plugin; /* a copy of the module's table within its struct_size */

static void
host_log(void *ctx, CkPluginLogLevel level, const char *msg)
{
    (void)ctx;
    if (msg == NULL || W.n_logs == PLUGIN_PROTO_LOGS_MAX)
        return;
    snprintf(W.logs[W.n_logs], sizeof W.logs[0], "%s", msg);
    W.log_levels[W.n_logs++] = (uint32_t)level;
}

static CkPluginStatus
host_asset(void *ctx, const char *name, const unsigned char **data_out, size_t *len_out)
{
    (void)ctx;
    if (name == NULL || data_out == NULL || len_out == NULL)
        return CK_PLUGIN_INVALID;
    for (size_t i = 0; i < W.n_assets; i++)
        if (strcmp(W.assets[i].name, name) == 0) {
            *data_out = W.assets[i].data;
            *len_out = W.assets[i].len;
            return CK_PLUGIN_OK;
        }
    return CK_PLUGIN_INVALID;
}

static const char *
host_locale(void *ctx)
{
    (void)ctx;
    return W.locale;
}

static int64_t
host_now(void *ctx)
{
    (void)ctx;
    return W.now;
}

static const CkPluginHost host_table = {
    .struct_size = sizeof(CkPluginHost),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .ctx = NULL,
    .log = host_log,
    .asset = host_asset,
    .locale = host_locale,
    .now = host_now,
};

/* Every request starts with the kiosk's clock and the session's language. */
static void
read_context(PluginProtoIn *in)
{
    char *loc;

    W.now = (int64_t)plugin_proto_get_u64(in);
    loc = plugin_proto_get_str(in, sizeof W.locale - 1);
    snprintf(W.locale, sizeof W.locale, "%s", loc ? loc : "en");
    free(loc);
    W.n_logs = 0;
}

/* Every reply starts with the module's log lines of this call. */
static void
begin_reply(PluginProtoOut *o, PluginProtoType type)
{
    plugin_proto_out_begin(o, (PluginProtoType)(type | PLUGIN_PROTO_REPLY));
    plugin_proto_put_u32(o, (uint32_t)W.n_logs);
    for (size_t i = 0; i < W.n_logs; i++) {
        plugin_proto_put_u32(o, W.log_levels[i]);
        plugin_proto_put_str(o, W.logs[i]);
    }
}

/* A string of the module's table, raw: up to PLUGIN_PROTO_INFO_BYTES bytes,
 * so one without a NUL in reach arrives without one and the host refuses it. */
static void
put_info(PluginProtoOut *o, const char *s)
{
    plugin_proto_put_u32(o, s != NULL);
    plugin_proto_put_bytes(o, s ? s : "", s ? strnlen(s, PLUGIN_PROTO_INFO_BYTES) : 0);
}

static int
do_load(PluginProtoIn *in, PluginProtoOut *o)
{
    uint32_t n;
    char path[64], err[PLUGIN_PROTO_REASON_BYTES];
    void *handle;
    CkPluginEntryFn entry;
    const CkPlugin *p = NULL;
    CkPluginStatus st;
    uint32_t fns = 0;

    read_context(in);
    n = plugin_proto_get_u32(in);
    if (n > 4096 || (W.assets = calloc(n ? n : 1, sizeof *W.assets)) == NULL)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        Asset *a = &W.assets[i];
        const unsigned char *data;
        a->name = plugin_proto_get_str(in, 1024);
        data = plugin_proto_get_bytes(in, PLUGIN_PROTO_MAX_LOAD, &a->len);
        if (a->name == NULL || in->bad || (a->data = malloc(a->len + 1)) == NULL)
            return -1;
        if (a->len > 0)
            memcpy(a->data, data, a->len);
        a->data[a->len] = '\0';
        W.n_assets++;
    }
    if (!plugin_proto_done(in))
        return -1;
    snprintf(path, sizeof path, "/proc/self/fd/%d", PLUGIN_PROTO_FD_MODULE);
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *e = dlerror();
        begin_reply(o, PLUGIN_PROTO_LOAD);
        plugin_proto_put_u32(o, PLUGIN_PROTO_STAGE_DLOPEN);
        plugin_proto_put_str(o, e ? e : "dlopen failed");
        return 0;
    }
    /* Constructors have run; from here nothing may be opened or made executable. */
    if (sandbox_seal() != 0)
        return -1;
    *(void **)&entry = dlsym(handle, CK_PLUGIN_ENTRY_NAME);
    if (entry == NULL) {
        begin_reply(o, PLUGIN_PROTO_LOAD);
        plugin_proto_put_u32(o, PLUGIN_PROTO_STAGE_SYMBOL);
        plugin_proto_put_str(o, "");
        return 0;
    }
    memset(err, 0, sizeof err);
    st = entry(&host_table, &p, err, sizeof err);
    if (p != NULL) {
        size_t take = p->struct_size < sizeof plugin ? p->struct_size : sizeof plugin;
        memcpy(&plugin, p, take);
    }
    begin_reply(o, PLUGIN_PROTO_LOAD);
    plugin_proto_put_u32(o, PLUGIN_PROTO_STAGE_ENTRY);
    plugin_proto_put_str(o, "");
    plugin_proto_put_u32(o, (uint32_t)st);
    plugin_proto_put_bytes(o, err, sizeof err);
    plugin_proto_put_u32(o, p != NULL);
    if (p == NULL)
        return 0;
    plugin_proto_put_u32(o, plugin.struct_size);
    plugin_proto_put_u32(o, plugin.abi_major);
    plugin_proto_put_u32(o, plugin.abi_minor);
    if (p->struct_size >= offsetof(CkPlugin, reserved)) {
        put_info(o, plugin.nation);
        put_info(o, plugin.name);
        put_info(o, plugin.version);
        fns = (plugin.validate_service_number ? PLUGIN_PROTO_FN_VALIDATE : 0) |
              (plugin.must_certify ? PLUGIN_PROTO_FN_MUST : 0) |
              (plugin.validity_days ? PLUGIN_PROTO_FN_VALIDITY : 0) |
              (plugin.extra_claims ? PLUGIN_PROTO_FN_CLAIMS : 0);
    } else {
        put_info(o, NULL);
        put_info(o, NULL);
        put_info(o, NULL);
    }
    plugin_proto_put_u32(o, fns);
    return 0;
}

/* One rule call. Returns 0 with the reply in o, or -1 (a request this worker
 * cannot make sense of: it exits, and the kiosk refuses the bundle). */
static int
do_call(PluginProtoIn *in, PluginProtoOut *o)
{
    char *number = NULL;
    uint32_t cat;
    CkPluginStatus st;
    int rc = -1;

    read_context(in);
    switch (in->type) {
    case PLUGIN_PROTO_VALIDATE: {
        char reason[PLUGIN_PROTO_REASON_BYTES];
        number = plugin_proto_get_str(in, 256);
        if (!plugin_proto_done(in) || plugin.validate_service_number == NULL)
            break;
        memset(reason, 0, sizeof reason);
        st = plugin.validate_service_number(plugin.ctx, number, reason, sizeof reason);
        begin_reply(o, in->type);
        plugin_proto_put_u32(o, (uint32_t)st);
        plugin_proto_put_bytes(o, reason, sizeof reason);
        rc = 0;
        break;
    }
    case PLUGIN_PROTO_MUST_CERTIFY: {
        int must = 0;
        cat = plugin_proto_get_u32(in);
        if (!plugin_proto_done(in) || plugin.must_certify == NULL)
            break;
        st = plugin.must_certify(plugin.ctx, (CkPluginCategory)cat, &must);
        begin_reply(o, in->type);
        plugin_proto_put_u32(o, (uint32_t)st);
        plugin_proto_put_u32(o, (uint32_t)must);
        rc = 0;
        break;
    }
    case PLUGIN_PROTO_VALIDITY: {
        uint32_t days = 0;
        cat = plugin_proto_get_u32(in);
        if (!plugin_proto_done(in) || plugin.validity_days == NULL)
            break;
        st = plugin.validity_days(plugin.ctx, (CkPluginCategory)cat, &days);
        begin_reply(o, in->type);
        plugin_proto_put_u32(o, (uint32_t)st);
        plugin_proto_put_u32(o, days);
        rc = 0;
        break;
    }
    case PLUGIN_PROTO_CLAIMS: {
        CkPluginClaim claims[PLUGIN_PROTO_CLAIMS_CAP];
        size_t count = 0;
        number = plugin_proto_get_str(in, 256);
        cat = plugin_proto_get_u32(in);
        if (!plugin_proto_done(in) || plugin.extra_claims == NULL)
            break;
        memset(claims, 0, sizeof claims);
        st = plugin.extra_claims(plugin.ctx, number, (CkPluginCategory)cat, claims,
                                 PLUGIN_PROTO_CLAIMS_CAP, &count);
        begin_reply(o, in->type);
        plugin_proto_put_u32(o, (uint32_t)st);
        plugin_proto_put_u64(o, count);
        /* The claims as the module left them; the host checks each one. */
        plugin_proto_put_bytes(o, claims,
                               (count < PLUGIN_PROTO_CLAIMS_CAP ? count : PLUGIN_PROTO_CLAIMS_CAP) *
                                   sizeof claims[0]);
        rc = 0;
        break;
    }
    default:
        break;
    }
    free(number);
    return rc;
}

int
main(void)
{
    SandboxReport report;
    PluginProtoOut o = {0};
    PluginProtoIn in;
    int ok;

    /* Loaded now, while files can still be opened: a module may use libm as
     * well as libc (its DT_NEEDED then finds it loaded). Anything else it
     * needs it must link statically: after this, the loader can open nothing. */
    (void)dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
    ok = sandbox_enter(&report) == 0;
    plugin_proto_out_begin(&o, PLUGIN_PROTO_HELLO);
    plugin_proto_put_u32(&o, ok);
    plugin_proto_put_u32(&o, report.flags);
    plugin_proto_put_u32(&o, report.landlock_abi);
    plugin_proto_put_str(&o, report.note);
    if (plugin_proto_send(SOCK, &o) != PLUGIN_PROTO_OK || !ok)
        _exit(70);
    if (plugin_proto_recv(SOCK, PLUGIN_PROTO_MAX_LOAD, -1, &in) != PLUGIN_PROTO_OK ||
        in.type != PLUGIN_PROTO_LOAD || do_load(&in, &o) != 0 ||
        plugin_proto_send(SOCK, &o) != PLUGIN_PROTO_OK)
        _exit(71);
    plugin_proto_in_free(&in);
    for (;;) {
        PluginProtoIn req;
        PluginProtoErr e = plugin_proto_recv(SOCK, PLUGIN_PROTO_MAX_REPLY, -1, &req);
        if (e == PLUGIN_PROTO_EOF)
            _exit(0);
        if (e != PLUGIN_PROTO_OK || do_call(&req, &o) != 0 ||
            plugin_proto_send(SOCK, &o) != PLUGIN_PROTO_OK)
            _exit(72);
        plugin_proto_in_free(&req);
    }
}
