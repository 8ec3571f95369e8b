/* cert: the certificate — a W3C VC 2.0 secured as an SD-JWT (RFC 9901, typ vc+sd-jwt, per
 * VC-JOSE-COSE) — issue, present, decode, verify; the earlier compact-JWS form (vc+jwt) still
 * decodes and verifies. */
#ifndef CERTKIOSK_CERT_H
#define CERTKIOSK_CERT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "jws.h"
#include "keys.h"
#include "sdjwt.h"
#include "trust.h"

#define CERT_TYP "vc+sd-jwt"   /* certificates issued now (format 2) */
#define CERT_TYP_V1 "vc+jwt"   /* the first release's certificates, still accepted */
/* The JSON-LD context that defines every term of ours (assets/contexts/certkiosk-v1.jsonld).
 * Named in every certificate; never fetched by verification. */
#define CERT_CONTEXT_URL "https://w3id.org/certkiosk/v1"

/* Which form a certificate text has. */
typedef enum CertForm {
    CERT_FORM_V1 = 1,       /* vc+jwt: every claim signed in clear */
    CERT_FORM_FULL,         /* vc+sd-jwt with service number and evidence disclosed (log, export) */
    CERT_FORM_PRESENTATION, /* vc+sd-jwt with some of them withheld (the QR) */
} CertForm;

/* The claims a certificate may withhold (bits of CertClaims.disclosed). Everything else
 * (name, nation, category, validity, serial, issuer, status) is always in clear. */
enum {
    CERT_CLAIM_SERVICE_NUMBER = 1u << 0,
    CERT_CLAIM_RANK = 1u << 1,
    CERT_CLAIM_UNIT = 1u << 2,
    CERT_CLAIM_OPERATION = 1u << 3,
    CERT_CLAIM_EVIDENCE = 1u << 4,
    CERT_CLAIM_ALL_ = (1u << 5) - 1,
};

/* Field limits (bytes, without the NUL). A longer field is refused when
 * signing and when decoding (CK_ERR_FORMAT naming the field). */
#define CERT_NAME_MAX 127
#define CERT_FIELD_MAX 127 /* serviceNumber, rank, unit, operation, recordedBy, ... */
#define CERT_SERIAL_MAX 95 /* "<kiosk_id>-<log index>" */
#define CERT_MAX_BUNDLES 8
#define CERT_MAX_LANGS 16
#define CERT_MAX_CLAUSES 32
#define CERT_CLAUSE_ID_MAX 95 /* "<bundle_id>#<clause id>" (format 1: the bare clause id) */
#define CERT_MAX_CHOICE_ORDERS 64
#define CERT_MAX_CHOICES 8
#define CERT_MAX_TRAINING 4
#define CERT_SHA256_HEX 64

typedef enum CertMethod {
    CERT_METHOD_KIOSK = 1, /* signed at the kiosk */
    CERT_METHOD_PAPER,     /* recorded from a paper form by an administrator */
} CertMethod;

typedef struct CertBundle {
    char id[CERT_FIELD_MAX + 1];
    char version[32];
    char manifest_sha256[CERT_SHA256_HEX + 1];
} CertBundle;

/* One entry of evidence.textSha256: key "<bundle_id>/<language>"
 * ("int.nato.cthb/en"), the SHA-256 hex of that bundle's content file. */
typedef struct CertTextHash {
    char key[96];
    char sha256[CERT_SHA256_HEX + 1];
} CertTextHash;

/* The order a quiz question's choices were shown in (evidence "choiceOrder"):
 * order[i] is the index, in the bundle's content, of the choice shown i-th. */
typedef struct CertChoiceOrder {
    char question[CERT_CLAUSE_ID_MAX + 1]; /* "<bundle_id>#<question id>" */
    size_t n;
    uint8_t order[CERT_MAX_CHOICES];
} CertChoiceOrder;

