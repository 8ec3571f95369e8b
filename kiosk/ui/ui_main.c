/* certkiosk: the full-screen kiosk — window, lock-down, main loop, and the headless replay mode. */
#include <SDL.h>
#include <getopt.h>
#include <sodium.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "fileio.h"
#include "draw.h"
#include "flow.h"
#include "isocodes.h"
#include "replay.h"
#include "screens.h"
#include "service.h"
#include "snap.h"
#include "text.h"
#include "theme.h"
#include "widget.h"

#ifndef CERTKIOSK_ASSETS_DIR
#define CERTKIOSK_ASSETS_DIR "assets"
#endif

#define MIN_WIDTH 1024
#define MIN_HEIGHT 700

typedef struct Kiosk {
    SDL_Window *win;
    SDL_Renderer *r;
    Theme theme;
    Text *text;
    Draw *draw;
    Ui *ui;
    Screens *screens;
    App *app;
    Flow *flow;
    uint64_t clock_ms; /* the kiosk's monotonic clock */
    int64_t unix0;     /* wall clock at clock_ms == 0 (replays) */
    bool replay;
    int wake; /* ms until a frame is needed without input, -1 none */
    uint64_t last_frame;
    bool drawn;
    /* The last frame asked for another at once but showed what the one
     * before it showed (a finger resting on the screen): its digest. */
    bool steady;
    uint64_t steady_digest;
    SDL_sem *queued; /* posted for every queued event; NULL: SDL waits itself */
    IsoCodes *countries; /* the nation chooser's list; NULL without iso-codes */
} Kiosk;

/* While a finger rests on the screen the widget layer asks for a frame at
 * once (ui_end), which hides its own timers (the hold gesture's); frames are
 * then drawn this often instead, until input comes. */
#define KIOSK_HELD_FRAME_MS 100

/* With CERTKIOSK_FRAME_LOG=FILE (for tests/bench): one line per presented
 * frame, "<CLOCK_MONOTONIC ms when presented> <ms spent on the frame>". */
static FILE *frame_log;

static double
frame_log_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
usage(FILE *f)
{
    fputs("usage: certkiosk --home DIR [options]\n"
          "  --home DIR        the kiosk home (kiosk.json, kiosk.key, plugins/, store.db)\n"
          "  --windowed        a window instead of full screen (for development)\n"
          "  --size WxH        window size (default 1280x800 windowed, 1920x1080 replay)\n"
          "  --assets DIR      the assets folder (default: the source tree's assets/)\n"
          "  --fonts DIR       a folder searched first for NotoSans-{Regular,Bold}.ttf\n"
          "  --replay FILE     play a script of timed input (kiosk/ui/REPLAY.md) and exit\n"
          "  --snapshots DIR   where a replay writes its PNG snapshots and layout dumps\n"
          "  --status-file F   writes the exit status to F on the way out (for a compositor\n"
          "                    that does not pass it on: cage 0.1.4)\n"
          "  --help            this text\n"
          "Environment: CERTKIOSK_FONT_DIRS=DIR:DIR... replaces the system font folders\n"
          "  (" TEXT_NOTO_DIR ", " TEXT_DEJAVU_DIR ").\n"
          "Exit codes: 0 ok (stopped by SIGTERM); 1 a replay expectation failed; 2 usage,\n"
          "  set-up or I/O error (also a display smaller than 1024x700, or no usable font);\n"
          "  3 the admin restarted the kiosk; 4 the admin stopped it for maintenance.\n"
          "Under systemd (certkiosk.service) it sends READY=1 once the start screen is\n"
          "  shown and WATCHDOG=1 from its main loop.\n",
          f);
}

/* The kiosk's clock: real ticks, or the replay's. */
static uint64_t
kiosk_now(const Kiosk *k)
{
    return k->replay ? k->clock_ms : SDL_GetTicks64();
}

