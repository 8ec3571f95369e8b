/* bundle_int: what bundle.c and bundle_files.c share — the folder walk. Private to the bundle
 * module; not installed, not for other modules. */
#ifndef CERTKIOSK_BUNDLE_INT_H
#define CERTKIOSK_BUNDLE_INT_H

#include <jansson.h>
#include <stddef.h>

#include "bundle.h"

/* One file of a bundle, read once. */
typedef struct BundleFile {
    char *name; /* relative, "content/en.json" */
    unsigned char *data;
    size_t len;
} BundleFile;

typedef struct BundleFileList {
    BundleFile *v;
    size_t n, cap;
    size_t total;
} BundleFileList;

/* A walk over a bundle folder, collecting its files. */
typedef struct BundleWalk {
    const char *dir;         /* for messages */
    const json_t *listed;    /* manifest "files", or NULL when signing */
    const char *module_name; /* gets the larger limit */
    BundleFileList list;
} BundleWalk;

/* Frees n files and the array v. Accepts NULL. */
void bundle_files_free(BundleFile *v, size_t n);

/* Reads every file under dirfd (prefix: its path relative to the bundle,
 * "" at the top; depth 0 at the top) into w->list, visiting entries in name
 * order so that the first refusal is the same on every machine. Refuses
 * symlinks and special files, bad names, files not in w->listed (when not
 * NULL), and files, folders or totals over the limits. */
CkErr bundle_files_walk(BundleWalk *w, int dirfd, const char *prefix, int depth);

/* Reads the top-level file name (manifest.json, manifest.sig) of the bundle
 * folder dirfd, at most max bytes, refusing a symlink. *data_out: free(),
 * NUL-terminated. dir names the bundle in messages. */
CkErr bundle_files_read_top(int dirfd, const char *dir, const char *name, size_t max,
                            unsigned char **data_out, size_t *len_out);

#endif
