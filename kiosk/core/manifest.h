/* manifest: the rules a bundle's manifest.json must follow (FORMATS.md). Used by bundle.c when
 * loading and signing; not part of the plugin ABI. */
#ifndef CERTKIOSK_MANIFEST_H
#define CERTKIOSK_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "keys.h"

/* Validates every manifest field except the hashes of "files" when
 * for_signing (they may be absent before signing; "files" itself is then
 * not required). m names the manifest in messages. CK_OK or CK_ERR_FORMAT
 * naming the field. */
CK_WUR CkErr manifest_check(const json_t *man, const char *m, bool for_signing);

/* True if s[0..len) is a path component of a bundle file: [A-Za-z0-9._-],
 * not starting with '.', at most 100 bytes. */
bool manifest_component_valid(const char *s, size_t len);

/* True if name is a file name a manifest may list: components as above
 * joined by '/', at most BUNDLE_MAX_DEPTH deep, not manifest.json or
 * manifest.sig. */
bool manifest_name_valid(const char *name);

/* What is wrong with a service number under a manifest's "service_number"
 * form (lo..hi characters; digits, or letters and digits): the first bad
 * character is reported before the length. The plugin host and the flow say
 * it, each in its own words. */
typedef enum ManifestNumberProblem {
    MANIFEST_NUMBER_OK,
    MANIFEST_NUMBER_CHARACTER,
    MANIFEST_NUMBER_LENGTH,
} ManifestNumberProblem;
ManifestNumberProblem manifest_number_problem(const char *number, size_t lo, size_t hi,
                                              bool digits_only);

#endif