/* Gives the flow the time; returns true if what it shows changed. */
static bool
kiosk_tick(Kiosk *k)
{
    const FlowView *v = flow_view(k->flow);
    FlowScreen screen = v->screen;
    bool warn = v->idle_warning;
    uint32_t left = v->idle_seconds_left;
    unsigned wipes = v->wipe_count;
    uint32_t lock_left = v->admin_lock_seconds_left;
    uint64_t now = kiosk_now(k);
    int64_t wall = clock_now();
    /* A replay's wall clock moves with the script but never past the real
     * one: what it issues is valid now, not minutes ahead. */
    if (k->replay && k->unix0 + (int64_t)(now / 1000) < wall)
        wall = k->unix0 + (int64_t)(now / 1000);
    FlowEvent ev = {.type = FLOW_EV_TICK, .now_ms = (int64_t)now, .unix_s = wall};

    flow_handle(k->flow, &ev);
    v = flow_view(k->flow);
    return v->screen != screen || v->idle_warning != warn || v->idle_seconds_left != left ||
           v->wipe_count != wipes || v->admin_lock_seconds_left != lock_left;
}

static uint64_t
kiosk_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void
kiosk_hash_text(const char *s, void *ctx)
{
    uint64_t *h = ctx;

    *h = kiosk_hash(*h, s, strlen(s) + 1);
}

/* A digest of what the last frame showed and of the state it leaves: its
 * layout list (IDs, rectangles, states, labels), the texts it drew, and the
 * flow's view. A frame drawn with no new input whose digest equals the
 * previous frame's shows the same picture again. */
static uint64_t
kiosk_digest(const Kiosk *k)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int n = ui_widget_count(k->ui);

    for (int i = 0; i < n; i++) {
        const UiWidget *w = ui_widget_at(k->ui, i);
        h = kiosk_hash(h, w->id, strnlen(w->id, sizeof w->id));
        h = kiosk_hash(h, &w->kind, sizeof w->kind);
        h = kiosk_hash(h, &w->rect, sizeof w->rect);
        h = kiosk_hash(h, &w->state, sizeof w->state);
        h = kiosk_hash(h, w->label, strnlen(w->label, sizeof w->label) + 1);
    }
    text_frame_each(k->text, kiosk_hash_text, &h);
    return kiosk_hash(h, flow_view(k->flow), sizeof(FlowView));
}

/* Something outside the frames changed (the flow's time, a window event): a
 * frame is due even if the last ones were steady. */
static void
kiosk_changed(Kiosk *k)
{
    ui_invalidate(k->ui);
    k->steady = false;
}

/* Runs frames while input waits or the UI asks for one; presents once.
 *
 * A frame that asks for another at once (wake 0: its events changed the
 * flow, a press or a focus move changed a widget's look) is followed by
 * another before presenting, so that what is shown is settled. The widget
 * layer also asks for one after every frame while a finger is down, even
 * when nothing moves: that case is recognised because a frame drawn without
 * new input has the same digest as the one before, and ends the loop (each
 * extra frame is a full software-rendered screen, 1.2 ms at 1920x1080). */
static void
kiosk_frames(Kiosk *k, bool force)
{
    uint64_t now = kiosk_now(k);
    bool due = force || ui_pending(k->ui) || (ui_invalid(k->ui) && !k->steady) || !k->drawn ||
               (k->wake >= 0 && now >= k->last_frame + (uint64_t)k->wake);
    bool have_prev = k->steady;
    uint64_t prev = k->steady_digest;
    int guard = 0;
    double t0;

    if (!due)
        return;
    t0 = frame_log != NULL ? frame_log_ms() : 0;
    k->steady = false;
    do {
        bool input = ui_pending(k->ui);
        k->wake = screens_frame(k->screens, k->flow, kiosk_now(k));
        k->last_frame = kiosk_now(k);
        if (kiosk_tick(k)) {
            ui_invalidate(k->ui);
            k->wake = 0;
        }
        if (ui_pending(k->ui)) {
            have_prev = false;
            continue;
        }
        if (k->wake != 0)
            break;
        uint64_t digest = kiosk_digest(k);
        if (!input && have_prev && digest == prev) {
            k->steady = true;
            k->steady_digest = digest;
            k->wake = KIOSK_HELD_FRAME_MS;
            break;
        }
        prev = digest;
        have_prev = true;
    } while (++guard < 64);
    SDL_RenderPresent(k->r);
    if (frame_log != NULL) {
        double t1 = frame_log_ms();
        fprintf(frame_log, "%.3f %.3f\n", t1, t1 - t0);
    }
    k->drawn = true;
}

