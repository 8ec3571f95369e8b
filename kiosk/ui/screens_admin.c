/* screens_admin: the admin PIN (never shown, lock-out) and the admin screen (counts, plugin
 * bundles loaded and refused, exit, restart and maintenance stop with a confirmation). */
#include "screens_int.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

/* ---------- admin ---------- */

void
scr_admin_pin(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    /* A short display (1024x768) keeps less room above the heading and a
     * lower PIN box, so that the whole keypad fits under them. */
    bool short_display = s->H < mm(s, 200);
    int y = s->bar_h + mm(s, short_display ? 4 : 10);
    int w = mm(s, 100), x = (s->W - w) / 2;
    int hpx = fpx(s, THEME_FONT_HEADING), spx = fpx(s, THEME_FONT_SMALL),
        px = fpx(s, THEME_FONT_BODY);

    y += text_heading(s->text, &(TextStyle){hpx, true, c->heading, TEXT_CENTER},
                      tr(s, "admin.pin_title"), s->col_x, y, s->col_w);
    if (v->admin_locked) {
        /* Locked: no keypad at all, and the reason stays on screen. */
        int is = mm(s, 16);
        y += mm(s, 8);
        draw_icon(s->draw, DRAW_ICON_ALERT, (s->W - is) / 2, y, is, c->error);
        y += is + mm(s, 5);
        int lw = s->col_w * 3 / 4, lx = (s->W - lw) / 2;
        int h = text_para(s->text, &(TextStyle){px, true, c->error, TEXT_CENTER},
                          tr(s, "error.admin_locked"), lx, y, lw);
        ui_note(s->ui, "error", UI_KIND_TEXT, (SDL_Rect){lx, y, lw, h}, 0,
                flow_msg_id(FLOW_MSG_ADMIN_LOCKED));
        if (v->admin_lock_seconds_left > 0) {
            /* A live countdown (the view changes every second): H:MM:SS or M:SS. */
            uint32_t t = v->admin_lock_seconds_left;
            char when[32], buf[128];
            if (t >= 3600)
                snprintf(when, sizeof when, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
            else
                snprintf(when, sizeof when, "%u:%02u", t / 60, t % 60);
            const char *names[] = {"time"}, *vals[] = {when};
            y += h + mm(s, 3);
            h = text_para(s->text, &(TextStyle){px, false, c->text, TEXT_CENTER},
                          trf(s, "admin.locked_countdown", buf, sizeof buf, 1, names, vals), lx, y,
                          lw);
            ui_note(s->ui, "lock-countdown", UI_KIND_TEXT, (SDL_Rect){lx, y, lw, h}, 0, when);
        }
    } else {
        /* Below the heading the prompt, the dots and the keypad scroll
         * above the footer where they do not fit (150 % on 1024x768). With
         * a wrong PIN's banner above the footer that left the keys under
         * 11 mm or scrolled away: then the banner goes to the top of the
         * body, the keypad is pinned under it and the rest scrolls. */
        int body_y = y, kg = mm(s, 1.5f), kmin = mm(s, 11) + 1;
        int prompt_h = text_para_height(s->text, spx, false, tr(s, "admin.pin_prompt"), w);
        int box_h = mm(s, short_display ? 11 : 14);
        int fail_h = 0;
        char fails[128] = "";
        if (v->admin_failures > 0) {
            char cnt[16];
            snprintf(cnt, sizeof cnt, "%u", v->admin_failures);
            const char *names[] = {"count"}, *vals[] = {cnt};
            trf(s, "admin.failures", fails, sizeof fails, 1, names, vals);
            fail_h = text_para_height(s->text, spx, true, fails, w) + mm(s, 2);
        }
        int above = prompt_h + mm(s, 3) + box_h + mm(s, 3) + fail_h;
        int bottom = s->foot_y - mm(s, 4) - scr_banner_h(s, v);
        /* (the scroll view ends 2 mm below its content: scr_body_end) */
        int avail = bottom - body_y - above - mm(s, 2);
        bool pinned = v->error != FLOW_MSG_NONE && 4 * kmin + 3 * kg > avail;
        bool prompt = true;
        int kh, kb, ky;
        if (pinned) {
            bottom = s->foot_y - mm(s, 4);
            kh = kmin;
            kb = osk_height(&s->osk, kh, kg);
            ky = bottom - kb;
            y = scr_body_begin_to(s, body_y, ky - mm(s, 3), "pin-body");
            int bh = scr_error_banner_at(s, v, s->col_x, y, s->col_w) + mm(s, 3);
            y += bh;
            /* The banner says what to do again: the prompt gives way where
             * the dots would be scrolled out of sight under the banner. */
            if (bh + above > ky - mm(s, 3) - body_y)
                prompt = false;
        } else {
            y = scr_body_begin(s, v, y, "pin-body");
            kh = scr_key_h(s, avail, 4);
            /* The whole keypad in sight, the 0 too (Greek at 150 % on 1024x768 once
             * scrolled it away): keys give up to 11 mm, the least a key may have,
             * before the keypad scrolls. */
            if (4 * kh + 3 * kg > avail) {
                kh = (avail - 3 * kg) / 4;
                kh = kh < kmin ? kmin : kh;
            }
            kb = osk_height(&s->osk, kh, kg);
            ky = 0;
        }
        if (prompt)
            y += text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_CENTER},
                           tr(s, "admin.pin_prompt"), x, y, w) +
                 mm(s, 3);
        /* The PIN is never shown: one dot per digit. */
        int dot = mm(s, 3.5f), dg = mm(s, 3);
        int n = (int)v->pin_length;
        int dw = n * dot * 2 + (n - 1) * dg;
        SDL_Rect box = {x, y, w, box_h};
        draw_round_border(s->draw, box, mm(s, 2), 2, c->border, c->surface);
        for (int i = 0; i < n; i++)
            draw_disc(s->draw, x + (w - dw) / 2 + i * (2 * dot + dg) + dot, y + box.h / 2, dot,
                      c->text);
        ui_note(s->ui, "pin-dots", UI_KIND_TEXT, box, 0, "");
        y += box.h + mm(s, 3);
        if (v->focus != FLOW_FIELD_PIN)
            scr_emit(s, FLOW_EV_FOCUS, FLOW_FIELD_PIN);
        /* The count of wrong PINs above the keypad: under it, it met the footer. */
        if (v->admin_failures > 0)
            y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_CENTER}, fails, x, y,
                           w) +
                 mm(s, 2);
        if (pinned) {
            scr_body_end(s, y);
            scr_keyboard(s, v, (SDL_Rect){x, ky, w, kb}, kh);
        } else {
            scr_keyboard(s, v, (SDL_Rect){x, y, w, kb}, kh);
            scr_body_end(s, y + kb);
            scr_error_banner(s, v);
        }
    }
    int bw = mm(s, 62);
    if (ui_button(s->ui, "btn-unlock",
                  (SDL_Rect){s->col_x + s->col_w - bw, s->foot_y, bw, s->btn_h}, tr(s, "button.ok"),
                  UI_STYLE_PRIMARY, v->pin_length > 0 && !v->admin_locked))
        scr_emit(s, FLOW_EV_ADMIN_PIN, 0);
    /* Leaving erases nothing of a person's: "Back to the kiosk", not "Cancel and erase". */
    int cw = ui_button_width(s->ui, tr(s, "admin.exit"), true);
    if (ui_button_icon(s->ui, "btn-cancel", (SDL_Rect){s->col_x, s->foot_y, cw, s->btn_h},
                       DRAW_ICON_CHEVRON_LEFT, tr(s, "admin.exit"), UI_STYLE_QUIET, true))
        scr_emit(s, FLOW_EV_ADMIN_EXIT, 0);
}

