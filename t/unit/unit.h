/* Shared scaffolding for the cmocka unit tests: the headers cmocka needs,
 * per-test APR pools, group fixtures with a pool per group and per test,
 * and main().  Header-only; every test program includes it first. */
#ifndef ZC_T_UNIT_H
#define ZC_T_UNIT_H

/* cmocka.h needs these before it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>

#include <cmocka.h>
#include <apr_general.h>
#include <apr_pools.h>

/* Per-test fixture: *state is a fresh APR pool, destroyed after the test. */
static inline int zc_t_setup(void **state)
{
    apr_pool_t *p;
    if (apr_pool_create(&p, NULL) != APR_SUCCESS)
        return -1;
    *state = p;
    return 0;
}

static inline int zc_t_teardown(void **state)
{
    apr_pool_destroy(*state);
    return 0;
}

/* A test run with a fresh pool in *state. */
#define ZC_T(fn) cmocka_unit_test_setup_teardown(fn, zc_t_setup, zc_t_teardown)

/* Group fixture: TYPE is a struct with members `apr_pool_t *pool` (lives
 * for the whole group) and `apr_pool_t *p` (one per test, a child of pool).
 * Defines, for that TYPE:
 *   zc_t_group_new()      calloc a TYPE and create its pool; NULL on failure
 *                         (for the file's own group setup);
 *   zc_t_group_teardown   destroy the pool and free the fixture;
 *   zc_t_fix_setup / zc_t_fix_teardown  the per-test child pool f->p,
 * used by ZC_T_FIX(fn). */
#define ZC_T_GROUP_FIXTURE(TYPE)                                      \
    static inline TYPE *zc_t_group_new(void)                          \
    {                                                                 \
        TYPE *f = calloc(1, sizeof *f);                               \
        if (f != NULL && apr_pool_create(&f->pool, NULL) != APR_SUCCESS) { \
            free(f);                                                  \
            f = NULL;                                                 \
        }                                                             \
        return f;                                                     \
    }                                                                 \
    static inline int zc_t_group_teardown(void **state)               \
    {                                                                 \
        TYPE *f = *state;                                             \
        if (f == NULL) /* cmocka tears down even after a failed setup */ \
            return 0;                                                 \
        apr_pool_destroy(f->pool);                                    \
        free(f);                                                      \
        return 0;                                                     \
    }                                                                 \
    static inline int zc_t_fix_setup(void **state)                    \
    {                                                                 \
        TYPE *f = *state;                                             \
        return apr_pool_create(&f->p, f->pool) == APR_SUCCESS ? 0 : -1; \
    }                                                                 \
    static inline int zc_t_fix_teardown(void **state)                 \
    {                                                                 \
        TYPE *f = *state;                                             \
        apr_pool_destroy(f->p);                                       \
        return 0;                                                     \
    }

/* A test run with the group fixture in *state and a fresh f->p. */
#define ZC_T_FIX(fn) cmocka_unit_test_setup_teardown(fn, zc_t_fix_setup, zc_t_fix_teardown)

/* main(): run the file-scope array TESTS as the group NAME between
 * apr_initialize() and apr_terminate(); GROUP_SETUP and GROUP_TEARDOWN
 * may be NULL. */
#define ZC_T_MAIN(name, tests, group_setup, group_teardown)                        \
    int main(void)                                                                 \
    {                                                                              \
        int rc;                                                                    \
        apr_initialize();                                                          \
        rc = cmocka_run_group_tests_name(name, tests, group_setup, group_teardown); \
        apr_terminate();                                                           \
        return rc;                                                                 \
    }

#endif