/* ---- replay host ---- */

static void
host_settle(void *ctx)
{
    Kiosk *k = ctx;

    if (kiosk_tick(k))
        kiosk_changed(k);
    kiosk_frames(k, false);
}

static const char *
host_screen(void *ctx)
{
    return flow_screen_name(flow_view(((Kiosk *)ctx)->flow)->screen);
}

static CkErr
host_snapshot(void *ctx, const char *path)
{
    Kiosk *k = ctx;

    /* Snapshot what the screen shows now: draw it fresh (the only frames a
     * replay rasterises). */
    screens_set_rasterise(k->screens, true);
    kiosk_frames(k, true);
    CkErr err = snap_png(k->r, k->theme.width, k->theme.height, path);
    screens_set_rasterise(k->screens, false);
    return err;
}

static void
host_settings(void *ctx, const char *lang, int percent, bool high)
{
    Kiosk *k = ctx;

    flow_handle(k->flow, &(FlowEvent){.type = FLOW_EV_SET_LANGUAGE, .text = lang});
    flow_handle(k->flow, &(FlowEvent){.type = FLOW_EV_SET_TEXT_SIZE, .index = percent});
    if (flow_view(k->flow)->high_contrast != high)
        flow_handle(k->flow, &(FlowEvent){.type = FLOW_EV_TOGGLE_CONTRAST});
    kiosk_changed(k);
    kiosk_frames(k, true);
}

static const char *
host_language(void *ctx)
{
    return flow_view(((Kiosk *)ctx)->flow)->language;
}

static bool
host_done(void *ctx)
{
    return flow_view(((Kiosk *)ctx)->flow)->quit;
}

static bool kiosk_handle(Kiosk *k, const SDL_Event *e);

static void
host_event(void *ctx, const SDL_Event *e)
{
    kiosk_handle(ctx, e);
}

/* ---- set-up ---- */

/* Fonts: font_dir first, then the system folders (or CERTKIOSK_FONT_DIRS,
 * colon-separated, in their place); Noto Sans, else DejaVu Sans. */
static CkErr
kiosk_open_fonts(Kiosk *k, const char *font_dir)
{
    const char *env = getenv("CERTKIOSK_FONT_DIRS");
    const char *dirs[9] = {font_dir, TEXT_NOTO_DIR, TEXT_DEJAVU_DIR};
    size_t n = 3;
    char *copy = NULL;
    CkErr err;

    if (env != NULL) {
        if ((copy = strdup(env)) == NULL)
            return ck_err(CK_ERR_NOMEM, "out of memory");
        n = 1;
        char *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d != NULL && n < 9;
             d = strtok_r(NULL, ":", &save))
            dirs[n++] = d;
    }
    err = text_create_dirs(k->r, dirs, n, &k->text);
    free(copy);
    return err;
}

static void
kiosk_lock_down(Kiosk *k, bool kiosk_mode)
{
    SDL_DisableScreenSaver();
    if (kiosk_mode) {
        SDL_ShowCursor(SDL_DISABLE);
        SDL_SetWindowKeyboardGrab(k->win, SDL_TRUE);
    }
    SDL_StartTextInput();
}

static bool
kiosk_handle(Kiosk *k, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT:
        return false; /* closing the window does not leave the kiosk */
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            int w, h;
            SDL_GetRendererOutputSize(k->r, &w, &h);
            k->theme.width = w;
            k->theme.height = h;
        }
        kiosk_changed(k);
        return true;
    case SDL_KEYDOWN:
        /* Escape and Alt+F4 do nothing; the rest may move the focus. */
        if (e->key.keysym.sym == SDLK_ESCAPE ||
            (e->key.keysym.sym == SDLK_F4 && (e->key.keysym.mod & KMOD_ALT)))
            return false;
        return ui_push_event(k->ui, e, kiosk_now(k));
    default:
        return ui_push_event(k->ui, e, kiosk_now(k));
    }
}

static int SDLCALL
kiosk_event_queued(void *sem, SDL_Event *e)
{
    /* Each poll queues a sentinel of its own: not an event to wake for. */
    if (e->type != SDL_POLLSENTINEL)
        SDL_SemPost(sem);
    return 1;
}

