/* When a session ends, and when a copy of it may be used without asking
 * PostgreSQL (pure: no httpd headers).
 *
 * A session ends at the first of two times: expires_at, fixed at login
 * (ZcyCASessionMax), and its idle end, last_seen_at + ZcyCASessionIdle.
 * Both are strict: at the very microsecond it is over (PostgreSQL's
 * SESSION_GET says the same: expires_at > now(), last_seen_at > now() -
 * idle).  last_seen_at is written only when that moves the idle end by a
 * step, min(60 s, idle / 4), not on every request. */
#ifndef ZC_SESSION_EXPIRY_H
#define ZC_SESSION_EXPIRY_H

#include <apr_time.h>
#include "session_entry.h"

/* last_seen_at + idle seconds. */
apr_time_t zc_session_expiry_idle_end(apr_time_t last_seen_at, long idle);

/* The earlier of s->expires_at and s->idle_expires_at: when it ends. */
apr_time_t zc_session_expiry_end(const zc_session_t *s);

/* How far the idle end must move before last_seen_at is written:
 * min(60 s, idle / 4 s). */
apr_interval_time_t zc_session_expiry_step(long idle);

/* 1 when a copy of s (from the cache or a connection's memo) may be used at
 * now without PostgreSQL: s has not ended (either time), and PostgreSQL
 * vouched for it (cached_at) less than ttl seconds ago. */
int zc_session_expiry_usable(const zc_session_t *s, apr_time_t now, long idle, long ttl);

/* 1 when last_seen_at is due to be written at now (a step or more old). */
int zc_session_expiry_touch_due(const zc_session_t *s, apr_time_t now, long idle);

#endif
