/* trust: who vouches for which key — the trust set (JWKS): pins, endorsed keys and their
 * endorsement windows (JWKs and single endorsements: trust_key.c). */
#include "trust_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fileio.h"

/* One endorsement of a key, and whether it checked out against a pinned
 * authority (status, and why not). The time window is judged only at
 * look-up, against the time asked about. */
typedef struct TrustEndorsement {
    const char *jws; /* borrowed from the entry's JWK ("endorsements") */
    Endorsement en;
    CkErr status;
    char why[256];
} TrustEndorsement;

/* One key of the trust file. Kiosk and publisher keys carry one or more
 * endorsements (a renewal adds one and keeps the earlier windows), all for
 * the same scope. */
typedef struct TrustEntry {
    json_t *jwk; /* the JWK as written back: "endorsements" list form */
    PublicKey pub;
    KeyKind role;
    char scope[TRUST_KIOSK_ID_MAX + 1]; /* kiosk ID or nation; "" for authorities */
    TrustEndorsement *ends;
    size_t n_ends;
} TrustEntry;

struct Trust {
    TrustEntry *v;
    size_t n, cap;
};

/* ---- The trust set ---- */

CkErr
trust_new(Trust **trust_out)
{
    if ((*trust_out = calloc(1, sizeof **trust_out)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

static void
entry_clear(TrustEntry *e)
{
    json_decref(e->jwk);
    free(e->ends);
    memset(e, 0, sizeof *e);
}

void
trust_free(Trust *trust)
{
    if (trust == NULL)
        return;
    for (size_t i = 0; i < trust->n; i++)
        entry_clear(&trust->v[i]);
    free(trust->v);
    free(trust);
}

static TrustEntry *
find(const Trust *trust, const char *kid)
{
    if (kid == NULL)
        return NULL;
    for (size_t i = 0; i < trust->n; i++)
        if (strcmp(trust->v[i].pub.kid, kid) == 0)
            return &trust->v[i];
    return NULL;
}

static void
format_window(int64_t nbf, int64_t exp, char out[2 * CLOCK_RFC3339_LEN + 3])
{
    char from[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1];

    clock_format(nbf, from);
    clock_format(exp, until);
    snprintf(out, 2 * CLOCK_RFC3339_LEN + 3, "%s..%s", from, until);
}

/* Judges each endorsement of e against the authorities pinned now. */
static void
evaluate(const Trust *trust, TrustEntry *e)
{
    for (size_t i = 0; i < e->n_ends; i++) {
        TrustEndorsement *te = &e->ends[i];
        const TrustEntry *auth = find(trust, te->en.authority_kid);
        char window[2 * CLOCK_RFC3339_LEN + 3];
        Endorsement checked;

        te->status = CK_OK;
        te->why[0] = '\0';
        format_window(te->en.nbf, te->en.exp, window);
        if (auth == NULL || auth->role != KEY_KIND_AUTHORITY) {
            te->status = CK_ERR_UNTRUSTED;
            snprintf(te->why, sizeof te->why,
                     "%s key %s is endorsed by %s, which is not a pinned authority (%s)",
                     key_kind_name(e->role), e->pub.kid, te->en.authority_kid, window);
        } else if (trust_endorsement_verify(te->jws, &auth->pub, &checked) != CK_OK) {
            te->status = CK_ERR_UNTRUSTED;
            snprintf(te->why, sizeof te->why,
                     "the endorsement of %s key %s does not verify with authority %s (%s)",
                     key_kind_name(e->role), e->pub.kid, auth->pub.kid, window);
        }
    }
}

static void
evaluate_all(Trust *trust)
{
    for (size_t i = 0; i < trust->n; i++)
        evaluate(trust, &trust->v[i]);
}

/* Appends the string jws to list unless the list holds it already. */
static CkErr
list_add(json_t *list, const json_t *jws)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        if (json_equal(json_array_get(list, i), jws))
            return CK_OK;
    if (json_array_append_new(list, json_deep_copy(jws)) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    return CK_OK;
}

/* The endorsements a JWK carries: its "endorsements" list and, from files
 * written before keys kept a list, its single "endorsement"; exact
 * duplicates once. *list_out: a new array (json_decref()). */
static CkErr
endorsements_of(const json_t *jwk, const char *what, const char *kid, json_t **list_out)
{
    const json_t *one = json_object_get(jwk, "endorsement");
    const json_t *many = json_object_get(jwk, "endorsements");
    json_t *list = json_array();
    CkErr err = CK_OK;

    *list_out = NULL;
    if (list == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (many != NULL && !json_is_array(many)) {
        err = ck_err(CK_ERR_FORMAT, "%s: key %s: \"endorsements\" must be an array", what, kid);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(many) && err == CK_OK; i++)
        if (!json_is_string(json_array_get(many, i)))
            err = ck_err(CK_ERR_FORMAT, "%s: key %s: endorsements[%zu] is not a string", what, kid,
                         i);
        else
            err = list_add(list, json_array_get(many, i));
    if (err != CK_OK)
        goto out;
    if (one != NULL && !json_is_string(one)) {
        err = ck_err(CK_ERR_FORMAT, "%s: key %s: \"endorsement\" must be a string", what, kid);
        goto out;
    }
    if (one != NULL && (err = list_add(list, one)) != CK_OK)
        goto out;
    if (json_array_size(list) > TRUST_ENDORSEMENTS_MAX)
        err = ck_err(CK_ERR_TOO_LARGE, "%s: key %s carries %zu endorsements (at most %d)", what,
                     kid, json_array_size(list), TRUST_ENDORSEMENTS_MAX);
out:
    if (err != CK_OK) {
        json_decref(list);
        return err;
    }
    *list_out = list;
    return CK_OK;
}

/* Checks one JWK of a trust file and fills *e with a copy of it in the list
 * form (e owns it; entry_clear()). Every endorsement must be of this key, for
 * its role and for the scope the JWK names. */
static CkErr
entry_from_jwk(const json_t *jwk, const char *what, TrustEntry *e)
{
    const char *scope;
    const char *scope_name;
    json_t *list = NULL;
    CkErr err;

    memset(e, 0, sizeof *e);
    if ((err = trust_jwk_to_public(jwk, what, &e->pub, &e->role)) != CK_OK)
        return err;
    if ((e->jwk = json_deep_copy(jwk)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (e->role == KEY_KIND_AUTHORITY)
        return CK_OK;
    if ((err = endorsements_of(jwk, what, e->pub.kid, &list)) != CK_OK)
        goto out;
    if (json_array_size(list) == 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: %s key %s has no \"endorsements\"", what,
                     key_kind_name(e->role), e->pub.kid);
        goto out;
    }
    scope_name = e->role == KEY_KIND_KIOSK ? "kiosk_id" : "nation";
    scope = json_string_value(json_object_get(jwk, scope_name));
    if (scope == NULL || trust_copy_str(e->scope, sizeof e->scope, scope) != CK_OK) {
        err = ck_err(CK_ERR_KEY, "%s: key %s: missing or invalid \"%s\"", what, e->pub.kid,
                     scope_name);
        goto out;
    }
    json_object_del(e->jwk, "endorsement");
    if (json_object_set(e->jwk, "endorsements", list) != 0 ||
        (e->ends = calloc(json_array_size(list), sizeof *e->ends)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        TrustEndorsement *te = &e->ends[i];
        te->jws = json_string_value(json_array_get(list, i)); /* held by e->jwk */
        if ((err = trust_endorsement_parse(te->jws, &te->en)) != CK_OK) {
            char prefix[400];
            snprintf(prefix, sizeof prefix, "%s: key %s: endorsements[%zu]: ", what, e->pub.kid, i);
            err = trust_rewrap(err, prefix);
            goto out;
        }
        e->n_ends++;
        if (!key_public_equal(&te->en.subject, &e->pub)) {
            err = ck_err(CK_ERR_KEY, "%s: key %s carries an endorsement of another key (%s)", what,
                         e->pub.kid, te->en.subject.kid);
            goto out;
        }
        if (te->en.role != e->role) {
            err = ck_err(CK_ERR_KEY, "%s: %s key %s carries an endorsement as a %s key", what,
                         key_kind_name(e->role), e->pub.kid, key_kind_name(te->en.role));
            goto out;
        }
        if (strcmp(scope, e->role == KEY_KIND_KIOSK ? te->en.kiosk_id : te->en.nation) != 0) {
            err = ck_err(CK_ERR_KEY, "%s: key %s: its \"%s\" differs from its endorsement's", what,
                         e->pub.kid, scope_name);
            goto out;
        }
    }
out:
    json_decref(list);
    if (err != CK_OK)
        entry_clear(e);
    return err;
}

static CkErr
push(Trust *trust, const TrustEntry *e)
{
    if (trust->n == trust->cap) {
        size_t cap = trust->cap ? trust->cap * 2 : 8;
        TrustEntry *v = realloc(trust->v, cap * sizeof *v);
        if (v == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        trust->v = v;
        trust->cap = cap;
    }
    trust->v[trust->n++] = *e;
    return CK_OK;
}

/* e's JWK with the endorsements of old it lacks put first (older first):
 * a renewal adds a window and keeps the earlier ones. Fills *merged. */
static CkErr
entry_union(const TrustEntry *old, const TrustEntry *e, TrustEntry *merged)
{
    json_t *jwk = json_deep_copy(e->jwk), *list = json_array();
    CkErr err = CK_OK;

    if (jwk == NULL || list == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < old->n_ends && err == CK_OK; i++)
        err = list_add(list, json_array_get(json_object_get(old->jwk, "endorsements"), i));
    for (size_t i = 0; i < e->n_ends && err == CK_OK; i++)
        err = list_add(list, json_array_get(json_object_get(e->jwk, "endorsements"), i));
    if (err != CK_OK)
        goto out;
    if (json_object_set(jwk, "endorsements", list) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    err = entry_from_jwk(jwk, "trust set", merged);
out:
    json_decref(list);
    json_decref(jwk);
    return err;
}

/* Adds e (taking it over; it is cleared whatever happens). For a kid
 * already listed: an authority is replaced; a kiosk or publisher key with
 * the same scope keeps its endorsements and gains e's (a renewal); one
 * with another scope (re-endorsed for another kiosk ID or nation) is
 * replaced. A kid listed with another role is CK_ERR_KEY. */
static CkErr
put(Trust *trust, TrustEntry *e)
{
    TrustEntry *old = find(trust, e->pub.kid), merged;
    CkErr err;

    if (old != NULL && old->role != e->role) {
        err = ck_err(CK_ERR_KEY, "key %s is already listed as a %s key, not a %s key", e->pub.kid,
                     key_kind_name(old->role), key_kind_name(e->role));
        entry_clear(e);
        return err;
    }
    if (old != NULL && e->role != KEY_KIND_AUTHORITY && strcmp(old->scope, e->scope) == 0) {
        err = entry_union(old, e, &merged);
        entry_clear(e);
        if (err != CK_OK)
            return err;
        *e = merged;
    }
    if (old != NULL) {
        entry_clear(old);
        *old = *e;
        return CK_OK;
    }
    if ((err = push(trust, e)) != CK_OK)
        entry_clear(e);
    return err;
}

CkErr
trust_from_json(const json_t *jwks, const char *what, Trust **trust_out)
{
    const json_t *keys = json_object_get(jwks, "keys");
    Trust *trust = NULL;
    TrustEntry e;
    char where[300];
    CkErr err;

    *trust_out = NULL;
    if (!json_is_object(jwks) || !json_is_array(keys))
        return ck_err(CK_ERR_FORMAT, "%s: not a JWKS (expected {\"keys\":[...]})", what);
    if ((err = trust_new(&trust)) != CK_OK)
        return err;
    for (size_t i = 0; i < json_array_size(keys); i++) {
        snprintf(where, sizeof where, "%s: keys[%zu]", what, i);
        if ((err = entry_from_jwk(json_array_get(keys, i), where, &e)) != CK_OK)
            goto out;
        if (find(trust, e.pub.kid) != NULL) {
            err = ck_err(CK_ERR_FORMAT, "%s: duplicate kid %s", where, e.pub.kid);
            entry_clear(&e);
            goto out;
        }
        if ((err = push(trust, &e)) != CK_OK) {
            entry_clear(&e);
            goto out;
        }
    }
    evaluate_all(trust);
    *trust_out = trust;
    trust = NULL;
out:
    trust_free(trust);
    return err;
}

CkErr
trust_load(const char *path, Trust **trust_out)
{
    unsigned char *data = NULL;
    size_t len;
    json_error_t jerr;
    json_t *jwks;
    CkErr err;

    *trust_out = NULL;
    if ((err = fileio_read(path, TRUST_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    jwks = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (jwks == NULL)
        return ck_err(CK_ERR_FORMAT, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column,
                      jerr.text);
    err = trust_from_json(jwks, path, trust_out);
    json_decref(jwks);
    return err;
}

json_t *
trust_to_json(const Trust *trust)
{
    json_t *keys = json_array(), *jwks;

    if (keys == NULL)
        return NULL;
    for (KeyKind role = KEY_KIND_AUTHORITY; role <= KEY_KIND_PUBLISHER; role++)
        for (size_t i = 0; i < trust->n; i++)
            if (trust->v[i].role == role && json_array_append(keys, trust->v[i].jwk) != 0) {
                json_decref(keys);
                return NULL;
            }
    jwks = json_pack("{s:o}", "keys", keys);
    return jwks;
}

CkErr
trust_save(const Trust *trust, const char *path)
{
    json_t *jwks = trust_to_json(trust);
    CkErr err;

    if (jwks == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = trust_jwk_save(jwks, path, false);
    json_decref(jwks);
    return err;
}

json_t *
trust_key_jwk(const Trust *trust, const char *kid)
{
    const TrustEntry *e = find(trust, kid);

    return e != NULL ? json_deep_copy(e->jwk) : NULL;
}

/* Builds an entry from jwk (ok: building it succeeded), adds it with put()
 * and judges every endorsement again. Takes the reference to jwk. */
static CkErr
add_jwk(Trust *trust, json_t *jwk, bool ok)
{
    TrustEntry e;
    CkErr err;

    if (!ok)
        err = ck_err(CK_ERR_NOMEM, "out of memory");
    else if ((err = entry_from_jwk(jwk, "trust set", &e)) == CK_OK &&
             (err = put(trust, &e)) == CK_OK)
        evaluate_all(trust);
    json_decref(jwk);
    return err;
}

CkErr
trust_add_authority(Trust *trust, const PublicKey *pub, const char *name)
{
    TrustEntry *old = find(trust, pub->kid);
    json_t *jwk;

    if (old != NULL && old->role == KEY_KIND_AUTHORITY)
        return CK_OK;
    jwk = trust_jwk_from_public(pub, KEY_KIND_AUTHORITY);
    return add_jwk(trust, jwk,
                   jwk != NULL &&
                       (name == NULL || json_object_set_new(jwk, "name", json_string(name)) == 0));
}

CkErr
trust_add_endorsed(Trust *trust, const char *endorsement_jws)
{
    Endorsement en;
    const TrustEntry *auth, *old;
    json_t *jwk;
    CkErr err;

    if ((err = trust_endorsement_parse(endorsement_jws, &en)) != CK_OK)
        return err;
    auth = find(trust, en.authority_kid);
    if (auth == NULL || auth->role != KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_UNTRUSTED,
                      "the endorsement is signed by %s, which is not a pinned authority; pin the "
                      "authority first",
                      en.authority_kid);
    if ((err = trust_endorsement_verify(endorsement_jws, &auth->pub, &en)) != CK_OK)
        return err;
    old = find(trust, en.subject.kid);
    if (old != NULL && old->role == en.role && old->n_ends >= TRUST_ENDORSEMENTS_MAX &&
        strcmp(old->scope, en.role == KEY_KIND_KIOSK ? en.kiosk_id : en.nation) == 0)
        return ck_err(CK_ERR_TOO_LARGE, "%s key %s already carries %d endorsements",
                      key_kind_name(en.role), en.subject.kid, TRUST_ENDORSEMENTS_MAX);
    jwk = trust_jwk_from_public(&en.subject, en.role);
    return add_jwk(
        trust, jwk,
        jwk != NULL &&
            json_object_set_new(jwk, en.role == KEY_KIND_KIOSK ? "kiosk_id" : "nation",
                                json_string(en.role == KEY_KIND_KIOSK ? en.kiosk_id : en.nation)) ==
                0 &&
            json_object_set_new(jwk, "endorsements", json_pack("[s]", endorsement_jws)) == 0);
}

CkErr
trust_merge(Trust *dst, const Trust *src)
{
    TrustEntry e;
    CkErr err;

    for (KeyKind role = KEY_KIND_AUTHORITY; role <= KEY_KIND_PUBLISHER; role++)
        for (size_t i = 0; i < src->n; i++) {
            if (src->v[i].role != role)
                continue;
            if ((err = entry_from_jwk(src->v[i].jwk, "trust set", &e)) != CK_OK ||
                (err = put(dst, &e)) != CK_OK) {
                evaluate_all(dst);
                return err;
            }
        }
    evaluate_all(dst);
    return CK_OK;
}

size_t
trust_count(const Trust *trust, KeyKind role)
{
    size_t n = 0;

    for (size_t i = 0; i < trust->n; i++)
        n += trust->v[i].role == role;
    return n;
}

size_t
trust_foreach_ignored(const Trust *trust, TrustIgnoredFn fn, void *ctx)
{
    size_t n = 0;

    for (size_t i = 0; i < trust->n; i++)
        for (size_t k = 0; k < trust->v[i].n_ends; k++)
            if (trust->v[i].ends[k].status != CK_OK) {
                n++;
                if (fn != NULL)
                    fn(ctx, trust->v[i].ends[k].why);
            }
    return n;
}

CkErr
trust_find_authority(const Trust *trust, const char *kid, PublicKey *pub_out)
{
    const TrustEntry *e = find(trust, kid);

    if (e == NULL || e->role != KEY_KIND_AUTHORITY)
        return ck_err(CK_ERR_UNTRUSTED, "%.40s is not a pinned authority key",
                      kid ? kid : "(no kid)");
    *pub_out = e->pub;
    return CK_OK;
}

CkErr
trust_lookup(const Trust *trust, const char *kid, KeyKind role, PublicKey *pub_out)
{
    const TrustEntry *e = find(trust, kid);

    if (kid == NULL)
        return ck_err(CK_ERR_UNTRUSTED, "no key ID (\"kid\") given");
    if (e == NULL)
        return ck_err(CK_ERR_UNTRUSTED, "%s key %.40s is not in the trust file",
                      key_kind_name(role), kid);
    if (e->role != role)
        return ck_err(CK_ERR_UNTRUSTED, "key %s is a %s key, not a %s key", kid,
                      key_kind_name(e->role), key_kind_name(role));
    *pub_out = e->pub;
    return CK_OK;
}

static int
by_nbf(const void *a, const void *b)
{
    const TrustEndorsement *x = *(const TrustEndorsement *const *)a;
    const TrustEndorsement *y = *(const TrustEndorsement *const *)b;

    return (x->en.nbf > y->en.nbf) - (x->en.nbf < y->en.nbf);
}

/* The refusal when no trusted endorsement of e covers at_time: the windows
 * there are (overlapping ones joined), and how many were ignored. */
static CkErr
not_covered(const TrustEntry *e, int64_t at_time, size_t n_ignored)
{
    const TrustEndorsement *sorted[TRUST_ENDORSEMENTS_MAX];
    char list[360] = "", window[2 * CLOCK_RFC3339_LEN + 3], at[CLOCK_RFC3339_LEN + 1];
    size_t n = 0, used = 0;
    int64_t from = 0, until = 0;

    for (size_t i = 0; i < e->n_ends; i++)
        if (e->ends[i].status == CK_OK)
            sorted[n++] = &e->ends[i];
    qsort(sorted, n, sizeof *sorted, by_nbf);
    for (size_t i = 0; i <= n; i++) {
        if (i < n && i > 0 && sorted[i]->en.nbf <= until) {
            until = sorted[i]->en.exp > until ? sorted[i]->en.exp : until;
            continue;
        }
        if (i > 0 && used < sizeof list) {
            format_window(from, until, window);
            used +=
                (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", window);
        }
        if (i < n) {
            from = sorted[i]->en.nbf;
            until = sorted[i]->en.exp;
        }
    }
    clock_format(at_time, at);
    return ck_err(at_time < sorted[0]->en.nbf ? CK_ERR_NOT_YET_VALID : CK_ERR_EXPIRED,
                  "%s key %s is endorsed %s, not at %s%s", key_kind_name(e->role), e->pub.kid, list,
                  at, n_ignored ? "; other endorsements ignored (not by a pinned authority)" : "");
}

/* Common part of the find functions: listed, right role, endorsed by a
 * pinned authority with at_time in the window, for scope if not NULL. */
static CkErr
find_endorsed(const Trust *trust, const char *kid, KeyKind role, const char *scope, int64_t at_time,
              const TrustEntry **e_out)
{
    const TrustEntry *e = find(trust, kid);
    const TrustEndorsement *first_bad = NULL;
    size_t n_ignored = 0;
    PublicKey unused;
    CkErr err;

    if ((err = trust_lookup(trust, kid, role, &unused)) != CK_OK)
        return err;
    for (size_t i = 0; i < e->n_ends; i++)
        if (e->ends[i].status != CK_OK && n_ignored++ == 0)
            first_bad = &e->ends[i];
    if (n_ignored == e->n_ends) {
        if (n_ignored > 1)
            return ck_err(first_bad->status, "%s (and %zu more endorsements ignored)",
                          first_bad->why, n_ignored - 1);
        return ck_err(first_bad->status, "%s", first_bad->why);
    }
    if (scope != NULL && strcmp(e->scope, scope) != 0)
        return ck_err(CK_ERR_UNTRUSTED, "%s key %s is endorsed for %s, not %.20s",
                      key_kind_name(role), kid, e->scope, scope);
    for (size_t i = 0; i < e->n_ends; i++)
        if (e->ends[i].status == CK_OK && e->ends[i].en.nbf <= at_time &&
            at_time < e->ends[i].en.exp) {
            *e_out = e;
            return CK_OK;
        }
    return not_covered(e, at_time, n_ignored);
}

CkErr
trust_find_kiosk(const Trust *trust, const char *kid, int64_t at_time, PublicKey *pub_out,
                 char kiosk_id_out[TRUST_KIOSK_ID_MAX + 1])
{
    const TrustEntry *e;
    CkErr err;

    if ((err = find_endorsed(trust, kid, KEY_KIND_KIOSK, NULL, at_time, &e)) != CK_OK)
        return err;
    *pub_out = e->pub;
    if (kiosk_id_out != NULL)
        memcpy(kiosk_id_out, e->scope, TRUST_KIOSK_ID_MAX + 1);
    return CK_OK;
}

CkErr
trust_kiosk_endorsed_until(const Trust *trust, const char *kid, int64_t at_time,
                           int64_t *until_out)
{
    const TrustEntry *e;
    CkErr err;

    *until_out = 0;
    if ((err = find_endorsed(trust, kid, KEY_KIND_KIOSK, NULL, at_time, &e)) != CK_OK) {
        const TrustEntry *x = find(trust, kid);
        for (size_t i = 0; x != NULL && i < x->n_ends; i++)
            if (x->ends[i].status == CK_OK && x->ends[i].en.exp <= at_time &&
                x->ends[i].en.exp > *until_out)
                *until_out = x->ends[i].en.exp;
        return err;
    }
    /* Grow the cover from at_time while some window starts inside it. */
    int64_t until = at_time;
    for (bool grown = true; grown;) {
        grown = false;
        for (size_t i = 0; i < e->n_ends; i++)
            if (e->ends[i].status == CK_OK && e->ends[i].en.nbf <= until &&
                e->ends[i].en.exp > until) {
                until = e->ends[i].en.exp;
                grown = true;
            }
    }
    *until_out = until;
    return CK_OK;
}

/* Why limits do not allow a certificate for nation valid from..until, or
 * CK_OK. */
static CkErr
limits_check(const TrustKioskLimits *l, const char *kid, int64_t from, int64_t until,
             const char *nation)
{
    int64_t days = (until - from + 86399) / 86400;

    if (l->max_validity_days > 0 && until - from > (int64_t)l->max_validity_days * 86400)
        return ck_err(CK_ERR_REFUSED,
                      "kiosk key %s is endorsed for certificates of at most %u days; this one is "
                      "valid %lld days",
                      kid, l->max_validity_days, (long long)days);
    if (l->n_nations > 0) {
        char names[TRUST_ENDORSE_NATIONS_MAX * (TRUST_NATION_MAX + 2)] = "";
        size_t used = 0;
        for (size_t i = 0; i < l->n_nations; i++) {
            if (nation != NULL && strcmp(l->nations[i], nation) == 0)
                return CK_OK;
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     l->nations[i]);
        }
        return ck_err(CK_ERR_REFUSED, "kiosk key %s is endorsed to certify %s only, not %.8s", kid,
                      names, nation ? nation : "?");
    }
    return CK_OK;
}

CkErr
trust_kiosk_allows(const Trust *trust, const char *kid, int64_t valid_from, int64_t valid_until,
                   const char *nation)
{
    const TrustEntry *e;
    CkErr err, first = CK_OK;
    char why[512] = "";

    if ((err = find_endorsed(trust, kid, KEY_KIND_KIOSK, NULL, valid_from, &e)) != CK_OK)
        return err;
    if (valid_until < valid_from)
        return ck_err(CK_ERR_FORMAT, "the certificate ends before it begins");
    /* Any endorsement that covers the issue time and allows it will do, as
     * for the window itself; the refusal names the first one's bounds. */
    for (size_t i = 0; i < e->n_ends; i++) {
        const TrustEndorsement *t = &e->ends[i];
        if (t->status != CK_OK || t->en.nbf > valid_from || valid_from >= t->en.exp)
            continue;
        if ((err = limits_check(&t->en.limits, kid, valid_from, valid_until, nation)) == CK_OK)
            return CK_OK;
        if (first == CK_OK) {
            first = err;
            snprintf(why, sizeof why, "%s", ck_err_detail());
        }
    }
    return ck_err(first, "%s", why);
}

CkErr
trust_find_publisher(const Trust *trust, const char *kid, const char *nation, int64_t at_time,
                     PublicKey *pub_out)
{
    const TrustEntry *e;
    CkErr err;

    if (nation == NULL)
        return ck_err(CK_ERR_USAGE, "no nation given");
    if ((err = find_endorsed(trust, kid, KEY_KIND_PUBLISHER, nation, at_time, &e)) != CK_OK)
        return err;
    *pub_out = e->pub;
    return CK_OK;
}
