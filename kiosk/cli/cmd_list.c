/* cmd_list: `certctl list` — the certificates in a kiosk's log, without personal data. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "home.h"
#include "store.h"

static const char list_usage[] =
    "usage: certctl list --home HOME [--json | --csv]\n"
    "\n"
    "Lists the certificates in the log of the kiosk at HOME: log index, time recorded,\n"
    "entry type (cert.issued at the kiosk, cert.paper from a paper form), serial, nation,\n"
    "category and valid until. Names and service numbers are not shown: use\n"
    "certctl show on a certificate for those. The log is not audited here (certctl audit).\n"
    "\n"
    "exit status: 0 ok, 2 usage or input/output error\n";

enum { LIST_TABLE, LIST_JSON, LIST_CSV };

typedef struct ListCtx {
    int mode;
    json_t *rows;
    size_t n;
} ListCtx;

static CkErr
list_entry(const StoreEntry *e, void *vctx)
{
    ListCtx *ctx = vctx;
    char time[CLOCK_RFC3339_LEN + 1], until[CLOCK_RFC3339_LEN + 1];
    json_t *body, *payload;
    const char *jws, *category;

    if (e->serial == NULL || e->nation == NULL)
        return CK_OK; /* not a certificate */
    body = json_loadb((const char *)e->body, e->body_len, 0, NULL);
    jws = json_string_value(json_object_get(body, "jws"));
    payload = jws ? cert_payload_json(jws, strlen(jws)) : NULL;
    category = json_string_value(
        json_object_get(json_object_get(payload, "credentialSubject"), "category"));
    if (category == NULL)
        category = "?";
    clock_format(e->time, time);
    clock_format(e->expires, until);
    switch (ctx->mode) {
    case LIST_JSON:
        json_array_append_new(ctx->rows,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "index",
                                        (json_int_t)e->index, "time", time, "type", e->type,
                                        "serial", e->serial, "nation", e->nation, "category",
                                        category, "validUntil", until));
        break;
    case LIST_CSV: {
        char index[24];
        snprintf(index, sizeof index, "%" PRIu64, e->index);
        cli_csv_field(stdout, index, false);
        cli_csv_field(stdout, time, false);
        cli_csv_field(stdout, e->type, false);
        cli_csv_field(stdout, e->serial, false);
        cli_csv_field(stdout, e->nation, false);
        cli_csv_field(stdout, category, false);
        cli_csv_field(stdout, until, true);
        break;
    }
    default: {
        char *cat = cli_text(category); /* signed by the kiosk, but text all the same */
        printf("%6" PRIu64 "  %s  %-11s %-28s %-6s %-10s %.10s\n", e->index, time, e->type,
               e->serial, e->nation, cat, until);
        free(cat);
    }
    }
    ctx->n++;
    json_decref(payload);
    json_decref(body);
    return CK_OK;
}

int
cmd_list(int argc, char **argv)
{
    static const struct option longopts[] = {{"home", required_argument, NULL, 'H'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"csv", no_argument, NULL, 'c'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *home = NULL;
    ListCtx ctx = {LIST_TABLE, NULL, 0};
    Store *st = NULL;
    CkErr err;
    int c, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'H':
            home = optarg;
            break;
        case 'j':
            ctx.mode = LIST_JSON;
            break;
        case 'c':
            ctx.mode = LIST_CSV;
            break;
        case 'h':
            fputs(list_usage, stdout);
            return CLI_OK;
        default:
            fputs(list_usage, stderr);
            return CLI_USAGE;
        }
    }
    if (home == NULL || optind != argc)
        return cli_usage_error("list: --home HOME is required");
    if ((err = home_open_store(home, false, &st)) != CK_OK)
        goto out;
    if (ctx.mode == LIST_JSON)
        ctx.rows = json_array();
    else if (ctx.mode == LIST_CSV)
        puts("index,time,type,serial,nation,category,valid_until");
    else
        printf("%6s  %-20s  %-11s %-28s %-6s %-10s %s\n", "INDEX", "TIME", "TYPE", "SERIAL",
               "NATION", "CATEGORY", "VALID UNTIL");
    err = store_foreach(st, 0, NULL, list_entry, &ctx);
    if (err == CK_OK && ctx.mode == LIST_JSON) {
        json_dumpf(ctx.rows, stdout, JSON_INDENT(2));
        putchar('\n');
    } else if (err == CK_OK && ctx.mode == LIST_TABLE) {
        printf("%zu certificate(s)\n", ctx.n);
    }
out:
    rc = err == CK_OK ? CLI_OK : cli_fail(err);
    json_decref(ctx.rows);
    store_close(st);
    return rc;
}
