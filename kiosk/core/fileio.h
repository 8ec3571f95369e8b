/* fileio: bounded reads, durable atomic writes, and directory creation. */
#ifndef CERTKIOSK_FILEIO_H
#define CERTKIOSK_FILEIO_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Reads a whole file of at most max bytes. *data_out is a new buffer (free
 * with free()) followed by one NUL byte not counted in *len_out. A larger
 * file is CK_ERR_TOO_LARGE, a missing one CK_ERR_NOT_FOUND; path "-" reads
 * standard input. */
CkErr fileio_read(const char *path, size_t max, unsigned char **data_out, size_t *len_out);

/* Like fileio_read, but into sodium_malloc memory for secrets: free with
 * sodium_free(). Refuses (CK_ERR_PERMISSION) a file that group or others may
 * read or write. */
CkErr fileio_read_secret(const char *path, size_t max, unsigned char **data_out, size_t *len_out);

/* Writes data to path durably and atomically: a temporary file in the same
 * folder, fsync, rename, fsync of the folder. With exclusive, an existing
 * path is CK_ERR_EXISTS. A full disk is CK_ERR_NOSPACE and leaves any old
 * file as it was. */
CkErr fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                          bool exclusive);

/* Creates a directory and its parents (like mkdir -p) with the given mode. */
CkErr fileio_mkdir_p(const char *path, mode_t mode);

/* Makes sure path is a private folder (a kiosk home, certctl's state, a
 * registry: they hold keys and personal data): when missing and create is set, it is
 * made (with its parents) mode 0700; when missing otherwise, CK_ERR_NOT_FOUND.
 * An existing path must be a folder (a link is judged by its target), owned by the
 * effective user, that group and others cannot enter, read or write: else
 * CK_ERR_PERMISSION with a message naming what (e.g. "kiosk home"), the mode
 * and the fix ("chmod 700 DIR"). */
CkErr fileio_private_dir(const char *path, const char *what, bool create);

/* Creates path as an empty regular file of the given mode when it does not
 * exist (so that a program that creates it later, like SQLite, cannot give it
 * a wider mode); an existing file is left alone. */
CkErr fileio_precreate(const char *path, mode_t mode);

/* True if path exists (any type). */
bool fileio_exists(const char *path);

/* Reads the names in the open folder d, except "." and "..", sorted by
 * strcmp() so that every machine visits them in the same order. More than max
 * names is CK_ERR_TOO_LARGE. *names_out: fileio_names_free(*names_out, *n_out). */
CkErr fileio_dir_names(DIR *d, size_t max, char ***names_out, size_t *n_out);

/* Frees n names from fileio_dir_names() and their array; accepts NULL. */
void fileio_names_free(char **names, size_t n);

/* Joins a folder and a name into a new string (free with free()). */
char *fileio_join(const char *dir, const char *name);

#endif
