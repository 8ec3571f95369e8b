/* country: the 249 officially assigned ISO 3166-1 alpha-3 codes and their English short names,
 * in one static table (the roster checks codes against it; the kiosk shows names from it). */
#ifndef CERTKIOSK_COUNTRY_H
#define CERTKIOSK_COUNTRY_H

#include <stdbool.h>

/* True if code is one of the 249 officially assigned ISO 3166-1 alpha-3
 * codes (upper case, exactly three letters). User-assigned codes such as
 * "XKX" are not. NULL is false. */
bool country_known(const char *code);

/* The English short name of an assigned code ("SWE" -> "Sweden"), or NULL
 * for any other string. Static. */
const char *country_name_en(const char *code);

#endif
