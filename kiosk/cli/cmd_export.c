/* cmd_export: `certctl export` — a kiosk's whole log, its certificates and keys in one file.
 */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "home.h"
#include "store.h"
#include "trust.h"

/* The export file (format "certkiosk-export/2", JSON Lines), read by `certctl import`:
 *   line 1: {"format":"certkiosk-export/2", "kiosk_id", "origin", "operator"?,
 *            "exported":RFC3339,
 *            "kiosk_jwk":{public JWK with "kiosk_id" and, when endorsed,
 *                         "endorsements":[JWS, ...] (every endorsement the kiosk's trust
 *                         file holds for its key, so certificates issued under an earlier
 *                         window still verify)},
 *            "endorsement"?:<compact JWS, the latest (HOME/endorsement.jws), for older
 *                            importers>,
 *            "checkpoint":<the latest signed checkpoint note>, "size":n}
 *   lines 2 .. n+1: every log entry in index order, the exact canonical JSON the
 *            kiosk stored and hashed (so a line is its Merkle leaf's input).
 * The whole log goes with it, so the importer can recompute every leaf and the
 * tree and check them against the checkpoint, and act as a witness. One entry
 * per line lets the importer's workers parse the entries in parallel; format 1
 * (one JSON document whose "log" held every entry as a string and whose
 * "certificates" repeated every certificate) had to be parsed whole, on one
 * thread, first — a third of an import of 100,000 — and was twice the size. */
#define EXPORT_FORMAT "certkiosk-export/2"

static const char export_usage[] =
    "usage: certctl export --home HOME --out FILE\n"
    "\n"
    "Audits the log of the kiosk at HOME and writes, atomically, one file (JSON Lines) with\n"
    "the latest signed checkpoint, the kiosk's public JWK and its endorsements on the first\n"
    "line, then every log entry (and so every certificate), one per line: what an\n"
    "administrator's registry imports (certctl import). A log that fails the audit is not\n"
    "exported. FILE holds personal data (in the certificates):\n"
    "it is written with mode 0600.\n"
    "\n"
    "exit status: 0 ok, 1 the log failed its audit, 2 usage or input/output error\n";

static void
usage(FILE *f)
{
    fputs(export_usage, f);
}

typedef struct ExportCtx {
    FILE *out;     /* the entries, one per line */
    uint64_t size; /* the audited checkpoint's: later entries (a running kiosk) left out */
    size_t certs;
} ExportCtx;

static CkErr
export_entry(const StoreEntry *e, void *vctx)
{
    ExportCtx *ctx = vctx;

    if (e->index >= ctx->size)
        return CK_OK;
    /* Canonical JSON escapes every control character: a line break would be a
     * damaged store that the audit missed, and would split the entry. */
    if (memchr(e->body, '\n', e->body_len) != NULL)
        return ck_err(CK_ERR_TAMPERED, "entry %" PRIu64 " holds a line break: not canonical JSON",
                      e->index);
    if (fwrite(e->body, 1, e->body_len, ctx->out) != e->body_len || putc('\n', ctx->out) == EOF)
        return ck_err(CK_ERR_NOMEM, "out of memory writing the export");
    ctx->certs += e->nation != NULL; /* the entry carries a certificate */
    return CK_OK;
}

