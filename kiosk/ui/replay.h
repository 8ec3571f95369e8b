/* replay: scripted, timed input against a controllable clock, with snapshots and checks
 * (REPLAY.md). */
#ifndef CERTKIOSK_REPLAY_H
#define CERTKIOSK_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "widget.h"

typedef struct Replay Replay;

/* What the replay drives. All borrowed. */
typedef struct ReplayHost {
    void *ctx;
    Ui *ui;
    Text *text;
    uint64_t *clock_ms; /* the kiosk's clock: the replay moves it */
    int width, height;
    /* Gives the flow the time and runs frames until nothing is pending. */
    void (*settle)(void *ctx);
    /* The flow's screen name ("attract"). */
    const char *(*screen)(void *ctx);
    /* Writes what is on screen to a PNG file. */
    CkErr (*snapshot)(void *ctx, const char *path);
    /* True once the kiosk wants to stop (admin quit). */
    bool (*done)(void *ctx);
    /* Delivers an input event as the window would (through the kiosk's
     * lock-down filter); NULL: straight to the widget layer. */
    void (*event)(void *ctx, const SDL_Event *e);
    /* The display settings (as the top bar sets them): language, text size
     * (100, 125, 150) and contrast; the `variants` command goes through
     * them. languages: the kiosk's UI languages, in order. */
    void (*settings)(void *ctx, const char *lang, int percent, bool high);
    const char *(*language)(void *ctx);
    const char *const *languages;
    size_t n_languages;
} ReplayHost;

/* Parses a script. A syntax error is CK_ERR_FORMAT with "FILE:LINE: reason". */
CkErr replay_load(const char *path, Replay **out);
void replay_free(Replay *r);

/* Runs the script. snap_dir (may be NULL: snapshots are skipped) receives
 * NAME.png for each `snapshot NAME` and relative dump-layout files. Returns
 * 0 when every step passed, 1 when an expectation failed (message on
 * stderr with the line number), 2 for an I/O error. */
int replay_run(Replay *r, const ReplayHost *host, const char *snap_dir);

#endif
