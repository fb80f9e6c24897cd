/* Unit tests: access.c (who may act on whose account). */
#include "unit.h"

#include "access.h"

static int zc_t_may(apr_int64_t id, apr_int64_t org, int admin, apr_int64_t account_id, apr_int64_t org_id)
{
    zc_actor_t me = {.id = id, .org_id = org, .is_org_admin = admin};
    return zc_access_may_act_for(&me, account_id, org_id);
}

static void zc_t_own_account(void **state)
{
    assert_true(zc_t_may(7, 0, 0, 7, 0));
    assert_true(zc_t_may(7, 3, 0, 7, 3));
    assert_true(zc_t_may(7, 3, 1, 7, 3));
    assert_true(zc_t_may(7, 3, 0, 7, 0));    /* own account, whatever org the row says */
    assert_true(zc_t_may(7, 0, 1, 7, 0));    /* an admin without an org: still their own */
}

static void zc_t_others_as_user(void **state)
{
    assert_false(zc_t_may(7, 3, 0, 8, 3));   /* same org, not its admin */
    assert_false(zc_t_may(7, 0, 0, 8, 0));   /* both in no org */
    assert_false(zc_t_may(7, 3, 0, 8, 4));
}

static void zc_t_org_admin(void **state)
{
    assert_true(zc_t_may(7, 3, 1, 8, 3));    /* an account of their org */
    assert_false(zc_t_may(7, 3, 1, 8, 4));   /* another org */
    assert_false(zc_t_may(7, 3, 1, 8, 0));   /* an account in no org */
    assert_false(zc_t_may(7, 3, 1, 8, -3));
}

/* "In no organisation" is org 0: it is nobody's organisation, so an admin
 * flag without an organisation opens no other account. */
static void zc_t_org_admin_without_org(void **state)
{
    assert_false(zc_t_may(7, 0, 1, 8, 0));
    assert_false(zc_t_may(7, 0, 1, 8, 3));
}

/* No account is account 0. */
static void zc_t_no_account(void **state)
{
    assert_false(zc_t_may(0, 0, 0, 0, 0));
    assert_false(zc_t_may(0, 3, 1, 0, 0));
    assert_false(zc_t_may(7, 3, 0, 0, 3));
    assert_false(zc_t_may(7, 3, 1, 0, 3));   /* not even for the admin of its org */
}


static void zc_t_extremes(void **state)
{
    const apr_int64_t big = APR_INT64_MAX;
    assert_true(zc_t_may(big, 0, 0, big, 0));
    assert_false(zc_t_may(big, 0, 0, big - 1, 0));
    assert_true(zc_t_may(1, big, 1, 2, big));
    assert_false(zc_t_may(1, big, 1, 2, big - 1));
    assert_false(zc_t_may(7, 3, 2, 8, 4));   /* any true admin flag, another org */
    assert_true(zc_t_may(7, 3, 2, 8, 3));
}

static const struct CMUnitTest zc_t_tests[] = {
    cmocka_unit_test(zc_t_own_account),
    cmocka_unit_test(zc_t_others_as_user),
    cmocka_unit_test(zc_t_org_admin),
    cmocka_unit_test(zc_t_org_admin_without_org),
    cmocka_unit_test(zc_t_no_account),
    cmocka_unit_test(zc_t_extremes),
};

ZC_T_MAIN("access", zc_t_tests, NULL, NULL)
