/* session: the person's data in one sodium_malloc block, bounded and sanitised, wiped with
 * sodium_memzero. */
#include "session.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "utf8.h"

typedef struct FieldSpec {
    size_t max_chars;
    size_t cap; /* bytes including the NUL: 4 per character + 1 */
    bool newline;
    size_t max_bytes; /* 0: cap - 1 */
} FieldSpec;

#define SPEC(chars, nl)                                                                            \
    {                                                                                              \
        (chars), 4 * (chars) + 1, (nl)                                                             \
    }
/* The fields that go into the certificate hold at most as many bytes as
 * its claims do (CERT_NAME_MAX, CERT_FIELD_MAX: 127): 64 characters of an
 * Arabic name with marks or of CJK would otherwise be typed, read through
 * and signed for, and only then fail to become a certificate. The name's
 * 127 bytes also bound the QR code: README, "Names in any script". */
#define SPEC_CERT(chars)                                                                           \
    {                                                                                              \
        (chars), 4 * (chars) + 1, false, 127                                                       \
    }
static const FieldSpec specs[SESSION_FIELD_COUNT_] = {
    [SESSION_NAME] = SPEC_CERT(64),      [SESSION_SERVICE_NUMBER] = SPEC_CERT(32),
    [SESSION_RANK] = SPEC_CERT(32),      [SESSION_UNIT] = SPEC_CERT(64),
    [SESSION_NATION] = SPEC(3, false),   [SESSION_TRAINING_DATE] = SPEC(10, false),
    [SESSION_PIN] = SPEC(32, false),     [SESSION_STATEMENT] = SPEC(4500, true),
    [SESSION_SERIAL] = SPEC(63, false),  [SESSION_VALID_UNTIL] = SPEC(10, false),
    [SESSION_JWS] = {8000, 8001, false}, [SESSION_NATION_SEARCH] = SPEC(32, false),
};
#define TEXT_TOTAL (4 * (64 + 32 + 32 + 64 + 3 + 10 + 32 + 4500 + 63 + 10 + 32) + 11 + 8001)

typedef struct SigPoint {
    int32_t x, y;
    uint32_t t;
} SigPoint;

/* The whole block. Zero bytes are the empty state (answers are stored as
 * choice + 1), so a wipe is exactly one sodium_memzero. */
struct Session {
    size_t len[SESSION_FIELD_COUNT_];
    uint16_t answers[SESSION_MAX_ANSWERS];
    uint32_t n_points;
    uint32_t n_strokes;
    uint32_t stroke_start[SESSION_SIG_MAX_STROKES];
    SigPoint points[SESSION_SIG_MAX_POINTS];
    char text[TEXT_TOTAL];
};

static char *
field_buf(Session *s, SessionField f)
{
    size_t off = 0;

    for (int i = 0; i < (int)f; i++)
        off += specs[i].cap;
    return s->text + off;
}

static const char *
field_cbuf(const Session *s, SessionField f)
{
    return field_buf((Session *)s, f);
}

Session *
session_create(void)
{
    Session *s;
    size_t total = 0;

    for (int i = 0; i < SESSION_FIELD_COUNT_; i++)
        total += specs[i].cap;
    assert(total == TEXT_TOTAL);
    (void)total; /* only the assert reads it */
    if ((s = sodium_malloc(sizeof *s)) != NULL)
        sodium_memzero(s, sizeof *s);
    return s;
}

void
session_destroy(Session *session)
{
    if (session == NULL)
        return;
    sodium_free(session); /* sodium_free zeroes the block before releasing it */
}

void
session_wipe(Session *session)
{
    sodium_memzero(session, sizeof *session);
}

size_t
session_field_max_chars(SessionField f)
{
    return (unsigned)f < SESSION_FIELD_COUNT_ ? specs[f].max_chars : 0;
}

size_t
session_field_max_bytes(SessionField f)
{
    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return 0;
    return specs[f].max_bytes != 0 ? specs[f].max_bytes : specs[f].cap - 1;
}

static CkErr
check_text(SessionField f, const char *text, size_t len, size_t already_chars)
{
    size_t chars, off;
    Utf8Problem problem;
    char where[96];

    if ((unsigned)f >= SESSION_FIELD_COUNT_ || (text == NULL && len > 0))
        return ck_err(CK_ERR_USAGE, "session: bad field or text");
    problem = utf8_check(text, len, (size_t)-1, specs[f].newline, &chars, &off);
    if (problem != UTF8_OK)
        return ck_err(CK_ERR_FORMAT, "typed text %s (%s)", utf8_problem_str(problem),
                      utf8_describe_at(text, len, off, where, sizeof where));
    if (already_chars + chars > specs[f].max_chars)
        return ck_err(CK_ERR_TOO_LARGE, "at most %zu characters", specs[f].max_chars);
    return CK_OK;
}

