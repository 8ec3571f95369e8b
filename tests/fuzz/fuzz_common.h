/* fuzz_common: the fixed keys, trust set and clock every fuzz target and the seed maker share.
 *
 * The keys come from fixed seeds, so a seed made by make_seeds (a certificate,
 * a status list, a checkpoint...) verifies in the fuzz targets and the fuzzer
 * starts from inputs that reach past the signature checks. */
#ifndef CERTKIOSK_FUZZ_COMMON_H
#define CERTKIOSK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "keys.h"
#include "trust.h"

#define FUZZ_KIOSK_ID "FUZZ-KIOSK-01"
#define FUZZ_ORIGIN "certkiosk.example/FUZZ-KIOSK-01"
#define FUZZ_NATION "NOR"
#define FUZZ_NOW INT64_C(1767225600) /* 2026-01-01T00:00:00Z */
#define FUZZ_NBF INT64_C(1735689600) /* 2025-01-01 */
#define FUZZ_EXP INT64_C(1830297600) /* 2028-01-01 */

/* A small valid content file: the bundle target puts it beside every
 * manifest it tries, so a manifest that lists it reaches content parsing. */
#define FUZZ_CONTENT_EN                                                                            \
    "{\"language\":\"en\",\"draft\":false,\"title\":\"Fuzz\",\"publisher\":\"Fuzz\","              \
    "\"code_of_conduct\":{\"sections\":[{\"id\":\"s1\",\"title\":\"One\",\"paragraphs\":["         \
    "\"Text.\"]}]},\"quiz\":{\"questions\":[{\"id\":\"q1\",\"text\":\"Q?\",\"choices\":[\"a\","    \
    "\"b\"],\"answer\":0,\"section\":\"s1\"}]},\"clauses\":[{\"id\":\"c1\",\"text\":\"I "          \
    "agree.\"}],"                                                                                  \
    "\"attestation\":\"I, {name}, read {bundle} {version}.\"}"

typedef struct FuzzWorld {
    SecretKey *authority, *kiosk, *publisher;
    PublicKey authority_pub, kiosk_pub, publisher_pub;
    char *kiosk_endorsement, *publisher_endorsement; /* compact JWS */
    Trust *trust; /* authority pinned, kiosk and publisher (NOR) endorsed */
} FuzzWorld;

static inline SecretKey *
fuzz_key(KeyKind kind, unsigned char fill)
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    SecretKey *sk = NULL;

    memset(seed, fill, sizeof seed);
    if (key_from_seed(kind, seed, &sk) != CK_OK)
        abort();
    return sk;
}

/* The shared world, made once and kept for the life of the process. */
static inline const FuzzWorld *
fuzz_world(void)
{
    static FuzzWorld w;
    static int made;

    if (made)
        return &w;
    if (sodium_init() < 0)
        abort();
    clock_set(FUZZ_NOW);
    w.authority = fuzz_key(KEY_KIND_AUTHORITY, 'A');
    w.kiosk = fuzz_key(KEY_KIND_KIOSK, 'K');
    w.publisher = fuzz_key(KEY_KIND_PUBLISHER, 'P');
    key_public(w.authority, &w.authority_pub);
    key_public(w.kiosk, &w.kiosk_pub);
    key_public(w.publisher, &w.publisher_pub);
    if (trust_endorse(w.authority, &w.kiosk_pub, KEY_KIND_KIOSK, FUZZ_KIOSK_ID, FUZZ_NBF, FUZZ_EXP,
                      FUZZ_NBF, &w.kiosk_endorsement) != CK_OK ||
        trust_endorse(w.authority, &w.publisher_pub, KEY_KIND_PUBLISHER, FUZZ_NATION, FUZZ_NBF,
                      FUZZ_EXP, FUZZ_NBF, &w.publisher_endorsement) != CK_OK ||
        trust_new(&w.trust) != CK_OK ||
        trust_add_authority(w.trust, &w.authority_pub, "Fuzz Authority") != CK_OK ||
        trust_add_endorsed(w.trust, w.kiosk_endorsement) != CK_OK ||
        trust_add_endorsed(w.trust, w.publisher_endorsement) != CK_OK) {
        fprintf(stderr, "fuzz_world: %s\n", ck_err_detail());
        abort();
    }
    made = 1;
    return &w;
}

/* A NUL-terminated copy of the input (free()), for parsers that take C strings. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* libFuzzer calls this once before any input: sodium_init() (every program
 * of ours calls it first in main) and the world, so that the first input is
 * not charged for making keys. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    (void)fuzz_world();
    return 0;
}

#endif
