/* isocodes: the countries of ISO 3166-1 with their names in the UI languages, read from Debian's
 * iso-codes package (its JSON list and gettext catalogs), and a search over them. No SDL. */
#ifndef CERTKIOSK_ISOCODES_H
#define CERTKIOSK_ISOCODES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Where Debian's iso-codes package puts them (Depends: iso-codes). */
#define ISOCODES_JSON "/usr/share/iso-codes/json/iso_3166-1.json"
#define ISOCODES_LOCALE_DIR "/usr/share/locale"
/* Most countries and languages a list holds (ISO 3166-1 has 249). */
#define ISOCODES_MAX_COUNTRIES 400
#define ISOCODES_MAX_LANGS 16
/* Longest search text that means anything (longer text matches nothing). */
#define ISOCODES_QUERY_MAX 64

/* The loaded list. Read-only after isocodes_load(). */
typedef struct IsoCodes IsoCodes;

/* Loads the countries of json_path (iso-codes' iso_3166-1.json: each entry's
 * "alpha_3", "name" and optional "common_name") with their names in each of
 * langs, translated by LOCALE_DIR/<lang>/LC_MESSAGES/iso_3166-1.mo (the
 * common name where the catalog translates it, else the name). English needs
 * no catalog. A language whose catalog is missing or unreadable is not an
 * error: its names stay English, and isocodes_catalog_problem() says why.
 * Fails, naming the file, with CK_ERR_NOT_FOUND (no JSON file: iso-codes is
 * not installed), CK_ERR_FORMAT (not iso-codes' JSON, or an entry without a
 * three-letter code or a name), CK_ERR_TOO_LARGE, CK_ERR_NOMEM. *out: free
 * with isocodes_free(). */
CkErr isocodes_load(const char *json_path, const char *locale_dir, const char *const *langs,
                    size_t n_langs, IsoCodes **out);

/* Frees the list. Accepts NULL. */
void isocodes_free(IsoCodes *codes);

/* Number of countries (sorted by alpha-3 code: index i is stable). */
size_t isocodes_count(const IsoCodes *codes);

/* The alpha-3 code of country i ("UKR"). Borrowed, valid until isocodes_free(). */
const char *isocodes_code(const IsoCodes *codes, size_t i);

/* The name of country i in lang (one of the languages loaded), else in
 * English. Borrowed. */
const char *isocodes_name(const IsoCodes *codes, size_t i, const char *lang);

/* The name of the country with alpha-3 code in lang (as isocodes_name), or
 * NULL for a code not in the list. Borrowed. */
const char *isocodes_name_of(const IsoCodes *codes, const char *code, const char *lang);

/* Why lang's names are English though lang is not (its catalog is missing
 * or broken), or NULL. Borrowed. */
const char *isocodes_catalog_problem(const IsoCodes *codes, const char *lang);

/* The countries whose name in lang or in English has a word starting with
 * query, or whose alpha-3 code starts with it, ignoring case and accents
 * ("ukr" finds Ukraine, "øst" and "ost" find Østerrike, "ελλ" finds Ελλάδα);
 * an empty query finds every country. Writes up to cap indices to out, in
 * the alphabetical order of the names in lang (accents folded; in Norwegian
 * Bokmål, Nynorsk and Danish æ ø å after z), and returns how many match in
 * all (which may be more than cap). */
size_t isocodes_search(const IsoCodes *codes, const char *lang, const char *query, size_t *out,
                       size_t cap);

#endif
