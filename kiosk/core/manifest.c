/* manifest: the rules a bundle's manifest.json must follow (FORMATS.md), checked field by field. */
#include "manifest.h"

#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "cert.h"
#include "codec.h"

/* A path component: [A-Za-z0-9._-], not starting with '.', at most 100 bytes. */
bool
manifest_component_valid(const char *s, size_t len)
{
    if (len == 0 || len > 100 || s[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A manifest file name: components as above joined by '/', not a manifest file. */
bool
manifest_name_valid(const char *name)
{
    const char *p = name, *slash;
    int depth = 0;

    if (strcmp(name, "manifest.json") == 0 || strcmp(name, "manifest.sig") == 0)
        return false;
    for (;;) {
        slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (!manifest_component_valid(p, len) || ++depth > BUNDLE_MAX_DEPTH)
            return false;
        if (slash == NULL)
            return true;
        p = slash + 1;
    }
}

static bool
nation_valid(const char *s)
{
    if (strcmp(s, "NATO") == 0)
        return true;
    if (strlen(s) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static bool
lang_valid(const char *s)
{
    size_t len = strlen(s);

    if (len < 2 || len > 3)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return false;
    return true;
}

static bool
bundle_id_valid(const char *s)
{
    size_t len = strlen(s);

    if (len < 3 || len > 64 || s[0] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

static bool
category_valid(const char *s)
{
    return strcmp(s, "military") == 0 || strcmp(s, "civilian") == 0 || strcmp(s, "contractor") == 0;
}

/* Checks an object against a list of allowed members ("_..." comments allowed). */
static CkErr
only_members(const json_t *obj, const char *const *allowed, const char *where)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = key[0] == '_';
        for (size_t i = 0; !ok && allowed[i] != NULL; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return ck_err(CK_ERR_FORMAT, "%s: unknown member \"%s\"", where, key);
    }
    return CK_OK;
}

static CkErr
check_localized(const json_t *obj, const json_t *languages, const char *where)
{
    size_t i;
    json_t *lang;

    if (!json_is_object(obj))
        return ck_err(CK_ERR_FORMAT, "%s must be an object of texts by language", where);
    json_array_foreach(languages, i, lang)
    {
        const json_t *t = json_object_get(obj, json_string_value(lang));
        if (!json_is_string(t) || json_string_length(t) == 0 || json_string_length(t) > 200)
            return ck_err(CK_ERR_FORMAT, "%s: no text for language \"%s\"", where,
                          json_string_value(lang));
    }
    return CK_OK;
}

static CkErr
check_rules(const json_t *rules, const json_t *languages, const char *m)
{
    static const char *const allowed[] = {"validity_days",         "must_certify",
                                          "pass_mark_percent",     "service_number",
                                          "training_confirmation", "qr_discloses",
                                          "clause_categories",
                                          NULL};
    static const char *const sn_allowed[] = {"label", "min_length", "max_length", "charset", NULL};
    static const char *const tc_allowed[] = {"required", "course", NULL};
    char where[600];
    const json_t *v, *sn, *tc, *cc;
    json_t *cat;
    size_t i;
    CkErr err;

    snprintf(where, sizeof where, "%s: rules", m);
    if (!json_is_object(rules))
        return ck_err(CK_ERR_FORMAT, "%s: \"rules\" must be an object", m);
    if ((err = only_members(rules, allowed, where)) != CK_OK)
        return err;
    v = json_object_get(rules, "validity_days");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3660)
        return ck_err(CK_ERR_FORMAT, "%s.validity_days must be a whole number of days, 1 to 3660",
                      where);
    v = json_object_get(rules, "pass_mark_percent");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100)
        return ck_err(CK_ERR_FORMAT, "%s.pass_mark_percent must be 1 to 100", where);
    v = json_object_get(rules, "must_certify");
    if (!json_is_array(v))
        return ck_err(CK_ERR_FORMAT, "%s.must_certify must be a list of categories", where);
    json_array_foreach(v, i, cat)
    {
        if (!json_is_string(cat) || !category_valid(json_string_value(cat)))
            return ck_err(CK_ERR_FORMAT,
                          "%s.must_certify[%zu] must be \"military\", \"civilian\" or "
                          "\"contractor\"",
                          where, i);
    }
    if ((sn = json_object_get(rules, "service_number")) != NULL) {
        json_int_t lo, hi;
        const char *cs;
        char w2[700];
        snprintf(w2, sizeof w2, "%s.service_number", where);
        if (!json_is_object(sn))
            return ck_err(CK_ERR_FORMAT, "%s must be an object", w2);
        if ((err = only_members(sn, sn_allowed, w2)) != CK_OK)
            return err;
        snprintf(w2, sizeof w2, "%s.service_number.label", where);
        if ((err = check_localized(json_object_get(sn, "label"), languages, w2)) != CK_OK)
            return err;
        lo = json_integer_value(json_object_get(sn, "min_length"));
        hi = json_integer_value(json_object_get(sn, "max_length"));
        if (!json_is_integer(json_object_get(sn, "min_length")) ||
            !json_is_integer(json_object_get(sn, "max_length")) || lo < 1 || hi < lo || hi > 64)
            return ck_err(CK_ERR_FORMAT,
                          "%s.service_number: min_length and max_length must be 1 <= min <= max "
                          "<= 64",
                          where);
        cs = json_string_value(json_object_get(sn, "charset"));
        if (cs == NULL || (strcmp(cs, "digits") != 0 && strcmp(cs, "alnum") != 0))
            return ck_err(CK_ERR_FORMAT,
                          "%s.service_number.charset must be \"digits\" or \"alnum\"", where);
    }
    /* What the certificate screen's QR may disclose beyond name, nation, category,
     * validity, serial and issuer (cert_present); nothing unless a bundle says so. */
    if ((v = json_object_get(rules, "qr_discloses")) != NULL) {
        unsigned bit, seen = 0;
        if (!json_is_array(v))
            return ck_err(CK_ERR_FORMAT, "%s.qr_discloses must be a list of claim names", where);
        json_array_foreach(v, i, cat)
        {
            if (!json_is_string(cat) || cert_claim_bit(json_string_value(cat), &bit) != CK_OK ||
                (seen & bit))
                return ck_err(CK_ERR_FORMAT,
                              "%s.qr_discloses[%zu] must be one of \"rank\", \"unit\", "
                              "\"operation\", \"evidence\", \"serviceNumber\", each once",
                              where, i);
            seen |= bit;
        }
    }
    if ((tc = json_object_get(rules, "training_confirmation")) != NULL) {
        char w2[700];
        snprintf(w2, sizeof w2, "%s.training_confirmation", where);
        if (!json_is_object(tc) || !json_is_boolean(json_object_get(tc, "required")))
            return ck_err(CK_ERR_FORMAT, "%s must be an object with \"required\": true|false", w2);
        if ((err = only_members(tc, tc_allowed, w2)) != CK_OK)
            return err;
        snprintf(w2, sizeof w2, "%s.training_confirmation.course", where);
        if ((err = check_localized(json_object_get(tc, "course"), languages, w2)) != CK_OK)
            return err;
    }
    if ((cc = json_object_get(rules, "clause_categories")) != NULL) {
        const char *id;
        json_t *cats;
        if (!json_is_object(cc))
            return ck_err(CK_ERR_FORMAT,
                          "%s.clause_categories must map clause ids to lists of categories", where);
        json_object_foreach((json_t *)cc, id, cats)
        {
            if (!json_is_array(cats) || json_array_size(cats) == 0)
                return ck_err(CK_ERR_FORMAT,
                              "%s.clause_categories.%s must list at least one category", where,
                              id);
            json_array_foreach(cats, i, cat)
            {
                if (!json_is_string(cat) || !category_valid(json_string_value(cat)))
                    return ck_err(CK_ERR_FORMAT,
                                  "%s.clause_categories.%s[%zu] must be \"military\", "
                                  "\"civilian\" or \"contractor\"",
                                  where, id, i);
            }
        }
    }
    return CK_OK;
}

/* A date written YYYY-MM-DD with a month 01-12 and a day 01-31. */
static bool
date_valid(const char *s)
{
    if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* "review": who, in which role, cleared the text for service, and when. Only
 * a bundle with a review may mark a language "draft": false (bundle.c). */
static CkErr
check_review(const json_t *review, const json_t *languages, const char *m)
{
    static const char *const allowed[] = {"by", "role", "date", "languages", NULL};
    static const char *const texts[] = {"by", "role"};
    char where[600];
    const json_t *v;
    json_t *item;
    size_t i;
    CkErr err;

    snprintf(where, sizeof where, "%s: review", m);
    if (!json_is_object(review))
        return ck_err(CK_ERR_FORMAT, "%s must be an object {\"by\", \"role\", \"date\"}", where);
    if ((err = only_members(review, allowed, where)) != CK_OK)
        return err;
    for (size_t t = 0; t < 2; t++) {
        v = json_object_get(review, texts[t]);
        if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200)
            return ck_err(CK_ERR_FORMAT, "%s.%s must name the reviewer's %s (1 to 200 bytes)",
                          where, texts[t], t == 0 ? "name" : "role or authority");
    }
    if (!date_valid(json_string_value(json_object_get(review, "date"))))
        return ck_err(CK_ERR_FORMAT, "%s.date must be the date of the review, YYYY-MM-DD", where);
    if ((v = json_object_get(review, "languages")) != NULL) {
        if (!json_is_array(v) || json_array_size(v) == 0)
            return ck_err(CK_ERR_FORMAT, "%s.languages must list the languages reviewed", where);
        json_array_foreach(v, i, item)
        {
            bool listed = false;
            size_t j;
            json_t *lang;
            json_array_foreach(languages, j, lang)
            {
                listed = listed || json_equal(item, lang);
            }
            if (!listed)
                return ck_err(CK_ERR_FORMAT,
                              "%s.languages[%zu] is not one of the bundle's \"languages\"", where,
                              i);
        }
    }
    return CK_OK;
}

CkErr
manifest_check(const json_t *man, const char *m, bool for_signing)
{
    static const char *const allowed[] = {"format",         "nation", "bundle_id", "version",
                                          "material_since", "abi",    "languages", "rules",
                                          "requires",       "module", "files",     "review",
                                          NULL};
    const json_t *v, *abi, *langs, *files;
    const char *s, *key;
    json_t *item;
    size_t i;
    CkErr err;

    if (!json_is_object(man))
        return ck_err(CK_ERR_FORMAT, "%s: must be a JSON object", m);
    if ((err = only_members(man, allowed, m)) != CK_OK)
        return err;
    s = json_string_value(json_object_get(man, "format"));
    if (s == NULL || strcmp(s, BUNDLE_FORMAT) != 0)
        return ck_err(CK_ERR_FORMAT, "%s: \"format\" must be \"%s\"", m, BUNDLE_FORMAT);
    s = json_string_value(json_object_get(man, "nation"));
    if (s == NULL || !nation_valid(s))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"nation\" must be an ISO 3166-1 alpha-3 code (\"NOR\") or \"NATO\"", m);
    s = json_string_value(json_object_get(man, "bundle_id"));
    if (s == NULL || !bundle_id_valid(s))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"bundle_id\" must be 3 to 64 of a-z 0-9 . - _ (\"no.forsvaret.cthb\")",
                      m);
    if (!bundle_version_valid(json_string_value(json_object_get(man, "version"))))
        return ck_err(CK_ERR_FORMAT, "%s: \"version\" must be three numbers, \"2026.1.0\"", m);
    v = json_object_get(man, "material_since");
    if (v != NULL &&
        (!bundle_version_valid(json_string_value(v)) ||
         bundle_version_compare(json_string_value(v),
                                json_string_value(json_object_get(man, "version"))) > 0))
        return ck_err(CK_ERR_FORMAT,
                      "%s: \"material_since\" must be a version no newer than \"version\"", m);
    abi = json_object_get(man, "abi");
    if (!json_is_object(abi) || !json_is_integer(json_object_get(abi, "major")) ||
        !json_is_integer(json_object_get(abi, "minor")) ||
        json_integer_value(json_object_get(abi, "major")) < 1 ||
        json_integer_value(json_object_get(abi, "minor")) < 0 ||
        json_integer_value(json_object_get(abi, "major")) > 65535 ||
        json_integer_value(json_object_get(abi, "minor")) > 65535 || json_object_size(abi) != 2)
        return ck_err(CK_ERR_FORMAT, "%s: \"abi\" must be {\"major\":1,\"minor\":0}", m);
    langs = json_object_get(man, "languages");
    if (!json_is_array(langs) || json_array_size(langs) == 0 || json_array_size(langs) > 32)
        return ck_err(CK_ERR_FORMAT, "%s: \"languages\" must list 1 to 32 language codes", m);
    json_array_foreach(langs, i, item)
    {
        if (!json_is_string(item) || !lang_valid(json_string_value(item)))
            return ck_err(CK_ERR_FORMAT,
                          "%s: languages[%zu] must be an ISO 639 code of 2 or 3 lower-case "
                          "letters",
                          m, i);
        for (size_t j = 0; j < i; j++)
            if (json_equal(item, json_array_get(langs, j)))
                return ck_err(CK_ERR_FORMAT, "%s: language \"%s\" is listed twice", m,
                              json_string_value(item));
    }
    if ((err = check_rules(json_object_get(man, "rules"), langs, m)) != CK_OK)
        return err;
    if ((v = json_object_get(man, "review")) != NULL &&
        (err = check_review(v, langs, m)) != CK_OK)
        return err;
    v = json_object_get(man, "requires");
    if (v != NULL && !json_is_array(v))
        return ck_err(CK_ERR_FORMAT, "%s: \"requires\" must be a list of feature names", m);
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item) || json_string_length(item) == 0 || json_string_length(item) > 64)
            return ck_err(CK_ERR_FORMAT, "%s: requires[%zu] must be a feature name", m, i);
    }
    v = json_object_get(man, "module");
    if (v != NULL && (!json_is_string(v) || !manifest_name_valid(json_string_value(v))))
        return ck_err(CK_ERR_FORMAT, "%s: \"module\" must be the file name of the native module",
                      m);
    files = json_object_get(man, "files");
    if (files == NULL && for_signing)
        return CK_OK;
    if (!json_is_object(files))
        return ck_err(CK_ERR_FORMAT, "%s: \"files\" must map every file to its SHA-256", m);
    json_object_foreach((json_t *)files, key, item)
    {
        unsigned char h[32];
        s = json_string_value(item);
        if (!manifest_name_valid(key))
            return ck_err(CK_ERR_FORMAT, "%s: files: \"%s\" is not a valid file name", m, key);
        if (!for_signing && (s == NULL || strlen(s) != 64 || codec_hex_decode(s, h, 32) != CK_OK))
            return ck_err(CK_ERR_FORMAT, "%s: files: \"%s\" needs a SHA-256 of 64 hex digits", m,
                          key);
    }
    if (!for_signing && v != NULL && json_object_get(files, json_string_value(v)) == NULL)
        return ck_err(CK_ERR_FORMAT, "%s: the module \"%s\" is not in \"files\"", m,
                      json_string_value(v));
    return CK_OK;
}

ManifestNumberProblem
manifest_number_problem(const char *number, size_t lo, size_t hi, bool digits_only)
{
    size_t len = strlen(number);

    for (size_t i = 0; i < len; i++) {
        char c = number[i];
        bool ok = (c >= '0' && c <= '9') ||
                  (!digits_only && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')));
        if (!ok)
            return MANIFEST_NUMBER_CHARACTER;
    }
    return len < lo || len > hi ? MANIFEST_NUMBER_LENGTH : MANIFEST_NUMBER_OK;
}
