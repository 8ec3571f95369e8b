/* keys: Ed25519 key pairs in guarded memory, key IDs, and minisign-like key files. */
#include "keys.h"

#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fileio.h"
#include "utf8.h"

/* A key file is two lines of text:
 *
 *     certkiosk-secret-key/1 <kind>
 *     <standard base64 of the blob>
 *
 * The blob starts with a magic, a kind byte and an encryption byte:
 *
 *     plain:     "CKSK" kind 0x00 sk[64] check[32]
 *     encrypted: "CKSK" kind 0x01 salt[16] opslimit[8 LE] memlimit[8 LE] nonce[24]
 *                secretbox(kind || sk[64])
 *
 * check is BLAKE2b-256 of everything before it, so a damaged plain key is
 * refused rather than used. An encrypted key seals its kind inside the box:
 * altering the header (kind, salt, limits, nonce) only makes the box fail to
 * open, and the kind outside must agree with the kind inside. */

/* The handle holds what is public; the secret bytes live in their own
 * sodium_malloc region (guard pages, mlock), kept PROT_NONE except inside
 * key_open() .. key_close(): a stray read, an over-read of a neighbouring
 * buffer or a core dump of the running kiosk meets no readable key. */
struct SecretKey {
    KeyKind kind;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char *sk; /* crypto_sign_SECRETKEYBYTES, sodium_malloc, noaccess when closed */
};

/* One lock for every key: two threads signing with the same key must not
 * close it under each other. Signing is rare (one certificate, one
 * checkpoint), so one lock costs nothing. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

/* Makes sk's secret readable (writable too when write is set) until key_close(). */
static unsigned char *
key_open(const SecretKey *sk, bool write)
{
    pthread_mutex_lock(&key_lock);
    if (write)
        sodium_mprotect_readwrite(sk->sk);
    else
        sodium_mprotect_readonly(sk->sk);
    return sk->sk;
}

static void
key_close(const SecretKey *sk)
{
    sodium_mprotect_noaccess(sk->sk);
    pthread_mutex_unlock(&key_lock);
}

const void *
key_guarded_bytes(const SecretKey *sk)
{
    return sk->sk;
}

#define KEY_MAGIC "CKSK"
#define KEY_MAGIC_LEN 4
#define KEY_HEAD_LEN (KEY_MAGIC_LEN + 2)
#define KEY_PLAIN_LEN (KEY_HEAD_LEN + crypto_sign_SECRETKEYBYTES + 32)
#define KEY_BOX_PLAIN_LEN (1 + crypto_sign_SECRETKEYBYTES)
#define KEY_ENC_LEN                                                                                \
    (KEY_HEAD_LEN + crypto_pwhash_SALTBYTES + 8 + 8 + crypto_secretbox_NONCEBYTES +                \
     crypto_secretbox_MACBYTES + KEY_BOX_PLAIN_LEN)
#define KEY_FILE_MAX 1024

const char *
key_kind_name(KeyKind kind)
{
    switch (kind) {
    case KEY_KIND_AUTHORITY:
        return "authority";
    case KEY_KIND_KIOSK:
        return "kiosk";
    case KEY_KIND_PUBLISHER:
        return "publisher";
    }
    return "unknown";
}

static bool
kind_valid(int kind)
{
    return kind == KEY_KIND_AUTHORITY || kind == KEY_KIND_KIOSK || kind == KEY_KIND_PUBLISHER;
}

