/* keys: Ed25519 keys — secret keys in sodium_malloc memory, key IDs, and key files. */
#ifndef CERTKIOSK_KEYS_H
#define CERTKIOSK_KEYS_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define CK_WUR __attribute__((warn_unused_result))

/* A key ID is the first 8 bytes of SHA-256(public key), as 16 lower-case hex digits. */
#define KEY_ID_LEN 16

/* A public key checked by key_public_from_bytes(): canonical, not of small order. */
typedef struct PublicKey {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char kid[KEY_ID_LEN + 1];
} PublicKey;

/* A secret key; only keys.c knows its layout. Its secret bytes live in
 * sodium_malloc memory (guarded, locked, never swapped) that is set
 * sodium_mprotect_noaccess except while key_sign() (or saving it) reads it,
 * and are zeroed by key_destroy(). */
typedef struct SecretKey SecretKey;

/* What a key file holds a key for; a file of one kind is refused as another. */
typedef enum KeyKind {
    KEY_KIND_AUTHORITY = 1, /* endorses kiosks, signs status lists; passphrase-encrypted */
    KEY_KIND_KIOSK,         /* signs certificates and checkpoints; 0600 on the kiosk */
    KEY_KIND_PUBLISHER,     /* signs one nation's plugin bundles; passphrase-encrypted */
} KeyKind;

/* Generates a new key. *sk_out: destroy with key_destroy(). */
CkErr key_generate(KeyKind kind, SecretKey **sk_out);

/* Makes the key of a 32-byte Ed25519 seed (RFC 8032 private key), for test
 * vectors and recovery. *sk_out: destroy with key_destroy(). */
CkErr key_from_seed(KeyKind kind, const unsigned char seed[crypto_sign_SEEDBYTES],
                    SecretKey **sk_out);

/* The address of sk's guarded secret bytes, for the test that reading them
 * outside a signature faults. Never dereference it. */
const void *key_guarded_bytes(const SecretKey *sk);

/* Zeroes and frees a secret key. Accepts NULL. */
void key_destroy(SecretKey *sk);

/* The kind the key was made or loaded as. */
KeyKind key_kind(const SecretKey *sk);

/* The public half of sk. */
void key_public(const SecretKey *sk, PublicKey *pub_out);

/* Signs msg (detached Ed25519, RFC 8032). */
void key_sign(const SecretKey *sk, const unsigned char *msg, size_t len,
              unsigned char sig[crypto_sign_BYTES]);

/* Checks a detached signature: CK_OK or CK_ERR_SIGNATURE. */
CK_WUR CkErr key_verify(const PublicKey *pub, const unsigned char *msg, size_t len,
                        const unsigned char sig[crypto_sign_BYTES]);

/* Fills *pub_out from 32 raw bytes, refusing (CK_ERR_KEY) non-canonical
 * encodings and points of small order, so no key can accept every signature. */
CK_WUR CkErr key_public_from_bytes(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                                   PublicKey *pub_out);

/* True if a and b are the same key (constant time). */
bool key_public_equal(const PublicKey *a, const PublicKey *b);

/* "authority", "kiosk" or "publisher" (the certkiosk_role of its JWK). Static. */
const char *key_kind_name(KeyKind kind);

/* Writes the key ID of pk. */
void key_id(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char kid[KEY_ID_LEN + 1]);

/* Saves sk unencrypted with mode 0600 (kiosk keys, which never leave the
 * kiosk). Refuses to overwrite an existing file (CK_ERR_EXISTS). */
CkErr key_save_plain(const SecretKey *sk, const char *path);

/* Loads an unencrypted key of the given kind; refuses a file whose mode is
 * wider than 0600 (CK_ERR_PERMISSION) or which holds another kind. */
CkErr key_load_plain(const char *path, KeyKind kind, SecretKey **sk_out);

/* The shortest passphrase (in characters) an encrypted key accepts. */
#define KEY_PASSPHRASE_MIN 12

/* Argon2id limits of the admin PIN hash: chosen so that one guess costs at
 * least 0.5 s on the kiosk (measured figure in the README). */
#define KEY_PIN_OPSLIMIT 6ULL
#define KEY_PIN_MEMLIMIT ((size_t)256 << 20)

/* What a passphrase hash protects. */
typedef enum KeyKdfUse {
    KEY_KDF_PASSPHRASE, /* an authority or publisher key file: MODERATE */
    KEY_KDF_PIN,        /* the kiosk's admin PIN hash: KEY_PIN_* */
} KeyKdfUse;

/* True if a secret written to path may use the test-only fast Argon2id
 * (MIN limits): only in a build configured with CERTKIOSK_TEST_FAST_KDF=ON
 * (never Release), only when the environment variable CERTKIOSK_TEST_FAST_KDF
 * is exactly "1", and only when path is inside the temporary folder (/tmp or
 * $TMPDIR), where tests keep their keys. Anything else gets the real limits. */
bool key_test_kdf(const char *path);

/* The Argon2id limits for a new secret of the given use written to path
 * (key_test_kdf() decides whether they are the test ones). */
void key_kdf_limits(KeyKdfUse use, const char *path, unsigned long long *ops, size_t *mem);

/* True if hash (crypto_pwhash_str, Argon2id) costs at least what
 * key_kdf_limits(KEY_KDF_PIN, path) asks for a PIN hash kept at path: the
 * kiosk refuses a weaker one (an old or hand-made config.json). */
bool key_pin_hash_strong(const char *hash, const char *path);

/* Saves sk encrypted under a passphrase of at least KEY_PASSPHRASE_MIN
 * characters (else CK_ERR_USAGE, saying so): Argon2id (crypto_pwhash with
 * key_kdf_limits()) and crypto_secretbox, mode 0600. */
CkErr key_save_encrypted(const SecretKey *sk, const char *path, const char *pass, size_t pass_len);

/* Loads an encrypted key of the given kind. A wrong passphrase is
 * CK_ERR_PASSPHRASE; a damaged file CK_ERR_FORMAT. */
CkErr key_load_encrypted(const char *path, KeyKind kind, const char *pass, size_t pass_len,
                         SecretKey **sk_out);

#endif
