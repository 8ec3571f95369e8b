/* bundle_seen: HOME/plugin-versions.json — the highest version of each bundle ever loaded. */
#include "bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

struct BundleSeen {
    json_t *seen; /* {"bundle id":"version"} */
};

#define SEEN_FORMAT "certkiosk-plugin-versions/1"

CkErr
bundle_seen_load(const char *path, BundleSeen **seen_out)
{
    BundleSeen *s = calloc(1, sizeof *s);
    unsigned char *data = NULL;
    size_t len;
    json_error_t je;
    json_t *root = NULL, *seen;
    const char *key, *fmt;
    json_t *v;
    CkErr err;

    *seen_out = NULL;
    if (s == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    err = fileio_read(path, 1024 * 1024, &data, &len);
    if (err == CK_ERR_NOT_FOUND) {
        if ((s->seen = json_object()) == NULL) {
            free(s);
            return ck_err(CK_ERR_NOMEM, "out of memory");
        }
        *seen_out = s;
        return CK_OK;
    }
    if (err != CK_OK)
        goto out;
    if ((root = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &je)) == NULL) {
        err = ck_err(CK_ERR_FORMAT, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        goto out;
    }
    fmt = json_string_value(json_object_get(root, "format"));
    seen = json_object_get(root, "seen");
    if (fmt == NULL || strcmp(fmt, SEEN_FORMAT) != 0 || !json_is_object(seen)) {
        err = ck_err(CK_ERR_FORMAT, "%s: not a %s file", path, SEEN_FORMAT);
        goto out;
    }
    json_object_foreach(seen, key, v)
    {
        if (!bundle_version_valid(json_string_value(v))) {
            err = ck_err(CK_ERR_FORMAT, "%s: \"%s\" has no valid version", path, key);
            goto out;
        }
    }
    s->seen = json_incref(seen);
    *seen_out = s;
    s = NULL;
out:
    json_decref(root);
    free(data);
    bundle_seen_free(s);
    return err;
}

const char *
bundle_seen_version(const BundleSeen *seen, const char *id)
{
    return json_string_value(json_object_get(seen->seen, id));
}

CkErr
bundle_seen_record(BundleSeen *seen, const char *id, const char *version, bool *changed_out)
{
    const char *old = bundle_seen_version(seen, id);

    *changed_out = false;
    if (!bundle_version_valid(version))
        return ck_err(CK_ERR_FORMAT, "bundle %s: \"%s\" is not a version", id, version);
    if (old != NULL && bundle_version_compare(version, old) <= 0)
        return CK_OK;
    if (json_object_set_new(seen->seen, id, json_string(version)) != 0)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    *changed_out = true;
    return CK_OK;
}

CkErr
bundle_seen_save(const BundleSeen *seen, const char *path)
{
    json_t *root = json_pack("{s:s, s:O}", "format", SEEN_FORMAT, "seen", seen->seen);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    CkErr err;

    if (text == NULL) {
        json_decref(root);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    err = fileio_write_atomic(path, text, strlen(text), 0600, false);
    free(text);
    json_decref(root);
    return err;
}

void
bundle_seen_free(BundleSeen *seen)
{
    if (seen == NULL)
        return;
    json_decref(seen->seen);
    free(seen);
}
