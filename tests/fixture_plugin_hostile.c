/* fixture_plugin_hostile: a nation module that attacks the kiosk, one behaviour per build
 * (HOSTILE_ACT), run from its constructor (HOSTILE_IN_CTOR) or from its service-number check.
 *
 * Built once per behaviour by tests/CMakeLists.txt and loaded, signed into
 * an EST bundle, by tests/test_plugin_sandbox.c and tests/cli/test_plugin_hostile.sh.
 * HOSTILE_HOME is the kiosk home those tests use, so the key and the store it
 * reaches for are real. An attack that succeeds says so: the entry fails, or
 * the check returns INVALID, with "BREACH: ..." — which the tests look for.
 * One that fails without killing the worker returns a status plugin.h does
 * not define, so the kiosk refuses the module and the tests see it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <certkiosk/plugin.h>

#define ACT_KEY 1        /* open HOME/kiosk.key */
#define ACT_STORE 2      /* open HOME/store.db */
#define ACT_PROCMEM 3    /* open /proc/<kiosk>/mem */
#define ACT_VMREAD 4     /* process_vm_readv on the kiosk */
#define ACT_PTRACE 5     /* ptrace(PTRACE_ATTACH) the kiosk */
#define ACT_CONNECT 6    /* socket + connect 127.0.0.1 */
#define ACT_FORK 7       /* fork */
#define ACT_EXEC 8       /* execve /bin/sh */
#define ACT_TMPFILE 9    /* create a file in /tmp */
#define ACT_SPIN 10      /* never return */
#define ACT_ALLOC 11     /* allocate and touch 8 GiB */
#define ACT_SEGV 12      /* write through NULL */
#define ACT_LONGCLAIM 13 /* a claim key without NUL */
#define ACT_NONUL 14     /* a reason without NUL */
#define ACT_BADUTF8 15   /* a reason that is not UTF-8 */
#define ACT_HUGESIZE 16  /* a table with struct_size 0x7fffffff */
#define ACT_LIBM 17      /* not hostile: needs libm, which the worker provides */
#define ACT_LATECRASH 18 /* accepts every number, then crashes in validity_days */

#ifndef HOSTILE_ACT
#error "build with -DHOSTILE_ACT=<ACT_*>"
#endif
#ifndef HOSTILE_HOME
#error "build with -DHOSTILE_HOME=\"<the tests' kiosk home>\""
#endif

#define TMP_FILE "/tmp/certkiosk-hostile-breach"

/* What the constructor found, told by the entry. */
static char ctor_result[160];

static void
breach(char *out, size_t len, const char *what)
{
    snprintf(out, len, "BREACH: %s", what);
}

/* Runs the attack. Returns 1 and sets out if it worked, 0 if it failed
 * without the sandbox killing us (out says how). */
static int
attack(char *out, size_t len)
{
    char path[256];
    int fd;

    switch (HOSTILE_ACT) {
    case ACT_KEY:
    case ACT_STORE:
    case ACT_PROCMEM:
        if (HOSTILE_ACT == ACT_PROCMEM)
            snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
        else
            snprintf(path, sizeof path, "%s/%s", HOSTILE_HOME,
                     HOSTILE_ACT == ACT_KEY ? "kiosk.key" : "store.db");
        /* The flags the dynamic loader uses first, then plain ones. */
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 || (fd = open(path, O_RDONLY)) >= 0) {
            char buf[16];
            if (read(fd, buf, sizeof buf) > 0) {
                breach(out, len, "read a file of the kiosk");
                return 1;
            }
        }
        snprintf(out, len, "open failed: %s", strerror(errno));
        return 0;
    case ACT_VMREAD: {
        static char local[16];
        struct iovec l = {local, sizeof local}, r = {(void *)0x400000, sizeof local};
        if (process_vm_readv(getppid(), &l, 1, &r, 1, 0) > 0) {
            breach(out, len, "read the kiosk's memory");
            return 1;
        }
        snprintf(out, len, "process_vm_readv failed: %s", strerror(errno));
        return 0;
    }
    case ACT_PTRACE:
        if (ptrace(PTRACE_ATTACH, getppid(), NULL, NULL) == 0) {
            breach(out, len, "attached to the kiosk");
            return 1;
        }
        snprintf(out, len, "ptrace failed: %s", strerror(errno));
        return 0;
    case ACT_CONNECT: {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            breach(out, len, "connected to 127.0.0.1");
            return 1;
        }
        snprintf(out, len, "socket/connect failed: %s", strerror(errno));
        return 0;
    }
    case ACT_FORK: {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0) {
            breach(out, len, "started a process");
            return 1;
        }
        snprintf(out, len, "fork failed: %s", strerror(errno));
        return 0;
    }
    case ACT_EXEC: {
        char *const argv[] = {(char *)"sh", (char *)"-c", (char *)"touch " TMP_FILE, NULL};
        execv("/bin/sh", argv);
        snprintf(out, len, "execve failed: %s", strerror(errno));
        return 0;
    }
    case ACT_TMPFILE:
        if ((fd = open(TMP_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) >= 0 ||
            (fd = open(TMP_FILE, O_RDONLY | O_CLOEXEC)) >= 0) {
            breach(out, len, "created a file in /tmp");
            return 1;
        }
        snprintf(out, len, "creating a file failed: %s", strerror(errno));
        return 0;
    case ACT_SPIN:
        for (volatile unsigned long i = 0;; i++)
            ;
    case ACT_ALLOC: {
        size_t size = (size_t)8 << 30;
        char *p = malloc(size);
        if (p != NULL) {
            for (size_t i = 0; i < size; i += 4096)
                p[i] = 1;
            breach(out, len, "allocated 8 GiB");
            return 1;
        }
        snprintf(out, len, "malloc of 8 GiB failed");
        return 0;
    }
    case ACT_SEGV:
        *(volatile int *)(uintptr_t)8 = 1;
        return 0;
    default:
        out[0] = '\0';
        return 0;
    }
}