/* SDL 2.26 blocks in SDL_WaitEventTimeout only where the video driver can
 * wait for its input (X11, Wayland, ...). The dummy and offscreen drivers
 * have no input, and there it polls every millisecond (1-2 % of a core while
 * idle). With them the kiosk sleeps on a semaphore that an event watch posts
 * for every event queued (from any thread). */
static void
kiosk_wait_setup(Kiosk *k)
{
    const char *driver = SDL_GetCurrentVideoDriver();

    if (driver == NULL || (strcmp(driver, "dummy") != 0 && strcmp(driver, "offscreen") != 0))
        return;
    if ((k->queued = SDL_CreateSemaphore(0)) != NULL)
        SDL_AddEventWatch(kiosk_event_queued, k->queued);
}

static void
kiosk_wait_teardown(Kiosk *k)
{
    if (k->queued == NULL)
        return;
    SDL_DelEventWatch(kiosk_event_queued, k->queued);
    SDL_DestroySemaphore(k->queued);
    k->queued = NULL;
}

/* Waits up to timeout ms for an event: 1 and *e, or 0. */
static int
kiosk_wait(Kiosk *k, SDL_Event *e, int timeout)
{
    if (k->queued == NULL)
        return SDL_WaitEventTimeout(e, timeout);
    while (SDL_SemTryWait(k->queued) == 0)
        ; /* events already queued are seen by the poll below */
    if (SDL_PollEvent(e))
        return 1;
    SDL_SemWaitTimeout(k->queued, (Uint32)timeout);
    return SDL_PollEvent(e);
}

/* SIGTERM (systemd stopping the service, an administrator's kill) ends the
 * kiosk cleanly: the loop returns and every session buffer is wiped on the
 * way out. SDL's own handler would turn it into SDL_QUIT, which the kiosk
 * ignores on purpose (a window close must not leave it). */
static volatile sig_atomic_t stop_requested;

