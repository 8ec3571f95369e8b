/* plugin_host: native code is loaded only from bytes already verified, and each bundle fails alone.
 */
#include "plugin_host.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "fileio.h"
#include "manifest.h"
#include "plugin_client.h"
#include "plugin_proto.h"

/* One loaded bundle and, if it has one, the worker that runs its module. */
typedef struct Loaded {
    Bundle *bundle;
    PluginHost *owner;
    PluginClient *client; /* NULL: no module, or it failed and is refused */
    bool has_module;      /* a module was loaded at open (plugin list says "+module") */
} Loaded;

typedef struct Refusal {
    char *where;
    char *bundle_id;
    CkErr err;
    char *reason;
} Refusal;

struct PluginHost {
    Loaded **loaded;
    size_t n_loaded, cap_loaded;
    Refusal *refusals;
    size_t n_refusals, cap_refusals;
    char locale[16];
    const PluginHostOptions *opts; /* valid during plugin_host_open only */
    void (*on_refused)(void *ctx, const char *where, const char *bundle_id, CkErr err,
                       const char *reason);
    void (*on_log)(void *ctx, const char *bundle_id, CkPluginLogLevel level, const char *msg);
    void *ctx;
    char *worker_path; /* NULL: plugin_client_worker_path() */
    unsigned timeout_ms;
};

/* ---- the module's log, through its worker ---- */

static void
client_log(void *ctx, CkPluginLogLevel level, const char *msg)
{
    Loaded *l = ctx;
    char line[512];

    if (l->owner->on_log == NULL || msg == NULL)
        return;
    snprintf(line, sizeof line, "%s", msg);
    l->owner->on_log(l->owner->ctx, bundle_id(l->bundle), level, line);
}

/* ---- refusals ---- */

