/* flow: the kiosk's certification flow as a state machine — events in, a read-only view out, no
 * SDL. */
#ifndef CERTKIOSK_FLOW_H
#define CERTKIOSK_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"
#include "err.h"

/* The flow is data and a state machine; the UI only draws flow_view() and
 * turns input into flow_handle() events. Time enters only through
 * FLOW_EV_TICK (monotonic ms and wall-clock seconds), never from a clock call
 * in here, so a replayed list of events gives the same states every time.
 *
 * Screens, in order (→ means FLOW_EV_NEXT once the screen's condition holds):
 *   ATTRACT   language, text size, contrast; FLOW_EV_START →
 *   PRIVACY   privacy notice; FLOW_EV_SECTION_END once it was shown to its end,
 *             then FLOW_EV_PRIVACY_ACK ticks it (refused before) →
 *   NATION    a nation from the loaded national bundles or "other" (NATO
 *             baseline alone): "other" opens the nation chooser (view.nation_choosing),
 *             where the person types a search into FLOW_FIELD_OTHER_NATION and picks
 *             a country with FLOW_EV_CHOOSE_COUNTRY (only a real ISO 3166-1 code is
 *             taken; BACK closes the chooser), and a category → (NOT_REQUIRED if that
 *             category need not certify)
 *   IDENTITY  name, service number (checked by the nation's rules), rank and
 *             unit (optional) →
 *   CONDUCT   the NATO baseline's sections, then the nation's, one at a time;
 *             NEXT is enabled only after FLOW_EV_SECTION_END for the shown
 *             section (the UI sends it when the section was scrolled to its end)
 *   TRAINING  training pages (baseline, then national) →
 *   QUIZ      one question at a time; FLOW_EV_ANSWER selects; NEXT needs an answer
 *   QUIZ_RESULT  score; passed → next step; failed → NEXT goes to CONDUCT in
 *             review mode (view.review) through only the sections of the missed
 *             questions, each to be shown to its end again, then QUIZ again
 *   TRAINING_CONFIRM  only where the nation's rules name a course: the course,
 *             a date typed in FLOW_FIELD_TRAINING_DATE (YYYY-MM-DD, not in the
 *             future), FLOW_EV_TRAINING_CONFIRM ticks "I attended" →
 *   ACKNOWLEDGE  each clause ticked with FLOW_EV_CLAUSE →
 *   SIGN      intent-to-sign statement naming the exact bundle ids and versions,
 *             the signature pad (FLOW_EV_SIG_*); FLOW_EV_SIGN issues the
 *             certificate through FlowIssuer: CERTIFICATE only after it returned
 *             success (the store committed), ERROR otherwise
 *   CERTIFICATE  serial, name, nation, valid until, the JWS for the QR;
 *             FLOW_EV_DONE wipes the session → ATTRACT
 *   NOT_REQUIRED  "your category need not certify"; FLOW_EV_DONE → ATTRACT
 *   ERROR     "no certificate was issued; please call staff"; FLOW_EV_DONE → ATTRACT
 *   ADMIN_PIN, ADMIN  see the admin events below.
 * FLOW_EV_BACK goes one screen back where that makes sense (view.can_back).
 * FLOW_EV_CANCEL from any person screen wipes the session and returns to ATTRACT.
 *
 * Idle: with no event other than ticks for idle_ms (reading_idle_ms on CONDUCT
 * and TRAINING), view.idle_warning turns on with a countdown of warning_ms;
 * FLOW_EV_MORE_TIME dismisses it (any number of times). When the countdown
 * ends: session wiped, view.wipe_count incremented, screen ATTRACT. ATTRACT
 * itself never times out. While the warning shows, only ticks, MORE_TIME and
 * the display settings are accepted (the warning is modal).
 *
 * Privacy: every personal datum (typed fields, quiz answers, signature,
 * statement, certificate) lives in one sodium_malloc block (session.h) that
 * is zeroed at every return to ATTRACT. Whenever view.wipe_count changes the
 * UI must destroy every texture that showed personal data. */

