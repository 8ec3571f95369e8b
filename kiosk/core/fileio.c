/* fileio: the only place that turns errno into CkErr for plain files. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static CkErr
errno_err(const char *what, const char *path)
{
    int e = errno;

    if (e == ENOSPC || e == EDQUOT)
        return ck_err(CK_ERR_NOSPACE, "%s: %s: no space left on device", path, what);
    if (e == ENOENT)
        return ck_err(CK_ERR_NOT_FOUND, "%s: no such file or directory", path);
    if (e == EEXIST)
        return ck_err(CK_ERR_EXISTS, "%s: already exists", path);
    return ck_err(CK_ERR_IO, "%s: %s: %s", path, what, strerror(e));
}

static CkErr
read_fd(int fd, const char *path, size_t max, void *(*alloc)(size_t), void (*release)(void *),
        unsigned char **data_out, size_t *len_out)
{
    size_t cap = 4096, len = 0;
    unsigned char *buf = NULL, *grown;
    struct stat st;
    ssize_t n;

    /* A regular file's size is known: one buffer of that size (and a byte to
     * see the end), not a doubling that copied and wiped a 240 MB export 17
     * times over; one over max is refused unread. Growth still works for a
     * pipe, or a file that grows while it is read. */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > max)
            return ck_err(CK_ERR_TOO_LARGE, "%s: larger than the limit of %zu bytes", path, max);
        if ((size_t)st.st_size + 1 > cap)
            cap = (size_t)st.st_size + 1;
    }
    for (;;) {
        if (buf == NULL || len == cap) {
            size_t ncap = buf == NULL ? cap : cap * 2;
            if (ncap > max + 1)
                ncap = max + 1;
            if ((grown = alloc(ncap + 1)) == NULL) {
                release(buf);
                return ck_err(CK_ERR_NOMEM, "%s: out of memory", path);
            }
            if (buf != NULL) {
                memcpy(grown, buf, len);
                sodium_memzero(buf, len);
                release(buf);
            }
            buf = grown;
            cap = ncap;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            CkErr err = errno_err("read", path);
            release(buf);
            return err;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            sodium_memzero(buf, len);
            release(buf);
            return ck_err(CK_ERR_TOO_LARGE, "%s: larger than the limit of %zu bytes", path, max);
        }
    }
    buf[len] = '\0';
    *data_out = buf;
    *len_out = len;
    return CK_OK;
}

static void *
plain_alloc(size_t n)
{
    return malloc(n);
}

static void
plain_free(void *p)
{
    free(p);
}

static void
secret_free(void *p)
{
    sodium_free(p);
}

CkErr
fileio_read(const char *path, size_t max, unsigned char **data_out, size_t *len_out)
{
    int fd;
    CkErr err;

    *data_out = NULL;
    *len_out = 0;
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, "standard input", max, plain_alloc, plain_free, data_out,
                       len_out);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return errno_err("open", path);
    err = read_fd(fd, path, max, plain_alloc, plain_free, data_out, len_out);
    close(fd);
    return err;
}

CkErr
fileio_read_secret(const char *path, size_t max, unsigned char **data_out, size_t *len_out)
{
    struct stat st;
    int fd;
    CkErr err;

    *data_out = NULL;
    *len_out = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return errno_err("open", path);
    if (fstat(fd, &st) != 0) {
        err = errno_err("stat", path);
        close(fd);
        return err;
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        return ck_err(CK_ERR_PERMISSION,
                      "%s: permissions %03o are too open; a secret key file must be 0600 "
                      "(chmod 600 %s)",
                      path, (unsigned)(st.st_mode & 0777), path);
    }
    err = read_fd(fd, path, max, sodium_malloc, secret_free, data_out, len_out);
    close(fd);
    return err;
}

static CkErr
fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    int fd;
    CkErr err = CK_OK;

    if (copy == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        err = errno_err("open folder", path);
    } else {
        if (fsync(fd) != 0 && errno != EINVAL)
            err = errno_err("fsync folder", path);
        close(fd);
    }
    free(copy);
    return err;
}