static CkErr
refuse(PluginHost *h, const char *where, const char *id, CkErr err, const char *reason)
{
    Refusal *r;

    if (h->n_refusals == h->cap_refusals) {
        size_t ncap = h->cap_refusals ? h->cap_refusals * 2 : 8;
        Refusal *nv = realloc(h->refusals, ncap * sizeof *nv);
        if (nv == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        h->refusals = nv;
        h->cap_refusals = ncap;
    }
    r = &h->refusals[h->n_refusals];
    r->where = strdup(where);
    r->bundle_id = id ? strdup(id) : NULL;
    r->reason = strdup(reason);
    r->err = err;
    if (r->where == NULL || r->reason == NULL || (id != NULL && r->bundle_id == NULL)) {
        free(r->where);
        free(r->bundle_id);
        free(r->reason);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    h->n_refusals++;
    if (h->on_refused != NULL)
        h->on_refused(h->ctx, where, id, err, reason);
    return CK_OK;
}

/* A worker that failed during a call: its bundle's native rules are refused
 * for the rest of the run, the refusal goes where the others go, and the
 * bundle's data rules stay. The kiosk goes on if even this cannot be recorded. */
static void
refuse_running(PluginHost *h, Loaded *l)
{
    char reason[600];

    snprintf(reason, sizeof reason, "%s", ck_err_detail());
    plugin_client_stop(l->client);
    l->client = NULL;
    (void)refuse(h, bundle_dir(l->bundle), bundle_id(l->bundle), CK_ERR_REFUSED, reason);
}

/* ---- native modules ---- */

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__i386__)
#define HOST_MACHINE EM_386
#elif defined(__arm__)
#define HOST_MACHINE EM_ARM
#elif defined(__riscv)
#define HOST_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define HOST_MACHINE EM_PPC64
#elif defined(__s390x__)
#define HOST_MACHINE EM_S390
#endif

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Ehdr HostEhdr;
#define HOST_CLASS ELFCLASS64
#else
typedef Elf32_Ehdr HostEhdr;
#define HOST_CLASS ELFCLASS32
#endif

CkErr
plugin_host_check_elf(const unsigned char *data, size_t len, const char *what)
{
    HostEhdr eh;
    const uint16_t one = 1;
    const int host_data = *(const unsigned char *)&one == 1 ? ELFDATA2LSB : ELFDATA2MSB;

    if (len < sizeof eh || memcmp(data, ELFMAG, SELFMAG) != 0)
        return ck_err(CK_ERR_REFUSED, "%s: not an ELF shared object (no ELF header)", what);
    memcpy(&eh, data, sizeof eh);
    if (eh.e_ident[EI_CLASS] != HOST_CLASS || eh.e_ident[EI_DATA] != host_data)
        return ck_err(CK_ERR_REFUSED, "%s: an ELF file for another word size or byte order", what);
    if (eh.e_type != ET_DYN)
        return ck_err(CK_ERR_REFUSED,
                      "%s: an ELF file but not a shared object (type %u); build it as a MODULE "
                      "library",
                      what, (unsigned)eh.e_type);
#ifdef HOST_MACHINE
    if (eh.e_machine != HOST_MACHINE)
        return ck_err(CK_ERR_REFUSED, "%s: a shared object for another machine (e_machine %u)",
                      what, (unsigned)eh.e_machine);
#endif
    return CK_OK;
}

/* Spawns the module's worker (plugin_client.c): the module's code runs only
 * there, sandboxed, never in this process. finish_modules() completes the
 * load once every bundle is read, so the workers start side by side. */
static CkErr
spawn_module(Loaded *l, const char *who)
{
    const PluginHost *h = l->owner;
    const char *name;
    const unsigned char *data;
    size_t len;
    char what[600];
    PluginClientOptions co = {.worker_path = h->worker_path,
                              .timeout_ms = h->timeout_ms,
                              .now = clock_now(),
                              .locale = h->locale,
                              .on_log = client_log,
                              .ctx = l};

    if (!bundle_module(l->bundle, &name, &data, &len))
        return CK_OK;
    snprintf(what, sizeof what, "%s: module %s", who, name);
    if (plugin_host_check_elf(data, len, what) != CK_OK)
        return CK_ERR_REFUSED;
    if (plugin_client_spawn(l->bundle, who, &co, &l->client) != CK_OK)
        return CK_ERR_REFUSED;
    return CK_OK;
}

/* Waits for each spawned worker to load its module; a bundle whose module
 * or worker fails is refused and dropped. Then reports every bundle loaded. */
static CkErr
finish_modules(PluginHost *h)
{
    const PluginHostOptions *o = h->opts;
    CkErr err = CK_OK;
    size_t i = 0;

    while (i < h->n_loaded && err == CK_OK) {
        Loaded *l = h->loaded[i];
        char reason[700];
        if (l->client == NULL || plugin_client_finish(l->client, l->bundle) == CK_OK) {
            l->has_module = l->client != NULL;
            i++;
            continue;
        }
        snprintf(reason, sizeof reason, "%s", ck_err_detail());
        plugin_client_stop(l->client);
        err = refuse(h, bundle_dir(l->bundle), bundle_id(l->bundle), CK_ERR_REFUSED, reason);
        bundle_free(l->bundle);
        free(l);
        memmove(h->loaded + i, h->loaded + i + 1, (h->n_loaded - i - 1) * sizeof *h->loaded);
        h->n_loaded--;
    }
    for (i = 0; i < h->n_loaded && err == CK_OK && o->on_loaded != NULL; i++)
        o->on_loaded(o->ctx, h->loaded[i]->bundle, h->loaded[i]->has_module);
    return err;
}

/* ---- discovery ---- */

static const Loaded *
find_nation(const PluginHost *h, const char *nation)
{
    for (size_t i = 0; i < h->n_loaded; i++)
        if (strcmp(bundle_nation(h->loaded[i]->bundle), nation) == 0)
            return h->loaded[i];
    return NULL;
}

static CkErr
try_bundle(PluginHost *h, const char *dir, const BundleSeen *seen)
{
    const PluginHostOptions *o = h->opts;
    BundleOptions bo = {.trust = o->trust, .now = o->now, .seen = seen};
    Loaded *l = NULL;
    Bundle *b = NULL;
    char who[400];
    CkErr err;

    if ((err = bundle_load(dir, &bo, &b)) != CK_OK) {
        char reason[512];
        if (err == CK_ERR_NOMEM)
            return err;
        snprintf(reason, sizeof reason, "%s", ck_err_detail());
        return refuse(h, dir, NULL, err, reason);
    }
    snprintf(who, sizeof who, "bundle %s (%s %s)", dir, bundle_id(b), bundle_version(b));
    for (size_t i = 0; i < h->n_loaded; i++) {
        const Bundle *other = h->loaded[i]->bundle;
        if (strcmp(bundle_id(other), bundle_id(b)) == 0 ||
            strcmp(bundle_nation(other), bundle_nation(b)) == 0) {
            char reason[512];
            snprintf(reason, sizeof reason, "%s: %s already provides %s %s", who, bundle_dir(other),
                     strcmp(bundle_id(other), bundle_id(b)) == 0 ? "bundle" : "nation",
                     strcmp(bundle_id(other), bundle_id(b)) == 0 ? bundle_id(b) : bundle_nation(b));
            err = refuse(h, dir, bundle_id(b), CK_ERR_REFUSED, reason);
            bundle_free(b);
            return err;
        }
    }
    if (o->refuse_drafts && bundle_draft(b)) {
        char reason[800];
        snprintf(reason, sizeof reason,
                 "%s: draft content (no \"review\" by an authority in the manifest); this kiosk "
                 "shows drafts only with \"allow_draft_content\": true in its config.json",
                 who);
        err = refuse(h, dir, bundle_id(b), CK_ERR_REFUSED, reason);
        bundle_free(b);
        return err;
    }
    if ((l = calloc(1, sizeof *l)) == NULL) {
        bundle_free(b);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    l->bundle = b;
    l->owner = h;
    if ((err = spawn_module(l, who)) != CK_OK) {
        char reason[512];
        snprintf(reason, sizeof reason, "%s", ck_err_detail());
        err = refuse(h, dir, bundle_id(b), err, reason);
        bundle_free(b);
        free(l);
        return err;
    }
    if (h->n_loaded == h->cap_loaded) {
        size_t ncap = h->cap_loaded ? h->cap_loaded * 2 : 8;
        Loaded **nv = realloc(h->loaded, ncap * sizeof *nv);
        if (nv == NULL) {
            plugin_client_stop(l->client);
            bundle_free(b);
            free(l);
            return ck_err(CK_ERR_NOMEM, "out of memory");
        }
        h->loaded = nv;
        h->cap_loaded = ncap;
    }
    /* The baseline goes first, so callers see it before the nations. */
    if (strcmp(bundle_nation(b), "NATO") == 0) {
        memmove(h->loaded + 1, h->loaded, h->n_loaded * sizeof *h->loaded);
        h->loaded[0] = l;
    } else {
        h->loaded[h->n_loaded] = l;
    }
    h->n_loaded++;
    return CK_OK;
}

static CkErr
scan_dir(PluginHost *h, const char *dir, const BundleSeen *seen)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0;
    CkErr err;

    if (d == NULL)
        return errno == ENOENT ? CK_OK : refuse(h, dir, NULL, CK_ERR_IO, strerror(errno));
    err = fileio_dir_names(d, SIZE_MAX, &names, &n);
    closedir(d);
    for (size_t i = 0; i < n && err == CK_OK; i++) {
        char *path;
        struct stat st;
        if (names[i][0] == '.')
            continue;
        if ((path = fileio_join(dir, names[i])) == NULL)
            err = ck_err(CK_ERR_NOMEM, "out of memory");
        else if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            err = refuse(h, path, NULL, CK_ERR_FORMAT,
                         "not a bundle folder (only folders belong in a plugins folder)");
        else
            err = try_bundle(h, path, seen);
        free(path);
    }
    fileio_names_free(names, n);
    return err;
}

CkErr
plugin_host_open(const PluginHostOptions *opts, PluginHost **host_out)
{
    PluginHost *h = calloc(1, sizeof *h);
    BundleSeen *seen = NULL;
    bool changed = false;
    CkErr err = CK_OK;

    *host_out = NULL;
    if (h == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (opts->trust == NULL) {
        free(h);
        return ck_err(CK_ERR_USAGE, "plugin host: no trust set given");
    }
    h->opts = opts;
    h->on_refused = opts->on_refused;
    h->on_log = opts->on_log;
    h->ctx = opts->ctx;
    h->timeout_ms = opts->timeout_ms;
    if (opts->worker_path != NULL && (h->worker_path = strdup(opts->worker_path)) == NULL) {
        free(h);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    snprintf(h->locale, sizeof h->locale, "en");
    if (opts->seen_path != NULL && (err = bundle_seen_load(opts->seen_path, &seen)) != CK_OK)
        goto out;
    for (size_t i = 0; opts->dirs != NULL && opts->dirs[i] != NULL && err == CK_OK; i++)
        err = scan_dir(h, opts->dirs[i], seen);
    for (size_t i = 0; opts->bundles != NULL && opts->bundles[i] != NULL && err == CK_OK; i++)
        err = try_bundle(h, opts->bundles[i], seen);
    if (err == CK_OK)
        err = finish_modules(h);
    if (err != CK_OK)
        goto out;
    if (seen != NULL && opts->record_seen) {
        for (size_t i = 0; i < h->n_loaded && err == CK_OK; i++) {
            bool c;
            err = bundle_seen_record(seen, bundle_id(h->loaded[i]->bundle),
                                     bundle_version(h->loaded[i]->bundle), &c);
            changed |= c;
        }
        if (err == CK_OK && changed)
            err = bundle_seen_save(seen, opts->seen_path);
    }
out:
    bundle_seen_free(seen);
    h->opts = NULL;
    if (err != CK_OK) {
        plugin_host_close(h);
        return err;
    }
    *host_out = h;
    return CK_OK;
}

void
plugin_host_close(PluginHost *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->n_loaded; i++) {
        plugin_client_stop(h->loaded[i]->client);
        bundle_free(h->loaded[i]->bundle);
        free(h->loaded[i]);
    }
    free(h->loaded);
    for (size_t i = 0; i < h->n_refusals; i++) {
        free(h->refusals[i].where);
        free(h->refusals[i].bundle_id);
        free(h->refusals[i].reason);
    }
    free(h->refusals);
    free(h->worker_path);
    free(h);
}

size_t
plugin_host_count(const PluginHost *h)
{
    return h->n_loaded;
}

const Bundle *
plugin_host_bundle(const PluginHost *h, size_t i)
{
    return i < h->n_loaded ? h->loaded[i]->bundle : NULL;
}

bool
plugin_host_has_module(const PluginHost *h, size_t i)
{
    return i < h->n_loaded && h->loaded[i]->has_module;
}

size_t
plugin_host_refusal_count(const PluginHost *h)
{
    return h->n_refusals;
}

void
plugin_host_refusal(const PluginHost *h, size_t i, const char **where_out,
                    const char **bundle_id_out, CkErr *err_out, const char **reason_out)
{
    const Refusal *r = &h->refusals[i];

    *where_out = r->where;
    *bundle_id_out = r->bundle_id;
    *err_out = r->err;
    *reason_out = r->reason;
}

const Bundle *
plugin_host_baseline(const PluginHost *h)
{
    const Loaded *l = find_nation(h, "NATO");

    return l ? l->bundle : NULL;
}

const Bundle *
plugin_host_find(const PluginHost *h, const char *nation)
{
    const Loaded *l = nation ? find_nation(h, nation) : NULL;

    return l ? l->bundle : NULL;
}

void
plugin_host_set_locale(PluginHost *h, const char *lang)
{
    snprintf(h->locale, sizeof h->locale, "%s", lang && lang[0] ? lang : "en");
}

/* ---- rules ---- */

static const char *const category_names[] = {
    [CK_PLUGIN_MILITARY] = "military",
    [CK_PLUGIN_CIVILIAN] = "civilian",
    [CK_PLUGIN_CONTRACTOR] = "contractor",
};

CkErr
plugin_host_category_parse(const char *s, CkPluginCategory *cat_out)
{
    for (int c = CK_PLUGIN_MILITARY; c <= CK_PLUGIN_CONTRACTOR; c++)
        if (s != NULL && strcmp(s, category_names[c]) == 0) {
            *cat_out = (CkPluginCategory)c;
            return CK_OK;
        }
    return ck_err(CK_ERR_FORMAT, "category \"%.20s\" is not military, civilian or contractor",
                  s ? s : "");
}

const char *
plugin_host_category_name(CkPluginCategory cat)
{
    return cat >= CK_PLUGIN_MILITARY && cat <= CK_PLUGIN_CONTRACTOR ? category_names[cat] : "?";
}

/* The manifest's service-number rule, applied without the module. */
static CkErr
manifest_rule(const json_t *sn, const char *lang, const char *number, char *reason,
              size_t reason_len)
{
    const json_t *labels = json_object_get(sn, "label");
    const char *label = json_string_value(json_object_get(labels, lang));
    size_t lo = (size_t)json_integer_value(json_object_get(sn, "min_length"));
    size_t hi = (size_t)json_integer_value(json_object_get(sn, "max_length"));
    bool digits = strcmp(json_string_value(json_object_get(sn, "charset")), "digits") == 0;

    if (label == NULL)
        label = json_string_value(json_object_get(labels, "en"));
    if (label == NULL) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)labels, k, v)
        {
            label = json_string_value(v);
            break;
        }
    }
    ManifestNumberProblem problem = manifest_number_problem(number, lo, hi, digits);
    if (problem == MANIFEST_NUMBER_CHARACTER) {
        snprintf(reason, reason_len, "%s: only %s are allowed", label,
                 digits ? "digits" : "letters and digits");
        return ck_err(CK_ERR_REFUSED, "the service number has a character not allowed");
    }
    if (problem == MANIFEST_NUMBER_LENGTH) {
        if (lo == hi)
            snprintf(reason, reason_len, "%s: must be exactly %zu characters long", label, lo);
        else
            snprintf(reason, reason_len, "%s: must be %zu to %zu characters long", label, lo, hi);
        return ck_err(CK_ERR_REFUSED, "the service number has the wrong length");
    }
    return CK_OK;
}

