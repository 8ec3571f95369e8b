/* app: a kiosk home turned into a running flow — trust, store, plugins, rules, issuer, admin. */
#include "app.h"

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "cert.h"
#include "clock.h"
#include "fileio.h"
#include "home.h"
#include "issue.h"
#include "keys.h"
#include "plugin_host.h"
#include "store.h"
#include "trust.h"

#define APP_MAX_BUNDLES 32

typedef struct AppBundle {
    FlowBundle fb;
    const Bundle *b;
    const Content *contents[APP_MAX_LANGUAGES];
} AppBundle;

struct App {
    char *home;
    KioskHome kh;
    SecretKey *key;
    Trust *trust;
    Store *store;
    PluginHost *host;
    IssueKiosk ik;
    AppBundle bundles[APP_MAX_BUNDLES];
    size_t n_bundles;
    const FlowBundle *nations[APP_MAX_BUNDLES];
    size_t n_nations;
    unsigned refused;
    char *pin_hash;
    char *lock_path;
    char *languages[APP_MAX_LANGUAGES];
    size_t n_languages;
    uint32_t idle_ms, reading_idle_ms, warning_ms; /* 0: the flow's defaults */
    bool allow_draft_content; /* config: show draft bundles, marked DRAFT CONTENT */
    unsigned plugin_timeout_ms;                     /* 0: the plugin host's default */
    char *loaded[APP_MAX_BUNDLES]; /* "<id> <version> (<nation>)" for the admin screen */
    size_t n_loaded;
    char *refused_lines[APP_MAX_BUNDLES]; /* "<bundle or folder>: <reason>" */
    size_t n_refused_lines;
    Flow *flow;
};

static const Bundle *
app_bundle_of(const App *a, const FlowBundle *fb)
{
    for (size_t i = 0; i < a->n_bundles; i++)
        if (&a->bundles[i].fb == fb)
            return a->bundles[i].b;
    return NULL;
}

/* ---- rules: the plugin host's answers ---- */

static FlowCheck
app_validate(void *ctx, const FlowBundle *bundle, const char *number, const char *lang,
             char *reason, size_t reason_len)
{
    App *a = ctx;

    plugin_host_set_locale(a->host, lang);
    CkErr e =
        plugin_host_validate_service_number(a->host, bundle->nation, number, reason, reason_len);
    if (e == CK_OK)
        return FLOW_CHECK_OK;
    if (e == CK_ERR_REFUSED)
        return FLOW_CHECK_INVALID;
    if (e == CK_ERR_NOT_FOUND) /* no rule anywhere: any non-empty number */
        return FLOW_CHECK_OK;
    return FLOW_CHECK_FAILED;
}

static FlowCheck
app_must_certify(void *ctx, const FlowBundle *bundle, FlowCategory category, bool *must_out)
{
    App *a = ctx;

    return plugin_host_must_certify(a->host, bundle->nation, (CkPluginCategory)category,
                                    must_out) == CK_OK
               ? FLOW_CHECK_OK
               : FLOW_CHECK_FAILED;
}

static FlowCheck
app_validity(void *ctx, const FlowBundle *bundle, FlowCategory category, uint32_t *days_out)
{
    App *a = ctx;
    unsigned d = 0;

    if (plugin_host_validity_days(a->host, bundle->nation, (CkPluginCategory)category, &d) != CK_OK)
        return FLOW_CHECK_FAILED;
    *days_out = d;
    return FLOW_CHECK_OK;
}

static unsigned
app_pass_mark(void *ctx, const FlowBundle *bundle)
{
    App *a = ctx;
    unsigned p = 0;

    return plugin_host_pass_mark(a->host, bundle->nation, &p) == CK_OK ? p : 0;
}

