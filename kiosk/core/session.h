/* session: one person's data in one sodium_malloc block — typed fields, quiz answers, signature
 * strokes. */
#ifndef CERTKIOSK_SESSION_H
#define CERTKIOSK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Everything personal the kiosk holds about the person in front of it lives
 * in ONE block from sodium_malloc (guard pages, locked, never swapped);
 * session_wipe() zeroes all of it, session_destroy() zeroes and frees it.
 * Nothing here is ever logged. */
typedef struct Session Session;

typedef enum SessionField {
    SESSION_NAME = 0,       /* ≤ 64 characters */
    SESSION_SERVICE_NUMBER, /* ≤ 32 */
    SESSION_RANK,           /* ≤ 32 */
    SESSION_UNIT,           /* ≤ 64 */
    SESSION_NATION,         /* ≤ 3: ISO alpha-3 */
    SESSION_TRAINING_DATE,  /* ≤ 10: YYYY-MM-DD */
    SESSION_PIN,            /* ≤ 32: the admin PIN while typed */
    SESSION_STATEMENT, /* ≤ 4500: the intent-to-sign statement (holds the name); newlines allowed */
    SESSION_SERIAL,    /* ≤ 63 */
    SESSION_VALID_UNTIL, /* ≤ 10 */
    SESSION_JWS,         /* ≤ 8000 bytes of ASCII: the certificate */
    SESSION_NATION_SEARCH, /* ≤ 32: what was typed into the nation chooser's search */
    SESSION_FIELD_COUNT_
} SessionField;

/* Signature thresholds: a tap or a dot is not a signature. */
#define SESSION_SIG_MIN_POINTS 20
#define SESSION_SIG_MIN_DURATION_MS 300  /* summed over strokes, pen down */
#define SESSION_SIG_MIN_WIDTH_PERCENT 15 /* bounding box width vs. pad width */
#define SESSION_SIG_MAX_POINTS 4096
#define SESSION_SIG_MAX_STROKES 256
#define SESSION_SIG_MAX_COORD 20000 /* 2 m in 0.1 mm: larger is a bug upstream */
#define SESSION_MAX_ANSWERS 400

/* Canonical signature encoding (hashed into the certificate's
 * evidence.signatureSha256), all integers little-endian:
 *   "certkiosk-sig/1\n"            16 bytes, domain tag
 *   u32 stroke count
 *   per stroke: u32 point count, then per point:
 *     i32 x, i32 y                  0.1 mm from the pad's top-left
 *     u32 t                         ms since the signature's first point
 * Points are kept exactly as given (no smoothing or dropping), so the same
 * strokes always give the same bytes on every machine. */
#define SESSION_SIG_TAG "certkiosk-sig/1\n"

/* Creates an empty session. NULL when out of memory (or locked memory). */
Session *session_create(void);

/* Zeroes and frees. Accepts NULL. */
void session_destroy(Session *session);

/* Zeroes every byte of the session's data (sodium_memzero); the session is
 * then empty and ready for the next person. */
void session_wipe(Session *session);

/* The most characters (code points) field f may hold. */
size_t session_field_max_chars(SessionField f);

/* The most bytes of UTF-8 field f may hold: 127 for the fields that go
 * into the certificate (name, service number, rank, unit), whatever their
 * characters; 4 per character for the others. */
size_t session_field_max_bytes(SessionField f);

/* Replaces field f with len bytes of text, trimmed of surrounding spaces.
 * CK_ERR_FORMAT (nothing changed) for invalid UTF-8 or a control character
 * (newline allowed only in SESSION_STATEMENT); CK_ERR_TOO_LARGE beyond the
 * field's limit. */
CkErr session_field_set(Session *session, SessionField f, const char *text, size_t len);

/* Appends len bytes of typed or pasted text, untrimmed; same checks as
 * session_field_set on the added text and on the resulting length. */
CkErr session_field_append(Session *session, SessionField f, const char *text, size_t len);

/* Removes the last character (code point) of field f, if any. */
void session_field_backspace(Session *session, SessionField f);

/* Trims surrounding spaces in place. */
void session_field_trim(Session *session, SessionField f);

/* Empties field f (zeroing its bytes). */
void session_field_clear(Session *session, SessionField f);

/* The field's text, NUL-terminated. Borrowed; changes with the session. */
const char *session_field(const Session *session, SessionField f);

/* Length of field f in bytes. */
size_t session_field_len(const Session *session, SessionField f);

/* Quiz answers by question index (< SESSION_MAX_ANSWERS); -1 = none. */
CkErr session_set_answer(Session *session, size_t question, int choice);
int session_answer(const Session *session, size_t question);
void session_clear_answers(Session *session);

/* Signature strokes. A stroke starts with session_sig_begin and continues
 * with session_sig_point. CK_ERR_TOO_LARGE when the pad is full (the points
 * so far stay); CK_ERR_FORMAT for coordinates beyond SESSION_SIG_MAX_COORD
 * or time going backwards; CK_ERR_USAGE for a point without a stroke. */
CkErr session_sig_begin(Session *session, int32_t x, int32_t y, uint32_t t_ms);
CkErr session_sig_point(Session *session, int32_t x, int32_t y, uint32_t t_ms);
void session_sig_clear(Session *session);
size_t session_sig_points(const Session *session);
size_t session_sig_strokes(const Session *session);

/* Whether the strokes are a signature rather than a tap or a dot, for a pad
 * pad_width (0.1 mm) wide: SESSION_SIG_OK, or the first threshold missed. */
typedef enum SessionSigProblem {
    SESSION_SIG_OK = 0,
    SESSION_SIG_EMPTY,
    SESSION_SIG_TOO_SHORT, /* fewer than SESSION_SIG_MIN_POINTS or SESSION_SIG_MIN_DURATION_MS */
    SESSION_SIG_TOO_SMALL, /* bounding box narrower than SESSION_SIG_MIN_WIDTH_PERCENT */
} SessionSigProblem;
SessionSigProblem session_sig_check(const Session *session, int32_t pad_width);

/* The canonical encoding's size in bytes. */
size_t session_sig_encoded_len(const Session *session);

/* Writes the canonical encoding to out (cap ≥ session_sig_encoded_len()).
 * Returns the bytes written, 0 if cap is too small. */
size_t session_sig_encode(const Session *session, unsigned char *out, size_t cap);

/* SHA-256 of the canonical encoding (no copy is made outside the session). */
void session_sig_sha256(const Session *session, unsigned char out[32]);

/* For tests of the wipe: the protected block and its size. Borrowed. */
const unsigned char *session_raw(const Session *session, size_t *len_out);

#endif
