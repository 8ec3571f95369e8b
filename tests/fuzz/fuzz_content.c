/* fuzz_content: a plugin content file (content/<lang>.json) — parse, validate, compare ids. */
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Content *c = NULL;

    if (content_parse("content/en.json", data, size, &c) == CK_OK) {
        if (content_check_same_ids(c, c) != CK_OK)
            abort(); /* a file always has the same ids as itself */
        for (size_t i = 0; i < c->n_sections; i++)
            if (content_find_section(c, c->sections[i].id) == NULL ||
                content_section_index(c, c->sections[i].id) > i)
                abort();
        for (size_t i = 0; i < c->n_questions; i++)
            if (c->questions[i].answer >= c->questions[i].n_choices)
                abort();
        content_free(c);
    } else if (c != NULL) {
        abort();
    }
    return 0;
}