/* Defaults for FlowConfig fields left 0. */
#define FLOW_DEFAULT_IDLE_MS 60000u
#define FLOW_DEFAULT_READING_IDLE_MS 180000u
#define FLOW_DEFAULT_WARNING_MS 30000u
#define FLOW_MIN_WARNING_MS 20000u /* WCAG 2.2.1: at least 20 s to answer */
#define FLOW_DEFAULT_PASS_MARK 80
#define FLOW_ADMIN_MAX_FAILURES 5
/* The lock-out grows: the 5th wrong PIN in a row locks admin mode for 1 min,
 * every further one (one try each time the lock runs out) for twice as long
 * as the last, up to a day; only the right PIN resets the count. Wall-clock
 * seconds; flow_admin_lockout_s() gives the time after n failures. */
#define FLOW_ADMIN_LOCKOUT_S 60
#define FLOW_ADMIN_LOCKOUT_MAX_S (24 * 3600)
#define FLOW_MAX_QUESTIONS (2 * CONTENT_MAX_ITEMS)
/* The admin screen warns when the kiosk's endorsement runs out within this
 * many days: time to ask the authority for a renewal. */
#define FLOW_ENDORSEMENT_WARN_DAYS 30

typedef struct Flow Flow;

typedef enum FlowScreen {
    FLOW_SCREEN_ATTRACT = 0,
    FLOW_SCREEN_PRIVACY,
    FLOW_SCREEN_NATION,
    FLOW_SCREEN_IDENTITY,
    FLOW_SCREEN_CONDUCT,
    FLOW_SCREEN_TRAINING,
    FLOW_SCREEN_QUIZ,
    FLOW_SCREEN_QUIZ_RESULT,
    FLOW_SCREEN_TRAINING_CONFIRM,
    FLOW_SCREEN_ACKNOWLEDGE,
    FLOW_SCREEN_SIGN,
    FLOW_SCREEN_CERTIFICATE,
    FLOW_SCREEN_NOT_REQUIRED,
    FLOW_SCREEN_ERROR,
    FLOW_SCREEN_ADMIN_PIN,
    FLOW_SCREEN_ADMIN,
    FLOW_SCREEN_COUNT_
} FlowScreen;

/* Personnel categories; numbers equal CkPluginCategory's. */
typedef enum FlowCategory {
    FLOW_CATEGORY_NONE = 0,
    FLOW_CATEGORY_MILITARY = 1,
    FLOW_CATEGORY_CIVILIAN = 2,
    FLOW_CATEGORY_CONTRACTOR = 3,
} FlowCategory;

/* Text fields the person (or admin) types into; FLOW_EV_FOCUS picks one. */
typedef enum FlowField {
    FLOW_FIELD_NONE = 0,
    FLOW_FIELD_NAME,           /* ≤ 64 characters */
    FLOW_FIELD_SERVICE_NUMBER, /* ≤ 32 characters */
    FLOW_FIELD_RANK,           /* optional, ≤ 32 */
    FLOW_FIELD_UNIT,           /* optional, ≤ 64 */
    FLOW_FIELD_OTHER_NATION,   /* the nation chooser's search text, ≤ 32 characters */
    FLOW_FIELD_TRAINING_DATE,  /* YYYY-MM-DD */
    FLOW_FIELD_PIN,            /* admin PIN, ≤ 32; never shown (view gives only its length) */
    FLOW_FIELD_COUNT_
} FlowField;

/* Messages the UI shows, as IDs: flow_msg_id() gives the key in
 * assets/ui/<lang>.json ("error.name_empty"). */