/* The manifest asks for a native check of service numbers: without its module,
 * the bundle's numbers cannot be checked at all. */
static bool
needs_native_check(const Bundle *b)
{
    const json_t *list = json_object_get(bundle_manifest(b), "requires");
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && (strcmp(json_string_value(v), "service-number-check") == 0 ||
                                  strcmp(json_string_value(v), "native-module") == 0))
            return true;
    }
    return false;
}

CkErr
plugin_host_validate_service_number(PluginHost *h, const char *nation, const char *number,
                                    char *reason, size_t reason_len)
{
    Loaded *nat = nation ? (Loaded *)find_nation(h, nation) : NULL;
    const Loaded *base = find_nation(h, "NATO");
    const json_t *sn = NULL;
    char buf[PLUGIN_CLIENT_REASON];
    CkPluginStatus st;
    CkErr err;

    reason[0] = '\0';
    if (number == NULL || number[0] == '\0') {
        snprintf(reason, reason_len, "no service number was given");
        return ck_err(CK_ERR_REFUSED, "no service number was given");
    }
    if (nat != NULL && nat->has_module && nat->client == NULL && needs_native_check(nat->bundle)) {
        /* Its worker failed earlier: fail closed, nobody is certified on a guess. */
        snprintf(reason, reason_len, "the number could not be checked; please ask the staff");
        return ck_err(CK_ERR_INTERNAL, "the %s module was refused earlier in this run", nation);
    }
    if (nat != NULL)
        sn = json_object_get(bundle_rules(nat->bundle), "service_number");
    if (sn == NULL && (nat == NULL || nat->client == NULL) && base != NULL)
        sn = json_object_get(bundle_rules(base->bundle), "service_number");
    if (sn == NULL && (nat == NULL || nat->client == NULL))
        return ck_err(CK_ERR_NOT_FOUND, "no rule for service numbers of %s",
                      nation ? nation : "(no nation)");
    if (sn != NULL && (err = manifest_rule(sn, h->locale, number, reason, reason_len)) != CK_OK)
        return err;
    if (nat == NULL || nat->client == NULL ||
        !(plugin_client_functions(nat->client) & PLUGIN_PROTO_FN_VALIDATE))
        return CK_OK;
    if (plugin_client_validate(nat->client, clock_now(), h->locale, number, &st, buf) != CK_OK) {
        refuse_running(h, nat);
        snprintf(reason, reason_len, "the number could not be checked; please ask the staff");
        return ck_err(CK_ERR_INTERNAL, "the %s module failed and is refused", nation);
    }
    if (st == CK_PLUGIN_OK)
        return CK_OK;
    if (st == CK_PLUGIN_INVALID) {
        snprintf(reason, reason_len, "%s", buf[0] ? buf : "this number is not valid");
        return ck_err(CK_ERR_REFUSED, "the %s module refused the service number: %s", nation,
                      reason);
    }
    /* A module that cannot decide fails closed: nobody is certified on a guess. */
    snprintf(reason, reason_len, "the number could not be checked; please ask the staff");
    return ck_err(CK_ERR_INTERNAL, "the %s module could not check a service number (status %d): %s",
                  nation, (int)st, buf);
}

