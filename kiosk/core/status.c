/* status: parse, verify, extend and sign revocation status lists; refuse rollback. */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fileio.h"
#include "jws.h"
#include "utf8.h"

struct StatusList {
    char issuer[KEY_ID_LEN + 1];
    uint64_t version;
    int64_t issued;
    StatusEntry *entries; /* sorted by serial; strings owned (malloc) */
    size_t n, cap;
    StatusKiosk *kiosks; /* revoked kiosk keys, in the order added; strings owned */
    size_t n_kiosks;
    char *jws; /* the signed text, or NULL once changed */
};

static const char *const reason_codes[] = {
    "misconduct", "superseded", "issued_in_error", "data_error", "withdrawn", NULL,
};

static const char *const kiosk_reason_codes[] = {
    "key_compromise", "kiosk_lost", "kiosk_retired", "superseded", NULL,
};

bool
status_kiosk_reason_known(const char *code)
{
    for (size_t i = 0; code != NULL && kiosk_reason_codes[i] != NULL; i++)
        if (strcmp(code, kiosk_reason_codes[i]) == 0)
            return true;
    return false;
}

bool
status_reason_known(const char *code)
{
    for (size_t i = 0; code != NULL && reason_codes[i] != NULL; i++)
        if (strcmp(code, reason_codes[i]) == 0)
            return true;
    return false;
}

const char *const *
status_reason_codes(void)
{
    return reason_codes;
}

static bool
kid_valid(const char *kid)
{
    if (kid == NULL || strlen(kid) != KEY_ID_LEN)
        return false;
    for (size_t i = 0; i < KEY_ID_LEN; i++)
        if (!((kid[i] >= '0' && kid[i] <= '9') || (kid[i] >= 'a' && kid[i] <= 'f')))
            return false;
    return true;
}

