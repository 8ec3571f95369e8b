/* sandbox: the worker's walls, raised in an order where each step still has what it needs and no
 * module code has run yet.
 *
 * Loading the module needs the dynamic loader to open the sealed memfd by
 * its /proc/self/fd path (glibc's dlopen takes a path, not a descriptor), and
 * ELF constructors run inside dlopen. So every wall is up before dlopen, and
 * the load-time filter still allows openat(O_RDONLY|O_CLOEXEC). What keeps
 * that openat from reaching a file is Landlock: the ruleset handles every
 * file system right and grants none, so the kiosk key, the store, /proc/<pid>
 * and /tmp are all refused (EACCES). The memfd still opens because it lives on
 * the kernel's internal shmem mount, which Landlock does not govern; tested on
 * Linux 6.18 (Landlock ABI 7) by tests/test_plugin_sandbox.c, whose hostile
 * constructors try every one of those paths. Once dlopen returns,
 * sandbox_seal() adds a filter that kills on any open, any stat by path and
 * on executable mappings, so the entry call and every rule call run without
 * them. What a constructor can still do during load that a rule call cannot:
 * newfstatat on a path (the loader's fstat uses it), so it may learn whether
 * a path exists and its size and times, never its bytes.
 *
 * Without Landlock (kernels before 5.13, or when disabled at boot) a
 * constructor could read files the worker's uid can read. The host is told
 * (HELLO) and says so; what still protects then is the uid switch when the
 * kiosk starts as root, the read-only open (no file can be written, created
 * or truncated), no network, and the seccomp filter after load. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "plugin_proto.h"

/* Landlock rights newer than Debian 12's kernel headers (ABI 2), by ABI. */
#define SB_LL_FS_ABI1 ((UINT64_C(1) << 13) - 1)
#define SB_LL_FS_REFER (UINT64_C(1) << 13)     /* ABI 2 */
#define SB_LL_FS_TRUNCATE (UINT64_C(1) << 14)  /* ABI 3 */
#define SB_LL_FS_IOCTL_DEV (UINT64_C(1) << 15) /* ABI 5 */
#define SB_LL_NET_TCP (UINT64_C(3))            /* ABI 4: bind and connect */
#define SB_LL_SCOPE_ALL (UINT64_C(3))          /* ABI 6: abstract unix sockets, signals */

/* The limits: enough for libc, the loader and a module that checks numbers. */
#define SB_AS_BYTES (512u * 1024 * 1024)
#define SB_CPU_SECONDS 10
#define SB_NOFILE 8

/* struct landlock_ruleset_attr as of ABI 6; the kernel takes a prefix. */
typedef struct SandboxLandlockAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
} SandboxLandlockAttr;

static void
note(SandboxReport *r, const char *text)
{
    size_t len = strlen(r->note);

    snprintf(r->note + len, sizeof r->note - len, "%s%s", len ? "; " : "", text);
}

static int
drop_root(SandboxReport *r)
{
    const struct passwd *pw;
    uid_t uid = 65534;
    gid_t gid = 65534;

    if (geteuid() != 0 && getuid() != 0)
        return 0;
    if ((pw = getpwnam("nobody")) != NULL && pw->pw_uid != 0) {
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0 ||
        setuid(0) == 0) {
        note(r, "cannot switch from root to the unprivileged user nobody");
        return -1;
    }
    r->flags |= PLUGIN_PROTO_SB_UID;
    return 0;
}

static void
close_others(void)
{
    close(0);
    close(1);
    close(2);
    if (syscall(SYS_close_range, PLUGIN_PROTO_FD_MODULE + 1, ~0u, 0) != 0)
        for (int fd = PLUGIN_PROTO_FD_MODULE + 1; fd < 1024; fd++)
            close(fd);
}

static int
set_limits(SandboxReport *r)
{
    static const struct {
        int resource;
        rlim_t value;
    } limits[] = {
        {RLIMIT_CPU, SB_CPU_SECONDS},
        {RLIMIT_NPROC, 0},
        {RLIMIT_NOFILE, SB_NOFILE},
        {RLIMIT_FSIZE, 0},
        {RLIMIT_CORE, 0},
        {RLIMIT_MEMLOCK, 0},
        {RLIMIT_MSGQUEUE, 0},
    };

    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        struct rlimit rl = {limits[i].value, limits[i].value};
        if (setrlimit(limits[i].resource, &rl) != 0) {
            note(r, "cannot set a resource limit");
            return -1;
        }
    }
#if defined(__SANITIZE_ADDRESS__)
    /* AddressSanitizer reserves terabytes of shadow address space: a sanitizer
     * build goes without this one limit (its allocator caps one allocation). */
    note(r, "no address-space limit (AddressSanitizer build)");