typedef struct CertTraining {
    char course[CERT_FIELD_MAX + 1];
    char date[11]; /* YYYY-MM-DD */
} CertTraining;

/* Everything a certificate says. It holds personal data, so it lives in
 * sodium_malloc memory: make it with cert_claims_new(), free it with
 * cert_claims_free() (which zeroes it). Strings are fixed arrays, NUL-
 * terminated; an empty optional string is left out of the certificate. */
typedef struct CertClaims {
    /* credentialSubject — personal data */
    char name[CERT_NAME_MAX + 1];
    char nation[8]; /* ISO 3166-1 alpha-3 */
    char service_number[CERT_FIELD_MAX + 1];
    char category[16];                  /* "military" | "civilian" | "contractor" */
    char rank[CERT_FIELD_MAX + 1];      /* optional */
    char unit[CERT_FIELD_MAX + 1];      /* optional */
    char operation[CERT_FIELD_MAX + 1]; /* optional */

    int64_t valid_from, valid_until; /* Unix seconds; validFrom is the issue time */

    /* evidence */
    CertMethod method;
    char recorded_by[CERT_FIELD_MAX + 1];    /* paper: the administrator */
    char paper_form_ref[CERT_FIELD_MAX + 1]; /* paper: optional form reference */
    char paper_signed_on[11];                /* paper: the date on the form, YYYY-MM-DD (optional) */
    size_t n_bundles;
    CertBundle bundles[CERT_MAX_BUNDLES];
    size_t n_text_hashes;
    CertTextHash text_sha256[CERT_MAX_LANGS];
    size_t n_clauses;
    char clauses[CERT_MAX_CLAUSES][CERT_CLAUSE_ID_MAX + 1];
    bool has_quiz;
    int quiz_score, quiz_of, quiz_pass_mark, quiz_attempts; /* pass mark in percent */
    size_t n_choice_orders; /* optional: the shuffled order of each question's choices */
    CertChoiceOrder choice_orders[CERT_MAX_CHOICE_ORDERS];
    size_t n_training;
    CertTraining training[CERT_MAX_TRAINING];
    char signature_sha256[CERT_SHA256_HEX + 1]; /* optional: hash of the signature strokes */
    int64_t log_index;                          /* the store's leaf index */

    char supersedes[CERT_SERIAL_MAX + 1]; /* optional: the serial it replaces */

    /* Filled by cert_decode() / cert_verify() from the certificate itself;
     * ignored by cert_sign(), which takes them as parameters. */
    char serial[CERT_SERIAL_MAX + 1];
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    char operator_name[CERT_FIELD_MAX + 1];
    char kid[KEY_ID_LEN + 1];
    CertForm form;
    unsigned disclosed; /* CERT_CLAIM_* bits present in the certificate (all, for V1) */
} CertClaims;

/* A new, zeroed CertClaims in sodium_malloc memory, or NULL when out of memory. */
CertClaims *cert_claims_new(void);

/* Zeroes and frees claims. Accepts NULL. */
void cert_claims_free(CertClaims *claims);

