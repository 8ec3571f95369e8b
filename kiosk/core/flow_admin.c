/* flow_admin: the admin PIN — counted on disk before it is checked, locked out after
 * FLOW_ADMIN_MAX_FAILURES — and stopping the kiosk, confirmed. */
#include "flow_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* ---- admin ---- */

void
flow_admin_log(Flow *f, FlowAdminEvent ev)
{
    if (f->cfg.admin.log != NULL)
        f->cfg.admin.log(f->cfg.admin.ctx, ev, f->lock.failures);
}

int64_t
flow_admin_lockout_s(unsigned failures)
{
    int64_t s = FLOW_ADMIN_LOCKOUT_S;

    if (failures < FLOW_ADMIN_MAX_FAILURES)
        return 0;
    for (unsigned n = FLOW_ADMIN_MAX_FAILURES; n < failures && s < FLOW_ADMIN_LOCKOUT_MAX_S; n++)
        s *= 2;
    return s < FLOW_ADMIN_LOCKOUT_MAX_S ? s : FLOW_ADMIN_LOCKOUT_MAX_S;
}

/* When the lock-out has run out the count stays: the next wrong PIN locks at
 * once, for twice as long (an online guesser gets one try per lock-out). */
bool
flow_admin_locked(Flow *f)
{
    if (f->lock.failures < FLOW_ADMIN_MAX_FAILURES)
        return false;
    return f->lock_broken || f->unix_s < f->lock.locked_until;
}

CkErr
flow_on_admin_pin(Flow *f)
{
    const char *pin = session_field(f->session, SESSION_PIN);
    size_t len = session_field_len(f->session, SESSION_PIN);
    AdminLock counted;
    bool ok;

    if (f->cfg.admin.pin_hash == NULL)
        return flow_refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
    if (flow_admin_locked(f)) {
        session_field_clear(f->session, SESSION_PIN);
        return flow_refuse(f, FLOW_MSG_ADMIN_LOCKED);
    }
    /* Count the attempt on disk before checking it, so that cutting the
     * power during the check does not give a free try. */
    counted = f->lock;
    counted.failures++;
    if (counted.failures >= FLOW_ADMIN_MAX_FAILURES)
        counted.locked_until = f->unix_s + flow_admin_lockout_s(counted.failures);
    if (adminlock_save(f->cfg.admin.lock_path, &counted) != CK_OK) {
        ck_err_clear();
        session_field_clear(f->session, SESSION_PIN);
        return flow_refuse(f, FLOW_MSG_ADMIN_UNAVAILABLE);
    }
    ok = len > 0 && crypto_pwhash_str_verify(f->cfg.admin.pin_hash, pin, len) == 0;
    session_field_clear(f->session, SESSION_PIN);
    if (!ok) {
        f->lock = counted;
        flow_admin_log(f, f->lock.failures >= FLOW_ADMIN_MAX_FAILURES ? FLOW_ADMIN_LOCKED
                                                                      : FLOW_ADMIN_FAILED);
        return flow_refuse(f, f->lock.failures >= FLOW_ADMIN_MAX_FAILURES ? FLOW_MSG_ADMIN_LOCKED
                                                                          : FLOW_MSG_PIN_WRONG);
    }
    f->lock.failures = 0;
    f->lock.locked_until = 0;
    if (adminlock_save(f->cfg.admin.lock_path, &f->lock) != CK_OK)
        ck_err_clear(); /* the count stays raised on disk: stricter, not looser */
    flow_admin_log(f, FLOW_ADMIN_LOGIN);
    memset(&f->stats, 0, sizeof f->stats);
    if (f->cfg.admin.stats != NULL)
        f->cfg.admin.stats(f->cfg.admin.ctx, &f->stats);
    flow_enter(f, FLOW_SCREEN_ADMIN);
    return CK_OK;
}

/* Stopping the kiosk takes two taps: the question, then the answer. A stray
 * tap on the admin screen must not take the kiosk out of service. */
CkErr
flow_on_admin_stop(Flow *f, const FlowEvent *ev)
{
    if (f->screen != FLOW_SCREEN_ADMIN || f->quit)
        return CK_ERR_USAGE;
    switch (ev->type) {
    case FLOW_EV_ADMIN_STOP:
        if (ev->index != FLOW_STOP_RESTART && ev->index != FLOW_STOP_MAINTENANCE)
            return CK_ERR_USAGE;
        f->stop_asked = (FlowStop)ev->index;
        return CK_OK;
    case FLOW_EV_ADMIN_STOP_CANCEL:
        if (f->stop_asked == FLOW_STOP_NONE)
            return CK_ERR_USAGE;
        f->stop_asked = FLOW_STOP_NONE;
        return CK_OK;
    case FLOW_EV_ADMIN_STOP_CONFIRM:
        if (f->stop_asked == FLOW_STOP_NONE)
            return CK_ERR_USAGE;
        flow_admin_log(f, f->stop_asked == FLOW_STOP_RESTART ? FLOW_ADMIN_RESTART
                                                             : FLOW_ADMIN_MAINTENANCE);
        f->stop = f->stop_asked;
        f->stop_asked = FLOW_STOP_NONE;
        f->quit = true;
        return CK_OK;
    default:
        return CK_ERR_USAGE;
    }
}