/* A {"en":..,"nb":..} object's string in lang, else English, else any. */
static const char *
app_localized(const json_t *obj, const char *lang)
{
    const json_t *v;
    const char *k;

    if (!json_is_object(obj))
        return json_is_string(obj) ? json_string_value(obj) : NULL;
    if (lang != NULL && (v = json_object_get(obj, lang)) != NULL && json_is_string(v))
        return json_string_value(v);
    if ((v = json_object_get(obj, "en")) != NULL && json_is_string(v))
        return json_string_value(v);
    json_object_foreach((json_t *)obj, k, v) if (json_is_string(v)) return json_string_value(v);
    return NULL;
}

static const char *
app_training_course(void *ctx, const FlowBundle *bundle, const char *lang)
{
    const Bundle *b = app_bundle_of(ctx, bundle);
    const json_t *tc = b ? json_object_get(bundle_rules(b), "training_confirmation") : NULL;

    if (tc == NULL || !json_is_true(json_object_get(tc, "required")))
        return NULL;
    return app_localized(json_object_get(tc, "course"), lang);
}

static const char *
app_number_label(void *ctx, const FlowBundle *bundle, const char *lang)
{
    const Bundle *b = app_bundle_of(ctx, bundle);
    const json_t *sn = b ? json_object_get(bundle_rules(b), "service_number") : NULL;

    return sn ? app_localized(json_object_get(sn, "label"), lang) : NULL;
}

/* The manifest's own form of the bundle's service numbers (plugin_host checks
 * the same, with an English reason; the flow says it in the person's language). */
static bool
app_number_form(void *ctx, const FlowBundle *bundle, unsigned *min_out, unsigned *max_out,
                bool *digits_only_out)
{
    const Bundle *b = app_bundle_of(ctx, bundle);
    const json_t *sn = b ? json_object_get(bundle_rules(b), "service_number") : NULL;
    const char *cs = sn ? json_string_value(json_object_get(sn, "charset")) : NULL;

    if (sn == NULL || cs == NULL) /* bundle_load checked the rest */
        return false;
    *min_out = (unsigned)json_integer_value(json_object_get(sn, "min_length"));
    *max_out = (unsigned)json_integer_value(json_object_get(sn, "max_length"));
    *digits_only_out = strcmp(cs, "digits") == 0;
    return true;
}

static bool
app_clause_applies(void *ctx, const FlowBundle *bundle, const char *clause_id,
                   FlowCategory category)
{
    const Bundle *b = app_bundle_of(ctx, bundle);

    return b == NULL || bundle_clause_applies(b, clause_id, flow_category_name(category));
}

/* ---- issuer: certificate signed and committed in one transaction ---- */

/* The claims the QR may disclose beyond name, nation, category, validity,
 * serial and issuer: what the person's nation's bundle lists in
 * rules.qr_discloses (checked when the bundle loaded); none by default. */
static unsigned
app_qr_disclosures(const App *a, const FlowIssueRequest *req)
{
    unsigned mask = 0, bit;

    for (size_t i = 0; i < a->n_bundles; i++) {
        const json_t *list, *v;
        size_t k;
        if (req->nation == NULL || strcmp(a->bundles[i].fb.nation, req->nation) != 0)
            continue;
        list = json_object_get(bundle_rules(a->bundles[i].b), "qr_discloses");
        json_array_foreach(list, k, v)
        {
            if (json_is_string(v) && cert_claim_bit(json_string_value(v), &bit) == CK_OK)
                mask |= bit;
        }
    }
    return mask;
}

