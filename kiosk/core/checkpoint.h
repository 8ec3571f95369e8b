/* checkpoint: C2SP tlog-checkpoint in C2SP signed-note form — sign, parse strictly, verify. */
#ifndef CERTKIOSK_CHECKPOINT_H
#define CERTKIOSK_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "keys.h"
#include "merkle.h"

/* Longest origin line (bytes). */
#define CHECKPOINT_ORIGIN_MAX 255
/* Longest note accepted by the parser (bytes); longer is CK_ERR_TOO_LARGE. */
#define CHECKPOINT_NOTE_MAX 8192
/* Most signature lines a note may carry (cosignatures of witnesses included). */
#define CHECKPOINT_SIGS_MAX 16

/* What a checkpoint says: the log named origin had size entries with this root. */
typedef struct Checkpoint {
    char origin[CHECKPOINT_ORIGIN_MAX + 1];
    uint64_t size;
    unsigned char root[MERKLE_HASH_LEN];
} Checkpoint;

/* The C2SP note key ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || pk)[:4]. */
void checkpoint_key_id(const char *name, const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                       unsigned char id[4]);

/* Signs "origin\nsize\nb64(root)\n" with sk under the key name origin and
 * returns the whole note, ending in "\n— origin b64(keyid||sig)\n".
 * *note_out is a new string (free with free()). An origin that is empty,
 * too long, or holds a space, '+', or a control character is CK_ERR_USAGE. */
CkErr checkpoint_sign(const SecretKey *sk, const char *origin, uint64_t size,
                      const unsigned char root[MERKLE_HASH_LEN], char **note_out);

/* Parses the note's checkpoint WITHOUT checking any signature, strictly:
 * exactly three body lines (origin; size in decimal without leading zeros;
 * standard base64 of exactly 32 bytes), a blank line, then 1 to
 * CHECKPOINT_SIGS_MAX signature lines "— name base64" of at least 5 bytes,
 * every line ending in "\n", no NUL or other control character, nothing
 * after. Anything else is CK_ERR_FORMAT naming the line. */
CK_WUR CkErr checkpoint_parse(const char *note, size_t len, Checkpoint *cp_out);

/* Parses the note and checks that it carries a valid signature of pub under
 * the key name equal to its origin; signatures of other keys are ignored (as
 * C2SP says), but a line with pub's name and key ID that does not verify is
 * CK_ERR_SIGNATURE, and so is a note with no line of pub at all. When origin
 * is not NULL the note's origin must equal it (CK_ERR_UNTRUSTED otherwise). */
CK_WUR CkErr checkpoint_verify(const char *note, size_t len, const PublicKey *pub,
                               const char *origin, Checkpoint *cp_out);

#endif