#ifdef HOSTILE_IN_CTOR
__attribute__((constructor)) static void
hostile_ctor(void)
{
    if (!attack(ctor_result, sizeof ctor_result) && ctor_result[0] == '\0')
        snprintf(ctor_result, sizeof ctor_result, "nothing happened");
}
#endif

static CkPluginStatus
check(void *ctx, const char *number, char *reason, size_t reason_len)
{
    (void)ctx;
    (void)number;
    switch (HOSTILE_ACT) {
    case ACT_NONUL:
        memset(reason, 'x', reason_len);
        return CK_PLUGIN_INVALID;
    case ACT_BADUTF8:
        snprintf(reason, reason_len, "bad \xc3\x28 text");
        return CK_PLUGIN_INVALID;
    case ACT_LONGCLAIM:
    case ACT_HUGESIZE:
    case ACT_LATECRASH:
        return CK_PLUGIN_OK;
    case ACT_LIBM: {
        volatile double x = (double)strlen(number);
        return sqrt(x) > 2.0 ? CK_PLUGIN_OK : CK_PLUGIN_INVALID;
    }
    default:
#ifdef HOSTILE_IN_CTOR
        return CK_PLUGIN_OK;
#else
        if (attack(reason, reason_len))
            return CK_PLUGIN_INVALID; /* carries "BREACH: ..." */
        return (CkPluginStatus)77;    /* not a status: the kiosk refuses the module */
#endif
    }
}

static CkPluginStatus
claims(void *ctx, const char *number, CkPluginCategory category, CkPluginClaim *out, size_t cap,
       size_t *count_out)
{
    (void)ctx;
    (void)number;
    (void)category;
    if (cap < 1)
        return CK_PLUGIN_NOSPACE;
    memset(&out[0], 0, sizeof out[0]);
    if (HOSTILE_ACT == ACT_LONGCLAIM)
        memset(out[0].key, 'k', sizeof out[0].key); /* no NUL anywhere in the key */
    else
        snprintf(out[0].key, sizeof out[0].key, "est.kind");
    snprintf(out[0].value, sizeof out[0].value, "hostile");
    *count_out = 1;
    return CK_PLUGIN_OK;
}

static CkPluginStatus
validity(void *ctx, CkPluginCategory category, uint32_t *days_out)
{
    (void)ctx;
    (void)category;
    (void)days_out;
    raise(SIGSEGV);
    return CK_PLUGIN_FAILED;
}

static const CkPlugin table = {
    .struct_size = HOSTILE_ACT == ACT_HUGESIZE ? 0x7fffffffu : sizeof(CkPlugin),
    .abi_major = CK_PLUGIN_ABI_MAJOR,
    .abi_minor = CK_PLUGIN_ABI_MINOR,
    .nation = "EST",
    .name = "Estonia: hostile test module",
    .version = "1",
    .validate_service_number = check,
    .extra_claims = claims,
    .validity_days = HOSTILE_ACT == ACT_LATECRASH ? validity : NULL,
};

CK_PLUGIN_EXPORT CkPluginStatus
CK_PLUGIN_ENTRY(const CkPluginHost *host, const CkPlugin **plugin_out, char *err, size_t err_len)
{
    (void)host;
#ifdef HOSTILE_IN_CTOR
    if (ctor_result[0] != '\0') {
        snprintf(err, err_len, "%s", ctor_result);
        return CK_PLUGIN_FAILED;
    }
#else
    (void)err;
    (void)err_len;
#endif
    *plugin_out = &table;
    return CK_PLUGIN_OK;
}
