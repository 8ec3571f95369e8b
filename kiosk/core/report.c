/* report: decides each roster person's state from the registry and totals them. */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

typedef struct Groups {
    ReportTotal *t;
    size_t n, cap;
} Groups;

struct Report {
    ReportRow *rows;
    size_t n;
    ReportTotal total;
    Groups groups[3];
    StatusList **lists;
    size_t n_lists;
};

/* A bundle looked up once per report. */
typedef struct BundleCache {
    RegistryBundle *b;
    bool *known;
    size_t n, cap;
} BundleCache;

static const char *const state_names[REPORT_STATE_COUNT_] = {
    [REPORT_CERTIFIED] = "certified", [REPORT_EXPIRING] = "expiring",
    [REPORT_OUTDATED] = "outdated",   [REPORT_EXPIRED] = "expired",
    [REPORT_REVOKED] = "revoked",     [REPORT_MISSING] = "missing",
};

const char *
report_state_name(ReportState state)
{
    return (unsigned)state < REPORT_STATE_COUNT_ ? state_names[state] : "?";
}

static CkErr
cached_bundle(Registry *reg, BundleCache *c, const char *id, const RegistryBundle **out)
{
    RegistryBundle b;
    CkErr err;

    *out = NULL;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->b[i].id, id) == 0) {
            *out = c->known[i] ? &c->b[i] : NULL;
            return CK_OK;
        }
    err = registry_get_bundle(reg, id, &b);
    if (err != CK_OK && err != CK_ERR_NOT_FOUND)
        return err;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        RegistryBundle *nb = realloc(c->b, cap * sizeof *nb);
        bool *nk = nb ? realloc(c->known, cap * sizeof *nk) : NULL;
        if (nb != NULL)
            c->b = nb;
        if (nk == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        c->known = nk;
        c->cap = cap;
    }
    snprintf(b.id, sizeof b.id, "%s", id);
    c->b[c->n] = b;
    c->known[c->n] = err == CK_OK;
    *out = c->known[c->n] ? &c->b[c->n] : NULL;
    c->n++;
    return CK_OK;
}

static CkErr
count_in(Groups *g, const char *key, ReportState state)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->t[i].key, key) == 0) {
            g->t[i].count[state]++;
            g->t[i].people++;
            return CK_OK;
        }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        ReportTotal *t = realloc(g->t, cap * sizeof *t);
        if (t == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        g->t = t;
        g->cap = cap;
    }
    memset(&g->t[g->n], 0, sizeof g->t[g->n]);
    snprintf(g->t[g->n].key, sizeof g->t[g->n].key, "%s", key);
    g->t[g->n].count[state] = 1;
    g->t[g->n].people = 1;
    g->n++;
    return CK_OK;
}

static int
cmp_total(const void *a, const void *b)
{
    return strcmp(((const ReportTotal *)a)->key, ((const ReportTotal *)b)->key);
}

/* Decides one row from the person's current certificate. */
static CkErr
judge(Report *r, Registry *reg, BundleCache *cache, ReportRow *row, const RegistryCert *cp,
      int64_t now, int64_t horizon)
{
    const RegistryCert c = *cp;
    CkErr err;

    memcpy(row->serial, c.serial, sizeof row->serial);
    memcpy(row->kiosk_id, c.kiosk_id, sizeof row->kiosk_id);
    row->valid_until = c.valid_until;
    row->superseded = c.superseded;
    for (size_t i = 0; i < r->n_lists; i++) {
        const StatusEntry *e = status_lookup(r->lists[i], c.serial);
        if (e != NULL) {
            row->state = REPORT_REVOKED;
            snprintf(row->reason, sizeof row->reason, "%s", e->reason);
            snprintf(row->note, sizeof row->note, "%s", e->note ? e->note : "");
            return CK_OK;
        }
    }
    if (c.valid_until <= now) {
        row->state = REPORT_EXPIRED;
        return CK_OK;
    }
    for (size_t i = 0; i < c.n_bundles; i++) {
        const RegistryBundle *b;
        if ((err = cached_bundle(reg, cache, c.bundles[i].id, &b)) != CK_OK)
            return err;
        if (b != NULL && bundle_version_compare(c.bundles[i].version, b->material_since) < 0) {
            row->state = REPORT_OUTDATED;
            snprintf(row->detail, sizeof row->detail,
                     "%.60s %.20s; material change in %.20s (current %.20s)", b->id,
                     c.bundles[i].version, b->material_since, b->version);
            return CK_OK;
        }
    }
    row->state = c.valid_until < horizon ? REPORT_EXPIRING : REPORT_CERTIFIED;
    return CK_OK;
}

