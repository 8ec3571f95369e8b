/* codec: base64url (RFC 4648 §5, no padding) and lower-case hex, via libsodium. */
#ifndef CERTKIOSK_CODEC_H
#define CERTKIOSK_CODEC_H

#include <stddef.h>

#include "err.h"

/* Encodes len bytes as unpadded base64url. Returns a new NUL-terminated
 * string (free with free()), or NULL when out of memory. */
char *codec_b64url_encode(const unsigned char *bin, size_t len);

/* Decodes unpadded base64url; any other character (padding, '+', '/',
 * whitespace) is CK_ERR_FORMAT. On success *bin_out is a new buffer of
 * *len_out bytes (free with free(); one extra NUL byte follows it, so text
 * payloads can be used as strings). */
CkErr codec_b64url_decode(const char *b64, size_t b64_len, unsigned char **bin_out,
                          size_t *len_out);

/* codec_b64url_decode() and codec_b64url_decode_exact() use libsodium's
 * constant-time decoder: use them for anything secret (private keys, sealed
 * key files, passphrase-derived data), where timing must not depend on the
 * bytes. Public data goes through codec_b64url_decode_public() below. */

/* Decodes PUBLIC unpadded base64url (JWS headers, payloads and signatures:
 * a certificate is shown to whoever verifies it) with a lookup table, about
 * ten times faster than libsodium's constant-time decoder; its timing
 * depends on the data, so never give it a secret. Same rules as
 * codec_b64url_decode() (no padding, no whitespace, no '+' or '/', no length
 * of 4k+1, unused trailing bits zero). Writes the bytes to bin (capacity
 * cap, which needs b64_len / 4 * 3 + 2 bytes at most) and their number to
 * *len_out; CK_ERR_FORMAT for invalid input, CK_ERR_TOO_LARGE if cap is
 * short. Does not set the error detail (it is called per certificate). */
CkErr codec_b64url_decode_public(const char *b64, size_t b64_len, unsigned char *bin, size_t cap,
                                 size_t *len_out);

/* Bytes codec_b64url_decode_public() writes for b64_len input characters at most. */
#define CODEC_B64URL_DECODED_MAX(b64_len) ((b64_len) / 4 * 3 + 2)

/* Decodes into a fixed-size buffer; the decoded length must be exactly n. */
CkErr codec_b64url_decode_exact(const char *b64, unsigned char *bin, size_t n);

/* Standard base64 with padding (RFC 4648 §4), as C2SP signed notes use. */
char *codec_b64_encode(const unsigned char *bin, size_t len);
CkErr codec_b64_decode(const char *b64, size_t b64_len, unsigned char **bin_out, size_t *len_out);

/* Writes 2*len lower-case hex digits and a NUL to hex (size 2*len+1). */
void codec_hex_encode(const unsigned char *bin, size_t len, char *hex);

/* Decodes exactly n bytes from 2n hex digits (either case); CK_ERR_FORMAT otherwise. */
CkErr codec_hex_decode(const char *hex, unsigned char *bin, size_t n);

#endif
