/* Session expiry decisions (see session_expiry.h). */
#include "session_expiry.h"

apr_time_t zc_session_expiry_idle_end(apr_time_t last_seen_at, long idle)
{
    return last_seen_at + apr_time_from_sec(idle);
}

apr_time_t zc_session_expiry_end(const zc_session_t *s)
{
    return s->expires_at < s->idle_expires_at ? s->expires_at : s->idle_expires_at;
}

apr_interval_time_t zc_session_expiry_step(long idle)
{
    return apr_time_from_sec(idle / 4 < 60 ? idle / 4 : 60);
}

int zc_session_expiry_usable(const zc_session_t *s, apr_time_t now, long idle, long ttl)
{
    return now < s->expires_at && now < zc_session_expiry_idle_end(s->last_seen_at, idle)
           && now < s->cached_at + apr_time_from_sec(ttl);
}

int zc_session_expiry_touch_due(const zc_session_t *s, apr_time_t now, long idle)
{
    return now - s->last_seen_at >= zc_session_expiry_step(idle);
}
