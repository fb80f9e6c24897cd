/* Session expiry decisions (see session_expiry.h). */
#include "session_expiry.h"

/* t + d, held at the ends of apr_time_t: the times come from the session
 * cache and the database, and one near either end must not overflow (t/fuzz
 * found last_seen_at = INT64_MAX in a cache entry doing that). */
static apr_time_t zc_time_add(apr_time_t t, apr_interval_time_t d)
{
    if (d > 0 && t > APR_INT64_MAX - d)
        return APR_INT64_MAX;
    if (d < 0 && t < APR_INT64_MIN - d)
        return APR_INT64_MIN;
    return t + d;
}

apr_time_t zc_session_expiry_idle_end(apr_time_t last_seen_at, long idle)
{
    return zc_time_add(last_seen_at, apr_time_from_sec(idle));
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
           && now < zc_time_add(s->cached_at, apr_time_from_sec(ttl));
}

int zc_session_expiry_touch_due(const zc_session_t *s, apr_time_t now, long idle)
{
    /* now - last_seen_at >= step, the difference taken unsigned: exact for any two times */
    return now >= s->last_seen_at
           && (apr_uint64_t)now - (apr_uint64_t)s->last_seen_at >= (apr_uint64_t)zc_session_expiry_step(idle);
}