int
cmd_export(int argc, char **argv)
{
    const char *home = NULL, *out_path = NULL;
    char *end_path = NULL, *text = NULL, *header = NULL;
    size_t text_len = 0;
    char now[CLOCK_RFC3339_LEN + 1];
    unsigned char *endorsement = NULL;
    size_t end_len;
    ExportCtx ctx = {NULL, 0, 0};
    AuditReport r = {0};
    json_t *jwk = NULL, *doc = NULL, *listed = NULL, *list = NULL;
    Trust *trust = NULL;
    KioskHome kh;
    PublicKey pub;
    Store *st = NULL;
    CkErr err;
    int opt, rc;
    const CliOption opts[] = {{"home", .value = &home}, {"out", .value = &out_path}, {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (home == NULL || out_path == NULL || optind != argc)
        return cli_usage_error("export: --home HOME and --out FILE are required");
    if ((err = home_read(home, &kh)) != CK_OK)
        goto out;
    end_path = home_file(home, HOME_ENDORSEMENT);
    if (end_path == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = home_load_public(home, &pub, &jwk)) != CK_OK ||
        (err = home_load_trust(home, &trust)) != CK_OK)
        goto out;
    /* Every endorsement of the key: the trust file's list, and the latest. */
    listed = trust_key_jwk(trust, pub.kid);
    if ((list = json_deep_copy(json_object_get(listed, "endorsements"))) == NULL &&
        (list = json_array()) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    err = fileio_read(end_path, 64 * 1024, &endorsement, &end_len);
    if (err == CK_ERR_NOT_FOUND) {
        err = CK_OK;
    } else if (err != CK_OK) {
        goto out;
    } else {
        bool have = false;
        while (end_len > 0 &&
               (endorsement[end_len - 1] == '\n' || endorsement[end_len - 1] == '\r'))
            endorsement[--end_len] = '\0';
        for (size_t i = 0; i < json_array_size(list) && !have; i++)
            have =
                strcmp(json_string_value(json_array_get(list, i)), (const char *)endorsement) == 0;
        if (!have)
            json_array_append_new(list, json_string((const char *)endorsement));
    }
    if (json_array_size(list) == 0)
        fprintf(stderr,
                "certctl export: warning: %s is not endorsed yet (no %s); a registry "
                "will not import it until it is\n",
                kh.kiosk_id, HOME_ENDORSEMENT);
    else
        json_object_set(jwk, "endorsements", list);
    json_object_del(jwk, "endorsement");
    if (endorsement == NULL && json_array_size(list) > 0 &&
        (endorsement = (unsigned char *)strdup(
             json_string_value(json_array_get(list, json_array_size(list) - 1)))) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = home_open_store(home, false, &st)) != CK_OK ||
        (err = audit_store(st, &pub, kh.kiosk_id, kh.origin, &r)) != CK_OK)
        goto out;
    if (!r.has_latest) {
        err = ck_err(CK_ERR_NOT_FOUND, "%s: the log is empty: nothing to export", store_path(st));
        goto out;
    }
    clock_format(clock_now(), now);
    doc = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:O, s:s?, s:s, s:I}", "format", EXPORT_FORMAT,
                    "kiosk_id", kh.kiosk_id, "origin", kh.origin, "operator",
                    kh.operator_name[0] ? kh.operator_name : NULL, "exported", now, "kiosk_jwk",
                    jwk, "endorsement", (const char *)endorsement, "checkpoint", r.latest_note,
                    "size", (json_int_t)r.latest.size);
    ctx.size = r.latest.size;
    if (doc == NULL || (header = json_dumps(doc, JSON_COMPACT)) == NULL ||
        (ctx.out = open_memstream(&text, &text_len)) == NULL ||
        fprintf(ctx.out, "%s\n", header) < 0) {
        err = ck_err(CK_ERR_NOMEM, "out of memory writing the export");
        goto out;
    }
    if ((err = store_foreach(st, 0, NULL, export_entry, &ctx)) != CK_OK)
        goto out;
    if (fclose(ctx.out) != 0) {
        ctx.out = NULL;
        err = ck_err(CK_ERR_NOMEM, "out of memory writing the export");
        goto out;
    }
    ctx.out = NULL;
    if ((err = fileio_write_atomic(out_path, text, text_len, 0600, false)) != CK_OK)
        goto out;
    fprintf(stderr,
            "exported %s: %zu certificate(s), %" PRIu64 " log entries, checkpoint of %" PRIu64
            " to %s\n",
            kh.kiosk_id, ctx.certs, r.latest.size, r.latest.size, out_path);
out:
    rc = err == CK_OK ? CLI_OK : cli_fail(err);
    audit_report_clear(&r);
    store_close(st);
    json_decref(doc);
    json_decref(jwk);
    json_decref(listed);
    json_decref(list);
    trust_free(trust);
    if (ctx.out != NULL)
        fclose(ctx.out);
    free(endorsement);
    if (text != NULL)
        sodium_memzero(text, text_len); /* names and service numbers */
    free(text);
    free(header);
    free(end_path);
    return rc;
}