static CkErr
app_issue(void *ctx, const FlowIssueRequest *req, FlowIssued *out)
{
    App *a = ctx;
    CertClaims *c = cert_claims_new();
    IssueResult res = {0};
    CkErr err;

    if (c == NULL)
        return ck_err(CK_ERR_NOMEM, "issue: out of memory");
    if ((err = cert_set(c->name, sizeof c->name, req->name, "name")) != CK_OK ||
        (err = cert_set(c->nation, sizeof c->nation, req->nation, "nation")) != CK_OK ||
        (err = cert_set(c->service_number, sizeof c->service_number, req->service_number,
                        "serviceNumber")) != CK_OK ||
        (err = cert_set(c->category, sizeof c->category, flow_category_name(req->category),
                        "category")) != CK_OK ||
        (err = cert_set(c->rank, sizeof c->rank, req->rank ? req->rank : "", "rank")) != CK_OK ||
        (err = cert_set(c->unit, sizeof c->unit, req->unit ? req->unit : "", "unit")) != CK_OK)
        goto out;
    c->valid_from = req->now;
    c->valid_until = req->now + (int64_t)req->validity_days * 86400;
    c->method = CERT_METHOD_KIOSK;
    /* The flow lists a bundle once per language its text was shown in (a
     * person may switch language mid-way): evidence.bundles names each
     * bundle once; textSha256 has one "<bundle_id>/<language>" entry each. */
    for (size_t i = 0; i < req->n_bundles; i++) {
        const FlowIssueBundle *fb = &req->bundles[i];
        size_t k = 0;
        while (k < c->n_bundles && strcmp(c->bundles[k].id, fb->bundle_id) != 0)
            k++;
        if (k == c->n_bundles) {
            if (c->n_bundles == CERT_MAX_BUNDLES) {
                err = ck_err(CK_ERR_TOO_LARGE, "issue: more than %d bundles", CERT_MAX_BUNDLES);
                goto out;
            }
            CertBundle *cb = &c->bundles[c->n_bundles++];
            snprintf(cb->id, sizeof cb->id, "%s", fb->bundle_id);
            snprintf(cb->version, sizeof cb->version, "%s", fb->version);
            snprintf(cb->manifest_sha256, sizeof cb->manifest_sha256, "%s", fb->manifest_sha256);
        }
        if (c->n_text_hashes == CERT_MAX_LANGS) {
            err = ck_err(CK_ERR_TOO_LARGE, "issue: more than %d texts shown", CERT_MAX_LANGS);
            goto out;
        }
        CertTextHash *t = &c->text_sha256[c->n_text_hashes++];
        snprintf(t->key, sizeof t->key, "%s/%s", fb->bundle_id, fb->language);
        snprintf(t->sha256, sizeof t->sha256, "%s", fb->text_sha256);
    }
    for (size_t i = 0; i < req->n_clauses && i < CERT_MAX_CLAUSES; i++)
        snprintf(c->clauses[c->n_clauses++], sizeof c->clauses[0], "%s", req->clause_ids[i]);
    c->has_quiz = req->quiz_of > 0;
    c->quiz_score = (int)req->quiz_score;
    c->quiz_of = (int)req->quiz_of;
    c->quiz_pass_mark = (int)req->pass_mark_percent;
    c->quiz_attempts = (int)req->quiz_attempts;
    for (size_t i = 0; i < req->n_choice_orders && i < CERT_MAX_CHOICE_ORDERS; i++) {
        CertChoiceOrder *co = &c->choice_orders[c->n_choice_orders];
        const FlowChoiceOrder *fo = &req->choice_orders[i];
        if (fo->n == 0 || fo->n > CERT_MAX_CHOICES ||
            CERT_SET(c, choice_orders[c->n_choice_orders].question, fo->question) != CK_OK) {
            ck_err_clear();
            continue;
        }
        co->n = fo->n;
        memcpy(co->order, fo->order, fo->n);
        c->n_choice_orders++;
    }
    if (req->training_course != NULL && req->training_date != NULL) {
        CertTraining *t = &c->training[c->n_training++];
        snprintf(t->course, sizeof t->course, "%s", req->training_course);
        snprintf(t->date, sizeof t->date, "%s", req->training_date);
    }
    sodium_bin2hex(c->signature_sha256, sizeof c->signature_sha256, req->signature_sha256, 32);
    /* The number once more, at the last moment: if the nation's worker failed
     * after it accepted this number, no certificate rests on that answer. */
    {
        char reason[256];
        CkErr chk = plugin_host_validate_service_number(a->host, req->nation, req->service_number,
                                                        reason, sizeof reason);
        sodium_memzero(reason, sizeof reason);
        if (chk != CK_OK && chk != CK_ERR_NOT_FOUND) {
            err = ck_err(CK_ERR_REFUSED,
                         "issue: the service number no longer passes the rules of %s", req->nation);
            goto out;
        }
    }
    if ((err = issue_certificate(a->store, &a->ik, c, NULL, &res)) != CK_OK)
        goto out;
    size_t sl = strnlen(res.serial, sizeof res.serial);
    if (sl >= sizeof out->serial) {
        err = ck_err(CK_ERR_INTERNAL, "issue: serial %s is too long for the flow", res.serial);
        goto out;
    }
    memcpy(out->serial, res.serial, sl + 1);
    out->valid_until = res.valid_until;
    /* The log keeps the full certificate; the screen's QR carries a
     * presentation without the service record or the evidence. */
    if ((err = cert_present(res.jws, strlen(res.jws), app_qr_disclosures(a, req), &out->jws)) !=
        CK_OK)
        goto out;
out:
    issue_result_clear(&res);
    cert_claims_free(c);
    return err;
}

