/* Unit tests: pools.c (pools with their own locked allocator). */
#include "unit.h"

#include <apr_allocator.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include <string.h>

#include "pools.h"

static apr_thread_mutex_t *zc_t_mutex_of(apr_pool_t *p)
{
    return apr_allocator_mutex_get(apr_pool_allocator_get(p));
}

/* The pool has an allocator of its own, with a mutex, and is a subpool of
 * the parent: destroying the parent destroys it. */
static void zc_t_own_locked_allocator(void **state)
{
    apr_pool_t *parent = *state;
    apr_pool_t *p = zc_pool_create_threadsafe(parent);
    assert_non_null(p);
    assert_ptr_equal(apr_pool_parent_get(p), parent);
    assert_ptr_not_equal(apr_pool_allocator_get(p), apr_pool_allocator_get(parent));
    assert_non_null(zc_t_mutex_of(p));
    assert_true(apr_pool_is_ancestor(parent, p));
}

/* The session-event listener clears its pool after every batch.  The
 * allocator's mutex must survive that: it once lived in the pool itself, so
 * the clear destroyed it and the next allocations overwrote it while the
 * allocator went on locking it (helgrind: "unlocked an invalid lock"; a
 * child could hang at exit). */
static void zc_t_clear_keeps_mutex(void **state)
{
    apr_pool_t *p = zc_pool_create_threadsafe(*state);
    assert_non_null(p);
    apr_thread_mutex_t *m = zc_t_mutex_of(p);
    for (int round = 0; round < 3; round++) {
        apr_pool_clear(p);
        /* Reuses the pool's first block, where a mutex of p's own would be. */
        memset(apr_palloc(p, 4096), 0xA5, 4096);
        for (int i = 0; i < 8; i++) /* more blocks: the allocator locks its mutex */
            memset(apr_palloc(p, 16384), 0x5A, 16384);
        assert_ptr_equal(zc_t_mutex_of(p), m);
        assert_int_equal(apr_thread_mutex_trylock(m), APR_SUCCESS);
        assert_int_equal(apr_thread_mutex_unlock(m), APR_SUCCESS);
    }
}

/* Several threads make, fill and free subpools of the one pool at once, as
 * the CRL watcher and logins do (smoke test; helgrind: t/stress/pools-helgrind). */
static void *APR_THREAD_FUNC zc_t_churn(apr_thread_t *t, void *data)
{
    apr_pool_t *p = data;
    for (int i = 0; i < 200; i++) {
        apr_pool_t *sub;
        if (apr_pool_create(&sub, p) != APR_SUCCESS)
            break;
        memset(apr_palloc(sub, 1000 + (apr_size_t)(i % 7) * 5000), 1, 1000);
        apr_pool_destroy(sub);
    }
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void zc_t_threads(void **state)
{
    apr_pool_t *p = zc_pool_create_threadsafe(*state);
    apr_thread_t *t[4];
    apr_status_t rv;
    assert_non_null(p);
    for (int i = 0; i < 4; i++)
        assert_int_equal(apr_thread_create(&t[i], NULL, zc_t_churn, p, *state), APR_SUCCESS);
    for (int i = 0; i < 4; i++)
        assert_int_equal(apr_thread_join(&rv, t[i]), APR_SUCCESS);
    apr_pool_clear(p);
}

static const struct CMUnitTest zc_t_tests[] = {
    ZC_T(zc_t_own_locked_allocator),
    ZC_T(zc_t_clear_keeps_mutex),
    ZC_T(zc_t_threads),
};

ZC_T_MAIN("pools", zc_t_tests, NULL, NULL)
