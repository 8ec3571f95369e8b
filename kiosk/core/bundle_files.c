/* bundle_files: reading a bundle folder — every file regular, bounded, read once, no symlinks. */
#include "bundle_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "manifest.h"

void
bundle_files_free(BundleFile *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].data);
    }
    free(v);
}

/* Reads a regular file opened by fd, at most max bytes, NUL-terminated. */
static CkErr
read_bounded(int fd, const char *what, size_t max, unsigned char **data_out, size_t *len_out)
{
    struct stat st;
    unsigned char *buf;
    size_t len = 0;

    if (fstat(fd, &st) != 0)
        return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ck_err(CK_ERR_TAMPERED, "%s: not a regular file", what);
    if ((unsigned long long)st.st_size > max)
        return ck_err(CK_ERR_TOO_LARGE, "%s: %lld bytes is over the limit of %zu", what,
                      (long long)st.st_size, max);
    if ((buf = malloc((size_t)st.st_size + 2)) == NULL)
        return ck_err(CK_ERR_NOMEM, "%s: out of memory", what);
    /* Read one byte more than fstat said, to notice a file that grows. */
    for (;;) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > (size_t)st.st_size) {
            free(buf);
            return ck_err(CK_ERR_TAMPERED, "%s: changed while it was being read", what);
        }
    }
    buf[len] = '\0';
    *data_out = buf;
    *len_out = len;
    return CK_OK;
}

static CkErr
walk_entry(BundleWalk *w, int dirfd, const char *prefix, int depth, const char *ent)
{
    char rel[512];
    struct stat st;
    int fd = -1;
    CkErr err = CK_OK;

    snprintf(rel, sizeof rel, "%s%s", prefix, ent);
    if (depth == 0 && (strcmp(ent, "manifest.json") == 0 || strcmp(ent, "manifest.sig") == 0))
        return CK_OK;
    if (fstatat(dirfd, ent, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
    if (!manifest_component_valid(ent, strlen(ent)))
        return ck_err(CK_ERR_TAMPERED,
                      "%s: file \"%s\" is not in the manifest (names use only A-Z a-z 0-9 . _ -, "
                      "not starting with a dot)",
                      w->dir, rel);
    if (S_ISDIR(st.st_mode)) {
        if (depth + 1 >= BUNDLE_MAX_DEPTH)
            return ck_err(CK_ERR_TOO_LARGE, "%s: %s: folders nested deeper than %d", w->dir, rel,
                          BUNDLE_MAX_DEPTH);
        if ((fd = openat(dirfd, ent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
            return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
        strcat(rel, "/");
        err = bundle_files_walk(w, fd, rel, depth + 1);
        close(fd);
        return err;
    }
    if (!S_ISREG(st.st_mode))
        return ck_err(CK_ERR_TAMPERED,
                      "%s: %s is a symbolic link or special file; a bundle holds only plain files",
                      w->dir, rel);
    if (w->listed != NULL && json_object_get(w->listed, rel) == NULL)
        return ck_err(CK_ERR_TAMPERED, "%s: file \"%s\" is not in the manifest", w->dir, rel);
    if (w->list.n >= BUNDLE_MAX_FILES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: more than %d files", w->dir, BUNDLE_MAX_FILES);
    if (w->list.n == w->list.cap) {
        size_t ncap = w->list.cap ? w->list.cap * 2 : 16;
        BundleFile *nv = realloc(w->list.v, ncap * sizeof *nv);
        if (nv == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        w->list.v = nv;
        w->list.cap = ncap;
    }
    if ((fd = openat(dirfd, ent, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return ck_err(CK_ERR_IO, "%s: %s: %s", w->dir, rel, strerror(errno));
    BundleFile *f = &w->list.v[w->list.n];
    char what[600];
    snprintf(what, sizeof what, "%s: %s", w->dir, rel);
    size_t max = w->module_name != NULL && strcmp(rel, w->module_name) == 0
                     ? BUNDLE_MAX_MODULE_BYTES
                     : BUNDLE_MAX_FILE_BYTES;
    err = read_bounded(fd, what, max, &f->data, &f->len);
    close(fd);
    if (err != CK_OK)
        return err;
    if ((f->name = strdup(rel)) == NULL) {
        free(f->data);
        return ck_err(CK_ERR_NOMEM, "out of memory");
    }
    w->list.n++;
    if ((w->list.total += f->len) > 4 * (size_t)BUNDLE_MAX_MODULE_BYTES)
        return ck_err(CK_ERR_TOO_LARGE, "%s: the bundle is larger than %d bytes in all", w->dir,
                      4 * BUNDLE_MAX_MODULE_BYTES);
    return CK_OK;
}

CkErr
bundle_files_walk(BundleWalk *w, int dirfd, const char *prefix, int depth)
{
    int fd2 = dup(dirfd);
    DIR *d;
    char **names = NULL;
    size_t n = 0;
    CkErr err;

    if (fd2 < 0 || (d = fdopendir(fd2)) == NULL) {
        if (fd2 >= 0)
            close(fd2);
        return ck_err(CK_ERR_IO, "%s: %s", w->dir, strerror(errno));
    }
    err = fileio_dir_names(d, BUNDLE_MAX_FILES * 2, &names, &n);
    closedir(d);
    if (err == CK_ERR_TOO_LARGE)
        return ck_err(CK_ERR_TOO_LARGE, "%s: more than %d files", w->dir, BUNDLE_MAX_FILES);
    for (size_t i = 0; i < n && err == CK_OK; i++)
        err = walk_entry(w, dirfd, prefix, depth, names[i]);
    fileio_names_free(names, n);
    return err;
}

CkErr
bundle_files_read_top(int dirfd, const char *dir, const char *name, size_t max,
                      unsigned char **data_out, size_t *len_out)
{
    char what[600];
    int fd;
    CkErr err;

    snprintf(what, sizeof what, "%s: %s", dir, name);
    if ((fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
        if (errno == ENOENT)
            return ck_err(CK_ERR_NOT_FOUND, "%s: no %s", dir, name);
        if (errno == ELOOP)
            return ck_err(CK_ERR_TAMPERED, "%s is a symbolic link", what);
        return ck_err(CK_ERR_IO, "%s: %s", what, strerror(errno));
    }
    err = read_bounded(fd, what, max, data_out, len_out);
    close(fd);
    return err;
}
