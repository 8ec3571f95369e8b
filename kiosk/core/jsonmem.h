/* jsonmem: where jansson's memory comes from — wiped when freed, and per-thread scratch for
 * the trees of one certificate. */
#ifndef CERTKIOSK_JSONMEM_H
#define CERTKIOSK_JSONMEM_H

#include <stdbool.h>
#include <stddef.h>

/* jansson's allocator (installed by jws.c before main). Every block it frees is zeroed first:
 * certificates carry personal data, and jansson frees the strings it parsed them into without
 * clearing them (tests/test_secrets.c scans the process for leftovers). Outside a scope the
 * blocks come from malloc, so jansson's results (json_dumps) may still go to free(). */
void *jsonmem_malloc(size_t size);
void jsonmem_free(void *ptr);

/* A scope of the calling thread. Parsing one certificate makes some 250 small blocks (its
 * header, payload, disclosures, entry body); from malloc, with each one wiped on free, they cost
 * verify and audit about a tenth of their time. Inside a scope they come from a region of this
 * thread instead: taking one moves a pointer, freeing one does nothing, and jsonmem_end() wipes
 * what the scope used in one pass. When the region is full (or none could be had), blocks come
 * from malloc as outside a scope.
 *
 * The contract: every JSON value made while allocating from the scope must be freed before
 * jsonmem_end() (so no cache, no value handed to the caller), and nothing made inside may be
 * freed with free() (no json_dumps). jsonmem_hold() stops taking blocks from the scope (the
 * ones taken stay valid until jsonmem_end()): call it before running code that may keep JSON
 * values, such as callbacks. A scope begun inside another one on the same thread is not a
 * scope of its own: its hold and end do nothing, the outer end wipes. */
typedef struct JsonMemScope {
    bool began; /* this jsonmem_begin() started the thread's scope */
} JsonMemScope;

void jsonmem_begin(JsonMemScope *scope);
void jsonmem_hold(JsonMemScope *scope);
void jsonmem_end(JsonMemScope *scope);

#endif