typedef enum FlowMsg {
    FLOW_MSG_NONE = 0,
    FLOW_MSG_TEXT_INVALID,  /* typed text had control characters or bad UTF-8 */
    FLOW_MSG_TEXT_TOO_LONG, /* the field is full */
    FLOW_MSG_NAME_EMPTY,
    FLOW_MSG_SERVICE_NUMBER_EMPTY,
    FLOW_MSG_SERVICE_NUMBER_INVALID, /* view.error_detail may hold the rules' reason */
    FLOW_MSG_RULES_FAILED,           /* the nation's rules could not be applied: call staff */
    FLOW_MSG_NATION_REQUIRED,
    FLOW_MSG_NATION_CODE_INVALID, /* not three letters A-Z */
    FLOW_MSG_NATION_HAS_BUNDLE,   /* typed a code that is in the list: pick it there */
    FLOW_MSG_CATEGORY_REQUIRED,
    FLOW_MSG_PRIVACY_REQUIRED,
    FLOW_MSG_SECTION_NOT_SHOWN, /* scroll to the end of the section first */
    FLOW_MSG_ANSWER_REQUIRED,
    FLOW_MSG_DATE_INVALID,
    FLOW_MSG_DATE_IN_FUTURE,
    FLOW_MSG_TRAINING_CONFIRM_REQUIRED,
    FLOW_MSG_CLAUSES_REQUIRED,    /* tick every clause */
    FLOW_MSG_SIGNATURE_REQUIRED,  /* nothing drawn */
    FLOW_MSG_SIGNATURE_TOO_SHORT, /* a tap or a dot is not a signature */
    FLOW_MSG_SIGNATURE_TOO_SMALL,
    FLOW_MSG_SIGNATURE_FULL, /* too many points; clear and sign again */
    FLOW_MSG_ISSUE_FAILED,   /* no certificate was issued; call staff */
    FLOW_MSG_DISK_FULL,      /* same, the store's disk is full */
    FLOW_MSG_PIN_WRONG,
    FLOW_MSG_ADMIN_LOCKED,
    FLOW_MSG_ADMIN_UNAVAILABLE, /* no PIN configured, or the lock file cannot be written */
    FLOW_MSG_DATE_BAD_MONTH,    /* YYYY-MM-DD with a month that does not exist (error_number) */
    FLOW_MSG_DATE_BAD_DAY,      /* ... with a day that month does not have (error_number) */
    FLOW_MSG_PRIVACY_NOT_READ,  /* "I have read" before the notice was shown to its end */
    FLOW_MSG_NATION_CODE_UNKNOWN, /* three letters, but no ISO 3166-1 alpha-3 country */
    FLOW_MSG_NATION_NOT_CHOSEN,   /* "other" without a country picked in the chooser */
    /* The service number breaks the bundle's own form (service_number_form),
     * said in the person's language: exactly error_number characters; from
     * error_number to error_number_max; digits only; letters and digits only. */
    FLOW_MSG_SERVICE_NUMBER_LENGTH,
    FLOW_MSG_SERVICE_NUMBER_LENGTH_RANGE,
    FLOW_MSG_SERVICE_NUMBER_DIGITS,
    FLOW_MSG_SERVICE_NUMBER_ALNUM,
    FLOW_MSG_TEXT_TOO_LONG_BYTES, /* the field's bytes are full (error_number: how many) */
    FLOW_MSG_COUNT_
} FlowMsg;

/* The message key for m, e.g. "error.name_empty". Static. */
const char *flow_msg_id(FlowMsg m);

/* Stable lower-case names for logs, replays and layout dumps ("conduct"). Static. */
const char *flow_screen_name(FlowScreen s);
const char *flow_category_name(FlowCategory c); /* "military", ... or "" */

