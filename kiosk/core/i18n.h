/* i18n: the kiosk's own UI strings (assets/ui/<lang>.json), by message ID, with English as the
 * fallback. */
#ifndef CERTKIOSK_I18N_H
#define CERTKIOSK_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* A UI strings file is one flat JSON object:
 *   {"_language":"fr", "_draft":true, "button.next":"Suivant", ...}
 * Members starting with '_' are metadata or translator comments. Keys are
 * 1..64 characters of [a-z0-9._-]; values are UTF-8 strings of at most
 * I18N_MAX_CHARS code points without control characters except '\n'.
 * Placeholders in values are written {name} and filled with i18n_expand().
 * "_draft": true marks a translation that awaits a native speaker's review. */

#define I18N_MAX_FILE_BYTES (256 * 1024)
#define I18N_MAX_CHARS 2000
#define I18N_MAX_KEY_LEN 64

typedef struct I18n I18n;

/* Loads dir/<lang>.json and dir/en.json (the fallback; required). A file
 * that is not valid is refused (CK_ERR_FORMAT naming the file and the
 * line:column or the key at fault); a missing <lang>.json is CK_ERR_NOT_FOUND.
 * lang must be 2-3 lower-case letters. *i18n_out: free with i18n_free(). */
CkErr i18n_load(const char *dir, const char *lang, I18n **i18n_out);

/* Validates one strings file's bytes (name is used in messages). */
CkErr i18n_check(const char *name, const unsigned char *data, size_t len);

/* Frees. Accepts NULL. */
void i18n_free(I18n *i18n);

/* The string for key in the loaded language, else English, else the key
 * itself (so a missing string shows up on screen, not as a blank). Borrowed;
 * valid until i18n_free(). */
const char *i18n_get(const I18n *i18n, const char *key);

/* True if key has a string in the loaded language itself (not a fallback). */
bool i18n_has(const I18n *i18n, const char *key);

/* The language loaded ("fr") and whether its file is marked "_draft". */
const char *i18n_language(const I18n *i18n);
bool i18n_draft(const I18n *i18n);

/* Number of English keys the loaded language lacks (0 for a complete translation). */
size_t i18n_missing(const I18n *i18n);

/* Copies tmpl to out (cap bytes, always NUL-terminated when cap > 0),
 * replacing {names[i]} with values[i]; unknown placeholders are kept as
 * written. Returns false if the result was cut to fit. */
bool i18n_expand(const char *tmpl, const char *const *names, const char *const *values, size_t n,
                 char *out, size_t cap);

#endif