CkErr
fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, bool exclusive)
{
    size_t tlen = strlen(path) + 16;
    char *tmp = malloc(tlen);
    const unsigned char *p = data;
    int fd = -1;
    CkErr err = CK_OK;

    if (tmp == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    if (exclusive && fileio_exists(path)) {
        err = ck_err(CK_ERR_EXISTS, "%s: already exists; refusing to overwrite it", path);
        goto out;
    }
    snprintf(tmp, tlen, "%s.tmp%06u", path, (unsigned)(randombytes_random() % 1000000));
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0) {
        err = errno_err("create", tmp);
        goto out;
    }
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = errno_err("write", path);
            goto out;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) != 0) {
        err = errno_err("fsync", path);
        goto out;
    }
    close(fd);
    fd = -1;
    if (exclusive ? link(tmp, path) != 0 : rename(tmp, path) != 0) {
        err = errno_err(exclusive ? "link" : "rename", path);
        goto out;
    }
    if (exclusive)
        unlink(tmp);
    err = fsync_dir_of(path);
out:
    if (fd >= 0)
        close(fd);
    if (err != CK_OK)
        unlink(tmp);
    free(tmp);
    return err;
}

CkErr
fileio_mkdir_p(const char *path, mode_t mode)
{
    char *copy = strdup(path);
    CkErr err = CK_OK;

    if (copy == NULL)
        return ck_err(CK_ERR_NOMEM, "out of memory");
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, mode) != 0 && errno != EEXIST) {
            err = errno_err("mkdir", copy);
            goto out;
        }
        *p = '/';
    }
    if (mkdir(copy, mode) != 0 && errno != EEXIST)
        err = errno_err("mkdir", copy);
out:
    free(copy);
    return err;
}

CkErr
fileio_private_dir(const char *path, const char *what, bool create)
{
    struct stat st;
    CkErr err;

    /* stat, not lstat: a link to a folder is judged by the folder it names. */
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return errno_err("stat", path);
        if (!create)
            return ck_err(CK_ERR_NOT_FOUND, "%s: no such %s", path, what);
        if ((err = fileio_mkdir_p(path, 0700)) != CK_OK)
            return err;
        if (stat(path, &st) != 0)
            return errno_err("stat", path);
    }
    if (!S_ISDIR(st.st_mode))
        return ck_err(CK_ERR_PERMISSION, "%s: the %s is not a folder", path, what);
    if (st.st_uid != geteuid())
        return ck_err(CK_ERR_PERMISSION,
                      "%s: the %s belongs to user %u, not to this user (%u); refusing a folder "
                      "another user controls (make it this user's: chown %u %s, or use another "
                      "folder)",
                      path, what, (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid(),
                      path);
    if ((st.st_mode & 077) != 0)
        return ck_err(CK_ERR_PERMISSION,
                      "%s: the %s has mode %04o, so group or others can get in; it must be 0700 "
                      "(chmod 700 %s)",
                      path, what, (unsigned)(st.st_mode & 07777), path);
    return CK_OK;
}

CkErr
fileio_precreate(const char *path, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

    if (fd < 0)
        return errno == EEXIST ? CK_OK : errno_err("create", path);
    close(fd);
    return CK_OK;
}

bool
fileio_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

char *
fileio_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *out = malloc(n);

    if (out != NULL)
        snprintf(out, n, "%s/%s", dir, name);
    return out;
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

CkErr
fileio_dir_names(DIR *d, size_t max, char ***names_out, size_t *n_out)
{
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    CkErr err = CK_OK;

    *names_out = NULL;
    *n_out = 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n >= max) {
            err = ck_err(CK_ERR_TOO_LARGE, "more than %zu names in a folder", max);
            goto out;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nv = realloc(names, ncap * sizeof *nv);
            if (nv == NULL) {
                err = ck_err(CK_ERR_NOMEM, "out of memory");
                goto out;
            }
            names = nv;
            cap = ncap;
        }
        if ((names[n] = strdup(de->d_name)) == NULL) {
            err = ck_err(CK_ERR_NOMEM, "out of memory");
            goto out;
        }
        n++;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
out:
    if (err != CK_OK) {
        fileio_names_free(names, n);
        return err;
    }
    *names_out = names;
    *n_out = n;
    return CK_OK;
}

void
fileio_names_free(char **names, size_t n)
{
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
}