typedef enum FlowEventType {
    FLOW_EV_TICK = 1, /* now_ms: monotonic ms; unix_s: wall-clock seconds (both non-decreasing) */
    /* display settings, on any screen */
    FLOW_EV_SET_LANGUAGE,  /* text: a language from FlowConfig.languages */
    FLOW_EV_SET_TEXT_SIZE, /* index: 100, 125 or 150 */
    FLOW_EV_TOGGLE_CONTRAST,
    /* navigation */
    FLOW_EV_START, /* ATTRACT → PRIVACY */
    FLOW_EV_NEXT,
    FLOW_EV_BACK,
    FLOW_EV_CANCEL,    /* abandon: wipe, ATTRACT */
    FLOW_EV_DONE,      /* leave CERTIFICATE, NOT_REQUIRED or ERROR: wipe, ATTRACT */
    FLOW_EV_MORE_TIME, /* "I need more time" on the idle warning */
    /* typing, into view.focus */
    FLOW_EV_FOCUS,       /* index: a FlowField allowed on this screen */
    FLOW_EV_TEXT,        /* text: UTF-8 to append (a key press or a paste) */
    FLOW_EV_BACKSPACE,   /* removes the last character */
    FLOW_EV_CLEAR_FIELD, /* empties the focused field */
    /* PRIVACY, NATION */
    FLOW_EV_PRIVACY_ACK,     /* toggles the acknowledgement */
    FLOW_EV_SELECT_NATION,   /* index: into view.nations, or view.n_nations for "other" */
    FLOW_EV_SELECT_CATEGORY, /* index: a FlowCategory */
    /* CONDUCT, TRAINING */
    FLOW_EV_SECTION_END, /* the shown section (or page) was scrolled to its end */
    FLOW_EV_SCROLL,      /* reading activity (only resets the idle timer) */
    /* QUIZ */
    FLOW_EV_ANSWER, /* index: the chosen choice of the shown question */
    /* TRAINING_CONFIRM */
    FLOW_EV_TRAINING_CONFIRM, /* toggles "I attended this course" */
    /* ACKNOWLEDGE */
    FLOW_EV_CLAUSE, /* index: toggles the tick of view.clauses[index] */
    /* SIGN: coordinates in 0.1 mm from the pad's top-left, t_ms monotonic */
    FLOW_EV_SIG_BEGIN, /* x, y, t_ms: pen down (a new stroke); width: pad width in 0.1 mm */
    FLOW_EV_SIG_POINT, /* x, y, t_ms: pen moved */
    FLOW_EV_SIG_END,   /* pen up */
    FLOW_EV_SIG_CLEAR,
    FLOW_EV_SIGN, /* "I sign": checks everything, then issues */
    /* admin */
    FLOW_EV_ADMIN_GESTURE, /* the hidden gesture: session wiped, → ADMIN_PIN from any screen */
    FLOW_EV_ADMIN_PIN,     /* submit FLOW_FIELD_PIN (typed with FOCUS/TEXT like any field) */
    FLOW_EV_ADMIN_EXIT,    /* leave ADMIN_PIN or ADMIN → ATTRACT */
    /* in ADMIN: index is a FlowStop; asks for confirmation (view.admin_confirm) */
    FLOW_EV_ADMIN_STOP,
    FLOW_EV_ADMIN_STOP_CONFIRM, /* in ADMIN while asking: stop (view.quit and view.stop) */
    FLOW_EV_ADMIN_STOP_CANCEL,  /* in ADMIN while asking: withdraw the question */
    /* NATION, while the chooser is open: text is the picked country's ISO
     * 3166-1 alpha-3 code; anything else is refused (FLOW_MSG_NATION_CODE_UNKNOWN).
     * A country with a national bundle selects that bundle. */
    FLOW_EV_CHOOSE_COUNTRY,
} FlowEventType;

/* How the admin stops the kiosk. The kiosk exits with a status of its own
 * for each (ui_main.c), so that its service manager restarts it or not. */
typedef enum FlowStop {
    FLOW_STOP_NONE = 0,
    FLOW_STOP_RESTART,     /* "Restart kiosk": started again at once */
    FLOW_STOP_MAINTENANCE, /* "Stop for maintenance": stays stopped */
} FlowStop;

/* One input. Only the members named for the type are read. */
typedef struct FlowEvent {
    FlowEventType type;
    int64_t now_ms;   /* TICK */
    int64_t unix_s;   /* TICK */
    int index;        /* SET_TEXT_SIZE, FOCUS, SELECT_*, ANSWER, CLAUSE */
    const char *text; /* SET_LANGUAGE, TEXT (borrowed for the call) */
    int32_t x, y;     /* SIG_BEGIN, SIG_POINT */
    uint32_t t_ms;    /* SIG_BEGIN, SIG_POINT */
    int32_t width;    /* SIG_BEGIN */
} FlowEvent;

