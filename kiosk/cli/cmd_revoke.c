/* cmd_revoke: `certctl revoke` — the next signed version of an authority's status list. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_registry.h"
#include "cli_trust.h"
#include "cmd_kiosk.h"
#include "clock.h"
#include "commands.h"
#include "fileio.h"
#include "registry.h"
#include "status.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl revoke SERIAL --reason CODE [--note TEXT] --authority DIR\n"
          "                      [--status FILE] [--registry DIR] [--passphrase-file FILE]\n\n"
          "Revokes a certificate: reads the authority's current status list (FILE, default\n"
          "DIR/status.jws; a new list if there is none), adds SERIAL, signs the next version\n"
          "with the authority key and writes FILE atomically. The new list is also stored in\n"
          "the registry (default $CERTKIOSK_STATE_DIR/registry), which refuses to go back to\n"
          "an older one. Give FILE to verifiers: `certctl verify --status FILE`.\n\n"
          "reason codes:\n"
          "  misconduct       the holder breached the code of conduct\n"
          "  superseded       replaced by a newer certificate\n"
          "  issued_in_error  should never have been issued (wrong person, kiosk misuse)\n"
          "  data_error       issued with wrong personal data\n"
          "  withdrawn        withdrawn for another administrative reason (give --note)\n\n"
          "exit status: 0 revoked, 1 a list was refused (older, forged), 2 usage or I/O error\n",
          f);
}

/* What the next list adds: one certificate, or one kiosk key. */
typedef struct RevokeWhat {
    const char *serial;   /* a certificate, or NULL */
    const char *kiosk_id; /* a kiosk key (with kid), or NULL */
    const char *kid;      /* --kid, or NULL: the key the registry witnessed */
    int64_t since;
    const char *reason, *note;
} RevokeWhat;

/* Reads the authority's current list, adds what, signs the next version, writes it and stores
 * it in the registry. */