CkErr
session_field_set(Session *session, SessionField f, const char *text, size_t len)
{
    size_t start;
    CkErr err;

    if ((err = check_text(f, text, len, 0)) != CK_OK)
        return err;
    len = len > 0 ? utf8_trim(text, len, &start) : (start = 0, 0);
    if (len > session_field_max_bytes(f))
        return ck_err(CK_ERR_TOO_LARGE, "at most %zu bytes", session_field_max_bytes(f));
    session_field_clear(session, f);
    if (len > 0)
        memcpy(field_buf(session, f), text + start, len);
    session->len[f] = len;
    return CK_OK;
}

CkErr
session_field_append(Session *session, SessionField f, const char *text, size_t len)
{
    char *buf;
    CkErr err;

    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return ck_err(CK_ERR_USAGE, "session: bad field");
    buf = field_buf(session, f);
    if ((err = check_text(f, text, len, utf8_count_chars(buf, session->len[f]))) != CK_OK)
        return err;
    if (session->len[f] + len > session_field_max_bytes(f))
        return ck_err(CK_ERR_TOO_LARGE, "at most %zu bytes", session_field_max_bytes(f));
    memcpy(buf + session->len[f], text, len);
    session->len[f] += len;
    buf[session->len[f]] = '\0';
    return CK_OK;
}

void
session_field_backspace(Session *session, SessionField f)
{
    char *buf;
    size_t n;

    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return;
    buf = field_buf(session, f);
    n = session->len[f];
    while (n > 0) {
        n--;
        if (((unsigned char)buf[n] & 0xc0) != 0x80)
            break;
    }
    sodium_memzero(buf + n, session->len[f] - n);
    session->len[f] = n;
}

void
session_field_trim(Session *session, SessionField f)
{
    char *buf;
    size_t start, len, old;

    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return;
    buf = field_buf(session, f);
    old = session->len[f];
    len = utf8_trim(buf, old, &start);
    memmove(buf, buf + start, len);
    sodium_memzero(buf + len, old - len);
    session->len[f] = len;
}

void
session_field_clear(Session *session, SessionField f)
{
    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return;
    sodium_memzero(field_buf(session, f), specs[f].cap);
    session->len[f] = 0;
}

const char *
session_field(const Session *session, SessionField f)
{
    if ((unsigned)f >= SESSION_FIELD_COUNT_)
        return "";
    return field_cbuf(session, f);
}

size_t
session_field_len(const Session *session, SessionField f)
{
    return (unsigned)f < SESSION_FIELD_COUNT_ ? session->len[f] : 0;
}

CkErr
session_set_answer(Session *session, size_t question, int choice)
{
    if (question >= SESSION_MAX_ANSWERS || choice < -1 || choice >= 0xfffe)
        return ck_err(CK_ERR_USAGE, "session: answer %d to question %zu", choice, question);
    session->answers[question] = (uint16_t)(choice + 1);
    return CK_OK;
}

int
session_answer(const Session *session, size_t question)
{
    if (question >= SESSION_MAX_ANSWERS)
        return -1;
    return (int)session->answers[question] - 1;
}

void
session_clear_answers(Session *session)
{
    sodium_memzero(session->answers, sizeof session->answers);
}

static bool
coord_ok(int32_t x, int32_t y)
{
    return x >= -SESSION_SIG_MAX_COORD && x <= SESSION_SIG_MAX_COORD &&
           y >= -SESSION_SIG_MAX_COORD && y <= SESSION_SIG_MAX_COORD;
}

CkErr
session_sig_begin(Session *session, int32_t x, int32_t y, uint32_t t_ms)
{
    if (!coord_ok(x, y))
        return ck_err(CK_ERR_FORMAT, "signature point outside the pad");
    if (session->n_points > 0 && t_ms < session->points[session->n_points - 1].t)
        return ck_err(CK_ERR_FORMAT, "signature time went backwards");
    if (session->n_strokes >= SESSION_SIG_MAX_STROKES ||
        session->n_points >= SESSION_SIG_MAX_POINTS)
        return ck_err(CK_ERR_TOO_LARGE, "the signature pad is full");
    session->stroke_start[session->n_strokes++] = session->n_points;
    session->points[session->n_points++] = (SigPoint){x, y, t_ms};
    return CK_OK;
}

