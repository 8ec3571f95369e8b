/* issue: the one path from claims to a committed, logged certificate. */
#include "issue.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* A new entry body {"type", "time": now} with fields merged in. */
static json_t *
entry_body(const char *type, const json_t *fields)
{
    char now[CLOCK_RFC3339_LEN + 1];
    json_t *body;

    clock_format(clock_now(), now);
    if ((body = json_object()) == NULL)
        return NULL;
    if (fields != NULL && json_object_update(body, (json_t *)fields) != 0)
        goto fail;
    if (json_object_set_new(body, "type", json_string(type)) != 0 ||
        json_object_set_new(body, "time", json_string(now)) != 0)
        goto fail;
    return body;
fail:
    json_decref(body);
    return NULL;
}

/* Certificates carry personal data: wipe before freeing. */
static void
wipe_free(char *s)
{
    if (s != NULL) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

void
issue_result_clear(IssueResult *out)
{
    wipe_free(out->jws);
    memset(out, 0, sizeof *out);
}

CkErr
issue_certificate(Store *st, const IssueKiosk *kiosk, CertClaims *claims, const json_t *extra,
                  IssueResult *out)
{
    char serial[CERT_SERIAL_MAX + 1];
    json_t *body = NULL;
    uint64_t next, idx;
    char *jws = NULL;
    CkErr err;

    memset(out, 0, sizeof *out);
    if (kiosk->trust != NULL) {
        PublicKey pub;
        key_public(kiosk->key, &pub);
        /* Only a bound is enforced here: a key not (yet) endorsed still
         * logs what it signs, and verify judges the endorsement. */
        err = trust_kiosk_allows(kiosk->trust, pub.kid, claims->valid_from, claims->valid_until,
                                 claims->nation);
        if (err == CK_ERR_REFUSED)
            return err;
        ck_err_clear();
    }
    if ((err = store_begin(st, &next)) != CK_OK)
        return err;
    claims->log_index = (int64_t)next;
    cert_serial(kiosk->kiosk_id, (int64_t)next, serial);
    if ((err = cert_sign(claims, kiosk->key, kiosk->kiosk_id, kiosk->operator_name, serial,
                         &jws)) != CK_OK)
        goto fail;
    body = entry_body(claims->method == CERT_METHOD_PAPER ? "cert.paper" : "cert.issued", extra);
    if (body == NULL || json_object_set_new(body, "serial", json_string(serial)) != 0 ||
        json_object_set_new(body, "jws", json_string(jws)) != 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory issuing %s", serial);
        goto fail;
    }
    if ((err = store_append(st, body, &idx)) != CK_OK)
        goto fail;
    if (idx != next) {
        err = ck_err(CK_ERR_INTERNAL, "%s: appended at %llu, not %llu", serial,
                     (unsigned long long)idx, (unsigned long long)next);
        goto fail;
    }
    if ((err = store_commit(st, kiosk->key, kiosk->origin)) != CK_OK)
        goto fail_committed;
    memcpy(out->serial, serial, sizeof serial);
    out->log_index = idx;
    out->valid_until = claims->valid_until;
    out->jws = jws;
    json_decref(body);
    return CK_OK;
fail:
    store_abort(st);
fail_committed:
    json_decref(body);
    wipe_free(jws);
    return err;
}

CkErr
issue_event(Store *st, const IssueKiosk *kiosk, const char *type, const json_t *fields,
            uint64_t *index_out)
{
    json_t *body = entry_body(type, fields);
    uint64_t next, idx;
    CkErr err;

    if (body == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory logging %s", type);
    if ((err = store_begin(st, &next)) != CK_OK)
        goto out;
    if ((err = store_append(st, body, &idx)) != CK_OK) {
        store_abort(st);
        goto out;
    }
    if ((err = store_commit(st, kiosk->key, kiosk->origin)) != CK_OK)
        goto out;
    if (index_out != NULL)
        *index_out = idx;
out:
    json_decref(body);
    return err;
}