static bool
manifest_must(const Bundle *b, CkPluginCategory cat)
{
    const json_t *list = json_object_get(bundle_rules(b), "must_certify");
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (strcmp(json_string_value(v), plugin_host_category_name(cat)) == 0)
            return true;
    }
    return false;
}

static bool
loaded_must(PluginHost *h, Loaded *l, CkPluginCategory cat)
{
    CkPluginStatus st;
    int must = 0;

    if (l->client != NULL && (plugin_client_functions(l->client) & PLUGIN_PROTO_FN_MUST)) {
        if (plugin_client_must_certify(l->client, clock_now(), h->locale, cat, &st, &must) != CK_OK)
            refuse_running(h, l);
        else if (st == CK_PLUGIN_OK)
            return must != 0;
    }
    return manifest_must(l->bundle, cat);
}

CkErr
plugin_host_must_certify(PluginHost *h, const char *nation, CkPluginCategory cat, bool *must_out)
{
    Loaded *nat = nation ? (Loaded *)find_nation(h, nation) : NULL;
    Loaded *base = (Loaded *)find_nation(h, "NATO");

    *must_out = false;
    if (nat == NULL && base == NULL)
        return ck_err(CK_ERR_NOT_FOUND, "no bundle applies to %s", nation ? nation : "anyone");
    *must_out =
        (base != NULL && loaded_must(h, base, cat)) || (nat != NULL && loaded_must(h, nat, cat));
    return CK_OK;
}

