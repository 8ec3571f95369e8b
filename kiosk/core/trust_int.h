/* trust_int: what trust.c and trust_key.c share. Private to trust*.c; everyone else uses
 * trust.h. */
#ifndef CERTKIOSK_TRUST_INT_H
#define CERTKIOSK_TRUST_INT_H

#include <stddef.h>

#include "trust.h"

/* Copies the string src into dst[cap]: CK_OK, or CK_ERR_TOO_LARGE (dst untouched). */
CkErr trust_copy_str(char *dst, size_t cap, const char *src);
/* Records the current error detail again with prefix before it; returns err. */
CkErr trust_rewrap(CkErr err, const char *prefix);

#endif
