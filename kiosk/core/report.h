/* report: a roster held against the registry — who is certified, missing, expired, expiring,
 * revoked, outdated. */
#ifndef CERTKIOSK_REPORT_H
#define CERTKIOSK_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "registry.h"
#include "roster.h"
#include "status.h"

/* One state per person, decided from their current (newest) certificate, the
 * first that applies in this order:
 *   missing    no certificate for nation + id in the registry
 *   revoked    a held status list revokes the current certificate
 *   expired    validUntil <= now
 *   outdated   issued against a bundle version older than that bundle's
 *              material_since, as registered (registry_add_bundle)
 *   expiring   validUntil before the horizon (--until DATE, or now + N days)
 *   certified  otherwise */
typedef enum ReportState {
    REPORT_CERTIFIED,
    REPORT_EXPIRING,
    REPORT_OUTDATED,
    REPORT_EXPIRED,
    REPORT_REVOKED,
    REPORT_MISSING,
    REPORT_STATE_COUNT_
} ReportState;

typedef struct ReportRow {
    const RosterEntry *person; /* borrowed from the roster */
    ReportState state;
    char serial[CERT_SERIAL_MAX + 1]; /* "" when missing */
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    int64_t valid_until;
    size_t superseded;                  /* older certificates of the person */
    char reason[STATUS_REASON_MAX + 1]; /* revoked: the reason code */
    char note[STATUS_NOTE_MAX + 1];     /* revoked: the note, if any */
    char detail[160];                   /* outdated: which bundle, which versions */
} ReportRow;

/* Totals of one group (a nation, a unit or a category; "" = not given). */
typedef struct ReportTotal {
    char key[ROSTER_FIELD_MAX + 1];
    size_t count[REPORT_STATE_COUNT_];
    size_t people;
} ReportTotal;

typedef enum ReportGroup { REPORT_BY_NATION, REPORT_BY_UNIT, REPORT_BY_CATEGORY } ReportGroup;

typedef struct Report Report;

/* Builds the report of every roster entry at now, with expiring meaning
 * validUntil < horizon. progress (may be NULL) is called with (done, total).
 * *report_out: free with report_free(); it borrows roster, which must
 * outlive it. */
CkErr report_build(Registry *reg, const Roster *roster, int64_t now, int64_t horizon,
                   RegistryProgressFn progress, void *progress_ctx, Report **report_out);

/* Frees a report. Accepts NULL. */
void report_free(Report *report);

size_t report_count(const Report *report);
const ReportRow *report_row(const Report *report, size_t i);

/* Totals over everyone, and per group sorted by key. Borrowed. */
const ReportTotal *report_total(const Report *report);
size_t report_group_count(const Report *report, ReportGroup group);
const ReportTotal *report_group(const Report *report, ReportGroup group, size_t i);

/* The status lists the report applied (borrowed; valid until report_free()). */
size_t report_status_count(const Report *report);
const StatusList *report_status(const Report *report, size_t i);

/* "certified", "expiring", "outdated", "expired", "revoked", "missing". Static. */
const char *report_state_name(ReportState state);

#endif