static unsigned
loaded_validity(PluginHost *h, Loaded *l, CkPluginCategory cat)
{
    CkPluginStatus st;
    uint32_t days = 0;

    if (l->client != NULL && (plugin_client_functions(l->client) & PLUGIN_PROTO_FN_VALIDITY)) {
        if (plugin_client_validity(l->client, clock_now(), h->locale, cat, &st, &days) != CK_OK)
            refuse_running(h, l);
        else if (st == CK_PLUGIN_OK && days >= 1 && days <= 3660)
            return days;
    }
    return (unsigned)json_integer_value(json_object_get(bundle_rules(l->bundle), "validity_days"));
}

CkErr
plugin_host_validity_days(PluginHost *h, const char *nation, CkPluginCategory cat,
                          unsigned *days_out)
{
    Loaded *nat = nation ? (Loaded *)find_nation(h, nation) : NULL;
    Loaded *base = (Loaded *)find_nation(h, "NATO");
    unsigned d = 0;

    if (nat == NULL && base == NULL)
        return ck_err(CK_ERR_NOT_FOUND, "no bundle applies to %s", nation ? nation : "anyone");
    if (base != NULL)
        d = loaded_validity(h, base, cat);
    if (nat != NULL) {
        unsigned n = loaded_validity(h, nat, cat);
        if (d == 0 || n < d)
            d = n;
    }
    *days_out = d;
    return CK_OK;
}

