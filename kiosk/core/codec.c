/* codec: base64url, base64 and hex, thin and strict wrappers over libsodium, and a fast
 * base64url decoder for public data. */
#include "codec.h"

#include <sodium.h>
#include <stdint.h>
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
b64_decode(const char *b64, size_t b64_len, unsigned char **bin_out, size_t *len_out, int variant)
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

/* Each byte's value in the base64url alphabet (0..63), or XX (0xff) for any other byte. */
#define XX 0xff
/* clang-format off */
static const unsigned char b64url_table[256] = {
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, 62, XX, XX,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, XX, XX, XX, XX, XX, XX,
    XX,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, XX, XX, XX, XX, 63,
    XX, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
};
/* clang-format on */
#undef XX

CkErr
codec_b64url_decode_public(const char *b64, size_t b64_len, unsigned char *bin, size_t cap,
                           size_t *len_out)
{
    const unsigned char *s = (const unsigned char *)b64;
    size_t full = b64_len / 4, rest = b64_len % 4, out = 0;
    uint32_t acc;

    *len_out = 0;
    if (rest == 1)
        return CK_ERR_FORMAT;
    if (full * 3 + (rest ? rest - 1 : 0) > cap)
        return CK_ERR_TOO_LARGE;
    for (size_t i = 0; i < full; i++, s += 4) {
        uint32_t a = b64url_table[s[0]], b = b64url_table[s[1]], c = b64url_table[s[2]],
                 d = b64url_table[s[3]];
        if ((a | b | c | d) & 0x80)
            return CK_ERR_FORMAT;
        acc = a << 18 | b << 12 | c << 6 | d;
        bin[out++] = (unsigned char)(acc >> 16);
        bin[out++] = (unsigned char)(acc >> 8);
        bin[out++] = (unsigned char)acc;
    }
    if (rest >= 2) {
        uint32_t a = b64url_table[s[0]], b = b64url_table[s[1]],
                 c = rest == 3 ? b64url_table[s[2]] : 0;
        if ((a | b | c) & 0x80)
            return CK_ERR_FORMAT;
        acc = a << 18 | b << 12 | c << 6;
        /* The bits after the last whole byte must be zero (one encoding per value). */
        if ((rest == 2 && (acc & 0xffff)) || (rest == 3 && (acc & 0xff)))
            return CK_ERR_FORMAT;
        bin[out++] = (unsigned char)(acc >> 16);
        if (rest == 3)
            bin[out++] = (unsigned char)(acc >> 8);
    }
    *len_out = out;
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
