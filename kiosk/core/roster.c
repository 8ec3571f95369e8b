/* roster: one-pass RFC 4180 reader for personnel rosters, with per-line problem reports. */
#include "roster.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "fileio.h"
#include "utf8.h"

enum { COL_ID, COL_NATION, COL_NAME, COL_CATEGORY, COL_UNIT, COL_RANK, COL_COUNT_ };

static const char *const col_names[COL_COUNT_] = {"id",       "nation", "name",
                                                  "category", "unit",   "rank"};

typedef struct Field {
    char *s; /* in the arena, NUL-terminated */
    size_t len;
} Field;

struct Roster {
    char *arena; /* sodium_malloc: every field's unquoted bytes */
    size_t arena_size;
    RosterEntry *entries;
    size_t n, cap;
    RosterProblem *problems;
    size_t np, capp;
    uint32_t *index; /* open addressing over nation + id: entry index + 1, 0 = free */
    size_t index_cap;
};

typedef struct Parser {
    const char *p, *end;
    size_t line;
    char *out;
    Field *fields;
    size_t nf, capf;
} Parser;

enum { QUOTE_OK, QUOTE_UNTERMINATED, QUOTE_TRAILING };

bool
roster_nation_known(const char *code)
{
    return country_known(code);
}

bool
roster_category_known(const char *category)
{
    return strcmp(category, "military") == 0 || strcmp(category, "civilian") == 0 ||
           strcmp(category, "contractor") == 0;
}

