/* codec: base64url, base64 and hex, thin and strict wrappers over libsodium. */
#include "codec.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static char *
b64_encode(const unsigned char *bin, size_t len, int variant)
{
    size_t n = sodium_base64_encoded_len(len, variant);
    char *out = malloc(n);

    if (out != NULL)
        sodium_bin2base64(out, n, bin, len, variant);
    return out;
}

static CkErr
b64_decode(const char *b64, size_t b64_len, unsigned char **bin_out, size_t *len_out,
           int variant)
{
    size_t cap = b64_len / 4 * 3 + 3, len = 0;
    const char *end = NULL;
    unsigned char *bin;

    *bin_out = NULL;
    *len_out = 0;
    if ((bin = malloc(cap + 1)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory decoding base64");
    if (sodium_base642bin(bin, cap, b64, b64_len, NULL, &len, &end, variant) != 0 ||
        end != b64 + b64_len) {
        free(bin);
        return ck_err(CK_ERR_FORMAT, "invalid base64 data");
    }
    bin[len] = '\0';
    *bin_out = bin;
    *len_out = len;
    return CK_OK;
}

char *
codec_b64url_encode(const unsigned char *bin, size_t len)
{
    return b64_encode(bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

CkErr
codec_b64url_decode(const char *b64, size_t b64_len, unsigned char **bin_out, size_t *len_out)
{
    return b64_decode(b64, b64_len, bin_out, len_out, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

CkErr
codec_b64url_decode_exact(const char *b64, unsigned char *bin, size_t n)
{
    unsigned char *tmp;
    size_t len;
    CkErr err;

    if ((err = codec_b64url_decode(b64, strlen(b64), &tmp, &len)) != CK_OK)
        return err;
    if (len != n) {
        free(tmp);
        return ck_err(CK_ERR_FORMAT, "base64url value has %zu bytes, expected %zu", len, n);
    }
    memcpy(bin, tmp, n);
    sodium_memzero(tmp, len);
    free(tmp);
    return CK_OK;
}

char *
codec_b64_encode(const unsigned char *bin, size_t len)
{
    return b64_encode(bin, len, sodium_base64_VARIANT_ORIGINAL);
}

CkErr
codec_b64_decode(const char *b64, size_t b64_len, unsigned char **bin_out, size_t *len_out)
{
    return b64_decode(b64, b64_len, bin_out, len_out, sodium_base64_VARIANT_ORIGINAL);
}

void
codec_hex_encode(const unsigned char *bin, size_t len, char *hex)
{
    sodium_bin2hex(hex, len * 2 + 1, bin, len);
}

CkErr
codec_hex_decode(const char *hex, unsigned char *bin, size_t n)
{
    size_t len = 0;
    const char *end = NULL;

    if (strlen(hex) != 2 * n || sodium_hex2bin(bin, n, hex, 2 * n, NULL, &len, &end) != 0 ||
        len != n)
        return ck_err(CK_ERR_FORMAT, "invalid hex value");
    return CK_OK;
}
