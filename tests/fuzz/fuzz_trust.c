/* fuzz_trust: a JWKS trust file from bytes, then everything a verifier asks of it. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    json_error_t je;
    json_t *jwks, *again = NULL, *key;
    Trust *trust = NULL, *merged = NULL;
    PublicKey pub;
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    size_t i;

    if (size > TRUST_FILE_MAX)
        return 0;
    jwks = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (jwks == NULL)
        return 0;
    /* Each member on its own, as a JWK. */
    json_array_foreach(json_object_get(jwks, "keys"), i, key)
    {
        KeyKind role;
        (void)trust_jwk_to_public(key, "fuzz", &pub, &role);
    }
    if (trust_from_json(jwks, "fuzz", &trust) == CK_OK) {
        (void)trust_count(trust, KEY_KIND_KIOSK);
        (void)trust_find_authority(trust, w->authority_pub.kid, &pub);
        (void)trust_find_kiosk(trust, w->kiosk_pub.kid, FUZZ_NOW, &pub, kiosk_id);
        (void)trust_find_publisher(trust, w->publisher_pub.kid, FUZZ_NATION, FUZZ_NOW, &pub);
        (void)trust_lookup(trust, w->kiosk_pub.kid, KEY_KIND_KIOSK, &pub);
        /* What was loaded must serialise and load again. */
        again = trust_to_json(trust);
        if (again == NULL)
            abort();
        if (trust_new(&merged) != CK_OK || trust_merge(merged, trust) != CK_OK)
            abort();
    } else if (trust != NULL) {
        abort();
    }
    json_decref(again);
    trust_free(merged);
    trust_free(trust);
    json_decref(jwks);
    return 0;
}