/* ---- admin ---- */

static void
app_admin_log(void *ctx, FlowAdminEvent event, unsigned failures)
{
    App *a = ctx;
    static const char *const types[] = {"",           "admin.login",   "admin.failed",
                                        "admin.locked", "admin.exit",  "admin.restart",
                                        "admin.maintenance"};
    json_t *fields = json_pack("{s:i}", "failures", (json_int_t)failures);

    if ((unsigned)event < sizeof types / sizeof types[0] && event != 0)
        (void)issue_event(a->store, &a->ik, types[event], fields, NULL);
    json_decref(fields);
}

static CkErr
app_count_cert(const StoreEntry *e, void *ctx)
{
    if (strcmp(e->type, "cert.issued") == 0)
        ++*(unsigned long *)ctx;
    return CK_OK;
}

static void
app_admin_stats(void *ctx, FlowAdminStats *out)
{
    App *a = ctx;
    unsigned long n = 0;

    (void)store_foreach(a->store, 0, NULL, app_count_cert, &n);
    out->certificates_issued = n;
    out->plugins_loaded = (unsigned)plugin_host_count(a->host);
    out->plugins_refused = a->refused;
    snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", a->kh.kiosk_id);
    out->store_bytes = 0;
    static const char *const parts[] = {"store.db", "store.db-wal"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", a->home, parts[i]);
        if (stat(path, &st) == 0)
            out->store_bytes += (unsigned long long)st.st_size;
    }
    struct statvfs fs;
    out->disk_free_bytes =
        statvfs(a->home, &fs) == 0 ? (unsigned long long)fs.f_bavail * fs.f_frsize : 0;
    /* The kiosk key's endorsement as its trust file holds it (renewals
     * joined): the admin sees when to ask for the next one. */
    PublicKey pub;
    key_public(a->key, &pub);
    if (trust_kiosk_endorsed_until(a->trust, pub.kid, clock_now(), &out->endorsed_until) != CK_OK)
        ck_err_clear();
}

/* ---- opening ---- */

static void
app_event_refused(App *a, const char *where, const char *bundle_id, CkErr err, const char *reason)
{
    json_t *f = json_pack("{s:s,s:s,s:s}", "where", where, "bundle", bundle_id ? bundle_id : "",
                          "reason", reason ? reason : ck_strerror(err));

    (void)issue_event(a->store, &a->ik, "plugin.refused", f, NULL);
    json_decref(f);
}

/* Bundles are loaded, and their workers started, before the kiosk key and the
 * store are opened (app_open): those refusals are logged once the store is
 * open; the ones of a worker failing later, at once. */
static void
app_on_refused(void *ctx, const char *where, const char *bundle_id, CkErr err, const char *reason)
{
    App *a = ctx;

    a->refused++;
    if (a->store != NULL)
        app_event_refused(a, where, bundle_id, err, reason);
    if (a->n_refused_lines < APP_MAX_BUNDLES) {
        char line[512];
        snprintf(line, sizeof line, "%s: %s", bundle_id && *bundle_id ? bundle_id : where,
                 reason ? reason : ck_strerror(err));
        if ((a->refused_lines[a->n_refused_lines] = strdup(line)) != NULL)
            a->n_refused_lines++;
    }
}

