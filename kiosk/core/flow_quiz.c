/* flow_quiz: starting and scoring the quiz; a failed quiz lists the sections to read again. */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

void
flow_after_quiz(Flow *f)
{
    if (f->training_required)
        flow_enter(f, FLOW_SCREEN_TRAINING_CONFIRM);
    else
        flow_enter(f, FLOW_SCREEN_ACKNOWLEDGE);
}

/* Fisher-Yates over each question's choices from a stream of bytes: random
 * for every attempt, or derived from the fixed seed, the person (wipe count)
 * and the attempt so that a replay shows the same order every run. */
static void
shuffle_choices(Flow *f)
{
    unsigned char seed[randombytes_SEEDBYTES];
    unsigned char stream[FLOW_MAX_ITEMS * CONTENT_MAX_CHOICES];

    if (f->quiz_seed != 0) {
        uint64_t in[3] = {f->quiz_seed, f->wipe_count, f->quiz_attempts};
        crypto_generichash(seed, sizeof seed, (const unsigned char *)in, sizeof in, NULL, 0);
    } else {
        randombytes_buf(seed, sizeof seed);
    }
    randombytes_buf_deterministic(stream, sizeof stream, seed);
    for (size_t q = 0; q < f->n_questions; q++) {
        size_t n = flow_question_at(f, q)->n_choices;
        uint8_t *o = f->order[q];
        for (size_t k = 0; k < CONTENT_MAX_CHOICES; k++)
            o[k] = (uint8_t)k;
        /* n <= 8, so a byte modulo k+1 is biased by at most 3/256: fine for
         * hiding the position, and it needs no rejection loop. */
        for (size_t k = n; k > 1; k--) {
            size_t j = stream[q * CONTENT_MAX_CHOICES + k - 1] % k;
            uint8_t t = o[k - 1];
            o[k - 1] = o[j];
            o[j] = t;
        }
    }
    sodium_memzero(seed, sizeof seed);
}

void
flow_start_quiz(Flow *f)
{
    session_clear_answers(f->session);
    shuffle_choices(f);
    f->cur_question = 0;
    f->reviewing = false;
    if (f->n_questions == 0) {
        f->quiz_done = f->quiz_passed = true;
        flow_after_quiz(f);
        return;
    }
    flow_enter(f, FLOW_SCREEN_QUIZ);
}

void
flow_after_conduct(Flow *f)
{
    f->cur_page = 0;
    if (f->n_pages > 0)
        flow_enter(f, FLOW_SCREEN_TRAINING);
    else
        flow_start_quiz(f);
}

/* Scores the quiz; on failure lists the sections of the missed questions. */
void
flow_finish_quiz(Flow *f)
{
    f->quiz_score = 0;
    f->n_review = 0;
    f->quiz_attempts++;
    for (size_t q = 0; q < f->n_questions; q++) {
        const ContentQuestion *cq = flow_question_at(f, q);
        if (session_answer(f->session, q) == (int)cq->answer) {
            f->quiz_score++;
            continue;
        }
        const Content *c = f->slots[f->questions[q].slot]->contents[0];
        size_t si = content_section_index(c, cq->section);
        for (size_t k = 0; k < f->n_sections; k++) {
            if (f->sections[k].slot != f->questions[q].slot || f->sections[k].index != si)
                continue;
            bool dup = false;
            for (size_t r = 0; r < f->n_review; r++)
                dup = dup || f->review[r] == k;
            if (!dup)
                f->review[f->n_review++] = k;
        }
    }
    /* review in reading order */
    for (size_t i = 1; i < f->n_review; i++)
        for (size_t j = i; j > 0 && f->review[j - 1] > f->review[j]; j--) {
            size_t t = f->review[j];
            f->review[j] = f->review[j - 1];
            f->review[j - 1] = t;
        }
    f->quiz_done = true;
    f->quiz_passed = (uint64_t)f->quiz_score * 100 >= (uint64_t)f->pass_mark * f->n_questions;
    flow_enter(f, FLOW_SCREEN_QUIZ_RESULT);
}