/* Copies src into dst (a bounded string copy): CK_ERR_FORMAT naming field if too long. */
CkErr cert_set(char *dst, size_t cap, const char *src, const char *field);
#define CERT_SET(claims, member, src)                                                              \
    cert_set((claims)->member, sizeof(claims)->member, (src), #member)

/* The serial for a kiosk and log index: "<kiosk_id>-<index, 6+ digits>". */
void cert_serial(const char *kiosk_id, int64_t log_index, char serial[CERT_SERIAL_MAX + 1]);

/* Checks claims and signs the certificate with the kiosk key as a full SD-JWT
 * (every disclosure appended): header {"alg":"EdDSA","typ":"vc+sd-jwt",
 * "kid":"urn:certkiosk:kiosk:<kiosk_id>#<kiosk kid>"}, payload as in
 * kiosk/FORMATS.md. The claims must be complete (name, nation, serviceNumber,
 * category, validity, method, and recordedBy for paper): otherwise
 * CK_ERR_USAGE naming the field. *jws_out: a new string, free with free(). */
CkErr cert_sign(const CertClaims *claims, const SecretKey *kiosk_key, const char *kiosk_id,
                const char *operator_name, const char *serial, char **jws_out);

/* A presentation of a full certificate (format 2) that discloses only the
 * claims in mask (CERT_CLAIM_* bits; 0: name, nation, category, validity,
 * serial, issuer and status only, as the QR carries). The signature is not
 * checked (the kiosk presents what it just signed). CK_ERR_FORMAT for a
 * format-1 certificate or one that is already a presentation.
 * *out: a new string, free with free(). */
CK_WUR CkErr cert_present(const char *cert, size_t len, unsigned mask, char **out);

/* The bits of mask a presentation may carry for a bundle rule's claim names
 * ("rank", "unit", "operation", "serviceNumber", "evidence"); CK_ERR_FORMAT
 * naming an unknown one. */
CK_WUR CkErr cert_claim_bit(const char *name, unsigned *bit_out);

/* The name of a CERT_CLAIM_* bit ("serviceNumber", ...). Static. */
const char *cert_claim_name(unsigned bit);

/* Parses a certificate (either format, full or presentation) WITHOUT checking
 * its signature or trust (for `certctl show`): *claims_out (cert_claims_free())
 * gets every field it discloses; form and disclosed say what it is.
 * CK_ERR_FORMAT / CK_ERR_TOO_LARGE with a detail naming the field. */
CK_WUR CkErr cert_decode(const char *jws, size_t len, CertClaims **claims_out);

/* cert_decode() into the caller's claims (overwritten; on error their content
 * is unspecified). For loops over many certificates, where a sodium_malloc per
 * certificate costs more than the parse: the caller wipes the claims when done. */
CK_WUR CkErr cert_decode_into(const char *jws, size_t len, CertClaims *claims);

/* cert_decode_into() from a certificate already parsed with sdjwt_parse(),
 * so a caller that parsed it for other reasons (audit) does not parse it
 * again. The signature is NOT checked. */
CK_WUR CkErr cert_decode_sdjwt(const SdJwt *sd, CertClaims *claims);

/* From a parsed certificate's processed payload, what the store indexes:
 * the nation and service number (NULL when withheld) and validUntil.
 * Borrowed from payload. CK_ERR_FORMAT when nation or validUntil is missing. */
CK_WUR CkErr cert_index_fields(const json_t *payload, const char **nation, const char **number,
                               const char **valid_until);

/* The verification steps, in the order they run (Blockcerts style). */
typedef enum CertStepId {
    CERT_STEP_FORMAT,      /* a well-formed certificate or presentation, every digest checked */
    CERT_STEP_SIGNATURE,   /* the kiosk key named by kid signed it */
    CERT_STEP_ENDORSEMENT, /* the key was endorsed for that kiosk by a pinned authority at validFrom
                            */
    CERT_STEP_NOT_BEFORE,  /* now >= validFrom */
    CERT_STEP_EXPIRY,      /* now < validUntil */
    CERT_STEP_STATUS,      /* not revoked, nor its kiosk key before it (when a status list is
                              given) */
    CERT_STEP_LOGGED,      /* in a log the registry witnessed (when a registry is given) */
    CERT_STEP_COUNT_
} CertStepId;

typedef enum CertStepOutcome {
    CERT_STEP_NOT_RUN = 0, /* an earlier step failed */
    CERT_STEP_PASSED,
    CERT_STEP_FAILED,
    CERT_STEP_NOT_CHECKED, /* nothing to check against (e.g. no status list given) */
} CertStepOutcome;

typedef struct CertStep {
    CertStepOutcome outcome;
    CkErr err; /* CK_OK unless failed */
    char detail[256];
} CertStep;

/* What cert_verify() found, step by step. Holds no personal data except
 * subject_name, for the administrator's report. */
typedef struct CertReport {
    CkErr result; /* CK_OK, or the error of the first failing step */
    CertStep steps[CERT_STEP_COUNT_];
    char serial[CERT_SERIAL_MAX + 1];
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];
    char kid[KEY_ID_LEN + 1];
    char subject_name[CERT_NAME_MAX + 1];
    char nation[8];
    int64_t valid_from, valid_until; /* 0 when the format step failed */
    CertForm form;                   /* 0 when the format step failed */
    unsigned disclosed;              /* CERT_CLAIM_* bits it discloses */
    /* CERT_STEP_LOGGED: proven to be entry log_index of a witnessed log of
     * witnessed_size entries (when logged is true) */
    bool logged;
    uint64_t log_index, witnessed_size;
} CertReport;

