/* checkpoint: C2SP tlog-checkpoint notes, written and read byte for byte as the spec says. */
#include "checkpoint.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

/* The signature line prefix: U+2014 EM DASH and a space. */
#define SIG_PREFIX "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4
/* The C2SP signature type of Ed25519 keys. */
#define SIG_TYPE_ED25519 0x01
#define KEYID_LEN 4

typedef struct NoteSig {
    const char *name;
    size_t name_len;
    unsigned char *blob; /* keyid || signature; free() */
    size_t blob_len;
} NoteSig;

typedef struct Note {
    Checkpoint cp;
    size_t body_len; /* the signed text: note[0, body_len) */
    NoteSig sig[CHECKPOINT_SIGS_MAX];
    size_t nsig;
} Note;

static void
note_clear(Note *n)
{
    for (size_t i = 0; i < n->nsig; i++)
        free(n->sig[i].blob);
    n->nsig = 0;
}

/* Key names and origins: printable ASCII without space or '+'. */
static bool
name_valid(const char *s, size_t len)
{
    if (len == 0 || len > CHECKPOINT_ORIGIN_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '+')
            return false;
    return true;
}

void
checkpoint_key_id(const char *name, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                  unsigned char id[KEYID_LEN])
{
    const unsigned char sep[2] = {0x0a, SIG_TYPE_ED25519};
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_update(&st, sep, sizeof sep);
    crypto_hash_sha256_update(&st, pk, crypto_sign_PUBLICKEYBYTES);
    crypto_hash_sha256_final(&st, h);
    memcpy(id, h, KEYID_LEN);
}

CkErr
checkpoint_sign(const SecretKey *sk, const char *origin, uint64_t size,
                const unsigned char root[MERKLE_HASH_LEN], char **note_out)
{
    unsigned char blob[KEYID_LEN + crypto_sign_BYTES];
    char *root64 = NULL, *sig64 = NULL, *body = NULL, *note = NULL;
    PublicKey pub;
    CkErr err = CK_OK;
    int n;

    *note_out = NULL;
    if (origin == NULL || !name_valid(origin, strlen(origin)))
        return ck_err(CK_ERR_USAGE,
                      "checkpoint origin \"%s\" is empty, too long or has a space, "
                      "'+' or control character",
                      origin ? origin : "");
    if ((root64 = codec_b64_encode(root, MERKLE_HASH_LEN)) == NULL)
        goto nomem;
    if (asprintf(&body, "%s\n%" PRIu64 "\n%s\n", origin, size, root64) < 0) {
        body = NULL;
        goto nomem;
    }
    key_public(sk, &pub);
    checkpoint_key_id(origin, pub.pk, blob);
    key_sign(sk, (const unsigned char *)body, strlen(body), blob + KEYID_LEN);
    if ((sig64 = codec_b64_encode(blob, sizeof blob)) == NULL)
        goto nomem;
    if ((n = asprintf(&note, "%s\n" SIG_PREFIX "%s %s\n", body, origin, sig64)) < 0) {
        note = NULL;
        goto nomem;
    }
    *note_out = note;
    goto out;
nomem:
    err = ck_err(CK_ERR_NOMEM, "out of memory signing a checkpoint");
out:
    free(root64);
    free(sig64);
    free(body);
    return err;
}

/* Standard base64 that decodes and re-encodes to the very same text, so a
 * note has exactly one spelling. *bin_out: free(). */
static CkErr
b64_canonical(const char *s, size_t len, unsigned char **bin_out, size_t *len_out)
{
    char *again;
    CkErr err;

    if ((err = codec_b64_decode(s, len, bin_out, len_out)) != CK_OK)
        return err;
    again = codec_b64_encode(*bin_out, *len_out);
    if (again == NULL || strlen(again) != len || memcmp(again, s, len) != 0) {
        free(again);
        free(*bin_out);
        *bin_out = NULL;
        return CK_ERR_FORMAT;
    }
    free(again);
    return CK_OK;
}

static CkErr
parse_size(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
        return CK_ERR_FORMAT;
    for (size_t i = 0; i < len; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return CK_ERR_FORMAT;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return CK_ERR_FORMAT;
        v = v * 10 + d;
    }
    *out = v;
    return CK_OK;
}

