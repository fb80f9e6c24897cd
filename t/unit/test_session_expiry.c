/* Unit tests: session_expiry.c (when a session ends; when a copy of it may
 * be used without PostgreSQL; when last_seen_at is written). */
#include "unit.h"

#include "session_expiry.h"

#define ZC_T_S(n) apr_time_from_sec(n)
#define ZC_T_T0 apr_time_from_sec(1795521600) /* login */
#define ZC_T_IDLE 1800
#define ZC_T_MAX 28800
#define ZC_T_TTL 60

/* A session logged in at T0, last seen `seen` seconds later, vouched for by
 * PostgreSQL `cached` seconds after T0. */
static zc_session_t zc_t_session(long seen, long cached)
{
    zc_session_t s = {.account_id = 1, .login = "zhangsan", .method = "ca", .created_at = ZC_T_T0,
                      .expires_at = ZC_T_T0 + ZC_T_S(ZC_T_MAX), .last_seen_at = ZC_T_T0 + ZC_T_S(seen),
                      .cached_at = ZC_T_T0 + ZC_T_S(cached)};
    s.idle_expires_at = zc_session_expiry_idle_end(s.last_seen_at, ZC_T_IDLE);
    return s;
}

static int zc_t_usable(const zc_session_t *s, apr_time_t now)
{
    return zc_session_expiry_usable(s, now, ZC_T_IDLE, ZC_T_TTL);
}

static void zc_t_idle_end(void **state)
{
    assert_true(zc_session_expiry_idle_end(ZC_T_T0, 1800) == ZC_T_T0 + ZC_T_S(1800));
    assert_true(zc_session_expiry_idle_end(ZC_T_T0 + 7, 1) == ZC_T_T0 + 7 + ZC_T_S(1));
    assert_true(zc_session_expiry_idle_end(ZC_T_T0, 604800) == ZC_T_T0 + ZC_T_S(604800)); /* the largest idle */
}

static void zc_t_end(void **state)
{
    zc_session_t s = zc_t_session(0, 0);
    assert_true(zc_session_expiry_end(&s) == ZC_T_T0 + ZC_T_S(ZC_T_IDLE));      /* idle first */
    s = zc_t_session(ZC_T_MAX - 60, ZC_T_MAX - 60);
    assert_true(zc_session_expiry_end(&s) == s.expires_at);                   /* max first */
    s.idle_expires_at = s.expires_at;
    assert_true(zc_session_expiry_end(&s) == s.expires_at);                   /* the same */
}

/* min(60 s, idle / 4), whole seconds. */
static void zc_t_step(void **state)
{
    assert_true(zc_session_expiry_step(1800) == ZC_T_S(60));
    assert_true(zc_session_expiry_step(241) == ZC_T_S(60));
    assert_true(zc_session_expiry_step(240) == ZC_T_S(60));
    assert_true(zc_session_expiry_step(239) == ZC_T_S(59));
    assert_true(zc_session_expiry_step(7) == ZC_T_S(1));
    assert_true(zc_session_expiry_step(4) == ZC_T_S(1));
    assert_true(zc_session_expiry_step(3) == 0);   /* very short idle: written on every request */
    assert_true(zc_session_expiry_step(1) == 0);
}

static void zc_t_touch_due(void **state)
{
    zc_session_t s = zc_t_session(100, 100);
    apr_time_t seen = s.last_seen_at;
    assert_false(zc_session_expiry_touch_due(&s, seen, ZC_T_IDLE));
    assert_false(zc_session_expiry_touch_due(&s, seen + ZC_T_S(60) - 1, ZC_T_IDLE));
    assert_true(zc_session_expiry_touch_due(&s, seen + ZC_T_S(60), ZC_T_IDLE));   /* exactly a step */
    assert_true(zc_session_expiry_touch_due(&s, seen + ZC_T_S(61), ZC_T_IDLE));
    /* last_seen_at from a database clock ahead of ours: not due */
    assert_false(zc_session_expiry_touch_due(&s, seen - ZC_T_S(5), ZC_T_IDLE));
    /* idle < 4: due on every request */
    assert_true(zc_session_expiry_touch_due(&s, seen, 3));
}

static void zc_t_usable_inside(void **state)
{
    zc_session_t s = zc_t_session(100, 100);
    assert_true(zc_t_usable(&s, s.cached_at));
    assert_true(zc_t_usable(&s, s.cached_at + ZC_T_S(30)));
}

/* Each time is strict: at the very microsecond, the session (or the copy's
 * trust) is over. */