/* The log hook (issue 11): proves that the certificate (its issuer-signed
 * text, len bytes of jws) is the entry r->serial names in a log the
 * registry witnessed — same log index, same certificate, the witnessed
 * checkpoint signed by the kiosk and consistent with the entries — and
 * fills r->logged, r->log_index and r->witnessed_size. CK_OK or
 * CK_ERR_TAMPERED / CK_ERR_UNTRUSTED / CK_ERR_NOT_FOUND with detail.
 * Thread-safe. */
typedef CkErr (*CertLogFn)(void *ctx, const char *jws, size_t len, CertReport *r, char *detail,
                           size_t detail_len);

/* The kiosk-key hook (issue 11): CK_ERR_REVOKED when the authority revoked
 * r->kid before this certificate — judged by the witnessed log when
 * r->logged, else by its validFrom — with why in detail; CK_OK otherwise
 * (detail may say what it relied on). Thread-safe. */
typedef CkErr (*CertKioskFn)(void *ctx, const CertReport *r, int64_t now, char *detail,
                             size_t detail_len);

/* The status hook: answers whether serial (issued by kiosk_id) is revoked at
 * now. Returns CK_OK (good standing) or CK_ERR_REVOKED, writing a reason into
 * detail; any other error makes the step fail with that error. Must be
 * thread-safe: cert_verify() may run on many threads at once. */
typedef CkErr (*CertStatusFn)(void *ctx, const char *serial, const char *kiosk_id, int64_t now,
                              char *detail, size_t detail_len);

typedef struct CertStatusCheck {
    CertStatusFn fn; /* the certificate's own revocation; may be NULL */
    void *ctx;
    CertKioskFn kiosk; /* its kiosk key's revocation; may be NULL */
    void *kiosk_ctx;
    CertLogFn logged; /* CERT_STEP_LOGGED; NULL: "no registry given" */
    void *log_ctx;
} CertStatusCheck;

/* A short name for a step ("format", "signature", ...). Static. */
const char *cert_step_name(CertStepId step);

/* Runs every step on one certificate at time now, filling *report; stops at
 * the first failing step (later steps are CERT_STEP_NOT_RUN). status may be
 * NULL: the status step then says "no status list given" and does not fail.
 * Returns report->result. Thread-safe for a shared, loaded trust. */
CK_WUR CkErr cert_verify(const char *jws, size_t len, const Trust *trust, int64_t now,
                         const CertStatusCheck *status, CertReport *report);

/* cert_verify() that also leaves the claims it decoded in *claims (the
 * caller's, e.g. one sodium_malloc block per thread; overwritten, and
 * meaningful only as far as the format step passed; the caller wipes them),
 * so that a caller needing the claims (the registry's import) does not parse
 * the certificate a second time. */
CK_WUR CkErr cert_verify_into(const char *jws, size_t len, const Trust *trust, int64_t now,
                              const CertStatusCheck *status, CertReport *report,
                              CertClaims *claims);

/* The certificate's payload as JSON with its disclosures applied (for --json
 * output of `show`), or NULL. Returns a new reference; the signature is NOT checked. */
json_t *cert_payload_json(const char *jws, size_t len);

#endif