/* One list of plugin lines under a heading; returns the y below it. */
static int
scr_admin_list(Screens *s, const char *heading, const char *const *lines, size_t n, SDL_Color tone,
               int x, int y, int w)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL);

    y += text_para(s->text, &(TextStyle){spx, true, c->muted, TEXT_LEFT}, heading, x, y, w);
    y += mm(s, 1);
    if (n == 0)
        return y + text_para(s->text, &(TextStyle){spx, false, c->text, TEXT_LEFT}, "\xE2\x80\x94",
                             x, y, w);
    for (size_t i = 0; i < n; i++)
        y += text_para(s->text, &(TextStyle){spx, false, tone, TEXT_LEFT}, lines[i], x, y, w) +
             mm(s, 1);
    return y;
}

/* A size in bytes as people read it ("1.4 MB"). */
static void
scr_bytes(unsigned long long n, char *buf, size_t cap)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)n;
    size_t u = 0;

    while (v >= 1000.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1000.0;
        u++;
    }
    snprintf(buf, cap, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
}

/* Until when the kiosk's key is endorsed; within FLOW_ENDORSEMENT_WARN_DAYS
 * of the end, or past it, a warning an administrator cannot miss (without
 * an endorsement the kiosk issues no certificate). The note's label says
 * which: "valid", "expiring", "expired" or "unknown". Returns the y below. */