static SecretKey *
key_alloc(KeyKind kind)
{
    SecretKey *sk = calloc(1, sizeof *sk);

    if (sk == NULL)
        return NULL;
    if ((sk->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL) {
        free(sk);
        return NULL;
    }
    sk->kind = kind;
    sodium_mprotect_noaccess(sk->sk);
    return sk;
}

/* Sets the secret of sk (and its public half) from 64 bytes. */
static void
key_fill(SecretKey *sk, const unsigned char src[crypto_sign_SECRETKEYBYTES])
{
    unsigned char *k = key_open(sk, true);

    memcpy(k, src, crypto_sign_SECRETKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(sk->pk, k);
    key_close(sk);
}

/* A new key pair: from seed, or random when seed is NULL. */
static CkErr
key_new(KeyKind kind, const unsigned char *seed, SecretKey **sk_out)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    SecretKey *sk;

    *sk_out = NULL;
    if (!kind_valid((int)kind))
        return ck_err(CK_ERR_USAGE, "unknown key kind %d", (int)kind);
    if ((sk = key_alloc(kind)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory for a secret key");
    {
        unsigned char *k = key_open(sk, true);
        if (seed != NULL)
            crypto_sign_seed_keypair(pk, k, seed);
        else
            crypto_sign_keypair(pk, k);
        key_close(sk);
    }
    memcpy(sk->pk, pk, sizeof pk);
    *sk_out = sk;
    return CK_OK;
}

CkErr
key_generate(KeyKind kind, SecretKey **sk_out)
{
    return key_new(kind, NULL, sk_out);
}

CkErr
key_from_seed(KeyKind kind, const unsigned char seed[crypto_sign_SEEDBYTES], SecretKey **sk_out)
{
    return key_new(kind, seed, sk_out);
}

void
key_destroy(SecretKey *sk)
{
    if (sk == NULL)
        return;
    sodium_free(sk->sk); /* makes it writable, zeroes it, unmaps it */
    sodium_memzero(sk, sizeof *sk);
    free(sk);
}

KeyKind
key_kind(const SecretKey *sk)
{
    return sk->kind;
}

void
key_public(const SecretKey *sk, PublicKey *pub_out)
{
    memcpy(pub_out->pk, sk->pk, crypto_sign_PUBLICKEYBYTES);
    key_id(pub_out->pk, pub_out->kid);
}

void
key_sign(const SecretKey *sk, const unsigned char *msg, size_t len,
         unsigned char sig[crypto_sign_BYTES])
{
    crypto_sign_detached(sig, NULL, msg, len, key_open(sk, false));
    key_close(sk);
}

CkErr
key_verify(const PublicKey *pub, const unsigned char *msg, size_t len,
           const unsigned char sig[crypto_sign_BYTES])
{
    /* libsodium >= 1.0.16 also refuses non-canonical S and small-order R. */
    if (crypto_sign_verify_detached(sig, msg, len, pub->pk) != 0)
        return ck_err(CK_ERR_SIGNATURE, "signature does not verify with key %s", pub->kid);
    return CK_OK;
}

CkErr
key_public_from_bytes(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], PublicKey *pub_out)
{
    /* is_valid_point refuses non-canonical encodings, points of small order
     * (including the identity) and points outside the main subgroup. */
    if (crypto_core_ed25519_is_valid_point(pk) != 1)
        return ck_err(CK_ERR_KEY, "public key is not a canonical Ed25519 point of full order");
    memcpy(pub_out->pk, pk, crypto_sign_PUBLICKEYBYTES);
    key_id(pk, pub_out->kid);
    return CK_OK;
}

void
key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char kid[KEY_ID_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
    codec_hex_encode(h, KEY_ID_LEN / 2, kid);
}

bool
key_public_equal(const PublicKey *a, const PublicKey *b)
{
    return sodium_memcmp(a->pk, b->pk, crypto_sign_PUBLICKEYBYTES) == 0;
}

/* ---- key files ---- */

static void
store_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
load_u64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* Writes the two-line text form of blob into a new sodium_malloc buffer. */
static CkErr
file_write(const char *path, KeyKind kind, const unsigned char *blob, size_t blob_len)
{
    char head[64];
    size_t head_len, b64_len = sodium_base64_encoded_len(blob_len, sodium_base64_VARIANT_ORIGINAL);
    char *text;
    CkErr err;

    head_len =
        (size_t)snprintf(head, sizeof head, "certkiosk-secret-key/1 %s\n", key_kind_name(kind));
    if ((text = sodium_malloc(head_len + b64_len + 1)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(text, head, head_len);
    sodium_bin2base64(text + head_len, b64_len, blob, blob_len, sodium_base64_VARIANT_ORIGINAL);
    text[head_len + b64_len - 1] = '\n';
    err = fileio_write_atomic(path, text, head_len + b64_len, 0600, true);
    sodium_free(text);
    return err;
}

/* Reads path (mode 0600 or stricter) and decodes its blob into sodium_malloc
 * memory. Checks the first line names the expected kind. */
static CkErr
file_read(const char *path, KeyKind kind, unsigned char **blob_out, size_t *blob_len_out)
{
    unsigned char *text = NULL, *blob = NULL;
    size_t text_len, blob_len = 0, line_len, b64_len;
    char expect[64];
    const char *b64, *end = NULL, *nl;
    CkErr err;

    *blob_out = NULL;
    *blob_len_out = 0;
    if ((err = fileio_read_secret(path, KEY_FILE_MAX, &text, &text_len)) != CK_OK)
        return err;
    snprintf(expect, sizeof expect, "certkiosk-secret-key/1 %s\n", key_kind_name(kind));
    if (text_len < 23 || memcmp(text, "certkiosk-secret-key/1 ", 23) != 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a certkiosk secret key file", path);
        goto out;
    }
    line_len = strlen(expect);
    if (text_len < line_len || memcmp(text, expect, line_len) != 0) {
        nl = memchr(text, '\n', text_len);
        err = ck_err(CK_ERR_KEY, "%s: holds a %.*s key, not a %s key", path,
                     nl ? (int)((const char *)nl - (const char *)text - 23) : 0,
                     (const char *)text + 23, key_kind_name(kind));
        goto out;
    }
    b64 = (const char *)text + line_len;
    b64_len = text_len - line_len;
    while (b64_len > 0 && (b64[b64_len - 1] == '\n' || b64[b64_len - 1] == '\r'))
        b64_len--;
    if ((blob = sodium_malloc(KEY_FILE_MAX)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (sodium_base642bin(blob, KEY_FILE_MAX, b64, b64_len, NULL, &blob_len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + b64_len) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (bad base64)", path);
        goto out;
    }
    if (blob_len < KEY_HEAD_LEN || memcmp(blob, KEY_MAGIC, KEY_MAGIC_LEN) != 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (bad magic)", path);
        goto out;
    }
    if (blob[KEY_MAGIC_LEN] != (unsigned char)kind) {
        err = ck_err(CK_ERR_KEY, "%s: holds a key of another kind, not a %s key", path,
                     key_kind_name(kind));
        goto out;
    }
    *blob_out = blob;
    *blob_len_out = blob_len;
    blob = NULL;
out:
    if (blob != NULL)
        sodium_free(blob);
    if (text != NULL)
        sodium_free(text);
    return err;
}

CkErr
key_save_plain(const SecretKey *sk, const char *path)
{
    unsigned char *blob = sodium_malloc(KEY_PLAIN_LEN);
    CkErr err;

    if (blob == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    memcpy(blob, KEY_MAGIC, KEY_MAGIC_LEN);
    blob[KEY_MAGIC_LEN] = (unsigned char)sk->kind;
    blob[KEY_MAGIC_LEN + 1] = 0;
    memcpy(blob + KEY_HEAD_LEN, key_open(sk, false), crypto_sign_SECRETKEYBYTES);
    key_close(sk);
    crypto_generichash(blob + KEY_HEAD_LEN + crypto_sign_SECRETKEYBYTES, 32, blob,
                       KEY_HEAD_LEN + crypto_sign_SECRETKEYBYTES, NULL, 0);
    err = file_write(path, sk->kind, blob, KEY_PLAIN_LEN);
    sodium_free(blob);
    return err;
}

/* A loaded secret key must be the secret of its own embedded public key. */
static CkErr
check_pair(const SecretKey *sk, const char *path)
{
    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char *full = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    CkErr err = CK_OK;

    if (full == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    crypto_sign_ed25519_sk_to_seed(seed, key_open(sk, false));
    crypto_sign_seed_keypair(pk, full, seed);
    if (sodium_memcmp(full, sk->sk, crypto_sign_SECRETKEYBYTES) != 0)
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (public half does not match)", path);
    key_close(sk);
    sodium_memzero(seed, sizeof seed);
    sodium_free(full);
    return err;
}

CkErr
key_load_plain(const char *path, KeyKind kind, SecretKey **sk_out)
{
    unsigned char *blob = NULL, check[32];
    size_t blob_len;
    SecretKey *sk = NULL;
    CkErr err;

    *sk_out = NULL;
    if ((err = file_read(path, kind, &blob, &blob_len)) != CK_OK)
        return err;
    if (blob[KEY_MAGIC_LEN + 1] != 0) {
        err = ck_err(CK_ERR_USAGE, "%s: the key is encrypted; a passphrase is needed", path);
        goto out;
    }
    if (blob_len != KEY_PLAIN_LEN) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (length %zu)", path, blob_len);
        goto out;
    }
    crypto_generichash(check, sizeof check, blob, KEY_HEAD_LEN + crypto_sign_SECRETKEYBYTES, NULL,
                       0);
    if (sodium_memcmp(check, blob + KEY_HEAD_LEN + crypto_sign_SECRETKEYBYTES, 32) != 0) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (checksum mismatch)", path);
        goto out;
    }
    if ((sk = key_alloc(kind)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    key_fill(sk, blob + KEY_HEAD_LEN);
    if ((err = check_pair(sk, path)) != CK_OK)
        goto out;
    *sk_out = sk;
    sk = NULL;
out:
    key_destroy(sk);
    sodium_free(blob);
    return err;
}

/* True if the folder path would be written in lies under the system's
 * temporary folder (/tmp, or $TMPDIR): where tests make their keys. */
static bool
in_temp_folder(const char *path)
{
    const char *roots[2] = {"/tmp", getenv("TMPDIR")};
    char *copy = strdup(path), *dir, *real = NULL;
    bool inside = false;

    if (copy == NULL)
        return false;
    dir = dirname(copy);
    if ((real = realpath(dir, NULL)) == NULL)
        goto out;
    for (size_t i = 0; i < 2 && !inside; i++) {
        char *root = roots[i] && *roots[i] ? realpath(roots[i], NULL) : NULL;
        size_t n = root ? strlen(root) : 0;
        inside = root != NULL && n > 1 && strncmp(real, root, n) == 0 && real[n] == '/';
        free(root);
    }
out:
    free(real);
    free(copy);
    return inside;
}

bool
key_test_kdf(const char *path)
{
#ifdef CK_TEST_FAST_KDF
    const char *fast = getenv("CERTKIOSK_TEST_FAST_KDF");

    return fast != NULL && strcmp(fast, "1") == 0 && path != NULL && in_temp_folder(path);
#else
    (void)path;
    return false;
#endif
}

void
key_kdf_limits(KeyKdfUse use, const char *path, unsigned long long *ops, size_t *mem)
{
    if (key_test_kdf(path)) {
        *ops = crypto_pwhash_OPSLIMIT_MIN;
        *mem = crypto_pwhash_MEMLIMIT_MIN;
    } else if (use == KEY_KDF_PIN) {
        *ops = KEY_PIN_OPSLIMIT;
        *mem = KEY_PIN_MEMLIMIT;
    } else {
        *ops = crypto_pwhash_OPSLIMIT_MODERATE;
        *mem = crypto_pwhash_MEMLIMIT_MODERATE;
    }
}

bool
key_pin_hash_strong(const char *hash, const char *path)
{
    unsigned long long ops, m_kib, t, p;
    size_t mem;
    int used = 0;

    key_kdf_limits(KEY_KDF_PIN, path, &ops, &mem);
    if (hash == NULL ||
        sscanf(hash, "$argon2id$v=19$m=%llu,t=%llu,p=%llu$%n", &m_kib, &t, &p, &used) != 3 ||
        used == 0)
        return false;
    return t >= ops && m_kib * 1024 >= mem;
}

static CkErr
derive(unsigned char *key, const char *pass, size_t pass_len, const unsigned char *salt,
       unsigned long long ops, size_t mem)
{
    if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, pass, pass_len, salt, ops, mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ck_err(CK_ERR_NOMEM, "not enough memory for the passphrase hash (%zu MiB)",
                      mem >> 20);
    return CK_OK;
}

CkErr
key_save_encrypted(const SecretKey *sk, const char *path, const char *pass, size_t pass_len)
{
    unsigned char *blob = sodium_malloc(KEY_ENC_LEN);
    unsigned char *plain = sodium_malloc(KEY_BOX_PLAIN_LEN);
    unsigned char *key = sodium_malloc(crypto_secretbox_KEYBYTES);
    unsigned char *p, *salt, *nonce;
    unsigned long long ops;
    size_t mem, chars = utf8_count_chars(pass, pass_len);
    CkErr err;

    if (blob == NULL || plain == NULL || key == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (chars < KEY_PASSPHRASE_MIN) {
        err = ck_err(CK_ERR_USAGE,
                     "the passphrase has %zu characters; a %s key needs at least %d (a few "
                     "unrelated words are easy to type and hard to guess)",
                     chars, key_kind_name(sk->kind), KEY_PASSPHRASE_MIN);
        goto out;
    }
    key_kdf_limits(KEY_KDF_PASSPHRASE, path, &ops, &mem);
    memcpy(blob, KEY_MAGIC, KEY_MAGIC_LEN);
    blob[KEY_MAGIC_LEN] = (unsigned char)sk->kind;
    blob[KEY_MAGIC_LEN + 1] = 1;
    p = blob + KEY_HEAD_LEN;
    salt = p;
    randombytes_buf(salt, crypto_pwhash_SALTBYTES);
    p += crypto_pwhash_SALTBYTES;
    store_u64(p, ops);
    store_u64(p + 8, (uint64_t)mem);
    p += 16;
    nonce = p;
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    p += crypto_secretbox_NONCEBYTES;
    if ((err = derive(key, pass, pass_len, salt, ops, mem)) != CK_OK)
        goto out;
    plain[0] = (unsigned char)sk->kind;
    memcpy(plain + 1, key_open(sk, false), crypto_sign_SECRETKEYBYTES);
    key_close(sk);
    crypto_secretbox_easy(p, plain, KEY_BOX_PLAIN_LEN, nonce, key);
    err = file_write(path, sk->kind, blob, KEY_ENC_LEN);
out:
    sodium_free(key);
    sodium_free(plain);
    sodium_free(blob);
    return err;
}

CkErr
key_load_encrypted(const char *path, KeyKind kind, const char *pass, size_t pass_len,
                   SecretKey **sk_out)
{
    unsigned char *blob = NULL, *plain = NULL, *key = NULL;
    const unsigned char *p, *salt, *nonce;
    size_t blob_len;
    unsigned long long ops;
    uint64_t mem;
    SecretKey *sk = NULL;
    CkErr err;

    *sk_out = NULL;
    if ((err = file_read(path, kind, &blob, &blob_len)) != CK_OK)
        return err;
    if (blob[KEY_MAGIC_LEN + 1] != 1) {
        err = ck_err(CK_ERR_FORMAT, "%s: the key is not encrypted, but a %s key must be", path,
                     key_kind_name(kind));
        goto out;
    }
    if (blob_len != KEY_ENC_LEN) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (length %zu)", path, blob_len);
        goto out;
    }
    p = blob + KEY_HEAD_LEN;
    salt = p;
    p += crypto_pwhash_SALTBYTES;
    ops = load_u64(p);
    mem = load_u64(p + 8);
    p += 16;
    nonce = p;
    p += crypto_secretbox_NONCEBYTES;
    /* Bounded so that a doctored file cannot make us hash for hours or
     * allocate more memory than the SENSITIVE level. */
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
        err = ck_err(CK_ERR_FORMAT, "%s: damaged key file (passphrase hash limits out of range)",
                     path);
        goto out;
    }
#ifndef CK_TEST_FAST_KDF
    /* A key hashed with the test-only limits is as weak as its passphrase is
     * short: a real build does not use one. */
    if (ops < crypto_pwhash_OPSLIMIT_MODERATE || mem < crypto_pwhash_MEMLIMIT_MODERATE) {
        err = ck_err(CK_ERR_KEY,
                     "%s: the key was written by a test build with the test-only passphrase "
                     "hash; make a new key (this build refuses to use it)",
                     path);
        goto out;
    }
#endif
    plain = sodium_malloc(KEY_BOX_PLAIN_LEN);
    key = sodium_malloc(crypto_secretbox_KEYBYTES);
    if (plain == NULL || key == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((err = derive(key, pass, pass_len, salt, ops, (size_t)mem)) != CK_OK)
        goto out;
    if (crypto_secretbox_open_easy(plain, p, crypto_secretbox_MACBYTES + KEY_BOX_PLAIN_LEN, nonce,
                                   key) != 0) {
        err = ck_err(CK_ERR_PASSPHRASE, "%s: wrong passphrase (or a damaged key file)", path);
        goto out;
    }
    if (plain[0] != (unsigned char)kind) {
        err = ck_err(CK_ERR_KEY, "%s: the sealed key is not a %s key", path, key_kind_name(kind));
        goto out;
    }
    if ((sk = key_alloc(kind)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "out of memory");
        goto out;
    }
    key_fill(sk, plain + 1);
    if ((err = check_pair(sk, path)) != CK_OK)
        goto out;
    *sk_out = sk;
    sk = NULL;
out:
    key_destroy(sk);
    if (key != NULL)
        sodium_free(key);
    if (plain != NULL)
        sodium_free(plain);
    sodium_free(blob);
    return err;
}