CkErr
plugin_host_pass_mark(const PluginHost *h, const char *nation, unsigned *percent_out)
{
    const Loaded *nat = nation ? find_nation(h, nation) : NULL;
    const Loaded *base = find_nation(h, "NATO");
    unsigned p = 0;

    if (nat == NULL && base == NULL)
        return ck_err(CK_ERR_NOT_FOUND, "no bundle applies to %s", nation ? nation : "anyone");
    for (int k = 0; k < 2; k++) {
        const Loaded *l = k == 0 ? base : nat;
        if (l != NULL) {
            unsigned v = (unsigned)json_integer_value(
                json_object_get(bundle_rules(l->bundle), "pass_mark_percent"));
            if (v > p)
                p = v;
        }
    }
    *percent_out = p;
    return CK_OK;
}

CkErr
plugin_host_extra_claims(PluginHost *h, const char *nation, const char *number,
                         CkPluginCategory cat, json_t **claims_out)
{
    Loaded *nat = nation ? (Loaded *)find_nation(h, nation) : NULL;
    CkPluginClaim claims[PLUGIN_CLIENT_CLAIMS_CAP];
    size_t count = 0;
    json_t *obj = json_object();
    CkPluginStatus st;

    *claims_out = NULL;
    if (obj == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (nat != NULL && nat->has_module && nat->client == NULL) {
        json_decref(obj);
        return ck_err(CK_ERR_INTERNAL, "the %s module was refused earlier in this run", nation);
    }
    if (nat == NULL || nat->client == NULL ||
        !(plugin_client_functions(nat->client) & PLUGIN_PROTO_FN_CLAIMS)) {
        *claims_out = obj;
        return CK_OK;
    }
    memset(claims, 0, sizeof claims);
    if (plugin_client_claims(nat->client, clock_now(), h->locale, number, cat, &st, claims,
                             &count) != CK_OK) {
        refuse_running(h, nat);
        json_decref(obj);
        return ck_err(CK_ERR_INTERNAL, "the %s module failed and is refused", nation);
    }
    if (st != CK_PLUGIN_OK) {
        json_decref(obj);
        return ck_err(CK_ERR_INTERNAL, "the %s module gave no extra claims (status %d)", nation,
                      (int)st);
    }
    /* plugin_client checked each claim: NUL-terminated, key charset, UTF-8. */
    for (size_t i = 0; i < count; i++) {
        json_t *v = json_string(claims[i].value);
        if (v == NULL || json_object_set_new(obj, claims[i].key, v) != 0) {
            json_decref(obj);
            return ck_err(CK_ERR_NOMEM, "out of memory");
        }
    }
    *claims_out = obj;
    return CK_OK;
}