static int
scr_admin_endorsement(Screens *s, const FlowView *v, int y)
{
    const ThemeColors *c = &s->th->c;
    int spx = fpx(s, THEME_FONT_SMALL);
    char date[CLOCK_RFC3339_LEN + 1] = "", days[16], buf[512];
    const char *names[] = {"date", "days"}, *values[] = {date, days};
    const char *key = "admin.endorsement_unknown", *state = "unknown";

    if (v->stats.endorsed_until > 0) {
        clock_format(v->stats.endorsed_until, date);
        date[10] = '\0';
        int d = v->endorsement_days_left;
        snprintf(days, sizeof days, "%d", d < 0 ? -d : d);
        /* days_left is negative only once the endorsement has run out */
        state = !v->endorsement_warn ? "valid" : d >= 0 ? "expiring" : "expired";
        key = !v->endorsement_warn ? "admin.endorsement_valid"
              : d >= 0             ? "admin.endorsement_expiring"
                                   : "admin.endorsement_expired";
    }
    trf(s, key, buf, sizeof buf, 2, names, values);
    bool warn = strcmp(state, "valid") != 0;
    int pad = warn ? mm(s, 3) : 0, is = warn ? mm(s, 7) : 0;
    int tw = s->col_w - 2 * pad - (warn ? is + mm(s, 3) : 0);
    int h = text_para_height(s->text, spx, true, buf, tw) + 2 * pad;
    h = warn && h < is + 2 * pad ? is + 2 * pad : h;
    SDL_Rect r = {s->col_x, y, s->col_w, h};
    if (warn) {
        draw_round_border(s->draw, r, mm(s, 2), 3, c->error, c->surface);
        draw_icon(s->draw, DRAW_ICON_ALERT, r.x + pad, r.y + pad, is, c->error);
    }
    text_para(s->text, &(TextStyle){spx, true, warn ? c->error : c->muted, TEXT_LEFT}, buf,
              r.x + pad + (warn ? is + mm(s, 3) : 0), r.y + pad, tw);
    ui_note(s->ui, "admin-endorsement", UI_KIND_TEXT, r, 0, state);
    return y + h + mm(s, 3);
}

