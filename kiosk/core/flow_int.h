/* flow_int: what the files of the flow module share — the Flow state and the steps one file
 * calls in another. Private to flow*.c; everyone else uses flow.h. */
#ifndef CERTKIOSK_FLOW_INT_H
#define CERTKIOSK_FLOW_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adminlock.h"
#include "flow.h"
#include "session.h"

#define FLOW_MAX_SLOTS 2 /* the baseline, then the nation's bundle */
#define FLOW_MAX_ITEMS (FLOW_MAX_SLOTS * CONTENT_MAX_ITEMS)
#define FLOW_MAX_LANGS 32 /* per bundle, for the "languages shown" mask */

/* A section, page, question or clause: which bundle, which index in its content. */
typedef struct FlowItem {
    uint8_t slot;
    uint16_t index;
} FlowItem;

struct Flow {
    FlowConfig cfg;
    Session *session;
    FlowView view;
    FlowScreen screen;

    const char *language;
    int text_size;
    bool contrast;

    int64_t now_ms, unix_s;
    bool have_time;
    int64_t last_activity_ms;
    bool warning;
    int64_t warning_start_ms;
    unsigned wipe_count;

    /* who */
    int nation_index; /* -1 none, n_nations = other */
    bool choosing;    /* the nation chooser is open */
    FlowCategory category;
    bool privacy_ack;
    bool privacy_read; /* the notice was shown to its end (FLOW_EV_SECTION_END) */
    FlowField focus;
    const FlowBundle *slots[FLOW_MAX_SLOTS];
    size_t n_slots;
    uint32_t langs_shown[FLOW_MAX_SLOTS];

    /* reading */
    FlowItem sections[FLOW_MAX_ITEMS];
    bool shown[FLOW_MAX_ITEMS];
    size_t n_sections, cur_section;
    size_t review[FLOW_MAX_ITEMS], n_review, cur_review;
    bool review_shown[FLOW_MAX_ITEMS];
    bool reviewing;
    FlowItem pages[FLOW_MAX_ITEMS];
    size_t n_pages, cur_page;
    FlowItem questions[FLOW_MAX_ITEMS];
    size_t n_questions, cur_question;
    unsigned quiz_score, quiz_attempts, pass_mark;
    bool quiz_done, quiz_passed;
    /* The order the choices are shown in, per question of this attempt:
     * order[q][k] is the content index of the choice shown k-th. Drawn afresh
     * for every attempt, so position tells nothing; recorded in the evidence. */
    uint8_t order[FLOW_MAX_ITEMS][CONTENT_MAX_CHOICES];
    uint64_t quiz_seed; /* 0: random; else a fixed seed (replays), see flow_set_quiz_seed */

    /* confirm, acknowledge, sign */
    bool training_required, training_confirmed;
    FlowItem clauses[FLOW_MAX_ITEMS];
    bool ticked[FLOW_MAX_ITEMS];
    size_t n_clauses;
    int32_t pad_width;

    FlowMsg error;
    char error_detail[256];
    unsigned error_number;     /* FlowView.error_number */
    unsigned error_number_max; /* FlowView.error_number_max */

    /* admin */
    AdminLock lock;
    bool lock_broken;
    bool quit;
    FlowStop stop_asked, stop;
    FlowAdminStats stats;

    /* view scratch: pointer arrays the view lends out */
    const ContentSection *missed_ptrs[FLOW_MAX_ITEMS];
    const FlowBundle *missed_bundle_ptrs[FLOW_MAX_ITEMS];
    const ContentClause *clause_ptrs[FLOW_MAX_ITEMS];
    const char *choice_ptrs[CONTENT_MAX_CHOICES];
    int choice_ids[CONTENT_MAX_CHOICES];
    const char *bundle_titles[FLOW_MAX_SLOTS];
    const FlowBundle *bundle_ptrs[FLOW_MAX_SLOTS];
};

/* flow.c: the state machine (screens, guards, reading lists, events) */
bool flow_all_shown(const Flow *f);
bool flow_all_ticked(const Flow *f);
void flow_build_lists(Flow *f);
bool flow_can_back(const Flow *f);
bool flow_can_next(const Flow *f);
bool flow_can_sign(const Flow *f);
void flow_clear_person(Flow *f);
size_t flow_content_index(const FlowBundle *b, const char *lang);
void flow_enter(Flow *f, FlowScreen s);
const FlowBundle *flow_governing(const Flow *f);
const ContentQuestion *flow_question_at(const Flow *f, size_t q);
CkErr flow_refuse(Flow *f, FlowMsg m);
SessionField flow_session_field_of(FlowField f);
SessionSigProblem flow_sig_problem(const Flow *f);
const Content *flow_slot_content(const Flow *f, size_t slot);

/* flow_quiz.c: the quiz */
void flow_after_conduct(Flow *f);
void flow_after_quiz(Flow *f);
void flow_finish_quiz(Flow *f);
void flow_start_quiz(Flow *f);

/* flow_identity.c: nation, identity and training confirmation */
CkErr flow_choose_country(Flow *f, const char *code);
void flow_close_chooser(Flow *f);
CkErr flow_next_from_identity(Flow *f);
CkErr flow_next_from_nation(Flow *f);
CkErr flow_next_from_training_confirm(Flow *f);

/* flow_issue.c: issuing the certificate */
CkErr flow_on_sign(Flow *f);

/* flow_admin.c: the admin PIN and its lock-out */
bool flow_admin_locked(Flow *f);
void flow_admin_log(Flow *f, FlowAdminEvent ev);
CkErr flow_on_admin_pin(Flow *f);
CkErr flow_on_admin_stop(Flow *f, const FlowEvent *ev);

/* flow_view.c: the view of the state */
void flow_view_build(Flow *f);

#endif