static void
on_sigterm(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The exit status for how the admin stopped the kiosk (0 if it was not stopped). */
static int
kiosk_stop_status(const Kiosk *k)
{
    const FlowView *v = flow_view(k->flow);

    if (!v->quit)
        return SERVICE_EXIT_OK;
    return v->stop == FLOW_STOP_MAINTENANCE ? SERVICE_EXIT_MAINTENANCE : SERVICE_EXIT_RESTART;
}

static int
kiosk_loop(Kiosk *k)
{
    bool ready = false;

    service_open();
    while (!flow_view(k->flow)->quit && !stop_requested) {
        SDL_Event e;
        /* Block until input, a UI timer, or the next second (the flow's idle
         * timer counts in ticks): ~0 % CPU while nobody touches the screen. */
        int timeout = k->wake >= 0 ? k->wake : 1000;
        if (timeout > 1000)
            timeout = 1000;
        if (kiosk_wait(k, &e, timeout)) {
            kiosk_handle(k, &e);
            while (SDL_PollEvent(&e))
                kiosk_handle(k, &e);
        }
        if (kiosk_tick(k))
            kiosk_changed(k);
        kiosk_frames(k, false);
        if (!ready && k->drawn) {
            service_ready();
            ready = true;
        }
        service_watchdog(SDL_GetTicks64());
    }
    if (stop_requested) {
        service_stopping("stopping (SIGTERM)");
        return SERVICE_EXIT_OK;
    }
    service_stopping(flow_view(k->flow)->stop == FLOW_STOP_MAINTENANCE
                         ? "stopped for maintenance by the admin"
                         : "restarting at the admin's request");
    return kiosk_stop_status(k);
}

/* The countries of the nation chooser, from Debian's iso-codes (a package
 * dependency). Without them the kiosk still runs: the nations with a bundle
 * can be chosen, and the chooser says why it lists nothing. The paths can be
 * overridden for tests (CERTKIOSK_ISO_CODES: the JSON file,
 * CERTKIOSK_LOCALE_DIR: the catalogs' folder). */
static void
kiosk_load_countries(Kiosk *k, const char *const *langs, size_t n_langs)
{
    const char *json = getenv("CERTKIOSK_ISO_CODES");
    const char *locale = getenv("CERTKIOSK_LOCALE_DIR");

    if (isocodes_load(json ? json : ISOCODES_JSON, locale ? locale : ISOCODES_LOCALE_DIR, langs,
                      n_langs, &k->countries) != CK_OK) {
        fprintf(stderr, "certkiosk: %s; \"other troop-contributing nation\" lists no country\n",
                ck_err_detail());
        ck_err_clear();
    } else {
        for (size_t i = 0; i < n_langs; i++)
            if (isocodes_catalog_problem(k->countries, langs[i]) != NULL)
                fprintf(stderr, "certkiosk: %s\n", isocodes_catalog_problem(k->countries, langs[i]));
    }
    screens_set_countries(k->screens, k->countries);
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {{"home", required_argument, NULL, 'H'},
                                         {"windowed", no_argument, NULL, 'w'},
                                         {"size", required_argument, NULL, 's'},
                                         {"assets", required_argument, NULL, 'a'},
                                         {"replay", required_argument, NULL, 'r'},
                                         {"snapshots", required_argument, NULL, 'S'},
                                         {"fonts", required_argument, NULL, 'f'},
                                         {"status-file", required_argument, NULL, 'x'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *home = NULL, *assets = CERTKIOSK_ASSETS_DIR, *replay_path = NULL, *snap_dir = NULL,
               *font_dir = NULL, *status_file = NULL;
    bool windowed = false;
    int w = 0, h = 0, c, rc = 2;
    Kiosk k = {0};
    Replay *rp = NULL;
    char strings[4096];

    /* Before anything is created: every file and folder the kiosk makes (log,
     * -wal, -shm, lock file, snapshots) is its user's alone. */
    umask(077);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            home = optarg;
            break;
        case 'w':
            windowed = true;
            break;
        case 's':
            if (sscanf(optarg, "%dx%d", &w, &h) != 2 || w <= 0 || h <= 0 || w > 16384 ||
                h > 16384) {
                fprintf(stderr, "certkiosk: --size %s: expected WIDTHxHEIGHT, e.g. 1920x1080\n",
                        optarg);
                return 2;
            }
            break;
        case 'a':
            assets = optarg;
            break;
        case 'r':
            replay_path = optarg;
            break;
        case 'S':
            snap_dir = optarg;
            break;
        case 'f':
            font_dir = optarg;
            break;
        case 'x':
            status_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (home == NULL || optind != argc) {
        usage(stderr);
        goto out;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "certkiosk: cannot initialise libsodium\n");
        goto out;
    }
    k.replay = replay_path != NULL;
    if (getenv("CERTKIOSK_FRAME_LOG") != NULL &&
        (frame_log = fopen(getenv("CERTKIOSK_FRAME_LOG"), "w")) != NULL)
        setvbuf(frame_log, NULL, _IOLBF, 0);
    if (k.replay && replay_load(replay_path, &rp) != CK_OK) {
        fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
        goto out;
    }
    if (k.replay && w == 0) {
        w = 1920;
        h = 1080;
    } else if (windowed && w == 0) {
        w = 1280;
        h = 800;
    }
    if (k.replay && getenv("SDL_VIDEODRIVER") == NULL)
        setenv("SDL_VIDEODRIVER", "dummy", 1);
    snprintf(strings, sizeof strings, "%s/ui", assets);

    /* Lock-down hints, each set explicitly (the defaults changed over releases). */
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
    SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
    SDL_SetHint(SDL_HINT_WINDOWS_NO_CLOSE_ON_ALT_F4, "1");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0");
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    signal(SIGTERM, on_sigterm);
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
        fprintf(stderr, "certkiosk: cannot start SDL: %s\n", SDL_GetError());
        goto out;
    }
    if (app_open(home, &k.app) != CK_OK) {
        fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
        goto out;
    }
    k.flow = app_flow(k.app);
    /* Quiz choices are shuffled per person; a replay fixes the draw so that
     * its snapshots are the same every run (its taps name choices by id). */
    if (k.replay)
        flow_set_quiz_seed(k.flow, 1);
    Uint32 flags = SDL_WINDOW_SHOWN;
    int pos = SDL_WINDOWPOS_CENTERED;
    if (!windowed && !k.replay) {
        /* Full screen starts at the desktop's own size and origin: without a
         * window manager (a kiosk's X server, Xvfb) SDL does not resize a
         * FULLSCREEN_DESKTOP window, and a 1920x1080 one centred on a
         * 1280x800 screen would be drawn off its edges. */
        SDL_DisplayMode dm;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
        pos = 0;
        if (w == 0 && SDL_GetDesktopDisplayMode(0, &dm) == 0) {
            w = dm.w;
            h = dm.h;
        }
    }
    k.win = SDL_CreateWindow("certkiosk", pos, pos, w ? w : 1920, h ? h : 1080, flags);
    if (k.win == NULL) {
        fprintf(stderr, "certkiosk: cannot open a window: %s\n", SDL_GetError());
        goto out;
    }
    /* Replays use the software renderer: the same pixels on every machine. */
    k.r = SDL_CreateRenderer(k.win, -1, k.replay ? SDL_RENDERER_SOFTWARE : 0);
    if (k.r == NULL)
        k.r = SDL_CreateRenderer(k.win, -1, SDL_RENDERER_SOFTWARE);
    if (k.r == NULL) {
        fprintf(stderr, "certkiosk: cannot create a renderer: %s\n", SDL_GetError());
        goto out;
    }
    int ow, oh;
    SDL_GetRendererOutputSize(k.r, &ow, &oh);
    if (ow < MIN_WIDTH || oh < MIN_HEIGHT) {
        fprintf(stderr, "certkiosk: the display is %dx%d; the kiosk needs at least %dx%d\n", ow, oh,
                MIN_WIDTH, MIN_HEIGHT);
        goto out;
    }
    theme_init(&k.theme, k.replay ? 0 : theme_display_px_per_mm(SDL_GetWindowDisplayIndex(k.win)),
               ow, oh);
    if (kiosk_open_fonts(&k, font_dir) != CK_OK) {
        fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
        goto out;
    }
    k.draw = draw_create(k.r);
    k.ui = k.draw ? ui_create(k.r, k.text, k.draw, &k.theme) : NULL;
    if (k.ui == NULL) {
        fprintf(stderr, "certkiosk: out of memory\n");
        goto out;
    }
    size_t nl;
    const char *const *langs = app_languages(k.app, &nl);
    if (screens_create(k.r, k.ui, strings, langs, nl, &k.screens) != CK_OK) {
        fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
        goto out;
    }
    screens_set_demo(k.screens, app_is_demo(k.app));
    kiosk_load_countries(&k, langs, nl);
    size_t n_ok, n_bad;
    const char *const *ok = app_plugins_loaded(k.app, &n_ok);
    const char *const *bad = app_plugins_refused(k.app, &n_bad);
    screens_set_admin_report(k.screens, ok, n_ok, bad, n_bad);
    kiosk_lock_down(&k, !windowed && !k.replay);
    k.wake = -1;
    k.clock_ms = 1000;
    k.unix0 = clock_now();
    if (k.replay) {
        ReplayHost host = {&k,          k.ui,        k.text,        &k.clock_ms, ow,        oh,
                           host_settle, host_screen, host_snapshot, host_done,   host_event,
                           host_settings, host_language, langs, nl};
        screens_set_rasterise(k.screens, false);
        if (snap_dir != NULL && fileio_mkdir_p(snap_dir, 0700) != CK_OK) {
            fprintf(stderr, "certkiosk: %s\n", ck_err_detail());
            goto out;
        }
        rc = replay_run(rp, &host, snap_dir);
        /* A replay that stopped the kiosk through admin mode ends as the kiosk would. */
        if (rc == 0)
            rc = kiosk_stop_status(&k);
    } else {
        kiosk_wait_setup(&k);
        rc = kiosk_loop(&k);
        kiosk_wait_teardown(&k);
    }
out:
    replay_free(rp);
    screens_destroy(k.screens);
    isocodes_free(k.countries);
    ui_destroy(k.ui);
    draw_destroy(k.draw);
    text_destroy(k.text);
    if (k.r != NULL)
        SDL_DestroyRenderer(k.r);
    if (k.win != NULL)
        SDL_DestroyWindow(k.win);
    app_close(k.app);
    SDL_Quit();
    if (status_file != NULL)
        service_write_status(status_file, rc);
    return rc;
}
