/* cli_logproof: proving a certificate is in a log the registry witnessed. */
#include "cli_logproof.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "merkle.h"

/* What was found out about one kiosk's witnessed log, once. */
typedef struct Witnessed {
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    CkErr err;          /* CK_OK: the checkpoint and the entries agree */
    char why[200];      /* when err != CK_OK */
    uint64_t size;
    char kid[KEY_ID_LEN + 1];
} Witnessed;

struct CliLogProof {
    Registry *reg;
    const Trust *trust;
    pthread_mutex_t mu; /* one registry connection for every worker */
    Witnessed *kiosks;
    size_t n;
};

CkErr
cli_logproof_new(Registry *reg, const Trust *trust, CliLogProof **out)
{
    CliLogProof *lp = calloc(1, sizeof *lp);

    *out = NULL;
    if (lp == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    lp->reg = reg;
    lp->trust = trust;
    pthread_mutex_init(&lp->mu, NULL);
    *out = lp;
    return CK_OK;
}

void
cli_logproof_free(CliLogProof *lp)
{
    if (lp == NULL)
        return;
    pthread_mutex_destroy(&lp->mu);
    free(lp->kiosks);
    free(lp);
}

/* Checks the registry's witnessed checkpoint of kiosk_id against its key and
 * its entries (called with the lock held). */
static void
witness_check(CliLogProof *lp, Witnessed *w)
{
    RegistryKiosk rk = {0};
    unsigned char(*leaves)[MERKLE_HASH_LEN] = NULL, root[MERKLE_HASH_LEN];
    uint64_t n = 0;
    PublicKey pub;
    Checkpoint cp;
    CkErr err;

    if ((err = registry_get_kiosk(lp->reg, w->kiosk_id, &rk)) != CK_OK) {
        w->err = err == CK_ERR_NOT_FOUND ? CK_ERR_NOT_FOUND : err;
        snprintf(w->why, sizeof w->why, "the registry never witnessed kiosk %s", w->kiosk_id);
        goto out;
    }
    w->size = rk.size;
    memcpy(w->kid, rk.kid, sizeof w->kid);
    if ((err = trust_lookup(lp->trust, rk.kid, KEY_KIND_KIOSK, &pub)) != CK_OK ||
        (err = checkpoint_verify(rk.checkpoint, strlen(rk.checkpoint), &pub, NULL, &cp)) !=
            CK_OK) {
        w->err = CK_ERR_UNTRUSTED;
        snprintf(w->why, sizeof w->why,
                 "the registry's witnessed checkpoint of kiosk %s does not verify with its key: %s",
                 w->kiosk_id, ck_err_detail());
        goto out;
    }
    if ((err = registry_get_leaves(lp->reg, w->kiosk_id, &leaves, &n)) != CK_OK) {
        w->err = err;
        snprintf(w->why, sizeof w->why,
                 "the registry keeps no entries of kiosk %s (import its export again)",
                 w->kiosk_id);
        goto out;
    }
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, n, root);
    if (cp.size != rk.size || n != rk.size || memcmp(cp.root, rk.root, MERKLE_HASH_LEN) != 0 ||
        memcmp(root, cp.root, MERKLE_HASH_LEN) != 0) {
        w->err = CK_ERR_TAMPERED;
        snprintf(w->why, sizeof w->why,
                 "the registry's copy of kiosk %s's log (%" PRIu64
                 " entries) is not the log its witnessed checkpoint describes (%" PRIu64 ")",
                 w->kiosk_id, n, cp.size);
        goto out;
    }
    w->err = CK_OK;
out:
    free(leaves);
    free(rk.checkpoint);
}

/* The witnessed state of kiosk_id, checked once (lock held). NULL: no memory. */
static const Witnessed *
witnessed(CliLogProof *lp, const char *kiosk_id)
{
    Witnessed *grown;

    for (size_t i = 0; i < lp->n; i++)
        if (strcmp(lp->kiosks[i].kiosk_id, kiosk_id) == 0)
            return &lp->kiosks[i];
    if ((grown = realloc(lp->kiosks, (lp->n + 1) * sizeof *grown)) == NULL)
        return NULL;
    lp->kiosks = grown;
    memset(&grown[lp->n], 0, sizeof *grown);
    snprintf(grown[lp->n].kiosk_id, sizeof grown[lp->n].kiosk_id, "%s", kiosk_id);
    witness_check(lp, &grown[lp->n]);
    return &lp->kiosks[lp->n++];
}

CkErr
cli_logproof_check(void *ctx, const char *jws, size_t len, CertReport *r, char *detail,
                   size_t detail_len)
{
    CliLogProof *lp = ctx;
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    const char *dash = strrchr(r->serial, '-');
    char *held = NULL;
    uint64_t index = 0;
    const Witnessed *w;
    CkErr err;

    r->logged = false;
    pthread_mutex_lock(&lp->mu);
    err = registry_find_serial(lp->reg, r->serial, kiosk_id, &index, &held);
    if (err != CK_OK) {
        snprintf(detail, detail_len, "certificate %s is in no log the registry witnessed",
                 r->serial);
        err = err == CK_ERR_NOT_FOUND ? CK_ERR_UNTRUSTED : err;
        goto out;
    }
    /* The serial is "<kiosk_id>-<log index>": the log must hold it there. */
    if (strcmp(kiosk_id, r->kiosk_id) != 0 || dash == NULL ||
        strtoull(dash + 1, NULL, 10) != index) {
        snprintf(detail, detail_len,
                 "the registry holds %s as entry %" PRIu64 " of kiosk %s, not where its serial "
                 "says",
                 r->serial, index, kiosk_id);
        err = CK_ERR_TAMPERED;
        goto out;
    }
    if (strcspn(held, "~") != len || memcmp(held, jws, len) != 0) {
        snprintf(detail, detail_len,
                 "entry %" PRIu64 " of kiosk %s's witnessed log is another certificate with the "
                 "same serial: this one was never logged",
                 index, kiosk_id);
        err = CK_ERR_TAMPERED;
        goto out;
    }
    if ((w = witnessed(lp, kiosk_id)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        snprintf(detail, detail_len, "out of memory");
        goto out;
    }
    if (w->err != CK_OK) {
        snprintf(detail, detail_len, "%s", w->why);
        err = w->err;
        goto out;
    }
    if (index >= w->size) {
        snprintf(detail, detail_len,
                 "entry %" PRIu64 " is beyond the %" PRIu64 " entries of kiosk %s's witnessed log",
                 index, w->size, kiosk_id);
        err = CK_ERR_TAMPERED;
        goto out;
    }
    r->logged = true;
    r->log_index = index;
    r->witnessed_size = w->size;
    snprintf(detail, detail_len,
             "entry %" PRIu64 " of kiosk %s's log, witnessed at %" PRIu64
             " entries (checkpoint signed by key %s)",
             index, kiosk_id, w->size, w->kid);
out:
    pthread_mutex_unlock(&lp->mu);
    free(held);
    return err;
}
