/* fuzz_isocodes: the nation chooser's country list — iso-codes' JSON and a gettext catalog
 * (.mo) as isocodes_load reads them from files, and the search over what was loaded. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "isocodes.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char small_json[] =
    "{\"3166-1\": [{\"alpha_3\": \"UKR\", \"name\": \"Ukraine\"},"
    " {\"alpha_3\": \"AUT\", \"name\": \"Austria\"},"
    " {\"alpha_3\": \"KOR\", \"common_name\": \"South Korea\", \"name\": \"Korea, Republic of\"}]}";

static char dir[64], json_path[128], mo_path[160], locale[128];

static void
put(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL || fwrite(d, 1, n, f) != n)
        abort();
    fclose(f);
}

/* The first byte says what the rest is: even, a catalog for nb beside a
 * small valid list; odd, the list itself (no catalog). The last 8 bytes,
 * when there are that many, are also typed into the search. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const langs[] = {"en", "nb"};
    IsoCodes *codes = NULL;
    char query[16] = "";
    size_t idx[ISOCODES_MAX_COUNTRIES];

    if (size < 1)
        return 0;
    if (dir[0] == '\0') {
        char p[160];
        snprintf(dir, sizeof dir, "/tmp/fuzz-isocodes-XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
        snprintf(json_path, sizeof json_path, "%s/iso_3166-1.json", dir);
        snprintf(locale, sizeof locale, "%s/locale", dir);
        snprintf(p, sizeof p, "%s/nb/LC_MESSAGES", locale);
        mkdir(locale, 0700);
        snprintf(p, sizeof p, "%s/nb", locale);
        mkdir(p, 0700);
        snprintf(p, sizeof p, "%s/nb/LC_MESSAGES", locale);
        mkdir(p, 0700);
        snprintf(mo_path, sizeof mo_path, "%s/iso_3166-1.mo", p);
    }
    if (data[0] % 2 == 0) {
        put(json_path, small_json, sizeof small_json - 1);
        put(mo_path, data + 1, size - 1);
    } else {
        put(json_path, data + 1, size - 1);
        remove(mo_path);
    }
    if (size > 9)
        memcpy(query, data + size - 8, 8);
    if (isocodes_load(json_path, locale, langs, 2, &codes) != CK_OK) {
        if (codes != NULL)
            abort();
        return 0;
    }
    size_t n = isocodes_count(codes);
    if (n == 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *code = isocodes_code(codes, i);
        if (strlen(code) != 3)
            abort();
        for (size_t l = 0; l < 2; l++) {
            const char *name = isocodes_name(codes, i, langs[l]);
            if (name == NULL || *name == '\0' ||
                utf8_check(name, strlen(name), 128, false, NULL, NULL) != UTF8_OK)
                abort();
        }
        if (isocodes_name_of(codes, code, "nb") != isocodes_name(codes, i, "nb"))
            abort();
    }
    if (isocodes_search(codes, "nb", "", idx, ISOCODES_MAX_COUNTRIES) != n)
        abort();
    size_t m = isocodes_search(codes, "nb", query, idx, ISOCODES_MAX_COUNTRIES);
    for (size_t k = 0; k < m && k < ISOCODES_MAX_COUNTRIES; k++)
        if (idx[k] >= n)
            abort();
    isocodes_free(codes);
    return 0;
}