/* A module's log lines and its worker's sandbox notes go to stderr (the
 * journal under systemd), never to the signed log: a nation writes nothing there. */
static void
app_on_log(void *ctx, const char *bundle_id, CkPluginLogLevel level, const char *msg)
{
    static const char *const names[] = {"debug", "info", "warning", "error"};

    (void)ctx;
    if (level >= CK_PLUGIN_LOG_INFO)
        fprintf(stderr, "certkiosk: plugin %s: %s: %s\n", bundle_id,
                level <= CK_PLUGIN_LOG_ERROR ? names[level] : "?", msg);
}

static void
app_event_loaded(App *a, const Bundle *b, bool has_module)
{
    json_t *f = json_pack("{s:s,s:s,s:s,s:b}", "bundle", bundle_id(b), "version", bundle_version(b),
                          "nation", bundle_nation(b), "module", has_module);

    (void)issue_event(a->store, &a->ik, "plugin.loaded", f, NULL);
    json_decref(f);
}

static void
app_on_loaded(void *ctx, const Bundle *b, bool has_module)
{
    App *a = ctx;

    if (a->n_loaded < APP_MAX_BUNDLES) {
        char line[256];
        snprintf(line, sizeof line, "%s %s (%s)", bundle_id(b), bundle_version(b),
                 bundle_nation(b));
        if ((a->loaded[a->n_loaded] = strdup(line)) != NULL)
            a->n_loaded++;
    }
}

static CkErr
app_read_config(App *a)
{
    char *path = home_file(a->home, APP_CONFIG);
    json_error_t je;
    json_t *cfg = NULL, *v;
    CkErr err = CK_OK;

    if (path == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (!fileio_exists(path))
        goto out;
    if ((cfg = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL || !json_is_object(cfg)) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, je.line, je.column,
                     cfg ? "not a JSON object" : je.text);
        goto out;
    }
    if ((v = json_object_get(cfg, "admin_pin_hash")) != NULL) {
        if (!json_is_string(v)) {
            err = ck_err(CK_ERR_FORMAT, "%s: \"admin_pin_hash\" is not a string", path);
            goto out;
        }
        /* An old or hand-made hash cheaper to guess than set-pin writes
         * would undo the PIN's protection (issue 11). */
        if (!key_pin_hash_strong(json_string_value(v), path)) {
            err = ck_err(CK_ERR_KEY,
                         "%s: the admin PIN hash is cheaper to guess than this kiosk accepts "
                         "(Argon2id t=%llu, m=%zu MiB): set the PIN again with certctl kiosk "
                         "set-pin",
                         path, KEY_PIN_OPSLIMIT, KEY_PIN_MEMLIMIT >> 20);
            goto out;
        }
        a->pin_hash = strdup(json_string_value(v));
    }
    static const struct {
        const char *name;
        json_int_t min, max;
        size_t off;
    } timers[] = {
        {"idle_seconds", APP_IDLE_MIN_S, APP_IDLE_MAX_S, offsetof(App, idle_ms)},
        {"reading_idle_seconds", APP_IDLE_MIN_S, APP_IDLE_MAX_S, offsetof(App, reading_idle_ms)},
        {"warning_seconds", FLOW_MIN_WARNING_MS / 1000, APP_WARNING_MAX_S,
         offsetof(App, warning_ms)},
    };
    for (size_t i = 0; i < sizeof timers / sizeof timers[0]; i++) {
        if ((v = json_object_get(cfg, timers[i].name)) == NULL)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            err = ck_err(CK_ERR_FORMAT, "%s: \"%s\" is not a positive whole number of seconds",
                         path, timers[i].name);
            goto out;
        }
        json_int_t sec = json_integer_value(v);
        sec = sec < timers[i].min ? timers[i].min : sec > timers[i].max ? timers[i].max : sec;
        *(uint32_t *)((char *)a + timers[i].off) = (uint32_t)sec * 1000u;
    }
    if ((v = json_object_get(cfg, "plugin_timeout_ms")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            err = ck_err(CK_ERR_FORMAT,
                         "%s: \"plugin_timeout_ms\" is not a positive whole number of ms", path);
            goto out;
        }
        json_int_t ms = json_integer_value(v);
        a->plugin_timeout_ms = (unsigned)(ms < 10 ? 10 : ms > 10000 ? 10000 : ms);
    }
    if ((v = json_object_get(cfg, "allow_draft_content")) != NULL) {
        if (!json_is_boolean(v)) {
            err = ck_err(CK_ERR_FORMAT, "%s: \"allow_draft_content\" must be true or false", path);
            goto out;
        }
        a->allow_draft_content = json_is_true(v);
    }
    if ((v = json_object_get(cfg, "languages")) != NULL) {
        size_t i;
        json_t *l;
        json_array_foreach(v, i, l)
        {
            if (!json_is_string(l) || a->n_languages == APP_MAX_LANGUAGES) {
                err = ck_err(CK_ERR_FORMAT, "%s: languages[%zu] is not a language code", path, i);
                goto out;
            }
            a->languages[a->n_languages++] = strdup(json_string_value(l));
        }
    }