static void zc_t_usable_boundaries(void **state)
{
    /* The cache TTL: vouched for at 100 s, usable until 160 s. */
    zc_session_t s = zc_t_session(100, 100);
    assert_true(zc_t_usable(&s, s.cached_at + ZC_T_S(ZC_T_TTL) - 1));
    assert_false(zc_t_usable(&s, s.cached_at + ZC_T_S(ZC_T_TTL)));
    assert_false(zc_t_usable(&s, s.cached_at + ZC_T_S(ZC_T_TTL) + 1));

    /* The idle end: last seen at 0, vouched for just before the end. */
    s = zc_t_session(0, ZC_T_IDLE - 10);
    apr_time_t idle_end = ZC_T_T0 + ZC_T_S(ZC_T_IDLE);
    assert_true(zc_t_usable(&s, idle_end - 1));
    assert_false(zc_t_usable(&s, idle_end));
    assert_false(zc_t_usable(&s, idle_end + 1));

    /* The absolute end, however recently it was seen. */
    s = zc_t_session(ZC_T_MAX - 10, ZC_T_MAX - 10);
    assert_true(zc_t_usable(&s, s.expires_at - 1));
    assert_false(zc_t_usable(&s, s.expires_at));
    assert_false(zc_t_usable(&s, s.expires_at + ZC_T_S(1)));
}

/* The idle time is the caller's, not the one the copy was made with (a
 * virtual host with a shorter ZcyCASessionIdle). */
static void zc_t_usable_idle_of_caller(void **state)
{
    zc_session_t s = zc_t_session(0, 0);
    apr_time_t now = ZC_T_T0 + ZC_T_S(30);
    assert_true(zc_session_expiry_usable(&s, now, 31, ZC_T_TTL));
    assert_false(zc_session_expiry_usable(&s, now, 30, ZC_T_TTL));
    assert_false(zc_session_expiry_usable(&s, now, 0, ZC_T_TTL));
}

/* What a cache miss leaves (all zero), and a copy PostgreSQL never vouched for. */
static void zc_t_usable_empty(void **state)
{
    zc_session_t none = {0};
    assert_false(zc_t_usable(&none, ZC_T_T0));
    assert_false(zc_t_usable(&none, 0));
    zc_session_t s = zc_t_session(0, 0);
    s.cached_at = 0;
    assert_false(zc_t_usable(&s, ZC_T_T0));
    s = zc_t_session(0, 0);
    assert_false(zc_session_expiry_usable(&s, ZC_T_T0, ZC_T_IDLE, 0)); /* ttl 0: never trusted */
}

/* Times at the ends of apr_time_t (a cache entry or a row can hold any):
 * no overflow (t/fuzz/corpus/session_entry/regress-expiry-overflow). */
static void zc_t_extreme_times(void **state)
{
    zc_session_t s = zc_t_session(0, 0);
    assert_true(zc_session_expiry_idle_end(APR_INT64_MAX, ZC_T_IDLE) == APR_INT64_MAX);
    assert_true(zc_session_expiry_idle_end(APR_INT64_MAX - 5, ZC_T_IDLE) == APR_INT64_MAX);
    assert_true(zc_session_expiry_idle_end(APR_INT64_MIN, ZC_T_IDLE) == APR_INT64_MIN + ZC_T_S(ZC_T_IDLE));
    s.last_seen_at = APR_INT64_MIN;   /* seen at the dawn of time: due */
    assert_true(zc_session_expiry_touch_due(&s, ZC_T_T0, ZC_T_IDLE));
    assert_true(zc_session_expiry_touch_due(&s, APR_INT64_MIN + ZC_T_S(60), ZC_T_IDLE));
    assert_false(zc_session_expiry_touch_due(&s, APR_INT64_MIN, ZC_T_IDLE));
    s.last_seen_at = APR_INT64_MAX;   /* seen in the far future: not due */
    assert_false(zc_session_expiry_touch_due(&s, ZC_T_T0, ZC_T_IDLE));
    s = zc_t_session(0, 0);
    s.cached_at = APR_INT64_MAX;
    assert_true(zc_t_usable(&s, ZC_T_T0));
    s.cached_at = APR_INT64_MIN;
    assert_false(zc_t_usable(&s, ZC_T_T0));
}

static const struct CMUnitTest zc_t_tests[] = {
    cmocka_unit_test(zc_t_idle_end),
    cmocka_unit_test(zc_t_end),
    cmocka_unit_test(zc_t_step),
    cmocka_unit_test(zc_t_touch_due),
    cmocka_unit_test(zc_t_usable_inside),
    cmocka_unit_test(zc_t_usable_boundaries),
    cmocka_unit_test(zc_t_usable_idle_of_caller),
    cmocka_unit_test(zc_t_usable_empty),
    cmocka_unit_test(zc_t_extreme_times),
};

ZC_T_MAIN("session_expiry", zc_t_tests, NULL, NULL)
