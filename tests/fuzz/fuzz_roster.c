/* fuzz_roster: a contingent's roster CSV — one pass, every bad row reported, the rest kept. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Roster *r = NULL;

    if (roster_parse((const char *)data, size, "fuzz.csv", &r) == CK_OK) {
        for (size_t i = 0; i < roster_count(r); i++) {
            const RosterEntry *e = roster_entry(r, i);
            if (e == NULL || e->id == NULL || e->nation == NULL || e->name == NULL ||
                e->id[0] == '\0' || !roster_nation_known(e->nation))
                abort();
        }
        for (size_t i = 0; i < roster_problem_count(r); i++)
            if (roster_problem(r, i)->message == NULL)
                abort();
        roster_unload(r);
    } else if (r != NULL) {
        abort();
    }
    return 0;
}