typedef struct Judging {
    Report *r;
    Registry *reg;
    BundleCache *cache;
    int64_t now, horizon;
} Judging;

static CkErr
judge_found(void *ctx, size_t i, const RegistryCert *c)
{
    Judging *j = ctx;

    return judge(j->r, j->reg, j->cache, &j->r->rows[i], c, j->now, j->horizon);
}

CkErr
report_build(Registry *reg, const Roster *roster, int64_t now, int64_t horizon,
             RegistryProgressFn progress, void *progress_ctx, Report **report_out)
{
    Report *r = calloc(1, sizeof *r);
    BundleCache cache = {0};
    size_t n = roster_count(roster);
    const char **nations = NULL, **ids = NULL;
    Judging j = {.reg = reg, .cache = &cache, .now = now, .horizon = horizon};
    CkErr err = CK_OK;

    *report_out = NULL;
    if (r == NULL || (r->rows = calloc(n ? n : 1, sizeof *r->rows)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = registry_status_lists(reg, &r->lists, &r->n_lists)) != CK_OK)
        goto out;
    if ((nations = calloc(n ? n : 1, sizeof *nations)) == NULL ||
        (ids = calloc(n ? n : 1, sizeof *ids)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* Everyone missing until the registry finds them, in one look-up. */
    for (size_t i = 0; i < n; i++) {
        r->rows[i].person = roster_entry(roster, i);
        r->rows[i].state = REPORT_MISSING;
        nations[i] = r->rows[i].person->nation;
        ids[i] = r->rows[i].person->id;
    }
    j.r = r;
    if ((err = registry_find_people(reg, nations, ids, n, judge_found, &j)) != CK_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        ReportRow *row = &r->rows[i];
        r->n++;
        r->total.count[row->state]++;
        r->total.people++;
        if ((err = count_in(&r->groups[REPORT_BY_NATION], row->person->nation, row->state)) !=
                CK_OK ||
            (err = count_in(&r->groups[REPORT_BY_UNIT], row->person->unit, row->state)) != CK_OK ||
            (err = count_in(&r->groups[REPORT_BY_CATEGORY], row->person->category, row->state)) !=
                CK_OK)
            goto out;
        if (progress != NULL && (i % 1024 == 0 || i + 1 == n))
            progress(progress_ctx, i + 1, n);
    }
    for (int g = 0; g < 3; g++)
        qsort(r->groups[g].t, r->groups[g].n, sizeof *r->groups[g].t, cmp_total);
out:
    free(nations);
    free(ids);
    free(cache.b);
    free(cache.known);
    if (err != CK_OK) {
        report_free(r);
        return err;
    }
    *report_out = r;
    return CK_OK;
}

void
report_free(Report *report)
{
    if (report == NULL)
        return;
    free(report->rows);
    for (int g = 0; g < 3; g++)
        free(report->groups[g].t);
    registry_status_free(report->lists, report->n_lists);
    free(report);
}

size_t
report_count(const Report *report)
{
    return report->n;
}

const ReportRow *
report_row(const Report *report, size_t i)
{
    return i < report->n ? &report->rows[i] : NULL;
}

const ReportTotal *
report_total(const Report *report)
{
    return &report->total;
}

size_t
report_group_count(const Report *report, ReportGroup group)
{
    return report->groups[group].n;
}

const ReportTotal *
report_group(const Report *report, ReportGroup group, size_t i)
{
    return i < report->groups[group].n ? &report->groups[group].t[i] : NULL;
}

size_t
report_status_count(const Report *report)
{
    return report->n_lists;
}

const StatusList *
report_status(const Report *report, size_t i)
{
    return i < report->n_lists ? report->lists[i] : NULL;
}