#else
    {
        struct rlimit rl = {SB_AS_BYTES, SB_AS_BYTES};
        if (setrlimit(RLIMIT_AS, &rl) != 0) {
            note(r, "cannot set the address-space limit");
            return -1;
        }
        r->flags |= PLUGIN_PROTO_SB_RLIMIT_AS;
    }
#endif
    return 0;
}

static void
landlock(SandboxReport *r)
{
    SandboxLandlockAttr attr = {0};
    size_t size = sizeof attr.handled_access_fs;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    int fd;

    if (abi < 1) {
        note(r, errno == EOPNOTSUPP ? "Landlock is disabled in this kernel"
                                    : "this kernel has no Landlock");
        return;
    }
    r->landlock_abi = (uint32_t)abi;
    attr.handled_access_fs = SB_LL_FS_ABI1;
    if (abi >= 2)
        attr.handled_access_fs |= SB_LL_FS_REFER;
    if (abi >= 3)
        attr.handled_access_fs |= SB_LL_FS_TRUNCATE;
    if (abi >= 4) {
        attr.handled_access_net = SB_LL_NET_TCP;
        size = offsetof(SandboxLandlockAttr, scoped);
    }
    if (abi >= 5)
        attr.handled_access_fs |= SB_LL_FS_IOCTL_DEV;
    if (abi >= 6) {
        attr.scoped = SB_LL_SCOPE_ALL;
        size = sizeof attr;
    }
    fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        note(r, "Landlock refused the ruleset");
        return;
    }
    if (syscall(SYS_landlock_restrict_self, fd, 0) != 0)
        note(r, "Landlock could not be applied");
    else
        r->flags |= PLUGIN_PROTO_SB_LANDLOCK;
    close(fd);
}

/* The calls computing an answer needs, plus what the dynamic loader needs
 * to map the module. Anything else kills the worker: socket, connect, fork,
 * clone, execve, ptrace, process_vm_readv, kill, ... */
static int
load_filter(void)
{
    static const int allowed[] = {
        SCMP_SYS(read),           SCMP_SYS(pread64),
        SCMP_SYS(close),          SCMP_SYS(fstat),
        SCMP_SYS(newfstatat),     SCMP_SYS(lseek),
        SCMP_SYS(mmap),           SCMP_SYS(munmap),
        SCMP_SYS(mprotect),       SCMP_SYS(mremap),
        SCMP_SYS(madvise),        SCMP_SYS(brk),
        SCMP_SYS(futex),          SCMP_SYS(exit),
        SCMP_SYS(exit_group),     SCMP_SYS(rt_sigreturn),
        SCMP_SYS(rt_sigprocmask), SCMP_SYS(clock_gettime),
        SCMP_SYS(clock_getres),   SCMP_SYS(gettimeofday),
        SCMP_SYS(getrandom),      SCMP_SYS(sched_yield),
        SCMP_SYS(getpid),         SCMP_SYS(gettid),
        SCMP_SYS(getppid),        SCMP_SYS(restart_syscall),
        SCMP_SYS(seccomp),
    };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    int rc = 0;

    if (ctx == NULL)
        return -1;
    rc |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
    /* Writing only to the socket to the kiosk. */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
                           SCMP_A0(SCMP_CMP_EQ, PLUGIN_PROTO_FD_SOCKET));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendto), 1,
                           SCMP_A0(SCMP_CMP_EQ, PLUGIN_PROTO_FD_SOCKET));
    /* The loader's open of the module: read-only, exactly as glibc asks. */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                           SCMP_A2(SCMP_CMP_EQ, O_RDONLY | O_CLOEXEC));
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}

int
sandbox_enter(SandboxReport *r)
{
    memset(r, 0, sizeof *r);
    if (drop_root(r) != 0)
        return -1;
    close_others();
    /* A user namespace first, so an unprivileged worker may also take a
     * network namespace of its own: no interface but a down loopback. */
    if (unshare(CLONE_NEWUSER) == 0)
        r->flags |= PLUGIN_PROTO_SB_USERNS;
    if (unshare(CLONE_NEWNET) == 0)
        r->flags |= PLUGIN_PROTO_SB_NETNS;
    else
        note(r, "no network namespace (seccomp still forbids sockets)");
    if (set_limits(r) != 0)
        return -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        note(r, "cannot set no-new-privileges");
        return -1;
    }
    landlock(r);
    if (load_filter() != 0) {
        note(r, "cannot load the seccomp filter");
        return -1;
    }
    r->flags |= PLUGIN_PROTO_SB_SECCOMP;
    return 0;
}

int
sandbox_seal(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    int rc = 0;

    if (ctx == NULL)
        return -1;
    /* no-new-privileges is already set; the filter only narrows the first. */
    rc |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    rc |= seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(openat), 0);
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(seccomp), 0);
    /* The loader's fstat goes through newfstatat, which also takes a path:
     * after load, a module may not even learn whether a file exists. */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(newfstatat), 0);
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(mmap), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(mprotect), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}