/* Splits and checks a note; on success n holds the checkpoint and its signature lines. */
static CkErr
note_parse(const char *text, size_t len, Note *n)
{
    const char *p = text, *end = text + len, *line[3], *nl;
    size_t line_len[3];
    unsigned char *root = NULL;
    size_t root_len;

    memset(n, 0, sizeof *n);
    if (text == NULL)
        return ck_err(CK_ERR_FORMAT, "checkpoint: no note");
    if (len > CHECKPOINT_NOTE_MAX)
        return ck_err(CK_ERR_TOO_LARGE, "checkpoint: note of %zu bytes exceeds %d", len,
                      CHECKPOINT_NOTE_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return ck_err(CK_ERR_FORMAT, "checkpoint: control character at byte %zu", i);
    }
    if (len == 0 || text[len - 1] != '\n')
        return ck_err(CK_ERR_FORMAT, "checkpoint: the note does not end with a newline");
    for (int i = 0; i < 3; i++) {
        if (p >= end || (nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
            return ck_err(CK_ERR_FORMAT, "checkpoint: line %d is missing", i + 1);
        line[i] = p;
        line_len[i] = (size_t)(nl - p);
        p = nl + 1;
    }
    if (!name_valid(line[0], line_len[0]))
        return ck_err(CK_ERR_FORMAT, "checkpoint: line 1: the origin is empty, too long or has "
                                     "a space, '+' or non-ASCII character");
    memcpy(n->cp.origin, line[0], line_len[0]);
    n->cp.origin[line_len[0]] = '\0';
    if (parse_size(line[1], line_len[1], &n->cp.size) != CK_OK)
        return ck_err(CK_ERR_FORMAT, "checkpoint: line 2: the tree size is not a decimal number "
                                     "without leading zeros");
    if (b64_canonical(line[2], line_len[2], &root, &root_len) != CK_OK || root_len != 32) {
        free(root);
        return ck_err(CK_ERR_FORMAT, "checkpoint: line 3: the root is not base64 of 32 bytes");
    }
    memcpy(n->cp.root, root, MERKLE_HASH_LEN);
    free(root);
    if (p >= end || *p != '\n')
        return ck_err(CK_ERR_FORMAT, "checkpoint: line 4: expected the blank line before the "
                                     "signatures (extension lines are not accepted)");
    n->body_len = (size_t)(p - text);
    p++;
    for (int lineno = 5; p < end; lineno++) {
        const char *sp, *b64;
        NoteSig *s;

        nl = memchr(p, '\n', (size_t)(end - p));
        if (n->nsig == CHECKPOINT_SIGS_MAX) {
            note_clear(n);
            return ck_err(CK_ERR_FORMAT, "checkpoint: more than %d signatures",
                          CHECKPOINT_SIGS_MAX);
        }
        if ((size_t)(nl - p) < SIG_PREFIX_LEN || memcmp(p, SIG_PREFIX, SIG_PREFIX_LEN) != 0 ||
            (sp = memchr(p + SIG_PREFIX_LEN, ' ', (size_t)(nl - p - SIG_PREFIX_LEN))) == NULL) {
            note_clear(n);
            return ck_err(CK_ERR_FORMAT,
                          "checkpoint: line %d is not a signature line "
                          "\"— name signature\"",
                          lineno);
        }
        s = &n->sig[n->nsig];
        s->name = p + SIG_PREFIX_LEN;
        s->name_len = (size_t)(sp - s->name);
        b64 = sp + 1;
        if (!name_valid(s->name, s->name_len) ||
            b64_canonical(b64, (size_t)(nl - b64), &s->blob, &s->blob_len) != CK_OK ||
            s->blob_len < KEYID_LEN + 1) {
            free(s->blob);
            s->blob = NULL;
            note_clear(n);
            return ck_err(CK_ERR_FORMAT, "checkpoint: line %d: bad key name or signature", lineno);
        }
        n->nsig++;
        p = nl + 1;
    }
    if (n->nsig == 0)
        return ck_err(CK_ERR_FORMAT, "checkpoint: the note has no signature line");
    return CK_OK;
}

CkErr
checkpoint_parse(const char *note, size_t len, Checkpoint *cp_out)
{
    Note n;
    CkErr err;

    if ((err = note_parse(note, len, &n)) != CK_OK)
        return err;
    *cp_out = n.cp;
    note_clear(&n);
    return CK_OK;
}

CkErr
checkpoint_verify(const char *note, size_t len, const PublicKey *pub, const char *origin,
                  Checkpoint *cp_out)
{
    unsigned char id[KEYID_LEN];
    bool found = false;
    Note n;
    CkErr err;

    if ((err = note_parse(note, len, &n)) != CK_OK)
        return err;
    if (origin != NULL && strcmp(origin, n.cp.origin) != 0) {
        err = ck_err(CK_ERR_UNTRUSTED, "checkpoint: origin \"%s\" is not the expected \"%s\"",
                     n.cp.origin, origin);
        goto out;
    }
    checkpoint_key_id(n.cp.origin, pub->pk, id);
    for (size_t i = 0; i < n.nsig; i++) {
        const NoteSig *s = &n.sig[i];
        if (s->name_len != strlen(n.cp.origin) || memcmp(s->name, n.cp.origin, s->name_len) != 0 ||
            memcmp(s->blob, id, KEYID_LEN) != 0)
            continue; /* another key's signature: a cosigner, not ours to judge */
        if (s->blob_len != KEYID_LEN + crypto_sign_BYTES ||
            key_verify(pub, (const unsigned char *)note, n.body_len, s->blob + KEYID_LEN) !=
                CK_OK) {
            err = ck_err(CK_ERR_SIGNATURE,
                         "checkpoint for size %" PRIu64 ": the signature of key %s does not verify",
                         n.cp.size, pub->kid);
            goto out;
        }
        found = true;
    }
    if (!found) {
        err = ck_err(CK_ERR_SIGNATURE, "checkpoint for size %" PRIu64 ": not signed by key %s",
                     n.cp.size, pub->kid);
        goto out;
    }
    *cp_out = n.cp;
out:
    note_clear(&n);
    return err;
}