/* A verified plugin bundle as the flow sees it. Borrowed: must outlive the Flow. */
typedef struct FlowBundle {
    const char *nation;             /* "NATO" for the baseline, else ISO 3166-1 alpha-3 */
    const char *bundle_id;          /* "no.forsvaret.cthb" */
    const char *version;            /* "2026.1.0" */
    const char *manifest_sha256;    /* hex of the manifest bytes */
    const Content *const *contents; /* one per language, ids checked equal; [0] is the fallback */
    size_t n_contents;
    bool draft; /* no authority has reviewed it: every reading screen says DRAFT CONTENT */
} FlowBundle;

/* Result of a rule check. */
typedef enum FlowCheck {
    FLOW_CHECK_OK = 0,
    FLOW_CHECK_INVALID, /* the input is not acceptable; reason filled */
    FLOW_CHECK_FAILED,  /* the rules could not be applied (a broken plugin) */
} FlowCheck;

/* The nation's rules, as function pointers so that tests use a fake and the
 * kiosk adapts its plugin host. bundle is the governing bundle: the nation's,
 * or the baseline for "other troop-contributing nation". Every function must
 * be set. */
typedef struct FlowRules {
    void *ctx;
    /* Checks a trimmed, typed service number; on INVALID writes a short
     * sentence (in lang if it can) to reason (reason_len ≥ 128). */
    FlowCheck (*validate_service_number)(void *ctx, const FlowBundle *bundle, const char *number,
                                         const char *lang, char *reason, size_t reason_len);
    /* Sets *must_out: does this category have to certify? */
    FlowCheck (*must_certify)(void *ctx, const FlowBundle *bundle, FlowCategory category,
                              bool *must_out);
    /* Days a certificate stays valid (1..3660). */
    FlowCheck (*validity_days)(void *ctx, const FlowBundle *bundle, FlowCategory category,
                               uint32_t *days_out);
    /* Quiz pass mark in percent (1..100); 0 means FLOW_DEFAULT_PASS_MARK. */
    unsigned (*pass_mark_percent)(void *ctx, const FlowBundle *bundle);
    /* The national course a person must confirm, in lang (or a fallback),
     * or NULL if the rules require no training confirmation. Borrowed. */
    const char *(*training_course)(void *ctx, const FlowBundle *bundle, const char *lang);
    /* The label of the service number field in lang, or NULL for the default. Borrowed. */
    const char *(*service_number_label)(void *ctx, const FlowBundle *bundle, const char *lang);
    /* Whether the clause with this id is for this category (a manifest may
     * mark a clause for some categories only: the UCMJ clause is not for
     * contractors). May be NULL: every clause applies to everyone. */
    bool (*clause_applies)(void *ctx, const FlowBundle *bundle, const char *clause_id,
                           FlowCategory category);
    /* The form the bundle itself sets for its service numbers (its manifest's
     * lengths and characters), checked by the flow before validate_service_number
     * so that what is wrong is said in the person's language, not in the
     * rules' English. Returns false when the bundle sets none. May be NULL. */
    bool (*service_number_form)(void *ctx, const FlowBundle *bundle, unsigned *min_out,
                                unsigned *max_out, bool *digits_only_out);
} FlowRules;

/* One bundle's evidence for the certificate. */
typedef struct FlowIssueBundle {
    const char *bundle_id;
    const char *version;
    const char *manifest_sha256; /* hex */
    const char *language;        /* the language of the text shown */
    const char *text_sha256;     /* hex: SHA-256 of that content file (content.h) */
} FlowIssueBundle;

/* The order one question's choices were shown in: order[k] is the index, in
 * the content, of the choice shown k-th. */
typedef struct FlowChoiceOrder {
    const char *question; /* "<bundle_id>#<question id>" */
    size_t n;
    uint8_t order[CONTENT_MAX_CHOICES];
} FlowChoiceOrder;

/* Everything the issuer needs. All borrowed for the call; the personal data
 * points into the session's protected memory: copy it only into memory you
 * wipe. */