/* Serials are "<kiosk id>-<log index>": the kiosk-ID alphabet only. */
static bool
serial_valid(const char *s)
{
    size_t len = s ? strlen(s) : 0;

    if (len == 0 || len > STATUS_SERIAL_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool
reason_token_valid(const char *s)
{
    size_t len = s ? strlen(s) : 0;

    if (len == 0 || len > STATUS_REASON_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return false;
    return true;
}

CkErr
status_new(const char *issuer_kid, StatusList **list_out)
{
    StatusList *l;

    *list_out = NULL;
    if (!kid_valid(issuer_kid))
        return ck_err(CK_ERR_USAGE, "status list issuer \"%.40s\" is not a key ID",
                      issuer_kid ? issuer_kid : "");
    if ((l = calloc(1, sizeof *l)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(l->issuer, issuer_kid, KEY_ID_LEN + 1);
    *list_out = l;
    return CK_OK;
}

void
status_free(StatusList *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->n; i++) {
        free((char *)list->entries[i].serial);
        free((char *)list->entries[i].reason);
        free((char *)list->entries[i].note);
    }
    free(list->entries);
    for (size_t i = 0; i < list->n_kiosks; i++) {
        free((char *)list->kiosks[i].kiosk_id);
        free((char *)list->kiosks[i].kid);
        free((char *)list->kiosks[i].reason);
        free((char *)list->kiosks[i].note);
    }
    free(list->kiosks);
    free(list->jws);
    free(list);
}

static int
cmp_entry(const void *a, const void *b)
{
    return strcmp(((const StatusEntry *)a)->serial, ((const StatusEntry *)b)->serial);
}

/* Appends an entry (copies the strings), unsorted. */
static CkErr
push_entry(StatusList *l, const char *serial, const char *reason, const char *note, int64_t time)
{
    StatusEntry e = {0};

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        StatusEntry *p = realloc(l->entries, cap * sizeof *p);
        if (p == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        l->entries = p;
        l->cap = cap;
    }
    e.serial = strdup(serial);
    e.reason = strdup(reason);
    e.note = note ? strdup(note) : NULL;
    e.time = time;
    if (e.serial == NULL || e.reason == NULL || (note != NULL && e.note == NULL)) {
        free((char *)e.serial);
        free((char *)e.reason);
        free((char *)e.note);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    l->entries[l->n++] = e;
    return CK_OK;
}

static CkErr
get_time(const json_t *obj, const char *key, const char *what, int64_t *t_out)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v) || clock_parse(json_string_value(v), t_out) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "%s: \"%s\" must be an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)",
                      what, key);
    return CK_OK;
}

static CkErr
parse_entry(StatusList *l, const json_t *e, size_t i)
{
    char what[64];
    const json_t *serial, *reason, *note;
    const char *key;
    const json_t *value;
    int64_t t;
    CkErr err;

    snprintf(what, sizeof what, "status list: revoked[%zu]", i);
    if (!json_is_object(e))
        return ck_err(CK_ERR_FORMAT, "%s is not an object", what);
    json_object_foreach((json_t *)e, key, value)
    {
        if (strcmp(key, "serial") != 0 && strcmp(key, "reason") != 0 && strcmp(key, "note") != 0 &&
            strcmp(key, "time") != 0)
            return ck_err(CK_ERR_FORMAT, "%s: unknown member \"%.40s\"", what, key);
    }
    serial = json_object_get(e, "serial");
    reason = json_object_get(e, "reason");
    note = json_object_get(e, "note");
    if (!json_is_string(serial) || !serial_valid(json_string_value(serial)))
        return ck_err(CK_ERR_FORMAT, "%s: \"serial\" must be a certificate serial", what);
    if (!json_is_string(reason) || !reason_token_valid(json_string_value(reason)))
        return ck_err(CK_ERR_FORMAT, "%s: \"reason\" must be a reason code (a-z and _)", what);
    if (note != NULL && (!json_is_string(note) || json_string_length(note) > STATUS_NOTE_MAX ||
                         utf8_check(json_string_value(note), json_string_length(note), SIZE_MAX,
                                    true, NULL, NULL) != UTF8_OK))
        return ck_err(CK_ERR_FORMAT, "%s: \"note\" must be text of at most %d bytes", what,
                      STATUS_NOTE_MAX);
    if ((err = get_time(e, "time", what, &t)) != CK_OK)
        return err;
    return push_entry(l, json_string_value(serial), json_string_value(reason),
                      note ? json_string_value(note) : NULL, t);
}

static CkErr
push_kiosk(StatusList *l, const StatusKiosk *k)
{
    StatusKiosk *p = realloc(l->kiosks, (l->n_kiosks + 1) * sizeof *p), e = *k;

    if (p == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    l->kiosks = p;
    e.kiosk_id = strdup(k->kiosk_id);
    e.kid = strdup(k->kid);
    e.reason = strdup(k->reason);
    e.note = k->note ? strdup(k->note) : NULL;
    if (e.kiosk_id == NULL || e.kid == NULL || e.reason == NULL || (k->note && e.note == NULL)) {
        free((char *)e.kiosk_id);
        free((char *)e.kid);
        free((char *)e.reason);
        free((char *)e.note);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    l->kiosks[l->n_kiosks++] = e;
    return CK_OK;
}

static CkErr
parse_kiosk(StatusList *l, const json_t *e, size_t i)
{
    char what[64];
    StatusKiosk k = {0};
    const json_t *v;
    const char *key;
    CkErr err;

    snprintf(what, sizeof what, "status list: kiosks[%zu]", i);
    if (!json_is_object(e))
        return ck_err(CK_ERR_FORMAT, "%s is not an object", what);
    json_object_foreach((json_t *)e, key, v)
    {
        if (strcmp(key, "kiosk_id") != 0 && strcmp(key, "kid") != 0 && strcmp(key, "since") != 0 &&
            strcmp(key, "reason") != 0 && strcmp(key, "note") != 0 && strcmp(key, "time") != 0 &&
            strcmp(key, "log_size") != 0)
            return ck_err(CK_ERR_FORMAT, "%s: unknown member \"%.40s\"", what, key);
    }
    k.kiosk_id = json_string_value(json_object_get(e, "kiosk_id"));
    k.kid = json_string_value(json_object_get(e, "kid"));
    k.reason = json_string_value(json_object_get(e, "reason"));
    k.note = json_string_value(json_object_get(e, "note"));
    if (!trust_kiosk_id_valid(k.kiosk_id) || !kid_valid(k.kid))
        return ck_err(CK_ERR_FORMAT, "%s: \"kiosk_id\" and \"kid\" must be a kiosk ID and a key ID",
                      what);
    if (!reason_token_valid(k.reason))
        return ck_err(CK_ERR_FORMAT, "%s: \"reason\" must be a reason code (a-z and _)", what);
    if (json_object_get(e, "note") != NULL &&
        (k.note == NULL || strlen(k.note) > STATUS_NOTE_MAX ||
         utf8_check(k.note, strlen(k.note), SIZE_MAX, true, NULL, NULL) != UTF8_OK))
        return ck_err(CK_ERR_FORMAT, "%s: \"note\" must be text of at most %d bytes", what,
                      STATUS_NOTE_MAX);
    if ((err = get_time(e, "since", what, &k.since)) != CK_OK ||
        (err = get_time(e, "time", what, &k.time)) != CK_OK)
        return err;
    if ((v = json_object_get(e, "log_size")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return ck_err(CK_ERR_FORMAT, "%s: \"log_size\" must be a whole number", what);
        k.has_log_size = true;
        k.log_size = (uint64_t)json_integer_value(v);
    }
    if (status_kiosk_lookup(l, k.kid) != NULL)
        return ck_err(CK_ERR_FORMAT, "status list: kiosk key %s is listed twice", k.kid);
    return push_kiosk(l, &k);
}

/* Parses text into a list and keeps the Jws for verification. */
static CkErr
parse_full(const char *text, size_t len, StatusList **list_out, Jws **jws_out)
{
    StatusList *l = NULL;
    Jws *j = NULL;
    const json_t *p, *issuer, *version, *revoked;
    const char *key;
    const json_t *value;
    CkErr err;

    *list_out = NULL;
    *jws_out = NULL;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' ||
                       text[len - 1] == '\t'))
        len--;
    if ((err = jws_parse(text, len, JWS_PAYLOAD_JSON, &j)) != CK_OK)
        goto out;
    if (jws_check_typ(j, STATUS_TYP) != CK_OK) {
        err = ck_err(CK_ERR_FORMAT, "not a status list (header \"typ\" is not \"%s\")", STATUS_TYP);
        goto out;
    }
    if (!kid_valid(jws_kid(j))) {
        err = ck_err(CK_ERR_FORMAT, "status list: the header has no valid \"kid\"");
        goto out;
    }
    p = jws_payload(j);
    json_object_foreach((json_t *)p, key, value)
    {
        if (strcmp(key, "issuer") != 0 && strcmp(key, "version") != 0 &&
            strcmp(key, "issued") != 0 && strcmp(key, "revoked") != 0 &&
            strcmp(key, "kiosks") != 0) {
            err = ck_err(CK_ERR_FORMAT, "status list: unknown member \"%.40s\"", key);
            goto out;
        }
    }
    issuer = json_object_get(p, "issuer");
    if (!json_is_string(issuer) || strcmp(json_string_value(issuer), jws_kid(j)) != 0) {
        err = ck_err(CK_ERR_FORMAT, "status list: \"issuer\" must equal the header's kid");
        goto out;
    }
    if ((err = status_new(jws_kid(j), &l)) != CK_OK)
        goto out;
    version = json_object_get(p, "version");
    if (!json_is_integer(version) || json_integer_value(version) < 1) {
        err = ck_err(CK_ERR_FORMAT, "status list: \"version\" must be a whole number >= 1");
        goto out;
    }
    l->version = (uint64_t)json_integer_value(version);
    if ((err = get_time(p, "issued", "status list", &l->issued)) != CK_OK)
        goto out;
    revoked = json_object_get(p, "revoked");
    if (!json_is_array(revoked)) {
        err = ck_err(CK_ERR_FORMAT, "status list: \"revoked\" must be an array");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(revoked); i++)
        if ((err = parse_entry(l, json_array_get(revoked, i), i)) != CK_OK)
            goto out;
    if ((value = json_object_get(p, "kiosks")) != NULL) {
        if (!json_is_array(value)) {
            err = ck_err(CK_ERR_FORMAT, "status list: \"kiosks\" must be an array");
            goto out;
        }
        for (size_t i = 0; i < json_array_size(value); i++)
            if ((err = parse_kiosk(l, json_array_get(value, i), i)) != CK_OK)
                goto out;
    }
    if (l->n > 1)
        qsort(l->entries, l->n, sizeof *l->entries, cmp_entry);
    for (size_t i = 1; i < l->n; i++)
        if (strcmp(l->entries[i - 1].serial, l->entries[i].serial) == 0) {
            err = ck_err(CK_ERR_FORMAT, "status list: serial %s is listed twice",
                         l->entries[i].serial);
            goto out;
        }
    if ((l->jws = strndup(text, len)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
out:
    if (err != CK_OK) {
        status_free(l);
        jws_free(j);
        return err;
    }
    *list_out = l;
    *jws_out = j;
    return CK_OK;
}

CkErr
status_parse(const char *text, size_t len, StatusList **list_out)
{
    Jws *j;
    CkErr err = parse_full(text, len, list_out, &j);

    jws_free(j);
    return err;
}

CkErr
status_verify_with(const char *text, size_t len, const PublicKey *authority, StatusList **list_out)
{
    StatusList *l;
    Jws *j;
    CkErr err;

    *list_out = NULL;
    if ((err = parse_full(text, len, &l, &j)) != CK_OK)
        return err;
    if (strcmp(authority->kid, l->issuer) != 0)
        err = ck_err(CK_ERR_UNTRUSTED, "status list is signed by %s, not by authority %s",
                     l->issuer, authority->kid);
    else if ((err = jws_verify(j, authority)) != CK_OK)
        err = ck_err(CK_ERR_SIGNATURE,
                     "status list version %llu: the signature of authority %s does not verify",
                     (unsigned long long)l->version, l->issuer);
    jws_free(j);
    if (err != CK_OK) {
        status_free(l);
        return err;
    }
    *list_out = l;
    return CK_OK;
}

CkErr
status_verify(const char *text, size_t len, const Trust *trust, StatusList **list_out)
{
    StatusList *l;
    PublicKey pub;
    CkErr err;

    *list_out = NULL;
    if ((err = status_parse(text, len, &l)) != CK_OK)
        return err;
    err = trust_find_authority(trust, l->issuer, &pub);
    if (err != CK_OK)
        err = ck_err(CK_ERR_UNTRUSTED,
                     "status list signed by key %s, which is not a pinned authority of the "
                     "trust file",
                     l->issuer);
    status_free(l);
    if (err != CK_OK)
        return err;
    return status_verify_with(text, len, &pub, list_out);
}

CkErr
status_load(const char *path, const Trust *trust, StatusList **list_out)
{
    unsigned char *data;
    size_t len;
    CkErr err;

    *list_out = NULL;
    if ((err = fileio_read(path, STATUS_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    err = status_verify((const char *)data, len, trust, list_out);
    free(data);
    if (err != CK_OK) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s", ck_err_detail());
        return ck_err(err, "%s: %s", path, detail);
    }
    return CK_OK;
}

CkErr
status_add(StatusList *list, const char *serial, const char *reason, const char *note, int64_t time)
{
    CkErr err;

    if (!serial_valid(serial))
        return ck_err(CK_ERR_USAGE, "\"%.80s\" is not a certificate serial", serial);
    if (!status_reason_known(reason))
        return ck_err(CK_ERR_USAGE,
                      "unknown reason \"%.40s\" (misconduct, superseded, issued_in_error, "
                      "data_error or withdrawn)",
                      reason);
    if (note != NULL && (strlen(note) > STATUS_NOTE_MAX ||
                         utf8_check(note, strlen(note), SIZE_MAX, true, NULL, NULL) != UTF8_OK))
        return ck_err(CK_ERR_USAGE, "the note must be UTF-8 text of at most %d bytes",
                      STATUS_NOTE_MAX);
    if (status_lookup(list, serial) != NULL)
        return ck_err(CK_ERR_EXISTS, "%s is already revoked (version %llu of the list)", serial,
                      (unsigned long long)list->version);
    if ((err = push_entry(list, serial, reason, note, time)) != CK_OK)
        return err;
    qsort(list->entries, list->n, sizeof *list->entries, cmp_entry);
    free(list->jws);
    list->jws = NULL;
    return CK_OK;
}

static CkErr
kiosks_to_json(const StatusList *list, json_t *payload)
{
    json_t *arr = json_array();
    char since[CLOCK_RFC3339_LEN + 1], t[CLOCK_RFC3339_LEN + 1];

    if (arr == NULL || json_object_set_new(payload, "kiosks", arr) != 0)
        return CK_ERR_NOMEM;
    for (size_t i = 0; i < list->n_kiosks; i++) {
        const StatusKiosk *k = &list->kiosks[i];
        json_t *o;
        clock_format(k->since, since);
        clock_format(k->time, t);
        if ((o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kiosk_id", k->kiosk_id, "kid", k->kid,
                           "since", since, "reason", k->reason, "time", t)) == NULL ||
            json_array_append_new(arr, o) != 0 ||
            (k->note && json_object_set_new(o, "note", json_string(k->note)) != 0) ||
            (k->has_log_size &&
             json_object_set_new(o, "log_size", json_integer((json_int_t)k->log_size)) != 0))
            return CK_ERR_NOMEM;
    }
    return CK_OK;
}

CkErr
status_revoke_kiosk(StatusList *list, const char *kiosk_id, const char *kid, int64_t since,
                    const char *reason, const char *note, uint64_t log_size, int64_t time)
{
    StatusKiosk k = {kiosk_id, kid, since, reason, note, time, log_size != UINT64_MAX,
                     log_size != UINT64_MAX ? log_size : 0};
    CkErr err;

    if (!trust_kiosk_id_valid(kiosk_id) || !kid_valid(kid))
        return ck_err(CK_ERR_USAGE, "a kiosk ID and a key ID are needed");
    if (!status_kiosk_reason_known(reason))
        return ck_err(CK_ERR_USAGE,
                      "unknown reason \"%.40s\" (key_compromise, kiosk_lost, kiosk_retired or "
                      "superseded)",
                      reason);
    if (note != NULL && (strlen(note) > STATUS_NOTE_MAX ||
                         utf8_check(note, strlen(note), SIZE_MAX, true, NULL, NULL) != UTF8_OK))
        return ck_err(CK_ERR_USAGE, "the note must be UTF-8 text of at most %d bytes",
                      STATUS_NOTE_MAX);
    if (status_kiosk_lookup(list, kid) != NULL)
        return ck_err(CK_ERR_EXISTS, "kiosk key %s is already revoked", kid);
    if ((err = push_kiosk(list, &k)) != CK_OK)
        return err;
    free(list->jws);
    list->jws = NULL;
    return CK_OK;
}

const StatusKiosk *
status_kiosk_lookup(const StatusList *list, const char *kid)
{
    for (size_t i = 0; kid != NULL && i < list->n_kiosks; i++)
        if (strcmp(list->kiosks[i].kid, kid) == 0)
            return &list->kiosks[i];
    return NULL;
}

size_t
status_kiosk_count(const StatusList *list)
{
    return list->n_kiosks;
}

const StatusKiosk *
status_kiosk_entry(const StatusList *list, size_t i)
{
    return i < list->n_kiosks ? &list->kiosks[i] : NULL;
}

CkErr
status_kiosk_check(void *ctx, const CertReport *r, int64_t now, char *detail, size_t detail_len)
{
    const StatusList *list = ctx;
    const StatusKiosk *k = status_kiosk_lookup(list, r->kid);
    char since[CLOCK_RFC3339_LEN + 1];

    (void)now;
    detail[0] = '\0';
    if (k == NULL)
        return CK_OK;
    clock_format(k->since, since);
    if (r->logged && k->has_log_size) {
        if (r->log_index < k->log_size) {
            snprintf(detail, detail_len,
                     "kiosk key %s revoked since %s (%s), but this certificate is entry %llu of "
                     "the log witnessed before then (%llu entries)",
                     k->kid, since, k->reason, (unsigned long long)r->log_index,
                     (unsigned long long)k->log_size);
            return CK_OK;
        }
        snprintf(detail, detail_len,
                 "kiosk key %s revoked since %s (%s): this certificate is entry %llu, beyond the "
                 "%llu entries witnessed before then",
                 k->kid, since, k->reason, (unsigned long long)r->log_index,
                 (unsigned long long)k->log_size);
        return CK_ERR_REVOKED;
    }
    if (r->valid_from >= k->since) {
        snprintf(detail, detail_len,
                 "kiosk key %s revoked since %s (%s): this certificate was issued after", k->kid,
                 since, k->reason);
        return CK_ERR_REVOKED;
    }
    snprintf(detail, detail_len,
             "kiosk key %s revoked since %s (%s); issued before then %s", k->kid, since, k->reason,
             r->logged ? "and in the witnessed log"
                       : "as the certificate says (verify --registry proves it from the log)");
    return CK_OK;
}

CkErr
status_sign(StatusList *list, const SecretKey *authority, int64_t issued)
{
    PublicKey pub;
    json_t *payload = NULL, *revoked = NULL;
    char t[CLOCK_RFC3339_LEN + 1];
    char *jws = NULL;
    CkErr err = CK_OK;

    key_public(authority, &pub);
    if (key_kind(authority) != KEY_KIND_AUTHORITY || strcmp(pub.kid, list->issuer) != 0)
        return ck_err(CK_ERR_KEY,
                      "the list of authority %s must be signed by that authority "
                      "key, not by %s",
                      list->issuer, pub.kid);
    if ((revoked = json_array()) == NULL)
        goto nomem;
    for (size_t i = 0; i < list->n; i++) {
        const StatusEntry *e = &list->entries[i];
        json_t *o = json_object();
        clock_format(e->time, t);
        if (o == NULL || json_array_append_new(revoked, o) != 0 ||
            json_object_set_new(o, "serial", json_string(e->serial)) != 0 ||
            json_object_set_new(o, "reason", json_string(e->reason)) != 0 ||
            (e->note && json_object_set_new(o, "note", json_string(e->note)) != 0) ||
            json_object_set_new(o, "time", json_string(t)) != 0)
            goto nomem;
    }
    clock_format(issued, t);
    if ((payload = json_object()) == NULL ||
        (list->n_kiosks > 0 && kiosks_to_json(list, payload) != CK_OK) ||
        json_object_set_new(payload, "issuer", json_string(list->issuer)) != 0 ||
        json_object_set_new(payload, "version", json_integer((json_int_t)(list->version + 1))) !=
            0 ||
        json_object_set_new(payload, "issued", json_string(t)) != 0 ||
        json_object_set(payload, "revoked", revoked) != 0)
        goto nomem;
    if ((err = jws_sign_json(authority, STATUS_TYP, list->issuer, payload, &jws)) != CK_OK)
        goto out;
    free(list->jws);
    list->jws = jws;
    list->version++;
    list->issued = issued;
    goto out;
nomem:
    err = ck_err(CK_ERR_NOMEM, "out of memory");
out:
    json_decref(payload);
    json_decref(revoked);
    return err;
}

const char *
status_jws(const StatusList *list)
{
    return list->jws;
}

const char *
status_issuer(const StatusList *list)
{
    return list->issuer;
}

uint64_t
status_version(const StatusList *list)
{
    return list->version;
}

int64_t
status_issued(const StatusList *list)
{
    return list->issued;
}

size_t
status_count(const StatusList *list)
{
    return list->n;
}

const StatusEntry *
status_entry(const StatusList *list, size_t i)
{
    return i < list->n ? &list->entries[i] : NULL;
}

const StatusEntry *
status_lookup(const StatusList *list, const char *serial)
{
    StatusEntry key = {.serial = serial};

    if (list == NULL || list->n == 0 || serial == NULL)
        return NULL;
    return bsearch(&key, list->entries, list->n, sizeof *list->entries, cmp_entry);
}

CkErr
status_check_newer(const StatusList *held, const StatusList *incoming)
{
    if (held == NULL)
        return CK_OK;
    if (strcmp(held->issuer, incoming->issuer) != 0)
        return ck_err(CK_ERR_USAGE, "status lists of different authorities (%s, %s)", held->issuer,
                      incoming->issuer);
    if (incoming->version < held->version)
        return ck_err(CK_ERR_ROLLBACK,
                      "status list version %llu of authority %s is older than version %llu "
                      "already held; refusing to go back",
                      (unsigned long long)incoming->version, incoming->issuer,
                      (unsigned long long)held->version);
    if (incoming->version == held->version &&
        (held->jws == NULL || incoming->jws == NULL || strcmp(held->jws, incoming->jws) != 0))
        return ck_err(CK_ERR_TAMPERED,
                      "two different status lists of authority %s both claim version %llu",
                      incoming->issuer, (unsigned long long)incoming->version);
    return CK_OK;
}

CkErr
status_remember(const char *dir, const StatusList *list, const Trust *trust)
{
    char name[32 + KEY_ID_LEN];
    char *path = NULL, *text = NULL;
    StatusList *held = NULL;
    CkErr err = CK_OK;

    if (list->jws == NULL)
        return ck_err(CK_ERR_USAGE, "an unsigned status list cannot be remembered");
    snprintf(name, sizeof name, "status-%s.jws", list->issuer);
    if ((path = fileio_join(dir, name)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* The folder decides which list is "newest seen": it must be ours alone. */
    if ((err = fileio_private_dir(dir, "status folder", true)) != CK_OK)
        goto out;
    if (fileio_exists(path)) {
        if ((err = status_load(path, trust, &held)) != CK_OK)
            goto out;
        if ((err = status_check_newer(held, list)) != CK_OK)
            goto out;
        if (held->version == list->version)
            goto out;
    }
    if (asprintf(&text, "%s\n", list->jws) < 0) {
        text = NULL;
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    err = fileio_write_atomic(path, text, strlen(text), 0600, false);
out:
    status_free(held);
    free(text);
    free(path);
    return err;
}

void
status_age(int64_t issued, int64_t now, char *buf, size_t size)
{
    int64_t d = now - issued;

    if (d < 0)
        snprintf(buf, size, "issued in the future (check the clock)");
    else if (d >= 2 * 86400)
        snprintf(buf, size, "%lld days old", (long long)(d / 86400));
    else if (d >= 2 * 3600)
        snprintf(buf, size, "%lld hours old", (long long)(d / 3600));
    else
        snprintf(buf, size, "%lld minutes old", (long long)(d / 60));
}

CkErr
status_cert_check(void *ctx, const char *serial, const char *kiosk_id, int64_t now, char *detail,
                  size_t detail_len)
{
    const StatusList *list = ctx;
    const StatusEntry *e = status_lookup(list, serial);
    char age[64], when[CLOCK_RFC3339_LEN + 1];

    (void)kiosk_id;
    status_age(list->issued, now, age, sizeof age);
    if (e == NULL) {
        snprintf(detail, detail_len, "not revoked (status list version %llu, %s)",
                 (unsigned long long)list->version, age);
        return CK_OK;
    }
    clock_format(e->time, when);
    snprintf(detail, detail_len, "revoked on %.10s: %s%s%s (status list version %llu, %s)", when,
             e->reason, e->note ? " - " : "", e->note ? e->note : "",
             (unsigned long long)list->version, age);
    return CK_ERR_REVOKED;
}
