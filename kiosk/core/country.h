/* country: the 249 officially assigned ISO 3166-1 alpha-3 codes, in one static table (the roster
 * and the flow check codes against it; names come from iso-codes, isocodes.h). */
#ifndef CERTKIOSK_COUNTRY_H
#define CERTKIOSK_COUNTRY_H

#include <stdbool.h>

/* True if code is one of the 249 officially assigned ISO 3166-1 alpha-3
 * codes (upper case, exactly three letters). User-assigned codes such as
 * "XKX" are not. NULL is false. */
bool country_known(const char *code);

#endif