typedef struct FlowIssueRequest {
    const char *name;
    const char *service_number;
    const char *nation; /* ISO alpha-3 (the typed one for "other") */
    FlowCategory category;
    const char *rank;               /* "" when not given */
    const char *unit;               /* "" when not given */
    const FlowIssueBundle *bundles; /* baseline first, then the nation's */
    size_t n_bundles;
    const char *const *clause_ids; /* every acknowledged clause, in order */
    size_t n_clauses;
    unsigned quiz_score, quiz_of, pass_mark_percent, quiz_attempts;
    /* The order each question's choices were shown in on the passing
     * attempt (they are shuffled per person and attempt), in quiz order. */
    const FlowChoiceOrder *choice_orders;
    size_t n_choice_orders;
    const char *training_course;        /* NULL when none was required */
    const char *training_date;          /* YYYY-MM-DD, NULL when none */
    unsigned char signature_sha256[32]; /* session_sig_sha256() */
    uint32_t validity_days;
    int64_t now; /* wall-clock seconds of the last tick */
} FlowIssueRequest;

/* What the issuer returns on success. */
typedef struct FlowIssued {
    char serial[64];
    int64_t valid_until; /* Unix seconds */
    char *jws; /* the certificate as the QR shows it (an SD-JWT presentation), malloc'd by the
                  issuer; the flow copies, wipes and frees it */
} FlowIssued;

/* Issues one certificate: signs it and appends it to the store in ONE
 * transaction. Returns CK_OK only after the commit; CK_ERR_NOSPACE for a full
 * disk; anything else is a failure. On failure nothing was stored. */
typedef struct FlowIssuer {
    void *ctx;
    CkErr (*issue)(void *ctx, const FlowIssueRequest *req, FlowIssued *out);
} FlowIssuer;

/* Admin events for the log (never with a PIN or personal data). */
typedef enum FlowAdminEvent {
    FLOW_ADMIN_LOGIN = 1, /* correct PIN */
    FLOW_ADMIN_FAILED,    /* wrong PIN; failures = the count so far */
    FLOW_ADMIN_LOCKED,    /* the 5th failure locked admin mode */
    FLOW_ADMIN_EXIT,      /* left admin mode */
    FLOW_ADMIN_RESTART,   /* restarted the kiosk (confirmed) */
    FLOW_ADMIN_MAINTENANCE, /* stopped the kiosk for maintenance (confirmed) */
} FlowAdminEvent;

typedef struct FlowAdminStats {
    unsigned long certificates_issued;
    unsigned plugins_loaded;
    unsigned plugins_refused;
    /* facts for the admin: the kiosk's ID, the log's size on disk (database
     * and its WAL) and the space left on the home's file system; 0/"" when
     * unknown */
    char kiosk_id[65]; /* TRUST_KIOSK_ID_MAX + 1 */
    unsigned long long store_bytes;
    unsigned long long disk_free_bytes;
    /* until when the kiosk key is endorsed (Unix seconds; renewals that
     * overlap joined), or when its endorsement ran out; 0 when unknown */
    int64_t endorsed_until;
} FlowAdminStats;

typedef struct FlowAdmin {
    const char *pin_hash;  /* crypto_pwhash_str (Argon2id) of the PIN; NULL: admin disabled */
    const char *lock_path; /* file for the failure count (HOME/admin-lock.json); required */
    void *ctx;
    /* Writes an admin event to the log; may be NULL. */
    void (*log)(void *ctx, FlowAdminEvent event, unsigned failures);
    /* Fills the counts the admin view shows; may be NULL (zeros). */
    void (*stats)(void *ctx, FlowAdminStats *out);
} FlowAdmin;

typedef struct FlowConfig {
    const FlowBundle *baseline;       /* the NATO baseline; required */
    const FlowBundle *const *nations; /* national bundles, in display order */
    size_t n_nations;
    FlowRules rules;
    FlowIssuer issuer;
    FlowAdmin admin;
    const char *const *languages; /* UI languages offered on ATTRACT; [0] is the default */
    size_t n_languages;
    uint32_t idle_ms;         /* 0: FLOW_DEFAULT_IDLE_MS */
    uint32_t reading_idle_ms; /* 0: FLOW_DEFAULT_READING_IDLE_MS */
    uint32_t warning_ms;      /* 0: FLOW_DEFAULT_WARNING_MS; raised to FLOW_MIN_WARNING_MS */
} FlowConfig;