static CkErr add_problem(Roster *r, size_t line, RosterProblemKind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static CkErr
add_problem(Roster *r, size_t line, RosterProblemKind kind, const char *fmt, ...)
{
    char detail[200], *msg = NULL;
    va_list ap;

    if (r->np == r->capp) {
        size_t cap = r->capp ? r->capp * 2 : 16;
        RosterProblem *p = realloc(r->problems, cap * sizeof *p);
        if (p == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        r->problems = p;
        r->capp = cap;
    }
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (asprintf(&msg, "line %zu: %s", line, detail) < 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    r->problems[r->np++] = (RosterProblem){.line = line, .kind = kind, .message = msg};
    return CK_OK;
}

static CkErr
push_field(Parser *ps, char *s, size_t len)
{
    if (ps->nf == ps->capf) {
        size_t cap = ps->capf ? ps->capf * 2 : 16;
        Field *f = realloc(ps->fields, cap * sizeof *f);
        if (f == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        ps->fields = f;
        ps->capf = cap;
    }
    ps->fields[ps->nf++] = (Field){.s = s, .len = len};
    return CK_OK;
}

/* Reads one record into ps->fields. Returns false at the end of the input.
 * Quoted line breaks become '\n'; *quote reports a malformed quoted field. */
static bool
next_record(Parser *ps, size_t *line_out, int *quote, CkErr *err)
{
    *quote = QUOTE_OK;
    *err = CK_OK;
    ps->nf = 0;
    if (ps->p >= ps->end)
        return false;
    *line_out = ps->line;
    for (;;) {
        char *start = ps->out;

        if (ps->p < ps->end && *ps->p == '"') {
            ps->p++;
            for (;;) {
                char c;
                if (ps->p >= ps->end) {
                    *quote = QUOTE_UNTERMINATED;
                    break;
                }
                c = *ps->p++;
                if (c == '"') {
                    if (ps->p < ps->end && *ps->p == '"') {
                        *ps->out++ = '"';
                        ps->p++;
                        continue;
                    }
                    break;
                }
                if (c == '\r' || c == '\n') {
                    if (c == '\r' && ps->p < ps->end && *ps->p == '\n')
                        ps->p++;
                    ps->line++;
                    c = '\n';
                }
                *ps->out++ = c;
            }
            while (ps->p < ps->end && *ps->p != ',' && *ps->p != '\r' && *ps->p != '\n') {
                *quote = QUOTE_TRAILING;
                ps->p++;
            }
        } else {
            while (ps->p < ps->end && *ps->p != ',' && *ps->p != '\r' && *ps->p != '\n')
                *ps->out++ = *ps->p++;
        }
        *ps->out = '\0';
        if ((*err = push_field(ps, start, (size_t)(ps->out - start))) != CK_OK)
            return false;
        ps->out++;
        if (ps->p >= ps->end)
            return true;
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
            ps->p++;
        ps->p++;
        ps->line++;
        return true;
    }
}

/* Trims a field in place; returns the trimmed string. */
static char *
trim(Field *f)
{
    size_t start, len = utf8_trim(f->s, f->len, &start);

    f->s += start;
    f->len = len;
    f->s[len] = '\0';
    return f->s;
}

static uint64_t
person_hash(const char *nation, const char *id)
{
    uint64_t h = 1469598103934665603ULL;

    for (const char *s = nation; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
    for (const char *s = id; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static CkErr
index_grow(Roster *r)
{
    size_t cap = r->index_cap ? r->index_cap * 2 : 1024;
    uint32_t *idx = calloc(cap, sizeof *idx);

    if (idx == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++) {
        size_t k = person_hash(r->entries[i].nation, r->entries[i].id) & (cap - 1);
        while (idx[k] != 0)
            k = (k + 1) & (cap - 1);
        idx[k] = (uint32_t)(i + 1);
    }
    free(r->index);
    r->index = idx;
    r->index_cap = cap;
    return CK_OK;
}

/* Adds e unless nation + id is already there; *dup_line_out then names the first line. */
static CkErr
add_entry(Roster *r, const RosterEntry *e, size_t *dup_line_out)
{
    CkErr err;
    size_t k;

    *dup_line_out = 0;
    if ((r->n + 1) * 2 > r->index_cap && (err = index_grow(r)) != CK_OK)
        return err;
    k = person_hash(e->nation, e->id) & (r->index_cap - 1);
    while (r->index[k] != 0) {
        const RosterEntry *o = &r->entries[r->index[k] - 1];
        if (strcmp(o->id, e->id) == 0 && strcmp(o->nation, e->nation) == 0) {
            *dup_line_out = o->line;
            return CK_OK;
        }
        k = (k + 1) & (r->index_cap - 1);
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        RosterEntry *p = realloc(r->entries, cap * sizeof *p);
        if (p == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        r->entries = p;
        r->cap = cap;
    }
    r->entries[r->n] = *e;
    r->index[k] = (uint32_t)(r->n + 1);
    r->n++;
    return CK_OK;
}

static CkErr
read_header(Roster *r, Parser *ps, const char *label, int col[COL_COUNT_], size_t *ncols_out)
{
    size_t line;
    int quote;
    CkErr err;

    for (int c = 0; c < COL_COUNT_; c++)
        col[c] = -1;
    if (!next_record(ps, &line, &quote, &err)) {
        if (err != CK_OK)
            return err;
        return ck_err(CK_ERR_FORMAT,
                      "%s: empty roster: the first row must name the columns "
                      "(id, nation, name, category, unit, rank)",
                      label);
    }
    for (size_t i = 0; i < ps->nf; i++) {
        char *name = trim(&ps->fields[i]);
        int c;

        for (char *s = name; *s; s++)
            if (*s >= 'A' && *s <= 'Z')
                *s = (char)(*s - 'A' + 'a');
        if (strcmp(name, "service_number") == 0)
            name = "id";
        for (c = 0; c < COL_COUNT_; c++)
            if (strcmp(name, col_names[c]) == 0)
                break;
        if (c == COL_COUNT_)
            continue;
        if (col[c] >= 0) {
            if ((err = add_problem(r, line, ROSTER_DUPLICATE_COLUMN,
                                   "the header names column \"%s\" twice; the first is used",
                                   col_names[c])) != CK_OK)
                return err;
            continue;
        }
        col[c] = (int)i;
    }
    for (int c = 0; c <= COL_NATION; c++)
        if (col[c] < 0)
            return ck_err(CK_ERR_FORMAT,
                          "%s: line %zu: missing required column \"%s\" (the header row must "
                          "name at least \"id\" and \"nation\")",
                          label, line, col_names[c]);
    *ncols_out = ps->nf;
    return CK_OK;
}

static bool
all_empty(const Parser *ps)
{
    for (size_t i = 0; i < ps->nf; i++)
        if (ps->fields[i].len != 0)
            return false;
    return true;
}

/* Checks and keeps one data row; problems are recorded, not returned. */
static CkErr
take_row(Roster *r, Parser *ps, size_t line, int quote, const int col[COL_COUNT_], size_t ncols)
{
    const char *v[COL_COUNT_];
    RosterEntry e;
    size_t dup;
    CkErr err;

    if (quote == QUOTE_UNTERMINATED)
        return add_problem(r, line, ROSTER_BAD_QUOTE,
                           "a quoted field is never closed (the row runs to the end of the file)");
    if (quote == QUOTE_TRAILING)
        return add_problem(r, line, ROSTER_BAD_QUOTE, "text after the closing quote of a field");
    if (ps->nf != ncols)
        return add_problem(r, line, ROSTER_FIELD_COUNT, "%zu fields, but the header has %zu",
                           ps->nf, ncols);
    for (int c = 0; c < COL_COUNT_; c++) {
        Field *f;
        Utf8Problem tp;
        size_t off;

        if (col[c] < 0) {
            v[c] = "";
            continue;
        }
        f = &ps->fields[col[c]];
        if (f->len > ROSTER_FIELD_MAX)
            return add_problem(r, line, ROSTER_TOO_LONG, "column \"%s\" is longer than %d bytes",
                               col_names[c], ROSTER_FIELD_MAX);
        /* A quoted line break is fine in a display column (a space in reports),
         * never in an id, nation or category. */
        if ((tp = utf8_check(f->s, f->len, SIZE_MAX, c >= COL_NAME && c != COL_CATEGORY, NULL,
                             &off)) != UTF8_OK) {
            char where[96];
            return add_problem(r, line, ROSTER_BAD_TEXT, "column \"%s\": %s (%s)", col_names[c],
                               tp == UTF8_BAD ? "not valid UTF-8 (save the file as UTF-8)"
                                              : utf8_problem_str(tp),
                               utf8_describe_at(f->s, f->len, off, where, sizeof where));
        }
        for (size_t i = 0; i < f->len; i++)
            if (f->s[i] == '\n')
                f->s[i] = ' ';
        v[c] = trim(f);
    }
    if (*v[COL_ID] == '\0')
        return add_problem(r, line, ROSTER_BLANK_ID, "blank id (service number)");
    if (*v[COL_NATION] == '\0')
        return add_problem(r, line, ROSTER_BLANK_NATION, "blank nation");
    {
        char *n = (char *)v[COL_NATION];
        bool letters = strlen(n) == 3;
        for (size_t i = 0; letters && i < 3; i++) {
            if (n[i] >= 'a' && n[i] <= 'z')
                n[i] = (char)(n[i] - 'a' + 'A');
            letters = n[i] >= 'A' && n[i] <= 'Z';
        }
        if (!letters)
            return add_problem(r, line, ROSTER_BAD_NATION,
                               "nation is not a three-letter ISO 3166-1 alpha-3 code");
        if (!roster_nation_known(n))
            return add_problem(r, line, ROSTER_UNKNOWN_NATION,
                               "unknown nation code \"%s\" (not an ISO 3166-1 alpha-3 code)", n);
    }
    if (*v[COL_CATEGORY] != '\0') {
        char *c = (char *)v[COL_CATEGORY];
        for (char *s = c; *s; s++)
            if (*s >= 'A' && *s <= 'Z')
                *s = (char)(*s - 'A' + 'a');
        if (!roster_category_known(c)) {
            if ((err = add_problem(r, line, ROSTER_BAD_CATEGORY,
                                   "unknown category (military, civilian or contractor); left "
                                   "blank")) != CK_OK)
                return err;
            v[COL_CATEGORY] = "";
        }
    }
    e = (RosterEntry){.line = line,
                      .id = v[COL_ID],
                      .nation = v[COL_NATION],
                      .name = v[COL_NAME],
                      .category = v[COL_CATEGORY],
                      .unit = v[COL_UNIT],
                      .rank = v[COL_RANK]};
    if ((err = add_entry(r, &e, &dup)) != CK_OK)
        return err;
    if (dup != 0)
        return add_problem(r, line, ROSTER_DUPLICATE_ID,
                           "duplicate id for nation %s (first on line %zu)", e.nation, dup);
    return CK_OK;
}

CkErr
roster_parse(const char *data, size_t len, const char *label, Roster **roster_out)
{
    Roster *r = NULL;
    Parser ps = {0};
    int col[COL_COUNT_], quote;
    size_t ncols = 0, line;
    CkErr err = CK_OK;

    *roster_out = NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if ((r = calloc(1, sizeof *r)) == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    /* Unquoting never grows a field, and each field's NUL takes the place of
     * the separator after it (one more for the last field of the file). */
    r->arena_size = len + 1;
    if ((r->arena = sodium_malloc(r->arena_size)) == NULL) {
        err = ck_err(CK_ERR_NOMEM, "%s: out of memory", label);
        goto out;
    }
    ps = (Parser){.p = data, .end = data + len, .line = 1, .out = r->arena};
    if ((err = read_header(r, &ps, label, col, &ncols)) != CK_OK)
        goto out;
    while (next_record(&ps, &line, &quote, &err)) {
        if (all_empty(&ps) && quote == QUOTE_OK)
            continue;
        if ((err = take_row(r, &ps, line, quote, col, ncols)) != CK_OK)
            goto out;
    }
    if (err != CK_OK)
        goto out;
    free(r->index);
    r->index = NULL;
    r->index_cap = 0;
out:
    free(ps.fields);
    if (err != CK_OK) {
        roster_unload(r);
        return err;
    }
    *roster_out = r;
    return CK_OK;
}

CkErr
roster_load(const char *path, Roster **roster_out)
{
    unsigned char *data;
    size_t len;
    CkErr err;

    *roster_out = NULL;
    if ((err = fileio_read(path, ROSTER_FILE_MAX, &data, &len)) != CK_OK)
        return err;
    err = roster_parse((const char *)data, len, path, roster_out);
    sodium_memzero(data, len);
    free(data);
    return err;
}

void
roster_unload(Roster *roster)
{
    if (roster == NULL)
        return;
    if (roster->arena != NULL)
        sodium_free(roster->arena); /* zeroes it */
    for (size_t i = 0; i < roster->np; i++)
        free((char *)roster->problems[i].message);
    free(roster->problems);
    free(roster->entries);
    free(roster->index);
    free(roster);
}

size_t
roster_count(const Roster *roster)
{
    return roster->n;
}

const RosterEntry *
roster_entry(const Roster *roster, size_t i)
{
    return i < roster->n ? &roster->entries[i] : NULL;
}

size_t
roster_problem_count(const Roster *roster)
{
    return roster->np;
}

const RosterProblem *
roster_problem(const Roster *roster, size_t i)
{
    return i < roster->np ? &roster->problems[i] : NULL;
}
