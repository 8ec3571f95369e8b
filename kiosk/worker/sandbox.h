/* sandbox: shuts the plugin worker in before any byte of a nation's module runs. */
#ifndef CERTKIOSK_SANDBOX_H
#define CERTKIOSK_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

typedef struct SandboxReport {
    uint32_t flags;        /* PLUGIN_PROTO_SB_* layers in place */
    uint32_t landlock_abi; /* 0: the kernel has no Landlock */
    char note[256];        /* what is missing and what still protects, or "" */
} SandboxReport;

/* The layers that do not depend on the module, in this order: unprivileged
 * uid/gid when started as root, every descriptor closed but the socket and the
 * module, a user and a network namespace where the kernel allows, resource
 * limits, no new privileges, Landlock with every file system right handled
 * and no rule, and the load-time seccomp allow-list (which still lets the
 * dynamic loader open the module read-only). Fills report. Returns 0, or -1
 * with a reason in report->note when a layer that must hold could not be put
 * in place (the worker then exits without loading anything). */
int sandbox_enter(SandboxReport *report);

/* After dlopen: a second seccomp filter that forbids opening anything and
 * mapping or making memory executable. Returns 0 or -1. */
int sandbox_seal(void);

#endif