/* Quiz choices are shuffled for every attempt from the system's random
 * source. A non-zero seed makes the order a function of (seed, person,
 * attempt) instead, for replays that must give the same pixels every run. */
void flow_set_quiz_seed(Flow *flow, uint64_t seed);

/* The read-only view the UI draws. Pointers are borrowed and valid until the
 * next flow_handle() or flow_destroy(); strings are UTF-8. */
typedef struct FlowView {
    FlowScreen screen;
    /* display settings */
    const char *language;  /* UI language (and preferred content language) */
    int text_size_percent; /* 100, 125 or 150 */
    bool high_contrast;
    /* privacy */
    unsigned wipe_count; /* changes at every wipe: destroy personal textures */
    /* idle */
    bool idle_warning;
    uint32_t idle_seconds_left; /* while idle_warning, rounded up */
    /* progress: step i of n over PRIVACY..SIGN (0 of n elsewhere); n is 9
     * for everyone (step 7, the training confirmation, is skipped where the
     * nation names no course) */
    unsigned step, n_steps;
    /* CONDUCT / TRAINING: minutes of reading left from here, from the words
     * of the sections and pages still to come (180 words a minute) */
    unsigned reading_minutes_left;
    /* ATTRACT: what a person takes on, for the longest way (the baseline
     * with the nation that adds most): words to read, quiz questions, and
     * minutes in all (reading at 180 words a minute, half a minute a
     * question, 5 minutes for the rest), rounded up to 5 (issue 14: "about
     * 15 minutes ... a few questions" for 2,700 words and 19 questions). */
    unsigned estimate_words, estimate_questions, estimate_minutes;
    /* what is enabled */
    bool can_next, can_back, can_sign;
    /* the error to show on this screen, FLOW_MSG_NONE if none; error_detail
     * is extra text from the nation's rules (already in the person's
     * language) or NULL */
    FlowMsg error;
    const char *error_detail;
    /* the number the message names: the field's limit in characters
     * (TEXT_TOO_LONG) or bytes (TEXT_TOO_LONG_BYTES), the month or the day
     * (DATE_BAD_MONTH, _DAY), the length (SERVICE_NUMBER_LENGTH, the least
     * for _LENGTH_RANGE); 0 else */
    unsigned error_number;
    unsigned error_number_max; /* the greatest length (SERVICE_NUMBER_LENGTH_RANGE); 0 else */

    /* NATION */
    const FlowBundle *const *nations;
    size_t n_nations;
    int nation_index; /* -1 none, n_nations for "other" */
    FlowCategory category;
    /* the chosen ISO alpha-3: for "other" the country picked in the chooser,
     * for a bundle once NEXT left the screen ("" before) */
    const char *nation_code;
    bool nation_choosing; /* the nation chooser is open (search: fields[FLOW_FIELD_OTHER_NATION]) */
    /* typed fields (IDENTITY, NATION "other", TRAINING_CONFIRM, ADMIN_PIN);
     * fields[FLOW_FIELD_PIN] is always "" — use pin_length */
    FlowField focus;
    const char *fields[FLOW_FIELD_COUNT_];
    size_t pin_length;
    const char *service_number_label; /* from the rules, or NULL: use the default message */
    bool privacy_ack;
    bool privacy_read; /* the notice was shown to its end */

    /* CONDUCT / TRAINING / QUIZ: the governing bundle and content */
    const FlowBundle *bundle;         /* bundle of the item shown */
    const Content *content;           /* its content in the shown language */
    bool content_fallback;            /* content is not in view.language */
    const ContentSection *section;    /* CONDUCT */
    size_t section_index, n_sections; /* i of n in this pass (review: of the missed ones) */
    bool section_shown;               /* FLOW_EV_SECTION_END received for it */
    bool review;                      /* CONDUCT after a failed quiz */
    const ContentPage *page;          /* TRAINING */
    size_t page_index, n_pages;
    const ContentQuestion *question; /* QUIZ */
    size_t question_index, n_questions;
    /* QUIZ: the question's choices in the order shown to this person (drawn
     * afresh per attempt; draw these, not question->choices). choice_ids[k] is
     * the index in the content file of the choice shown k-th: a stable name
     * for it (widget "choice-<id>"). FLOW_EV_ANSWER takes the position k. */
    const char *const *choices;
    const int *choice_ids;
    size_t n_choices;
    int selected_choice; /* position shown, -1 none */
    /* CONDUCT / TRAINING / QUIZ: the bundle shown has had no authority review;
     * the UI says DRAFT CONTENT on the screen (a deployed kiosk loads drafts
     * only when its config allows them) */
    bool draft_content;

    /* QUIZ_RESULT (and the evidence later) */
    unsigned quiz_score, quiz_of, pass_mark_percent, quiz_attempts;
    bool quiz_passed;
    const ContentSection *const *missed_sections; /* of the wrong answers (to revisit after a
                                                     failure; shown after a pass too) */
    const FlowBundle *const *missed_bundles;      /* the bundle of each (NATO or the nation) */
    size_t n_missed_sections;

    /* TRAINING_CONFIRM */
    const char *training_course;
    bool training_confirmed;

    /* ACKNOWLEDGE */
    const ContentClause *const *clauses; /* baseline's then the nation's */
    size_t n_clauses;
    const bool *clause_ticked;

    /* SIGN */
    const char *statement;            /* attestation with name, bundle, version filled in */
    const FlowBundle *const *bundles; /* every bundle signed for: baseline, then the nation's */
    const char *const *bundle_titles; /* bundles[i]'s title in the language shown */
    size_t n_bundles;
    size_t signature_points; /* 0 when the pad is empty */
    bool signature_ok;       /* the strokes pass the "not a tap" thresholds */

    /* CERTIFICATE (name and nation: fields[FLOW_FIELD_NAME], nation_code) */
    const char *serial;
    const char *valid_until; /* "YYYY-MM-DD" */
    const char *jws;         /* the QR's content */

    /* ADMIN_PIN / ADMIN */
    FlowAdminStats stats;
    unsigned admin_failures;
    bool admin_locked;
    /* while admin_locked: seconds until a PIN may be tried again (the live
     * countdown); 0 when the lock file is unreadable (locked until fixed) */
    uint32_t admin_lock_seconds_left;
    /* ADMIN: whole days from now until stats.endorsed_until (negative: it ran
     * out that many days ago); endorsement_warn when it runs out within
     * FLOW_ENDORSEMENT_WARN_DAYS or has run out (and endorsed_until is known) */
    int endorsement_days_left;
    bool endorsement_warn;
    FlowStop admin_confirm; /* a stop the admin asked for and must confirm, or NONE */
    bool quit;              /* the admin stopped the kiosk: the UI exits */
    FlowStop stop;          /* how (with quit) */
} FlowView;

/* How long (seconds) admin mode stays locked after the failures-th wrong PIN
 * in a row: 0 below FLOW_ADMIN_MAX_FAILURES, then 60, 120, 240, ... up to
 * FLOW_ADMIN_LOCKOUT_MAX_S. */
int64_t flow_admin_lockout_s(unsigned failures);

/* Creates a flow on ATTRACT. The config is copied; what it points to is
 * borrowed and must outlive the flow. Reads the admin lock file (a missing
 * file is zero failures; an unreadable or malformed one counts as locked).
 * CK_ERR_USAGE for a config without baseline, rules or issuer. *flow_out: free
 * with flow_destroy(). */
CkErr flow_create(const FlowConfig *config, Flow **flow_out);

/* Wipes the session and frees the flow. Accepts NULL. */
void flow_destroy(Flow *flow);

/* Applies one event. CK_OK if it was accepted; CK_ERR_REFUSED if it was
 * refused with a message (view.error says which); CK_ERR_USAGE if the event
 * means nothing on this screen (ignored, nothing changed). */
CkErr flow_handle(Flow *flow, const FlowEvent *event);

/* The current view. Borrowed; valid until the next flow_handle(). */
const FlowView *flow_view(const Flow *flow);

#endif