static int
revoke_run(const char *auth_dir, const char *status_flag, const char *reg_flag,
           const char *pass_file, const RevokeWhat *what)
{
    char *status_path = NULL, *text = NULL, kid[KEY_ID_LEN + 1] = "";
    SecretKey *sk = NULL;
    PublicKey pub;
    StatusList *list = NULL, **held = NULL;
    size_t n_held = 0;
    Registry *reg = NULL;
    RegistryKiosk rk = {0};
    uint64_t log_size = UINT64_MAX;
    int64_t now = clock_now();
    int rc = CLI_OK;
    CkErr err;

    status_path = status_flag ? strdup(status_flag) : fileio_join(auth_dir, "status.jws");
    if (status_path == NULL) {
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = cli_trust_authority_public(auth_dir, &pub, NULL)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* The current list: must be this authority's own, correctly signed. */
    if (fileio_exists(status_path)) {
        unsigned char *data;
        size_t len;
        if ((err = fileio_read(status_path, STATUS_FILE_MAX, &data, &len)) != CK_OK) {
            rc = cli_fail(err);
            goto out;
        }
        err = status_verify_with((const char *)data, len, &pub, &list);
        free(data);
        if (err != CK_OK) {
            char d[400];
            snprintf(d, sizeof d, "%s", ck_err_detail());
            rc = cli_fail(ck_err(err, "%s: %s", status_path, d));
            goto out;
        }
    } else if ((err = status_new(pub.kid, &list)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    /* Never build on a list older than the one the registry holds. */
    if ((err = cli_registry_open(reg_flag, true, &reg)) != CK_OK ||
        (err = registry_status_lists(reg, &held, &n_held)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    for (size_t i = 0; i < n_held; i++)
        if (strcmp(status_issuer(held[i]), pub.kid) == 0 &&
            status_version(held[i]) > status_version(list)) {
            rc = cli_fail(ck_err(CK_ERR_ROLLBACK,
                                 "%s is version %llu, but the registry holds version %llu of "
                                 "this authority's list: refusing to build on an older list",
                                 status_path, (unsigned long long)status_version(list),
                                 (unsigned long long)status_version(held[i])));
            goto out;
        }
    if (what->serial != NULL)
        err = status_add(list, what->serial, what->reason, what->note, now);
    else {
        /* The key, and how much of its log the registry had witnessed: when the
         * revocation takes effect now, every entry witnessed so far came before it. */
        err = registry_get_kiosk(reg, what->kiosk_id, &rk);
        if (err == CK_OK) {
            if (what->kid != NULL && strcmp(what->kid, rk.kid) != 0) {
                rc = cli_fail(ck_err(CK_ERR_USAGE,
                                     "the registry witnessed kiosk %s with key %s, not %s",
                                     what->kiosk_id, rk.kid, what->kid));
                goto out;
            }
            snprintf(kid, sizeof kid, "%s", rk.kid);
            if (what->since >= now - 300)
                log_size = rk.size;
        } else if (err == CK_ERR_NOT_FOUND && what->kid != NULL) {
            snprintf(kid, sizeof kid, "%s", what->kid);
        } else {
            rc = cli_fail(err == CK_ERR_NOT_FOUND
                              ? ck_err(CK_ERR_USAGE,
                                       "the registry never witnessed kiosk %s: give --kid KEY_ID",
                                       what->kiosk_id)
                              : err);
            goto out;
        }
        ck_err_clear();
        err = status_revoke_kiosk(list, what->kiosk_id, kid, what->since, what->reason,
                                  what->note, log_size, now);
    }
    if (err != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if ((err = cli_trust_authority_unlock(auth_dir, pass_file, &sk, &pub, NULL)) != CK_OK ||
        (err = status_sign(list, sk, now)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (asprintf(&text, "%s\n", status_jws(list)) < 0) {
        text = NULL;
        rc = cli_fail(ck_err(CK_ERR_NOMEM, "out of memory"));
        goto out;
    }
    if ((err = fileio_write_atomic(status_path, text, strlen(text), 0600, false)) != CK_OK ||
        (err = registry_set_status(reg, list, NULL)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (what->serial != NULL) {
        printf("revoked %s (%s); %s is now version %llu with %zu revoked certificate%s\n",
               what->serial, what->reason, status_path, (unsigned long long)status_version(list),
               status_count(list), status_count(list) == 1 ? "" : "s");
    } else {
        char since[CLOCK_RFC3339_LEN + 1];
        clock_format(what->since, since);
        printf("revoked kiosk key %s of %s from %s on (%s); %s is now version %llu\n", kid,
               what->kiosk_id, since, what->reason, status_path,
               (unsigned long long)status_version(list));
        if (log_size != UINT64_MAX)
            printf("  its %llu entries the registry witnessed stay valid; certificates beyond "
                   "them fail\n",
                   (unsigned long long)log_size);
        else
            printf("  certificates issued before %s stay valid; after, they fail\n", since);
    }
out:
    free(rk.checkpoint);
    registry_status_free(held, n_held);
    registry_close(reg);
    status_free(list);
    key_destroy(sk);
    free(text);
    free(status_path);
    return rc;
}

int
cmd_revoke(int argc, char **argv)
{
    const char *reason = NULL, *note = NULL, *auth_dir = NULL, *status_flag = NULL,
               *reg_flag = NULL, *pass_file = NULL, *serial;
    int opt;
    const CliOption opts[] = {{"reason", .value = &reason},
                              {"note", .value = &note},
                              {"authority", .value = &auth_dir},
                              {"status", .value = &status_flag},
                              {"registry", .value = &reg_flag},
                              {"passphrase-file", .value = &pass_file},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (optind + 1 != argc || reason == NULL || auth_dir == NULL) {
        usage(stderr);
        return cli_usage_error("revoke needs one SERIAL, --reason CODE and --authority DIR");
    }
    serial = argv[optind];
    if (!status_reason_known(reason))
        return cli_usage_error("unknown reason \"%s\" (misconduct, superseded, issued_in_error, "
                               "data_error or withdrawn)",
                               reason);
    return revoke_run(auth_dir, status_flag, reg_flag, pass_file,
                      &(RevokeWhat){serial, NULL, NULL, 0, reason, note});
}

int
kiosk_revoke(int argc, char **argv)
{
    RevokeWhat what = {0};
    const char *auth_dir = NULL, *status_flag = NULL, *reg_flag = NULL, *pass_file = NULL,
               *since = NULL;
    int opt;
    const CliOption opts[] = {{"authority", .value = &auth_dir},
                              {"kiosk-id", .value = &what.kiosk_id},
                              {"kid", .value = &what.kid},
                              {"since", .value = &since},
                              {"reason", .value = &what.reason},
                              {"note", .value = &what.note},
                              {"status", .value = &status_flag},
                              {"registry", .value = &reg_flag},
                              {"passphrase-file", .value = &pass_file},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, kiosk_usage)) != CLI_NEXT)
        return opt;
    if (optind != argc || auth_dir == NULL || what.kiosk_id == NULL || since == NULL ||
        what.reason == NULL)
        return cli_usage_error("kiosk revoke needs --authority DIR, --kiosk-id ID, --since TIME "
                               "and --reason CODE");
    if (!trust_kiosk_id_valid(what.kiosk_id))
        return cli_usage_error("invalid kiosk ID \"%.80s\"", what.kiosk_id);
    if (strcmp(since, "now") == 0)
        what.since = clock_now();
    else if (clock_parse(since, &what.since) != CK_OK)
        return cli_usage_error("--since must be an RFC 3339 time (2026-12-01T08:00:00Z) or now");
    if (!status_kiosk_reason_known(what.reason))
        return cli_usage_error("unknown reason \"%s\" (key_compromise, kiosk_lost, kiosk_retired "
                               "or superseded)",
                               what.reason);
    return revoke_run(auth_dir, status_flag, reg_flag, pass_file, &what);
}