out:
    json_decref(cfg);
    free(path);
    return err;
}

static void
app_add_bundle(App *a, const Bundle *b)
{
    if (a->n_bundles == APP_MAX_BUNDLES)
        return;
    AppBundle *ab = &a->bundles[a->n_bundles];
    size_t n = 0;
    /* English first: it is the fallback of every other language. */
    const Content *en = bundle_content(b, "en");
    if (en != NULL)
        ab->contents[n++] = en;
    for (size_t i = 0; i < bundle_language_count(b) && n < APP_MAX_LANGUAGES; i++) {
        const Content *c = bundle_content(b, bundle_language(b, i));
        if (c != NULL && c != en)
            ab->contents[n++] = c;
    }
    if (n == 0)
        return;
    ab->b = b;
    ab->fb.nation = bundle_nation(b);
    ab->fb.bundle_id = bundle_id(b);
    ab->fb.version = bundle_version(b);
    ab->fb.manifest_sha256 = bundle_manifest_sha256(b);
    ab->fb.contents = ab->contents;
    ab->fb.n_contents = n;
    ab->fb.draft = bundle_draft(b);
    a->n_bundles++;
}

CkErr
app_open(const char *home, App **out)
{
    App *a;
    CkErr err;
    char *plugins = NULL, *seen = NULL, *db = NULL;

    *out = NULL;
    if ((a = calloc(1, sizeof *a)) == NULL || (a->home = strdup(home)) == NULL) {
        free(a);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    if ((err = home_read(home, &a->kh)) != CK_OK ||
        (err = home_load_trust(home, &a->trust)) != CK_OK || (err = app_read_config(a)) != CK_OK)
        goto fail;
    if ((db = home_file(home, HOME_STORE)) == NULL ||
        (plugins = home_file(home, "plugins")) == NULL ||
        (seen = home_file(home, "plugin-versions.json")) == NULL ||
        (a->lock_path = home_file(home, APP_ADMIN_LOCK)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    /* The nations' workers start first, while this process holds neither the
     * kiosk key nor the store: even their exec happens before either exists here. */
    const char *dirs[] = {plugins, NULL};
    PluginHostOptions po = {.dirs = dirs,
                            .trust = a->trust,
                            .seen_path = seen,
                            .record_seen = true,
                            .on_refused = app_on_refused,
                            .on_loaded = app_on_loaded,
                            .on_log = app_on_log,
                            .timeout_ms = a->plugin_timeout_ms,
                            .ctx = a,
                            /* A deployed kiosk shows only reviewed content unless its
                             * config says otherwise; the DEMO kiosk shows drafts. */
                            .refuse_drafts = !app_is_demo(a) && !a->allow_draft_content};
    if ((err = plugin_host_open(&po, &a->host)) != CK_OK)
        goto fail;
    if ((err = home_load_key(home, &a->key)) != CK_OK)
        goto fail;
    a->ik = (IssueKiosk){a->key, a->kh.kiosk_id, a->kh.operator_name, a->kh.origin, a->trust};
    if ((err = store_open(db, true, &a->store)) != CK_OK)
        goto fail;
    (void)issue_event(a->store, &a->ik, "kiosk.started", NULL, NULL);
    for (size_t i = 0; i < plugin_host_refusal_count(a->host); i++) {
        const char *where, *id, *reason;
        CkErr rerr;
        plugin_host_refusal(a->host, i, &where, &id, &rerr, &reason);
        app_event_refused(a, where, id, rerr, reason);
    }
    for (size_t i = 0; i < plugin_host_count(a->host); i++)
        app_event_loaded(a, plugin_host_bundle(a->host, i), plugin_host_has_module(a->host, i));
    const Bundle *base = plugin_host_baseline(a->host);
    if (base == NULL) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: no verified NATO baseline bundle; the kiosk cannot run%s",
                     plugins,
                     po.refuse_drafts ? " (draft bundles are refused here unless config.json says "
                                        "\"allow_draft_content\": true)"
                                      : "");
        goto fail;
    }
    app_add_bundle(a, base);
    for (size_t i = 0; i < plugin_host_count(a->host); i++) {
        const Bundle *b = plugin_host_bundle(a->host, i);
        if (b != base) {
            app_add_bundle(a, b);
            a->nations[a->n_nations++] = &a->bundles[a->n_bundles - 1].fb;
        }
    }
    if (a->n_languages == 0) {
        static const char *const shipped[] = {"en", "fr", "nb", "el"};
        for (size_t i = 0; i < 4; i++)
            a->languages[a->n_languages++] = strdup(shipped[i]);
    }
    FlowConfig cfg = {
        .baseline = &a->bundles[0].fb,
        .nations = a->nations,
        .n_nations = a->n_nations,
        .rules = {a, app_validate, app_must_certify, app_validity, app_pass_mark,
                  app_training_course, app_number_label, app_clause_applies, app_number_form},
        .issuer = {a, app_issue},
        .admin = {a->pin_hash, a->lock_path, a, app_admin_log, app_admin_stats},
        .languages = (const char *const *)a->languages,
        .n_languages = a->n_languages,
        .idle_ms = a->idle_ms,
        .reading_idle_ms = a->reading_idle_ms,
        .warning_ms = a->warning_ms,
    };
    if ((err = flow_create(&cfg, &a->flow)) != CK_OK)
        goto fail;
    free(db);
    free(plugins);
    free(seen);
    *out = a;
    return CK_OK;
fail:
    free(db);
    free(plugins);
    free(seen);
    app_close(a);
    return err;
}

void
app_close(App *a)
{
    if (a == NULL)
        return;
    flow_destroy(a->flow);
    plugin_host_close(a->host);
    store_close(a->store);
    trust_free(a->trust);
    key_destroy(a->key);
    for (size_t i = 0; i < a->n_languages; i++)
        free(a->languages[i]);
    for (size_t i = 0; i < a->n_loaded; i++)
        free(a->loaded[i]);
    for (size_t i = 0; i < a->n_refused_lines; i++)
        free(a->refused_lines[i]);
    free(a->pin_hash);
    free(a->lock_path);
    free(a->home);
    free(a);
}

Flow *
app_flow(App *a)
{
    return a->flow;
}

const char *const *
app_languages(const App *a, size_t *n_out)
{
    *n_out = a->n_languages;
    return (const char *const *)a->languages;
}

const char *const *
app_plugins_loaded(const App *a, size_t *n_out)
{
    *n_out = a->n_loaded;
    return (const char *const *)a->loaded;
}

const char *const *
app_plugins_refused(const App *a, size_t *n_out)
{
    *n_out = a->n_refused_lines;
    return (const char *const *)a->refused_lines;
}

bool
app_is_demo(const App *a)
{
    return strncmp(a->kh.kiosk_id, "DEMO", 4) == 0;
}
