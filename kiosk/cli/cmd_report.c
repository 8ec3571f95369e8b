/* cmd_report: `certctl report` — a roster against the registry, as a table, CSV or JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_registry.h"
#include "clock.h"
#include "commands.h"
#include "registry.h"
#include "report.h"
#include "roster.h"

static void
usage(FILE *f)
{
    fputs("usage: certctl report --roster FILE.csv [--registry DIR] [--until DATE | --within "
          "DAYS]\n"
          "                      [--csv | --json]\n\n"
          "Holds a roster against the registry and says, for each person, one of:\n"
          "  certified  valid until the date shown\n"
          "  expiring   valid now, but not until DATE (--until, e.g. the end of the\n"
          "             deployment) or for DAYS more days (--within; default 30)\n"
          "  outdated   certified against an older version of a bundle than its\n"
          "             material_since (bundles registered with `certctl registry bundles`)\n"
          "  expired    no longer valid\n"
          "  revoked    revoked by a status list the registry holds (with the reason)\n"
          "  missing    no certificate in the registry\n"
          "A person is nation + id; their newest certificate supersedes older ones.\n"
          "Totals follow per nation, unit and category.\n\n"
          "The roster is CSV (RFC 4180) with a header row; columns (any order, any case,\n"
          "others ignored): id (service number, required), nation (ISO 3166-1 alpha-3,\n"
          "required), name, category (military, civilian, contractor), unit, rank.\n"
          "Rows with problems are reported on standard error with their line numbers\n"
          "(and in the JSON output) and left out; the rest of the report is produced.\n\n"
          "exit status: 0 report produced, 2 usage or input/output error\n",
          f);
}

static void
date_of(int64_t t, char buf[CLOCK_RFC3339_LEN + 1])
{
    if (t == 0) {
        buf[0] = '\0';
        return;
    }
    clock_format(t, buf);
    buf[10] = '\0';
}

static void
print_csv(const Report *rep)
{
    fputs("line,nation,id,name,rank,unit,category,state,valid_until,serial,kiosk,reason,note,"
          "detail\n",
          stdout);
    for (size_t i = 0; i < report_count(rep); i++) {
        const ReportRow *r = report_row(rep, i);
        char line[24], until[CLOCK_RFC3339_LEN + 1];

        snprintf(line, sizeof line, "%zu", r->person->line);
        date_of(r->valid_until, until);
        cli_csv_field(stdout, line, false);
        cli_csv_field(stdout, r->person->nation, false);
        cli_csv_field(stdout, r->person->id, false);
        cli_csv_field(stdout, r->person->name, false);
        cli_csv_field(stdout, r->person->rank, false);
        cli_csv_field(stdout, r->person->unit, false);
        cli_csv_field(stdout, r->person->category, false);
        cli_csv_field(stdout, report_state_name(r->state), false);
        cli_csv_field(stdout, until, false);
        cli_csv_field(stdout, r->serial, false);
        cli_csv_field(stdout, r->kiosk_id, false);
        cli_csv_field(stdout, r->reason, false);
        cli_csv_field(stdout, r->note, false);
        cli_csv_field(stdout, r->detail, true);
    }
}

static json_t *
total_json(const ReportTotal *t)
{
    json_t *o = json_object();

    json_object_set_new(o, "people", json_integer((json_int_t)t->people));
    for (int s = 0; s < REPORT_STATE_COUNT_; s++)
        json_object_set_new(o, report_state_name((ReportState)s),
                            json_integer((json_int_t)t->count[s]));
    return o;
}

static int
print_json(const Report *rep, const Roster *roster, const char *roster_path, int64_t now,
           int64_t horizon)
{
    static const char *const groups[] = {"nation", "unit", "category"};
    json_t *doc = json_object(), *people = json_array(), *lists = json_array(),
           *problems = json_array(), *totals = json_object();
    char t[CLOCK_RFC3339_LEN + 1], age[64];
    int rc = CLI_OK;

    clock_format(now, t);
    json_object_set_new(doc, "now", json_string(t));
    clock_format(horizon, t);
    json_object_set_new(doc, "horizon", json_string(t));
    json_object_set_new(doc, "roster", json_string(roster_path));
    for (size_t i = 0; i < report_status_count(rep); i++) {
        const StatusList *l = report_status(rep, i);
        clock_format(status_issued(l), t);
        status_age(status_issued(l), now, age, sizeof age);
        json_array_append_new(lists,
                              json_pack("{s:s,s:I,s:s,s:s,s:I}", "issuer", status_issuer(l),
                                        "version", (json_int_t)status_version(l), "issued", t,
                                        "age", age, "revoked", (json_int_t)status_count(l)));
    }
    json_object_set_new(doc, "status_lists", lists);
    for (size_t i = 0; i < report_count(rep); i++) {
        const ReportRow *r = report_row(rep, i);
        json_t *p = json_pack("{s:I,s:s,s:s,s:s,s:s}", "line", (json_int_t)r->person->line,
                              "nation", r->person->nation, "id", r->person->id, "name",
                              r->person->name, "state", report_state_name(r->state));
        if (r->person->rank[0])
            json_object_set_new(p, "rank", json_string(r->person->rank));
        if (r->person->unit[0])
            json_object_set_new(p, "unit", json_string(r->person->unit));
        if (r->person->category[0])
            json_object_set_new(p, "category", json_string(r->person->category));
        if (r->serial[0]) {
            clock_format(r->valid_until, t);
            json_object_set_new(p, "serial", json_string(r->serial));
            json_object_set_new(p, "kiosk", json_string(r->kiosk_id));
            json_object_set_new(p, "valid_until", json_string(t));
            json_object_set_new(p, "superseded", json_integer((json_int_t)r->superseded));
        }
        if (r->reason[0])
            json_object_set_new(p, "reason", json_string(r->reason));
        if (r->note[0])
            json_object_set_new(p, "note", json_string(r->note));
        if (r->detail[0])
            json_object_set_new(p, "detail", json_string(r->detail));
        json_array_append_new(people, p);
    }
    json_object_set_new(doc, "people", people);
    json_object_set_new(totals, "all", total_json(report_total(rep)));
    for (int g = 0; g < 3; g++) {
        json_t *o = json_object();
        for (size_t i = 0; i < report_group_count(rep, (ReportGroup)g); i++) {
            const ReportTotal *tt = report_group(rep, (ReportGroup)g, i);
            json_object_set_new(o, tt->key, total_json(tt));
        }
        json_object_set_new(totals, groups[g], o);
    }
    json_object_set_new(doc, "totals", totals);
    for (size_t i = 0; i < roster_problem_count(roster); i++) {
        const RosterProblem *pr = roster_problem(roster, i);
        json_array_append_new(
            problems, json_pack("{s:I,s:s}", "line", (json_int_t)pr->line, "message", pr->message));
    }
    json_object_set_new(doc, "problems", problems);
    if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        rc = cli_fail(ck_err(CK_ERR_IO, "could not write the report"));
    fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

static void
print_totals_line(const char *label, const ReportTotal *t)
{
    printf("  %-22s %6zu", label, t->people);
    for (int s = 0; s < REPORT_STATE_COUNT_; s++)
        printf(" %9zu", t->count[s]);
    fputc('\n', stdout);
}

static void
print_table(const Report *rep, int64_t now, int64_t horizon)
{
    static const char *const groups[] = {"nation", "unit", "category"};
    char t[CLOCK_RFC3339_LEN + 1], age[64];

    date_of(horizon, t);
    printf("Report at ");
    {
        char n[CLOCK_RFC3339_LEN + 1];
        clock_format(now, n);
        printf("%s; expiring = valid until before %s\n", n, t);
    }
    if (report_status_count(rep) == 0)
        printf("Status lists: none held (import one with `certctl import --status`)\n");
    for (size_t i = 0; i < report_status_count(rep); i++) {
        const StatusList *l = report_status(rep, i);
        clock_format(status_issued(l), t);
        status_age(status_issued(l), now, age, sizeof age);
        printf("Status list: authority %s, version %llu, issued %s (%s), %zu revoked\n",
               status_issuer(l), (unsigned long long)status_version(l), t, age, status_count(l));
    }
    printf("\n%-9s %-6s %-12s %-24s %-12s %-10s %-10s %s\n", "STATE", "NATION", "ID", "NAME",
           "UNIT", "CATEGORY", "UNTIL", "SERIAL / REASON");
    for (size_t i = 0; i < report_count(rep); i++) {
        const ReportRow *r = report_row(rep, i);
        char until[CLOCK_RFC3339_LEN + 1];

        date_of(r->valid_until, until);
        printf("%-9s %-6s %-12s %-24.24s %-12.12s %-10s %-10s %s", report_state_name(r->state),
               r->person->nation, r->person->id, r->person->name, r->person->unit,
               r->person->category, until, r->serial);
        if (r->reason[0])
            printf(" revoked: %s%s%s", r->reason, r->note[0] ? " - " : "", r->note);
        if (r->detail[0])
            printf(" (%s)", r->detail);
        if (r->superseded)
            printf(" [supersedes %zu]", r->superseded);
        fputc('\n', stdout);
    }
    printf("\nTotals                   %6s", "people");
    for (int s = 0; s < REPORT_STATE_COUNT_; s++)
        printf(" %9s", report_state_name((ReportState)s));
    fputc('\n', stdout);
    print_totals_line("all", report_total(rep));
    for (int g = 0; g < 3; g++) {
        for (size_t i = 0; i < report_group_count(rep, (ReportGroup)g); i++) {
            const ReportTotal *tt = report_group(rep, (ReportGroup)g, i);
            char label[64];
            snprintf(label, sizeof label, "%s %.40s", groups[g], tt->key[0] ? tt->key : "(none)");
            print_totals_line(label, tt);
        }
    }
}

int
cmd_report(int argc, char **argv)
{
    const char *roster_path = NULL, *reg_flag = NULL, *until = NULL, *within = NULL;
    bool csv = false, json = false;
    Roster *roster = NULL;
    Registry *reg = NULL;
    Report *rep = NULL;
    int64_t now = clock_now(), horizon;
    CliTimedProgress progress;
    int opt, rc = CLI_OK;
    CkErr err;
    const CliOption opts[] = {{"roster", .value = &roster_path},
                              {"registry", .value = &reg_flag},
                              {"until", .value = &until},
                              {"within", .value = &within},
                              {"csv", .flag = &csv},
                              {"json", .flag = &json},
                              {NULL}};

    if ((opt = cli_options(argc, argv, opts, usage)) != CLI_NEXT)
        return opt;
    if (roster_path == NULL || optind < argc) {
        usage(stderr);
        return cli_usage_error("report needs --roster FILE.csv and no other arguments");
    }
    if (csv && json)
        return cli_usage_error("choose one of --csv and --json");
    if (until != NULL && within != NULL)
        return cli_usage_error("choose one of --until DATE and --within DAYS");
    if (until != NULL) {
        if (clock_parse(until, &horizon) != CK_OK)
            return cli_usage_error("--until %s: not a date (YYYY-MM-DD or RFC 3339)", until);
    } else {
        char *end;
        long days = within ? strtol(within, &end, 10) : 30;
        if (within != NULL && (*end != '\0' || days < 0 || days > 36500))
            return cli_usage_error("--within %s: not a number of days (0 to 36500)", within);
        horizon = now + (int64_t)days * 86400;
    }
    if ((err = roster_load(roster_path, &roster)) != CK_OK)
        return cli_fail(err);
    for (size_t i = 0; i < roster_problem_count(roster); i++)
        fprintf(stderr, "certctl: %s: %s\n", roster_path, roster_problem(roster, i)->message);
    if ((err = cli_registry_open(reg_flag, false, &reg)) != CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    cli_timed_progress_start(&progress, "report");
    if ((err = report_build(reg, roster, now, horizon, cli_timed_progress, &progress, &rep)) !=
        CK_OK) {
        rc = cli_fail(err);
        goto out;
    }
    if (json)
        rc = print_json(rep, roster, roster_path, now, horizon);
    else if (csv)
        print_csv(rep);
    else
        print_table(rep, now, horizon);
    if (fflush(stdout) != 0)
        rc = cli_fail(ck_err(CK_ERR_IO, "could not write the report"));
out:
    report_free(rep);
    registry_close(reg);
    roster_unload(roster);
    return rc;
}
