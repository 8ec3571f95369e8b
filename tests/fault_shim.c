/* fault_shim: an LD_PRELOAD library for tests that makes a process's writes fail as on a full
 * disk, or its fsyncs fail as on a dying disk, after a given number of calls.
 *
 * Only calls on files under $CK_FAULT_DIR are counted and failed (stdout,
 * stderr and everything elsewhere are left alone). The environment says when:
 *   CK_FAULT_WRITE_AFTER=N  the first N writes (write, pwrite, pwrite64, writev)
 *                           succeed; every later one fails with ENOSPC
 *   CK_FAULT_FSYNC_AFTER=N  the first N fsync/fdatasync calls succeed; every
 *                           later one fails with EIO
 * A failure is sticky, as a full disk stays full. With CK_FAULT_COUNT=FILE the
 * shim writes "writes N fsyncs M" to FILE at exit, so a test can sweep every
 * point of an operation. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHIM_EXPORT __attribute__((visibility("default")))

static long write_after = -1, fsync_after = -1;
static long writes, fsyncs;
static char dir[PATH_MAX];
static size_t dir_len;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

static void
count_at_exit(void)
{
    const char *path = getenv("CK_FAULT_COUNT");
    char line[64];
    int fd, n;

    if (path == NULL || real_write == NULL)
        return;
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return;
    n = snprintf(line, sizeof line, "writes %ld fsyncs %ld\n", writes, fsyncs);
    (void)!real_write(fd, line, (size_t)n);
    close(fd);
}

__attribute__((constructor)) static void
shim_init(void)
{
    const char *d = getenv("CK_FAULT_DIR"), *w = getenv("CK_FAULT_WRITE_AFTER"),
               *f = getenv("CK_FAULT_FSYNC_AFTER");

    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    real_pwrite = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    real_writev = (ssize_t(*)(int, const struct iovec *, int))dlsym(RTLD_NEXT, "writev");
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    if (d != NULL && realpath(d, dir) != NULL)
        dir_len = strlen(dir);
    if (w != NULL)
        write_after = atol(w);
    if (f != NULL)
        fsync_after = atol(f);
    atexit(count_at_exit);
}

/* True if fd is a file under CK_FAULT_DIR. */
static int
watched(int fd)
{
    char link[64], path[PATH_MAX];
    ssize_t n;

    if (dir_len == 0)
        return 0;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    if ((n = readlink(link, path, sizeof path - 1)) <= 0)
        return 0;
    path[n] = '\0';
    return strncmp(path, dir, dir_len) == 0 && (path[dir_len] == '/' || path[dir_len] == '\0');
}

/* Counts a write on fd; true if it must fail. */
static int
write_fails(int fd)
{
    if (!watched(fd))
        return 0;
    writes++;
    return write_after >= 0 && writes > write_after;
}

static int
fsync_fails(int fd)
{
    if (!watched(fd))
        return 0;
    fsyncs++;
    return fsync_after >= 0 && fsyncs > fsync_after;
}

SHIM_EXPORT ssize_t
write(int fd, const void *buf, size_t n)
{
    if (write_fails(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_write(fd, buf, n);
}

SHIM_EXPORT ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (write_fails(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

SHIM_EXPORT ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    if (write_fails(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite64(fd, buf, n, off);
}

SHIM_EXPORT ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
    if (write_fails(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_writev(fd, iov, cnt);
}

SHIM_EXPORT int
fsync(int fd)
{
    if (fsync_fails(fd)) {
        errno = EIO;
        return -1;
    }
    return real_fsync(fd);
}

SHIM_EXPORT int
fdatasync(int fd)
{
    if (fsync_fails(fd)) {
        errno = EIO;
        return -1;
    }
    return real_fdatasync(fd);
}
