/* cmd_audit: `certctl audit` — check a kiosk's log from its entries up, and witness it. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "codec.h"
#include "commands.h"
#include "home.h"
#include "store.h"
#include "trust.h"

static const char audit_usage[] =
    "usage: certctl audit --home HOME [--state-dir DIR] [--json]\n"
    "       certctl audit --store FILE --kiosk-key KIOSK.jwk [--state-dir DIR] [--json]\n"
    "\n"
    "Checks a kiosk's log without trusting any stored hash: every entry's leaf is\n"
    "recomputed from its body, every certificate's signature checked with the kiosk key,\n"
    "the Merkle tree rebuilt and every signed checkpoint compared with it. The first entry\n"
    "at fault is named by index and serial.\n"
    "\n"
    "As a witness, certctl remembers the latest checkpoint of each kiosk in\n"
    "DIR/witness/<kiosk_id>.json (DIR: --state-dir, else $CERTKIOSK_STATE_DIR, else\n"
    "$XDG_STATE_HOME/certkiosk, else ~/.local/state/certkiosk) and demands next time that\n"
    "the log extends it: a log cut and continued, rewritten, or replaced by an older copy\n"
    "is caught even when its own signatures are all valid. --no-witness skips this.\n"
    "\n"
    "exit status: 0 the log is sound, 1 tampered or rolled back, 2 usage or input/output error\n";

static void
usage(FILE *f)
{
    fputs(audit_usage, f);
}

static void
print_json(const AuditReport *r, const AuditWitness *w, bool witnessed, CkErr err)
{
    json_t *o = json_object();
    char *root = NULL;

    json_object_set_new(o, "result",
                        json_string(err == CK_OK             ? "ok"
                                    : err == CK_ERR_TAMPERED ? "tampered"
                                    : err == CK_ERR_ROLLBACK ? "rollback"
                                                             : "error"));
    if (err != CK_OK)
        json_object_set_new(o, "message", json_string(ck_err_detail()));
    json_object_set_new(o, "entries", json_integer((json_int_t)r->entries));
    json_object_set_new(o, "certificates", json_integer((json_int_t)r->certificates));
    json_object_set_new(o, "checkpoints", json_integer((json_int_t)r->checkpoints));
    if (r->has_latest) {
        root = codec_b64_encode(r->latest.root, MERKLE_HASH_LEN);
        json_object_set_new(o, "checkpoint",
                            json_pack("{s:s, s:I, s:s}", "origin", r->latest.origin, "size",
                                      (json_int_t)r->latest.size, "root", root ? root : ""));
    }
    if (r->faulty)
        json_object_set_new(o, "fault",
                            json_pack("{s:I, s:s?}", "index", (json_int_t)r->fault_index, "serial",
                                      r->fault_serial[0] ? r->fault_serial : NULL));
    if (witnessed)
        json_object_set_new(o, "witness",
                            json_pack("{s:b, s:I, s:I}", "first_visit", w->first_visit, "old_size",
                                      (json_int_t)w->old_size, "new_size",
                                      (json_int_t)w->new_size));
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    free(root);
    json_decref(o);
}

int
cmd_audit(int argc, char **argv)
{
    const char *home = NULL, *store_arg = NULL, *key_arg = NULL, *state_arg = NULL;
    char *state_dir = NULL, kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    const char *origin = NULL;
    bool json = false, no_witness = false, witnessed = false;
    AuditReport r = {0};
    AuditWitness w = {0};
    json_t *jwk = NULL;
    KioskHome kh;
    PublicKey pub;
    Store *st = NULL;
    CkErr err;
    int opt, rc;
    const CliOption opts[] = {{"home", .value = &home},
                              {"store", .value = &store_arg},
                              {"kiosk-key", .value = &key_arg},
                              {"state-dir", .value = &state_arg},
                              {"no-witness", .flag = &no_witness},
                              {"json", .flag = &json},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind != argc)
        return cli_usage_error("audit: unexpected argument \"%s\"", argv[optind]);
    if ((home != NULL) == (store_arg != NULL || key_arg != NULL) ||
        (home == NULL && (store_arg == NULL || key_arg == NULL)))
        return cli_usage_error("audit: give --home HOME, or --store FILE and --kiosk-key JWK");

    kiosk_id[0] = '\0';
    if (home != NULL) {
        if ((err = home_read(home, &kh)) != CK_OK)
            goto out;
        snprintf(kiosk_id, sizeof kiosk_id, "%s", kh.kiosk_id);
        origin = kh.origin;
        if ((err = home_load_public(home, &pub, &jwk)) != CK_OK ||
            (err = home_open_store(home, false, &st)) != CK_OK)
            goto out;
    } else {
        const char *id;
        if ((err = trust_jwk_load(key_arg, KEY_KIND_KIOSK, &pub, &jwk)) != CK_OK)
            goto out;
        id = json_string_value(json_object_get(jwk, "kiosk_id"));
        if (id == NULL || !trust_kiosk_id_valid(id)) {
            err = ck_err(CK_ERR_FORMAT, "%s: the kiosk JWK has no valid \"kiosk_id\"", key_arg);
            goto out;
        }
        snprintf(kiosk_id, sizeof kiosk_id, "%s", id);
        if ((err = store_open(store_arg, false, &st)) != CK_OK)
            goto out;
    }
    if ((err = audit_store(st, &pub, kiosk_id, origin, &r)) != CK_OK)
        goto out;
    if (!no_witness) {
        if (state_arg != NULL)
            state_dir = strdup(state_arg);
        else if ((err = cli_state_dir(&state_dir)) != CK_OK)
            goto out;
        if (state_dir == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
        witnessed = true;
        err = audit_witness(state_dir, kiosk_id, &pub, r.latest_note,
                            (const unsigned char(*)[MERKLE_HASH_LEN])r.leaves, r.entries, &w);
    }
out:
    if (json && (st != NULL || err == CK_OK)) {
        print_json(&r, &w, witnessed && err == CK_OK, err);
        rc = err == CK_OK ? CLI_OK : cli_err_is_invalid(err) ? CLI_INVALID : CLI_USAGE;
    } else if (err != CK_OK) {
        rc = cli_fail(err);
    } else {
        printf("audit ok: kiosk %s, %" PRIu64 " entries, %" PRIu64 " certificates, %" PRIu64
               " checkpoints checked\n",
               kiosk_id, r.entries, r.certificates, r.checkpoints);
        if (witnessed && w.first_visit)
            printf("witness: first audit of %s; remembered its checkpoint of %" PRIu64 " entries\n",
                   kiosk_id, w.new_size);
        else if (witnessed)
            printf("witness: consistent with the checkpoint of %" PRIu64
                   " entries seen on %s; now %" PRIu64 "\n",
                   w.old_size, w.old_seen, w.new_size);
        rc = CLI_OK;
    }
    audit_report_clear(&r);
    store_close(st);
    json_decref(jwk);
    free(state_dir);
    return rc;
}
