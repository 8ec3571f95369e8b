/* bench_plugin: one service-number check through a nation's sandboxed worker, round trip,
 * against the same check called in-process (tests/bench; never run by ctest).
 *
 *   bench_plugin HOME MODULE.so   HOME: a kiosk home whose plugins/ holds a NOR bundle with
 *                                 MODULE.so; prints tests/bench rows (TSV). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <certkiosk/plugin.h>

#include "fileio.h"
#include "plugin_host.h"
#include "trust.h"

#define N 5000

static double
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double
pct(double *v, size_t n, int q)
{
    size_t i = (n * (size_t)q + 99) / 100;

    return v[i ? i - 1 : 0];
}

static const char *
host_locale(void *ctx)
{
    (void)ctx;
    return "en";
}

int
main(int argc, char **argv)
{
    static double t[N], d[N];
    char *trust_path, *plugins, reason[256];
    const char *dirs[2] = {NULL, NULL};
    Trust *trust = NULL;
    PluginHost *h = NULL;
    PluginHostOptions o = {0};
    CkPluginHost host = {.struct_size = sizeof host,
                         .abi_major = CK_PLUGIN_ABI_MAJOR,
                         .abi_minor = CK_PLUGIN_ABI_MINOR,
                         .locale = host_locale};
    const CkPlugin *p = NULL;
    CkPluginEntryFn entry;
    void *so;
    char err[256];

    if (argc != 3) {
        fprintf(stderr, "usage: bench_plugin HOME MODULE.so\n");
        return 2;
    }
    trust_path = fileio_join(argv[1], "trust.jwks");
    plugins = fileio_join(argv[1], "plugins");
    if (trust_load(trust_path, &trust) != CK_OK) {
        fprintf(stderr, "bench_plugin: %s\n", ck_err_detail());
        return 1;
    }
    dirs[0] = plugins;
    o.dirs = dirs;
    o.trust = trust;
    if (plugin_host_open(&o, &h) != CK_OK || plugin_host_find(h, "NOR") == NULL) {
        fprintf(stderr, "bench_plugin: no NOR bundle loaded from %s\n", plugins);
        return 1;
    }
    /* The same module called directly, as the kiosk did before the worker. */
    if ((so = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL)) == NULL ||
        (*(void **)&entry = dlsym(so, CK_PLUGIN_ENTRY_NAME)) == NULL ||
        entry(&host, &p, err, sizeof err) != CK_PLUGIN_OK) {
        fprintf(stderr, "bench_plugin: cannot load %s in-process\n", argv[2]);
        return 1;
    }
    for (int i = 0; i < 200; i++) /* warm up both */
        (void)plugin_host_validate_service_number(h, "NOR", "15038510190", reason, sizeof reason);
    for (int i = 0; i < N; i++) {
        double t0 = now_us();
        if (plugin_host_validate_service_number(h, "NOR", "15038510190", reason, sizeof reason) !=
            CK_OK) {
            fprintf(stderr, "bench_plugin: the check failed: %s\n", ck_err_detail());
            return 1;
        }
        t[i] = now_us() - t0;
        t0 = now_us();
        if (p->validate_service_number(p->ctx, "15038510190", reason, sizeof reason) !=
            CK_PLUGIN_OK)
            return 1;
        d[i] = now_us() - t0;
    }
    qsort(t, N, sizeof t[0], cmp);
    qsort(d, N, sizeof d[0], cmp);
    /* row ID WHAT FIGURE UNIT BASELINE BASELINE_WHAT GOAL MET NOTE (tests/bench) */
    printf(
        "plugin_rt_p50\tservice-number check through the NOR worker, round trip, p50 of %d\t%.3f\t"
        "ms\t%.4f\tthe same check called in-process, p50\t-\t-\t\n",
        N, pct(t, N, 50) / 1e3, pct(d, N, 50) / 1e3);
    printf("plugin_rt_p99\tservice-number check through the NOR worker, round trip, p99\t%.3f\tms\t"
           "%.4f\tthe same check called in-process, p99\tp99 <= 2 ms\t%s\t\n",
           pct(t, N, 99) / 1e3, pct(d, N, 99) / 1e3, pct(t, N, 99) <= 2000 ? "yes" : "no");
    plugin_host_close(h);
    trust_free(trust);
    free(trust_path);
    free(plugins);
    return 0;
}