void
scr_admin(Screens *s, const FlowView *v)
{
    const ThemeColors *c = &s->th->c;
    int y = scr_heading(s, NULL, tr(s, "admin.title"), s->bar_h + mm(s, 10));
    int px = fpx(s, THEME_FONT_BODY), hpx = fpx(s, THEME_FONT_HEADING);
    char num[32];
    struct {
        const char *key;
        unsigned long n;
    } rows[] = {{"admin.certificates", v->stats.certificates_issued},
                {"admin.plugins_loaded", v->stats.plugins_loaded},
                {"admin.plugins_refused", v->stats.plugins_refused}};
    /* The three actions: one row where they fit, else "Back to the kiosk"
     * on the footer row and the two stops on a row above it. */
    int bw = ui_button_width(s->ui, tr(s, "admin.exit"), false);
    bw = bw < mm(s, 62) ? mm(s, 62) : bw;
    int qw = ui_button_width(s->ui, tr(s, "admin.maintenance"), false);
    qw = qw < mm(s, 62) ? mm(s, 62) : qw;
    int rw = ui_button_width(s->ui, tr(s, "admin.restart"), false);
    rw = rw < mm(s, 62) ? mm(s, 62) : rw;
    int stop_y = s->foot_y, stop_h = s->btn_h;
    bw = bw > s->col_w ? s->col_w : bw;
    if (qw + rw + bw + 2 * s->gap > s->col_w) {
        if (qw + rw + s->gap > s->col_w) {
            qw = (s->col_w - s->gap) / 2;
            rw = s->col_w - s->gap - qw;
        }
        int hq = ui_button_height(s->ui, tr(s, "admin.maintenance"), false, qw, s->btn_h);
        int hr = ui_button_height(s->ui, tr(s, "admin.restart"), false, rw, s->btn_h);
        stop_h = hq > hr ? hq : hr;
        stop_y = s->foot_y - s->gap - stop_h;
    }
    /* The facts an administrator is asked for: which kiosk, how big its
     * log is, how much room is left. */
    char facts[256], store[32], freeb[32];
    scr_bytes(v->stats.store_bytes, store, sizeof store);
    scr_bytes(v->stats.disk_free_bytes, freeb, sizeof freeb);
    const char *fn[] = {"kiosk", "store", "free"};
    const char *fv[] = {v->stats.kiosk_id[0] ? v->stats.kiosk_id : "?", store, freeb};
    trf(s, "admin.facts", facts, sizeof facts, 3, fn, fv);
    int fh = text_para(s->text, &(TextStyle){fpx(s, THEME_FONT_SMALL), true, c->muted, TEXT_LEFT},
                       facts, s->col_x, y - mm(s, 2), s->col_w);
    ui_note(s->ui, "admin-facts", UI_KIND_TEXT, (SDL_Rect){s->col_x, y - mm(s, 2), s->col_w, fh}, 0,
            v->stats.kiosk_id);
    y += fh + mm(s, 2);
    y = scr_admin_endorsement(s, v, y);
    /* The counts and the bundle lists scroll above the actions. */
    int body_top = y;
    int boff = ui_scroll_begin(s->ui, "admin-body",
                               (SDL_Rect){s->col_x - mm(s, 2), y, s->col_w + mm(s, 4),
                                          stop_y - mm(s, 5) - y});
    y -= boff;
    int cw = (s->col_w - 2 * s->gap) / 3, ch = mm(s, 34);
    /* Three tiles side by side, or one under another where a label would
     * have a word broken even at its smallest ("Πιστοποιητικ|ά" at 150 % on
     * a portrait display): the tiles scroll with the lists. */
    bool stacked = false;
    for (int i = 0; i < 3; i++)
        stacked = stacked || !text_heading_fits(s->text, px, false, tr(s, rows[i].key),
                                                cw - mm(s, 12));
    if (stacked) {
        cw = s->col_w;
        ch = 0;
    }
    /* The label goes under the number's whole line (not under 2 em: the
     * number's line is taller at 150 %). */
    int num_h = text_line_height(s->text, hpx * 3 / 2, true);
    for (int i = 0; i < 3; i++) {
        int h = mm(s, 9) + num_h +
                text_heading_height(s->text, px, false, tr(s, rows[i].key), cw - mm(s, 12));
        ch = h > ch ? h : ch;
    }
    for (int i = 0; i < 3; i++) {
        SDL_Rect r = stacked ? (SDL_Rect){s->col_x, y + i * (ch + s->gap), cw, ch}
                             : (SDL_Rect){s->col_x + i * (cw + s->gap), y, cw, ch};
        draw_round_border(s->draw, r, mm(s, 2), 2, c->border, c->surface);
        snprintf(num, sizeof num, "%lu", rows[i].n);
        text_line(s->text, &(TextStyle){hpx * 3 / 2, true, c->heading, TEXT_LEFT}, num,
                  r.x + mm(s, 6), r.y + mm(s, 4), r.w - mm(s, 12));
        /* A label, drawn smaller rather than broken mid-word in Greek. */
        text_heading(s->text, &(TextStyle){px, false, c->text, TEXT_LEFT}, tr(s, rows[i].key),
                     r.x + mm(s, 6), r.y + mm(s, 4) + num_h, r.w - mm(s, 12));
        char id[32];
        snprintf(id, sizeof id, "stat-%d", i);
        ui_note(s->ui, id, UI_KIND_TEXT, r, 0, num);
    }
    y += (stacked ? 3 * ch + 2 * s->gap : ch) + mm(s, 6);
    /* Which bundles: loaded on the left, refused (with the reason) on the right. */
    int half = (s->col_w - s->gap) / 2;
    int y1 = scr_admin_list(s, tr(s, "admin.plugins_loaded"), s->admin_loaded, s->n_admin_loaded,
                            c->text, s->col_x, y, half);
    int y2 = scr_admin_list(s, tr(s, "admin.plugins_refused"), s->admin_refused, s->n_admin_refused,
                            c->error, s->col_x + half + s->gap, y, half - mm(s, 5));
    ui_scroll_end(s->ui, (y1 > y2 ? y1 : y2) + boff - body_top + mm(s, 2));
    if (ui_button(s->ui, "btn-admin-exit",
                  (SDL_Rect){s->col_x + s->col_w - bw, s->foot_y, bw, s->btn_h},
                  tr(s, "admin.exit"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_ADMIN_EXIT, 0);
    /* Stopping asks first (scr_admin_stop_modal): the restart and the
     * maintenance stop each end the kiosk with an exit status of its own. */
    if (ui_button(s->ui, "btn-admin-maintenance", (SDL_Rect){s->col_x, stop_y, qw, stop_h},
                  tr(s, "admin.maintenance"), UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_ADMIN_STOP, FLOW_STOP_MAINTENANCE);
    if (ui_button(s->ui, "btn-admin-restart",
                  (SDL_Rect){s->col_x + qw + s->gap, stop_y, rw, stop_h}, tr(s, "admin.restart"),
                  UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_ADMIN_STOP, FLOW_STOP_RESTART);
}

void
scr_admin_stop_modal(Screens *s, const FlowView *v)
{
    bool restart = v->admin_confirm == FLOW_STOP_RESTART;
    const char *confirm = tr(s, restart ? "admin.restart_confirm" : "admin.maintenance_confirm");
    const char *title = tr(s, restart ? "admin.restart_title" : "admin.maintenance_title");
    const char *body = tr(s, restart ? "admin.restart_body" : "admin.maintenance_body");
    int g = mm(s, 4), bh = mm(s, 20);
    SDL_Rect box;
    /* The buttons' height (two lines at 150 %) goes into the box's. */
    int bw = (scr_modal_width(s, title, body, bh) - 2 * mm(s, 10) - g) / 2;
    int h = ui_button_height(s->ui, confirm, false, bw, bh);
    int h2 = ui_button_height(s->ui, tr(s, "admin.stop_keep"), false, bw, bh);
    h = h > h2 ? h : h2;
    int y = scr_modal_box(s, DRAW_ICON_ALERT, title, body, h, &box);
    int pad = (box.w - 2 * bw - g) / 2;
    /* Keeping the kiosk running is the primary (safe) choice. */
    if (ui_button(s->ui, "btn-stop-confirm", (SDL_Rect){box.x + pad, y, bw, h}, confirm,
                  UI_STYLE_SECONDARY, true))
        scr_emit(s, FLOW_EV_ADMIN_STOP_CONFIRM, 0);
    if (ui_button(s->ui, "btn-stop-keep", (SDL_Rect){box.x + pad + bw + g, y, bw, h},
                  tr(s, "admin.stop_keep"), UI_STYLE_PRIMARY, true))
        scr_emit(s, FLOW_EV_ADMIN_STOP_CANCEL, 0);
}