CkErr
session_sig_point(Session *session, int32_t x, int32_t y, uint32_t t_ms)
{
    if (session->n_strokes == 0)
        return ck_err(CK_ERR_USAGE, "signature point without a stroke");
    if (!coord_ok(x, y))
        return ck_err(CK_ERR_FORMAT, "signature point outside the pad");
    if (t_ms < session->points[session->n_points - 1].t)
        return ck_err(CK_ERR_FORMAT, "signature time went backwards");
    if (session->n_points >= SESSION_SIG_MAX_POINTS)
        return ck_err(CK_ERR_TOO_LARGE, "the signature pad is full");
    session->points[session->n_points++] = (SigPoint){x, y, t_ms};
    return CK_OK;
}

void
session_sig_clear(Session *session)
{
    sodium_memzero(session->points, sizeof session->points);
    sodium_memzero(session->stroke_start, sizeof session->stroke_start);
    session->n_points = 0;
    session->n_strokes = 0;
}

size_t
session_sig_points(const Session *session)
{
    return session->n_points;
}

size_t
session_sig_strokes(const Session *session)
{
    return session->n_strokes;
}

static uint32_t
stroke_end(const Session *s, uint32_t k)
{
    return k + 1 < s->n_strokes ? s->stroke_start[k + 1] : s->n_points;
}

SessionSigProblem
session_sig_check(const Session *session, int32_t pad_width)
{
    uint64_t duration = 0;
    int32_t min_x, max_x;

    if (session->n_points == 0)
        return SESSION_SIG_EMPTY;
    for (uint32_t k = 0; k < session->n_strokes; k++) {
        uint32_t first = session->stroke_start[k], last = stroke_end(session, k) - 1;
        duration += session->points[last].t - session->points[first].t;
    }
    if (session->n_points < SESSION_SIG_MIN_POINTS || duration < SESSION_SIG_MIN_DURATION_MS)
        return SESSION_SIG_TOO_SHORT;
    min_x = max_x = session->points[0].x;
    for (uint32_t i = 1; i < session->n_points; i++) {
        if (session->points[i].x < min_x)
            min_x = session->points[i].x;
        if (session->points[i].x > max_x)
            max_x = session->points[i].x;
    }
    if (pad_width <= 0 ||
        (int64_t)(max_x - min_x) * 100 < (int64_t)pad_width * SESSION_SIG_MIN_WIDTH_PERCENT)
        return SESSION_SIG_TOO_SMALL;
    return SESSION_SIG_OK;
}

size_t
session_sig_encoded_len(const Session *session)
{
    return 16 + 4 + 4 * (size_t)session->n_strokes + 12 * (size_t)session->n_points;
}

static unsigned char *
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
    return p + 4;
}

size_t
session_sig_encode(const Session *session, unsigned char *out, size_t cap)
{
    size_t need = session_sig_encoded_len(session);
    uint32_t t0 = session->n_points > 0 ? session->points[0].t : 0;
    unsigned char *p = out;

    if (cap < need)
        return 0;
    memcpy(p, SESSION_SIG_TAG, 16);
    p = put_u32(p + 16, session->n_strokes);
    for (uint32_t k = 0; k < session->n_strokes; k++) {
        uint32_t first = session->stroke_start[k], end = stroke_end(session, k);
        p = put_u32(p, end - first);
        for (uint32_t i = first; i < end; i++) {
            const SigPoint *pt = &session->points[i];
            p = put_u32(p, (uint32_t)pt->x);
            p = put_u32(p, (uint32_t)pt->y);
            p = put_u32(p, pt->t - t0);
        }
    }
    return (size_t)(p - out);
}

void
session_sig_sha256(const Session *session, unsigned char out[32])
{
    crypto_hash_sha256_state st;
    unsigned char buf[12];
    uint32_t t0 = session->n_points > 0 ? session->points[0].t : 0;

    /* Streams the same bytes session_sig_encode() writes, without a copy. */
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)SESSION_SIG_TAG, 16);
    put_u32(buf, session->n_strokes);
    crypto_hash_sha256_update(&st, buf, 4);
    for (uint32_t k = 0; k < session->n_strokes; k++) {
        uint32_t first = session->stroke_start[k], end = stroke_end(session, k);
        put_u32(buf, end - first);
        crypto_hash_sha256_update(&st, buf, 4);
        for (uint32_t i = first; i < end; i++) {
            const SigPoint *pt = &session->points[i];
            put_u32(put_u32(put_u32(buf, (uint32_t)pt->x), (uint32_t)pt->y), pt->t - t0);
            crypto_hash_sha256_update(&st, buf, 12);
        }
    }
    crypto_hash_sha256_final(&st, out);
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(&st, sizeof st);
}

const unsigned char *
session_raw(const Session *session, size_t *len_out)
{
    *len_out = sizeof *session;
    return (const unsigned char *)session;
}
